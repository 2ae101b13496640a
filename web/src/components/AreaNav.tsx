import { NavLink } from 'react-router';

const AREAS = {
  seller: [
    ['/seller/products', 'Products'],
    ['/seller/stock', 'Stock'],
    ['/seller/import', 'CSV import'],
    ['/seller/orders', 'Orders'],
  ],
  admin: [
    ['/admin', 'Dashboard'],
    ['/admin/flash-sales', 'Flash sales'],
    ['/admin/orders', 'Orders'],
    ['/admin/flags', 'Feature flags'],
    ['/admin/users', 'Users'],
  ],
} as const;

/** The seller portal's or the admin area's own navigation. */
export function AreaNav({ area }: { area: keyof typeof AREAS }) {
  return (
    <nav className="area-nav" aria-label={area === 'seller' ? 'Seller portal' : 'Administration'}>
      {AREAS[area].map(([to, label]) => (
        <NavLink key={to} to={to} end>
          {label}
        </NavLink>
      ))}
    </nav>
  );
}

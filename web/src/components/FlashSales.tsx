import { Link } from 'react-router';
import { useFlashSales } from '@/api/flash';
import type { FlashSale, FlashSaleItem } from '@/api/types';
import { Countdown } from './Countdown';
import { formatMoney } from './Price';

/** "12 of 50 left" with a bar. */
export function Remaining({ item }: { item: FlashSaleItem }) {
  const total = Math.max(item.allocated || item.quantity, 1);
  return (
    <div className="remaining">
      <span>
        {item.remaining} of {item.allocated || item.quantity} left
      </span>
      <meter min={0} max={total} value={item.remaining} aria-label={`Units left of ${item.title}`} />
    </div>
  );
}

export function SaleTimer({ sale }: { sale: FlashSale }) {
  if (sale.state === 'scheduled') return <Countdown to={sale.startsAt} label="Starts in" done="Starting…" />;
  if (sale.state === 'active') return <Countdown to={sale.endsAt} label="Ends in" />;
  return <span>{sale.state === 'sold_out' ? 'Sold out' : 'Ended'}</span>;
}

function SaleCard({ sale }: { sale: FlashSale }) {
  return (
    <li className="sale-card">
      <h3>
        <Link to={`/flash-sales/${sale.id}`}>{sale.name}</Link>
      </h3>
      <p>
        <SaleTimer sale={sale} />
      </p>
      <ul className="plain">
        {sale.items.slice(0, 3).map((item) => (
          <li key={item.sku}>
            <span>{item.title}</span> <strong className="sale">{formatMoney(item.salePrice)}</strong>{' '}
            <s className="muted">{formatMoney(item.regularPrice)}</s>
            {sale.state === 'active' && <Remaining item={item} />}
          </li>
        ))}
      </ul>
    </li>
  );
}

/** Running and upcoming flash sales, for the home page; nothing at all when there are none. */
export function FlashSalesStrip() {
  const active = useFlashSales('active');
  const scheduled = useFlashSales('scheduled', 30_000);
  const sales = [...(active.data?.items ?? []), ...(scheduled.data?.items ?? [])];
  if (sales.length === 0) return null;
  return (
    <section aria-labelledby="flash-heading" className="flash-strip">
      <h2 id="flash-heading">Flash sales</h2>
      <ul className="sale-cards">
        {sales.map((s) => (
          <SaleCard key={s.id} sale={s} />
        ))}
      </ul>
    </section>
  );
}

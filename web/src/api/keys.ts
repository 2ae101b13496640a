import type { ProductQuery } from './types';

/** Every query key the app uses, so invalidations name whole families: `keys.products.all`. */
export const keys = {
  me: ['me'] as const,
  addresses: ['me', 'addresses'] as const,
  categories: ['categories'] as const,
  products: {
    all: ['products'] as const,
    list: (query: ProductQuery) => ['products', 'list', query] as const,
    detail: (idOrSlug: string) => ['products', 'detail', idOrSlug] as const,
    recommendations: (idOrSlug: string) => ['products', 'recommendations', idOrSlug] as const,
  },
  search: {
    all: ['search'] as const,
    results: (query: Record<string, string>) => ['search', 'results', query] as const,
    suggest: (q: string) => ['search', 'suggest', q] as const,
  },
  cart: {
    all: ['cart'] as const,
    current: (owner: string, country: string) => ['cart', owner, country] as const,
  },
  orders: {
    all: ['orders'] as const,
    list: (cursor: string | undefined) => ['orders', 'list', cursor ?? ''] as const,
    detail: (id: string) => ['orders', 'detail', id] as const,
  },
  flashSales: {
    all: ['flash-sales'] as const,
    list: (state: string) => ['flash-sales', 'list', state] as const,
    detail: (id: string) => ['flash-sales', 'detail', id] as const,
  },
  seller: {
    products: (query: Record<string, string | undefined>) => ['seller', 'products', query] as const,
    orders: (cursor: string | undefined) => ['seller', 'orders', cursor ?? ''] as const,
    inventory: (sku: string) => ['seller', 'inventory', sku] as const,
    movements: (sku: string, cursor: string | undefined) =>
      ['seller', 'movements', sku, cursor ?? ''] as const,
    import: (id: string) => ['seller', 'import', id] as const,
  },
  admin: {
    users: (query: { email?: string; role?: string; cursor?: string }) => ['admin', 'users', query] as const,
    flags: ['admin', 'flags'] as const,
    sales: (query: Record<string, string>) => ['admin', 'sales', query] as const,
  },
};

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
  },
  search: {
    all: ['search'] as const,
    results: (query: Record<string, string>) => ['search', 'results', query] as const,
    suggest: (q: string) => ['search', 'suggest', q] as const,
  },
  admin: {
    users: (query: { email?: string; role?: string; cursor?: string }) => ['admin', 'users', query] as const,
  },
};

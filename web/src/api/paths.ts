import type { ProductQuery, SaleState } from './types';

// No imports but types: `early-reads.ts` uses this file before the app's script has loaded.

type Query = Record<string, string | number | boolean | undefined | null>;

/** `/v1/products` + `{brand: 'Acme', cursor: undefined}` → `/v1/products?brand=Acme`. */
export function withQuery(path: string, query: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

/** The search parameters the page keeps in its URL, passed to GET /v1/search as they are. */
export const SEARCH_PARAMS = [
  'q',
  'categoryId',
  'brand',
  'minPrice',
  'maxPrice',
  'inStock',
  'sort',
  'cursor',
];

/** A listing's search: the URL's search parameters, and the page's `fixed` ones over them. */
export function searchQuery(
  params: URLSearchParams,
  fixed: Record<string, string> = {},
): Record<string, string> {
  const q: Record<string, string> = {};
  for (const k of SEARCH_PARAMS) {
    const v = params.get(k);
    if (v) q[k] = v;
  }
  return { ...q, ...fixed };
}

/** The home page's newest products. */
export const NEW_ARRIVALS: ProductQuery = { sort: 'newest', limit: 12 };

/**
 * The public reads of the storefront's pages. The data hooks and `early-reads.ts` build their URLs
 * here, so a read started before the app has loaded is the very one the page then asks for.
 */
export const reads = {
  categories: '/v1/categories',
  product: (idOrSlug: string) => `/v1/products/${encodeURIComponent(idOrSlug)}`,
  /** "Customers also bought" (the server's default number of products). */
  recommendations: (idOrSlug: string) => `/v1/products/${encodeURIComponent(idOrSlug)}/recommendations`,
  products: (query: ProductQuery) => withQuery('/v1/products', { ...query }),
  search: (query: Record<string, string>) => withQuery('/v1/search', { limit: 24, ...query }),
  flashSales: (state: SaleState | '') =>
    withQuery('/v1/flash-sales', { state: state || undefined, limit: 20 }),
};

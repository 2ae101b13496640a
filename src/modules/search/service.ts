import type { Ctx } from '../../platform/context.js';
import type { NearCache } from '../../platform/near-cache.js';
import { ValidationError } from '../../platform/errors.js';
import * as repo from './repository.js';
import type { SearchQuery, SearchResult } from './schemas.js';

/** Longest query text that is searched; the rest is ignored, not refused. */
const MAX_TEXT = 200;

/**
 * Query text as the database sees it: letters, digits, spaces and the few characters
 * `websearch_to_tsquery` understands (`"`, `-`, `'`). Everything reaches SQL as a parameter;
 * this only keeps punctuation from becoming noise. Empty when nothing searchable is left.
 */
export function searchText(q: string | undefined): string | undefined {
  const text = (q ?? '')
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}\s"'-]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_TEXT)
    .trim();
  return /[\p{L}\p{N}]/u.test(text) ? text : undefined;
}

function encodeCursor(value: number | string, id: string): string {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

function decodeCursor(cursor: string): repo.After | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (
      Array.isArray(v) &&
      v.length === 2 &&
      (typeof v[0] === 'number' || (typeof v[0] === 'string' && !Number.isNaN(Date.parse(v[0])))) &&
      typeof v[1] === 'string' &&
      /^[0-9a-f-]{36}$/.test(v[1])
    )
      return { value: v[0], id: v[1] };
  } catch {
    // a malformed cursor is reported below
  }
  return undefined;
}

function attributeFilters(query: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(query))
    if (key.startsWith('attr.') && typeof value === 'string') out[key.slice(5)] = value;
  return out;
}

function priceFacet(rows: repo.FacetRow[]) {
  const edges = repo.PRICE_EDGES;
  return rows
    .filter((r) => r.bucket !== null && r.grouping === 0b110)
    .sort((a, b) => (a.bucket ?? 0) - (b.bucket ?? 0))
    .map((r) => {
      const i = r.bucket ?? 0;
      return {
        ...(i > 0 ? { from: edges[i - 1] } : {}),
        ...(i < edges.length ? { to: edges[i] } : {}),
        count: r.n,
      };
    });
}

/**
 * Full-text and typo-tolerant search with filters, facets over the filtered set, a total, and
 * keyset pagination. Without text, `relevance` falls back to `newest`.
 * @throws ValidationError for a malformed cursor or an empty price range
 */
export async function search(ctx: Pick<Ctx, 'db'>, query: SearchQuery): Promise<SearchResult> {
  const text = searchText(query.q);
  const sort = query.sort === 'relevance' || !query.sort ? (text ? 'relevance' : 'newest') : query.sort;
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  if (query.cursor && !after)
    throw new ValidationError([{ path: '/query/cursor', message: 'is not a valid cursor' }]);
  if (query.minPrice !== undefined && query.maxPrice !== undefined && query.minPrice > query.maxPrice)
    throw new ValidationError([{ path: '/query/minPrice', message: 'must not exceed maxPrice' }]);
  const words = text?.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const corrected = text ? (await repo.correctWords(ctx.db, words.slice(0, 8))).join(' ') : undefined;
  const filter: repo.SearchFilter = {
    text,
    corrected: corrected && corrected !== words.slice(0, 8).join(' ') ? corrected : undefined,
    categoryId: query.categoryId,
    brand: query.brand,
    sellerId: query.sellerId,
    minPrice: query.minPrice,
    maxPrice: query.maxPrice,
    inStock: query.inStock,
    attributes: attributeFilters(query),
  };
  let [hits, facets] = await Promise.all([
    repo.searchPage(ctx.db, filter, sort, after, query.limit),
    repo.facetCounts(ctx.db, filter),
  ]);
  if (text && !facets.some((r) => r.grouping === 0b111 && r.n > 0)) {
    // nothing matched the words (even corrected): look for titles that are close to the text
    filter.fuzzy = true;
    [hits, facets] = await Promise.all([
      repo.searchPage(ctx.db, filter, sort, after, query.limit),
      repo.facetCounts(ctx.db, filter),
    ]);
  }
  const more = hits.length > query.limit;
  const page = more ? hits.slice(0, query.limit) : hits;
  const last = page.at(-1);
  const cursorValue = (h: repo.Hit) =>
    sort === 'relevance' ? h.score : sort === 'newest' ? h.created_at.toISOString() : Number(h.price_amount);
  // grouping() bits (brand, category_id, bucket): 1 means "not grouped by this column"
  const counts = (bits: number, key: 'brand' | 'category_id') =>
    facets
      .filter((r) => r.grouping === bits && r[key] !== null)
      .sort((a, b) => b.n - a.n || String(a[key]).localeCompare(String(b[key])))
      .slice(0, 30)
      .map((r) => ({ value: String(r[key]), count: r.n }));
  return {
    items: page.map((h) => ({
      id: h.product_id,
      title: h.title,
      slug: h.slug,
      brand: h.brand,
      description: h.description,
      sellerId: h.seller_id,
      categoryId: h.category_id,
      price: { amount: Number(h.price_amount), currency: h.currency },
      inStock: h.in_stock,
      attributes: h.attributes,
      image: h.image,
      createdAt: h.created_at.toISOString(),
      score: h.score,
    })),
    total: facets.find((r) => r.grouping === 0b111)?.n ?? 0,
    facets: {
      brand: counts(0b011, 'brand'),
      categoryId: counts(0b101, 'category_id'),
      price: priceFacet(facets),
    },
    nextCursor: more && last ? encodeCursor(cursorValue(last), last.product_id) : null,
  };
}

/** Seconds a search answer is served from the cache; also the longest an answer can lag the index. */
export const ANSWER_TTL_SECONDS = 10;
export const INDEX_GENERATION = 'search:index';

/**
 * `search`, served from the answer cache as serialized JSON: answers are keyed by the index
 * generation, which every applied event bumps, and live at most ANSWER_TTL_SECONDS.
 */
export async function cachedSearchJson(
  ctx: Pick<Ctx, 'db'>,
  cache: NearCache,
  query: SearchQuery,
): Promise<string> {
  const key = JSON.stringify(Object.entries(query).sort(([a], [b]) => a.localeCompare(b)));
  const gen = await cache.generation(INDEX_GENERATION);
  return cache.read(`search:a:${gen}:${key}`, ANSWER_TTL_SECONDS, async () =>
    JSON.stringify(await search(ctx, query)),
  );
}

/** Up to 10 completions for a prefix: brands and titles that start with it, then titles with a word that does. */
export async function suggest(ctx: Pick<Ctx, 'db'>, q: string): Promise<string[]> {
  const prefix = q.normalize('NFKC').replace(/\s+/g, ' ').trim().slice(0, 100);
  if (!/[\p{L}\p{N}]/u.test(prefix)) return [];
  const lastWord = prefix
    .split(' ')
    .at(-1)
    ?.replace(/[^\p{L}\p{N}]/gu, '')
    .toLowerCase();
  const found = await repo.completions(ctx.db, prefix, lastWord || undefined, 10);
  return [...new Set(found)].slice(0, 10);
}

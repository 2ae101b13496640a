import type { Ctx } from '../../platform/context.js';
import type { NearCache } from '../../platform/near-cache.js';
import { ValidationError } from '../../platform/errors.js';
import { isIsoInstant, isUuid } from '../../platform/ids.js';
import { answer, type MatchSets } from './match-sets.js';
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
      (typeof v[0] === 'number' || (typeof v[0] === 'string' && isIsoInstant(v[0]))) &&
      typeof v[1] === 'string' &&
      isUuid(v[1])
    )
      return { value: v[0], id: v[1] };
  } catch {
    // a malformed cursor is reported below
  }
  return undefined;
}

/** A cursor's value has its sort's type: a price fits the column (a safe integer), a score is finite. */
function cursorFits(after: repo.After, sort: repo.SearchSort): boolean {
  switch (sort) {
    case 'relevance':
      return Number.isFinite(after.value);
    case 'newest':
      return typeof after.value === 'string';
    case 'price_asc':
    case 'price_desc':
      return Number.isSafeInteger(after.value);
  }
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

/** The cursor value of a match in `sort` order. */
function matchCursor(m: repo.MatchRow, sort: repo.SearchSort): number | string {
  switch (sort) {
    case 'relevance':
      return m.score;
    case 'newest':
      return new Date(m.created_ms).toISOString();
    case 'price_asc':
    case 'price_desc':
      return m.price_amount;
  }
}

/**
 * Full-text and typo-tolerant search with filters, facets over the filtered set, a total, and
 * keyset pagination. Without text, `relevance` falls back to `newest`. With text, filters, facets
 * and the page are computed over the text's match set (`match-sets.ts`); the typo-tolerant title
 * match runs only when the words, even corrected, match nothing at all.
 * @throws ValidationError for a malformed cursor or an empty price range
 */
export async function search(
  ctx: Pick<Ctx, 'db'>,
  query: SearchQuery,
  matches: { sets: MatchSets; generation: string },
): Promise<SearchResult> {
  const text = searchText(query.q);
  const sort = query.sort === 'relevance' || !query.sort ? (text ? 'relevance' : 'newest') : query.sort;
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  if (query.cursor && (!after || !cursorFits(after, sort)))
    throw new ValidationError([{ path: '/query/cursor', message: 'is not a valid cursor' }]);
  if (query.minPrice !== undefined && query.maxPrice !== undefined && query.minPrice > query.maxPrice)
    throw new ValidationError([{ path: '/query/minPrice', message: 'must not exceed maxPrice' }]);
  const filter: repo.SearchFilter = {
    categoryId: query.categoryId,
    brand: query.brand,
    sellerId: query.sellerId,
    minPrice: query.minPrice,
    maxPrice: query.maxPrice,
    inStock: query.inStock,
    attributes: attributeFilters(query),
  };
  let page: repo.Hit[];
  let facets: repo.FacetRow[];
  let next: repo.After | undefined;
  if (text) {
    const words = (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8);
    const corrected = await matches.sets.spelling(ctx.db, matches.generation, words);
    const key = { text, corrected: corrected !== words.join(' ') ? corrected : undefined, fuzzy: false };
    let set = await matches.sets.get(ctx.db, matches.generation, key);
    // nothing matched the words (even corrected): look for titles that are close to the text
    if (!set.rows.length) set = await matches.sets.get(ctx.db, matches.generation, { ...key, fuzzy: true });
    const found = answer(set, filter, sort, after, query.limit);
    facets = found.facets;
    const shown = found.page.slice(0, query.limit);
    const last = shown.at(-1);
    if (found.page.length > query.limit && last)
      next = { value: matchCursor(last, sort), id: last.product_id };
    const rows = await matches.sets.hitsByIds(
      ctx.db,
      matches.generation,
      shown.map((m) => m.product_id),
    );
    // a document changed since the set was read shows as it is now; one no longer listed is left out
    page = shown.flatMap((m) => {
      const row = rows.get(m.product_id);
      return row ? [{ ...row, score: m.score }] : [];
    });
  } else {
    const [hits, rows] = await Promise.all([
      repo.searchPage(ctx.db, filter, sort, after, query.limit),
      repo.facetCounts(ctx.db, filter),
    ]);
    facets = rows;
    page = hits.slice(0, query.limit);
    const last = page.at(-1);
    if (hits.length > query.limit && last)
      next = {
        value: sort === 'newest' ? last.created_at.toISOString() : Number(last.price_amount),
        id: last.product_id,
      };
  }
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
    nextCursor: next ? encodeCursor(next.value, next.id) : null,
  };
}

/** Seconds a search answer is served from the cache; also the longest an answer can lag the index. */
export const ANSWER_TTL_SECONDS = 10;
export const INDEX_GENERATION = 'search:index';

/**
 * `search`, served from the answer cache as serialized JSON: answers are keyed by the index
 * generation, which every applied event bumps, and live at most ANSWER_TTL_SECONDS; so do the
 * match sets they are computed from.
 */
export async function cachedSearchJson(
  ctx: Pick<Ctx, 'db'>,
  cache: NearCache,
  sets: MatchSets,
  query: SearchQuery,
): Promise<string> {
  const key = JSON.stringify(Object.entries(query).sort(([a], [b]) => a.localeCompare(b)));
  const generation = await cache.generation(INDEX_GENERATION);
  return cache.read(`search:a:${generation}:${key}`, ANSWER_TTL_SECONDS, async () =>
    JSON.stringify(await search(ctx, query, { sets, generation })),
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

import { LRUCache } from 'lru-cache';
import type { AnyDb } from '../../platform/db.js';
import * as repo from './repository.js';

/**
 * Text search in two steps. The database finds and ranks the documents that match the words
 * (the costly part: the GIN lookup, a heap visit and `ts_rank_cd` per matching row, ~25 ms for a
 * common word on the 100k seed), once per text and index generation; the filters, the facet
 * counts, the total, the sort and the cursor are then applied to that match set here (~0.05 ms for
 * 2,000 matches), and only the page's rows are read back by primary key. Searches for the same
 * words with other filters, sorts or pages, the usual way a shopper narrows a search, so cost one
 * small statement instead of two full scans of the matches.
 *
 * The counts are exact: every filter is applied to every match, as the SQL filter would
 * (`filtered()` in the repository), and a test keeps the two equal.
 */

export interface MatchSet {
  /** In relevance order: score descending, then product id ascending. */
  rows: repo.MatchRow[];
  /**
   * The filtered and counted columns, one entry per row: brands, categories and sellers as
   * indices into the distinct values, so the loop over a set compares and counts integers.
   */
  brands: string[];
  brand: Uint32Array;
  categories: { id: string; path: string[] }[];
  category: Uint32Array;
  sellers: string[];
  seller: Uint32Array;
  price: Float64Array;
  bucket: Uint8Array;
  inStock: Uint8Array;
  /** The other orders, computed on first use (indices into `rows`). */
  orders: Partial<Record<Exclude<repo.SearchSort, 'relevance'>, Uint32Array>>;
}

/** Numbers each distinct value of a column in order of first appearance. */
function dictionary<T>(n: number, valueOf: (i: number) => string, make: (i: number) => T) {
  const index = new Map<string, number>();
  const values: T[] = [];
  const codes = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const v = valueOf(i);
    let code = index.get(v);
    if (code === undefined) {
      code = values.length;
      index.set(v, code);
      values.push(make(i));
    }
    codes[i] = code;
  }
  return { values, codes };
}

export function toMatchSet(rows: repo.MatchRow[]): MatchSet {
  const n = rows.length;
  const brands = dictionary(
    n,
    (i) => rows[i].brand,
    (i) => rows[i].brand,
  );
  const categories = dictionary(
    n,
    (i) => rows[i].category_id,
    (i) => ({ id: rows[i].category_id, path: rows[i].category_ids }),
  );
  const sellers = dictionary(
    n,
    (i) => rows[i].seller_id,
    (i) => rows[i].seller_id,
  );
  const price = new Float64Array(n);
  const bucket = new Uint8Array(n);
  const inStock = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    price[i] = rows[i].price_amount;
    bucket[i] = priceBucket(rows[i].price_amount);
    inStock[i] = rows[i].in_stock ? 1 : 0;
  }
  return {
    rows,
    brands: brands.values,
    brand: brands.codes,
    categories: categories.values,
    category: categories.codes,
    sellers: sellers.values,
    seller: sellers.codes,
    price,
    bucket,
    inStock,
    orders: {},
  };
}

/** Total rows the cache holds across its sets (~0.5 KB each); the least recently used go first. */
const MAX_CACHED_ROWS = 100_000;
/** A set larger than this is used for its request and not kept. */
const MAX_SET_ROWS = 30_000;
/** Documents kept as hits show them (~1 KB each). */
const MAX_CACHED_HITS = 20_000;

export interface MatchKey {
  text: string;
  corrected?: string;
  fuzzy: boolean;
}

/**
 * Match sets by text, spellings and hits by product, under the index generation (what was read
 * before an applied event is never read after it) and for at most `ttlMs` (the longest a search
 * answer may lag the index). Concurrent requests for the same set share one statement.
 */
export class MatchSets {
  private readonly sets: LRUCache<string, MatchSet, { db: AnyDb; key: MatchKey }>;
  /** The corrected spelling of query words (the vocabulary changes only with the index). */
  private readonly spellings: LRUCache<string, string, { db: AnyDb; words: string[] }>;
  /** Documents as hits show them (null: not listed), so popular pages need no statement. */
  private readonly hits: LRUCache<string, { hit: repo.Hit | null }>;

  constructor(ttlMs: number) {
    this.sets = new LRUCache({
      maxSize: MAX_CACHED_ROWS,
      maxEntrySize: MAX_SET_ROWS,
      sizeCalculation: (set) => set.rows.length + 1,
      ttl: ttlMs,
      // a load whose entry is evicted meanwhile still answers the requests waiting for it
      ignoreFetchAbort: true,
      fetchMethod: async (_k, _stale, { context }) =>
        toMatchSet(await repo.matchRows(context.db, context.key)),
    });
    this.hits = new LRUCache({ max: MAX_CACHED_HITS, ttl: ttlMs });
    this.spellings = new LRUCache({
      max: 10_000,
      ttl: ttlMs,
      ignoreFetchAbort: true,
      fetchMethod: async (_k, _stale, { context }) =>
        (await repo.correctWords(context.db, context.words)).join(' '),
    });
  }

  /** The listed documents among `ids`, by id: kept ones from memory, the others in one statement. */
  async hitsByIds(db: AnyDb, generation: string, ids: string[]): Promise<Map<string, repo.Hit>> {
    const found = new Map<string, repo.Hit>();
    const missing: string[] = [];
    for (const id of ids) {
      const kept = this.hits.get(`${generation}\u0000${id}`);
      if (!kept) missing.push(id);
      else if (kept.hit) found.set(id, kept.hit);
    }
    if (missing.length) {
      for (const hit of await repo.hitsByIds(db, missing)) found.set(hit.product_id, hit);
      for (const id of missing) this.hits.set(`${generation}\u0000${id}`, { hit: found.get(id) ?? null });
    }
    return found;
  }

  /** `words` with misspelt ones replaced by the closest known ones (`correctWords`), joined by spaces. */
  async spelling(db: AnyDb, generation: string, words: string[]): Promise<string> {
    const id = `${generation}\u0000${words.join(' ')}`;
    const fixed = await this.spellings.fetch(id, { context: { db, words } });
    if (fixed === undefined) throw new Error('the spelling could not be checked');
    return fixed;
  }

  async get(db: AnyDb, generation: string, key: MatchKey): Promise<MatchSet> {
    const id = `${generation}\u0000${key.fuzzy ? 'f' : 'w'}\u0000${key.text}\u0000${key.corrected ?? ''}`;
    const set = await this.sets.fetch(id, { context: { db, key } });
    if (!set) throw new Error('the match set could not be loaded');
    return set;
  }
}

type Filters = Omit<repo.SearchFilter, 'text' | 'corrected' | 'fuzzy'>;

/** The filter of `filtered()` in the repository, on the row at index `i` of a set. */
function predicate(set: MatchSet, f: Filters): (i: number) => boolean {
  // a category matches when the filter's category is on its path (the subtree filter)
  const categoryOk =
    f.categoryId === undefined ? null : set.categories.map((c) => c.path.includes(f.categoryId!));
  const brand = f.brand === undefined ? -1 : set.brands.indexOf(f.brand);
  const seller = f.sellerId === undefined ? -1 : set.sellers.indexOf(f.sellerId);
  if ((f.brand !== undefined && brand < 0) || (f.sellerId !== undefined && seller < 0)) return () => false;
  const min = f.minPrice ?? -Infinity;
  const max = f.maxPrice ?? Infinity;
  const stock = f.inStock === undefined ? -1 : f.inStock ? 1 : 0;
  const attrs = Object.entries(f.attributes);
  return (i) =>
    set.price[i] >= min &&
    set.price[i] <= max &&
    (brand < 0 || set.brand[i] === brand) &&
    (seller < 0 || set.seller[i] === seller) &&
    (stock < 0 || set.inStock[i] === stock) &&
    (categoryOk === null || categoryOk[set.category[i]]) &&
    (attrs.length === 0 || attrs.every(([k, v]) => set.rows[i].attributes[k] === v));
}

const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function order(set: MatchSet, sort: Exclude<repo.SearchSort, 'relevance'>): Uint32Array {
  const cached = set.orders[sort];
  if (cached) return cached;
  const rows = set.rows;
  const idx = Uint32Array.from(rows.keys());
  const compare: Record<typeof sort, (a: repo.MatchRow, b: repo.MatchRow) => number> = {
    price_asc: (a, b) => a.price_amount - b.price_amount || byId(a.product_id, b.product_id),
    price_desc: (a, b) => b.price_amount - a.price_amount || byId(b.product_id, a.product_id),
    newest: (a, b) => b.created_ms - a.created_ms || byId(b.product_id, a.product_id),
  };
  idx.sort((i, j) => compare[sort](rows[i], rows[j]));
  set.orders[sort] = idx;
  return idx;
}

/** True when `m` comes after the cursor position `after` in `sort` order. */
function isAfter(m: repo.MatchRow, sort: repo.SearchSort, after: repo.After): boolean {
  switch (sort) {
    case 'relevance': {
      const v = Number(after.value);
      return m.score < v || (m.score === v && m.product_id > after.id);
    }
    case 'price_asc': {
      const v = Number(after.value);
      return m.price_amount > v || (m.price_amount === v && m.product_id > after.id);
    }
    case 'price_desc': {
      const v = Number(after.value);
      return m.price_amount < v || (m.price_amount === v && m.product_id < after.id);
    }
    case 'newest': {
      const v = new Date(after.value).getTime();
      return m.created_ms < v || (m.created_ms === v && m.product_id < after.id);
    }
  }
}

export interface MatchAnswer {
  /** Up to `limit + 1` matches in `sort` order after the cursor (one more tells there is a next page). */
  page: repo.MatchRow[];
  /** The facet rows `facetCounts` would return for the same filter. */
  facets: repo.FacetRow[];
}

/** The filtered page and the facet counts of one search over a match set. */
export function answer(
  set: MatchSet,
  f: Filters,
  sort: repo.SearchSort,
  after: repo.After | undefined,
  limit: number,
): MatchAnswer {
  const keep = predicate(set, f);
  const brands = new Uint32Array(set.brands.length);
  const categories = new Uint32Array(set.categories.length);
  const buckets = new Uint32Array(repo.PRICE_EDGES.length + 1);
  let total = 0;
  for (let i = 0; i < set.rows.length; i++) {
    if (!keep(i)) continue;
    total++;
    brands[set.brand[i]]++;
    categories[set.category[i]]++;
    buckets[set.bucket[i]]++;
  }
  const facets: repo.FacetRow[] = [
    { brand: null, category_id: null, bucket: null, grouping: 0b111, n: total },
  ];
  brands.forEach((n, i) => {
    if (n) facets.push({ brand: set.brands[i], category_id: null, bucket: null, grouping: 0b011, n });
  });
  categories.forEach((n, i) => {
    if (n) facets.push({ brand: null, category_id: set.categories[i].id, bucket: null, grouping: 0b101, n });
  });
  buckets.forEach((n, bucket) => {
    if (n) facets.push({ brand: null, category_id: null, bucket, grouping: 0b110, n });
  });
  const page: repo.MatchRow[] = [];
  const visit = (i: number) => {
    if (keep(i) && (!after || isAfter(set.rows[i], sort, after))) page.push(set.rows[i]);
    return page.length > limit;
  };
  if (sort === 'relevance') {
    for (let i = 0; i < set.rows.length; i++) if (visit(i)) break;
  } else {
    for (const i of order(set, sort)) if (visit(i)) break;
  }
  return { page, facets };
}

/** `width_bucket(price, PRICE_EDGES)`: how many edges are at or below the price. */
function priceBucket(price: number): number {
  let i = 0;
  while (i < repo.PRICE_EDGES.length && price >= repo.PRICE_EDGES[i]) i++;
  return i;
}

import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import { scoped, type AnyDb } from '../../platform/db.js';
import type { SearchTables } from './tables.js';

type Db = Kysely<SearchTables>;
type Docs = SelectQueryBuilder<SearchTables, 'search.documents', object>;
const t = (db: AnyDb): Db => scoped<SearchTables>(db);

export type SearchSort = 'relevance' | 'price_asc' | 'price_desc' | 'newest';

export interface SearchFilter {
  /** Sanitized query text, or undefined to browse. */
  text?: string;
  /** The text with misspelt words replaced by the closest known ones, when that differs. */
  corrected?: string;
  /**
   * Also match titles that are close to the text by pg_trgm word similarity. Costly on large
   * sets, so the service uses it only when the full-text match (with corrections) finds nothing.
   */
  fuzzy?: boolean;
  categoryId?: string;
  brand?: string;
  sellerId?: string;
  minPrice?: number;
  maxPrice?: number;
  inStock?: boolean;
  attributes: Record<string, string>;
}

/** Upper bounds (minor units) of the price facet's ranges; the last range is open-ended. */
export const PRICE_EDGES = [1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000] as const;

/** The text's query, widened by the corrected spelling when there is one. */
const tsq = (f: { text?: string; corrected?: string }) =>
  f.corrected
    ? sql`(websearch_to_tsquery('english', ${f.text}) || websearch_to_tsquery('english', ${f.corrected}))`
    : sql`websearch_to_tsquery('english', ${f.text})`;

/** The columns of a search hit, as read from `search.documents`. */
const HIT_COLUMNS = [
  'product_id',
  'title',
  'slug',
  'brand',
  'description',
  'seller_id',
  'category_id',
  'price_amount',
  'currency',
  'in_stock',
  'attributes',
  'image',
  'created_at',
] as const;

/**
 * The closest known word for each word of `words` that is not in the vocabulary (pg_trgm
 * similarity over search.terms, GIN-indexed), or the word itself.
 */
export async function correctWords(db: AnyDb, words: string[]): Promise<string[]> {
  const unique = [...new Set(words)];
  if (!unique.length) return words;
  const known = new Set(
    (await t(db).selectFrom('search.terms').select('term').where('term', 'in', unique).execute()).map(
      (r) => r.term,
    ),
  );
  const fixes = new Map<string, string>();
  for (const word of unique) {
    if (known.has(word) || word.length < 4) continue;
    const best = await t(db)
      .selectFrom('search.terms')
      .select('term')
      .where(sql<boolean>`term % ${word}`)
      .orderBy(sql`similarity(term, ${word})`, 'desc')
      .orderBy('term')
      .limit(1)
      .executeTakeFirst();
    if (best) fixes.set(word, best.term);
  }
  return words.map((w) => fixes.get(w) ?? w);
}

/**
 * The filtered set every search answer is computed over. With text, a document matches when its
 * full text does (title A, brand B, description C; stemmed), for the text as typed or with its
 * misspelt words corrected; in fuzzy mode also when the text is close to a word run of the title
 * (pg_trgm word similarity):
 *
 *   where listed
 *     and document @@ (websearch_to_tsquery('english', $q) || websearch_to_tsquery('english', $fixed))
 *     -- fuzzy: and (document @@ ... or $q <% title)
 *     and category_ids @> array[$category]::uuid[] and attributes @> $attrs and price_amount >= $min ...
 *
 * EXPLAIN on the 100k seed (q=laptop, 2,042 hits): Bitmap Index Scan on documents_fts_idx, top-N
 * heapsort on the score; ~10 ms for the page, ~8 ms for the facets. The fuzzy form adds a
 * BitmapOr with documents_title_trgm_idx and a word_similarity recheck per row (~37 ms), hence
 * its use only as a fallback. Browsing without text counts facets over every listed row (~70 ms
 * on 96k rows): those answers are what the answer cache is for.
 */
function filtered(db: AnyDb, f: SearchFilter): Docs {
  let q: Docs = t(db)
    .selectFrom('search.documents')
    .where(sql<boolean>`listed`);
  if (f.text && f.fuzzy) q = q.where(sql<boolean>`(document @@ ${tsq(f)} or ${f.text} <% title)`);
  else if (f.text) q = q.where(sql<boolean>`document @@ ${tsq(f)}`);
  if (f.categoryId) q = q.where(sql<boolean>`category_ids @> array[${f.categoryId}]::uuid[]`);
  if (f.brand) q = q.where('brand', '=', f.brand);
  if (f.sellerId) q = q.where('seller_id', '=', f.sellerId);
  if (f.minPrice !== undefined) q = q.where('price_amount', '>=', f.minPrice);
  if (f.maxPrice !== undefined) q = q.where('price_amount', '<=', f.maxPrice);
  if (f.inStock !== undefined) q = q.where('in_stock', '=', f.inStock);
  if (Object.keys(f.attributes).length)
    q = q.where(sql<boolean>`attributes @> ${JSON.stringify(f.attributes)}::jsonb`);
  return q;
}

/** Relevance: `ts_rank_cd(document, q, 32)`, plus `word_similarity(q, title)` in fuzzy mode; 0 without text. */
function scoreOf(f: { text?: string; corrected?: string; fuzzy?: boolean }) {
  return f.text
    ? f.fuzzy
      ? sql<number>`(ts_rank_cd(document, ${tsq(f)}, 32) + word_similarity(${f.text}, title))::float8`
      : sql<number>`ts_rank_cd(document, ${tsq(f)}, 32)::float8`
    : sql<number>`0::float8`;
}

export interface Hit {
  product_id: string;
  title: string;
  slug: string;
  brand: string;
  description: string;
  seller_id: string;
  category_id: string;
  price_amount: number;
  currency: string;
  in_stock: boolean;
  attributes: Record<string, string>;
  image: string | null;
  created_at: Date;
  score: number;
}

export interface After {
  value: number | string;
  id: string;
}

/**
 * One page of hits in a keyset order (stable while the index changes: a cursor is a position in
 * the order, not an offset). Relevance is `ts_rank_cd(document, q, 32) + word_similarity(q, title)`.
 */
export async function searchPage(
  db: AnyDb,
  f: SearchFilter,
  sort: SearchSort,
  after: After | undefined,
  limit: number,
): Promise<Hit[]> {
  const score = scoreOf(f);
  const inner = filtered(db, f).select([...HIT_COLUMNS, score.as('score')]);
  let q = t(db)
    .selectFrom(inner.as('h'))
    .select([
      'h.product_id',
      'h.title',
      'h.slug',
      'h.brand',
      'h.description',
      'h.seller_id',
      'h.category_id',
      'h.price_amount',
      'h.currency',
      'h.in_stock',
      'h.attributes',
      'h.image',
      'h.created_at',
      'h.score',
    ]);
  switch (sort) {
    case 'relevance':
      if (after)
        q = q.where(
          sql<boolean>`(h.score < ${Number(after.value)} or (h.score = ${Number(after.value)} and h.product_id > ${after.id}))`,
        );
      q = q.orderBy('h.score', 'desc').orderBy('h.product_id', 'asc');
      break;
    case 'price_asc':
      if (after)
        q = q.where(sql<boolean>`(h.price_amount, h.product_id) > (${Number(after.value)}, ${after.id})`);
      q = q.orderBy('h.price_amount', 'asc').orderBy('h.product_id', 'asc');
      break;
    case 'price_desc':
      if (after)
        q = q.where(sql<boolean>`(h.price_amount, h.product_id) < (${Number(after.value)}, ${after.id})`);
      q = q.orderBy('h.price_amount', 'desc').orderBy('h.product_id', 'desc');
      break;
    case 'newest':
      if (after)
        q = q.where(sql<boolean>`(h.created_at, h.product_id) < (${new Date(after.value)}, ${after.id})`);
      q = q.orderBy('h.created_at', 'desc').orderBy('h.product_id', 'desc');
      break;
  }
  return await q.limit(limit + 1).execute();
}

export interface MatchRow {
  product_id: string;
  score: number;
  brand: string;
  category_id: string;
  category_ids: string[];
  seller_id: string;
  price_amount: number;
  in_stock: boolean;
  attributes: Record<string, string>;
  created_ms: number;
}

/**
 * Every listed document that matches the text (no other filter), with what filters, facets and
 * sorts need, in relevance order:
 *
 *   select product_id, <score>, brand, category_id, category_ids, seller_id, price_amount,
 *          in_stock, attributes, created_at
 *   from search.documents where listed and document @@ $q   -- fuzzy: (document @@ $q or $text <% title)
 *   order by score desc, product_id
 *
 * EXPLAIN on the 100k seed (q=laptop, 2,042 matches): Bitmap Index Scan on documents_fts_idx,
 * one heap visit and one ts_rank_cd per match, ~25 ms. Its result is kept (see match-sets.ts).
 */
export async function matchRows(
  db: AnyDb,
  f: { text: string; corrected?: string; fuzzy: boolean },
): Promise<MatchRow[]> {
  const rows = await filtered(db, { ...f, attributes: {} })
    .select([
      'product_id',
      scoreOf(f).as('score'),
      'brand',
      'category_id',
      'category_ids',
      'seller_id',
      'price_amount',
      'in_stock',
      'attributes',
      'created_at',
    ])
    .orderBy('score', 'desc')
    .orderBy('product_id', 'asc')
    .execute();
  return rows.map(({ created_at, ...r }) => ({
    ...r,
    price_amount: Number(r.price_amount),
    created_ms: created_at.getTime(),
  }));
}

/** The listed documents with these ids, with everything a hit shows (`score` is 0: the caller has it). */
export async function hitsByIds(db: AnyDb, ids: string[]): Promise<Hit[]> {
  if (!ids.length) return [];
  return t(db)
    .selectFrom('search.documents')
    .select([...HIT_COLUMNS, sql<number>`0::float8`.as('score')])
    .where(sql<boolean>`listed`)
    .where(sql<boolean>`product_id = any(${ids}::uuid[])`)
    .execute();
}

export interface FacetRow {
  brand: string | null;
  category_id: string | null;
  bucket: number | null;
  grouping: number;
  n: number;
}

/**
 * Counts for the filtered set in one pass: per brand, per category, per price range, and the
 * total (`group by grouping sets ((brand), (category_id), (bucket), ())`).
 */
export async function facetCounts(db: AnyDb, f: SearchFilter): Promise<FacetRow[]> {
  const edges = sql.raw(`array[${PRICE_EDGES.join(',')}]::bigint[]`);
  const inner = filtered(db, f).select([
    'brand',
    'category_id',
    sql<number>`width_bucket(price_amount, ${edges})`.as('bucket'),
  ]);
  const rows = await t(db)
    .selectFrom(inner.as('f'))
    .select([
      'f.brand',
      'f.category_id',
      'f.bucket',
      sql<number>`grouping(f.brand, f.category_id, f.bucket)`.as('grouping'),
      sql<number>`count(*)::int`.as('n'),
    ])
    .groupBy(sql`grouping sets ((f.brand), (f.category_id), (f.bucket), ())`)
    .execute();
  return rows;
}

const likePrefix = (s: string) => `${s.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Up to `limit` titles and brands that start with `prefix`, then titles with a word that does. */
export async function completions(db: AnyDb, prefix: string, lastWord: string | undefined, limit: number) {
  const titles = await t(db)
    .selectFrom('search.documents')
    .select('title as text')
    .where(sql<boolean>`listed`)
    .where(sql<boolean>`lower(title) like ${likePrefix(prefix)}`)
    .orderBy(sql`lower(title)`)
    .limit(limit)
    .execute();
  const brands = await t(db)
    .selectFrom('search.documents')
    .select('brand as text')
    .distinct()
    .where(sql<boolean>`listed`)
    .where(sql<boolean>`lower(brand) like ${likePrefix(prefix)}`)
    .orderBy('brand')
    .limit(limit)
    .execute();
  const words = lastWord
    ? await t(db)
        .selectFrom('search.documents')
        .select('title as text')
        .where(sql<boolean>`listed`)
        .where(sql<boolean>`document @@ to_tsquery('simple', ${`${lastWord}:*`})`)
        .orderBy('title')
        .limit(limit)
        .execute()
    : [];
  return [...brands, ...titles, ...words].map((r) => r.text);
}

export async function documentCount(db: AnyDb): Promise<number> {
  const row = await t(db)
    .selectFrom('search.documents')
    .select(sql<number>`count(*)::int`.as('n'))
    .where(sql<boolean>`listed`)
    .executeTakeFirstOrThrow();
  return row.n;
}

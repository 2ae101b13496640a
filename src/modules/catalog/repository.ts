import { sql, type Kysely } from 'kysely';
import { scoped, type AnyDb } from '../../platform/db.js';
import { preparedForms } from '../../platform/prepared.js';
import type { CatalogTables, ProductRow, ProductStatus, VariantRow } from './tables.js';

type Db = Kysely<CatalogTables>;
const t = (db: AnyDb): Db => scoped<CatalogTables>(db);

export const PRODUCT_COLUMNS = [
  'id',
  'seller_id',
  'title',
  'slug',
  'description',
  'brand',
  'category_id',
  'category_path',
  'attributes',
  'images',
  'status',
  'price_amount',
  'currency',
  'in_stock',
  'created_at',
  'updated_at',
] as const;

export const VARIANT_COLUMNS = [
  'id',
  'product_id',
  'sku',
  'title',
  'price_amount',
  'currency',
  'attributes',
  'initial_stock',
  'position',
  'created_at',
] as const;

export interface NewProduct {
  id: string;
  sellerId: string;
  title: string;
  slug: string;
  description: string;
  brand: string;
  categoryId: string;
  categoryPath: string;
  attributes: Record<string, string>;
  images: string[];
  status: ProductStatus;
  priceAmount: number;
  currency: string;
  inStock: boolean;
  createdAt?: Date;
}

export interface NewVariant {
  id: string;
  productId: string;
  sku: string;
  title: string;
  priceAmount: number;
  currency: string;
  attributes: Record<string, string>;
  initialStock: number;
  position: number;
}

const productValues = (p: NewProduct) => ({
  id: p.id,
  seller_id: p.sellerId,
  title: p.title,
  slug: p.slug,
  description: p.description,
  brand: p.brand,
  category_id: p.categoryId,
  category_path: p.categoryPath,
  attributes: JSON.stringify(p.attributes),
  images: JSON.stringify(p.images),
  status: p.status,
  price_amount: p.priceAmount,
  currency: p.currency,
  in_stock: p.inStock,
  ...(p.createdAt ? { created_at: p.createdAt, updated_at: p.createdAt } : {}),
});

const variantValues = (v: NewVariant) => ({
  id: v.id,
  product_id: v.productId,
  sku: v.sku,
  title: v.title,
  price_amount: v.priceAmount,
  currency: v.currency,
  attributes: JSON.stringify(v.attributes),
  initial_stock: v.initialStock,
  position: v.position,
});

/** Inserts many products in one statement (callers batch, e.g. 1,000 rows). */
export async function insertProducts(db: AnyDb, products: NewProduct[]): Promise<void> {
  if (products.length)
    await t(db).insertInto('catalog.products').values(products.map(productValues)).execute();
}

export async function insertVariants(db: AnyDb, variants: NewVariant[]): Promise<void> {
  if (variants.length)
    await t(db).insertInto('catalog.variants').values(variants.map(variantValues)).execute();
}

export function updateProductRow(
  db: AnyDb,
  id: string,
  patch: Partial<Omit<NewProduct, 'id' | 'sellerId' | 'createdAt'>>,
): Promise<ProductRow | undefined> {
  const set = {
    ...(patch.title !== undefined && { title: patch.title }),
    ...(patch.slug !== undefined && { slug: patch.slug }),
    ...(patch.description !== undefined && { description: patch.description }),
    ...(patch.brand !== undefined && { brand: patch.brand }),
    ...(patch.categoryId !== undefined && { category_id: patch.categoryId }),
    ...(patch.categoryPath !== undefined && { category_path: patch.categoryPath }),
    ...(patch.attributes !== undefined && { attributes: JSON.stringify(patch.attributes) }),
    ...(patch.images !== undefined && { images: JSON.stringify(patch.images) }),
    ...(patch.status !== undefined && { status: patch.status }),
    ...(patch.priceAmount !== undefined && { price_amount: patch.priceAmount }),
    ...(patch.currency !== undefined && { currency: patch.currency }),
    ...(patch.inStock !== undefined && { in_stock: patch.inStock }),
  };
  return t(db)
    .updateTable('catalog.products')
    .set({ ...set, updated_at: sql<Date>`date_trunc('milliseconds', now())` })
    .where('id', '=', id)
    .returning(PRODUCT_COLUMNS)
    .executeTakeFirst();
}

export function findProduct(db: AnyDb, by: { id?: string; slug?: string }): Promise<ProductRow | undefined> {
  let q = t(db).selectFrom('catalog.products').select(PRODUCT_COLUMNS);
  if (by.id) q = q.where('id', '=', by.id);
  else if (by.slug) q = q.where('slug', '=', by.slug);
  else return Promise.resolve(undefined);
  return q.executeTakeFirst();
}

/** Locks the product row for the rest of the transaction. */
export function lockProduct(trx: AnyDb, id: string): Promise<ProductRow | undefined> {
  return t(trx)
    .selectFrom('catalog.products')
    .select(PRODUCT_COLUMNS)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/**
 * Locks the product rows for the rest of the transaction, in id order (the rows are sorted before
 * they are locked), so two transactions locking overlapping sets never wait on each other in a
 * cycle.
 */
export function lockProducts(trx: AnyDb, ids: readonly string[]): Promise<ProductRow[]> {
  if (!ids.length) return Promise.resolve([]);
  return t(trx)
    .selectFrom('catalog.products')
    .select(PRODUCT_COLUMNS)
    .where('id', 'in', ids)
    .orderBy('id')
    .forUpdate()
    .execute();
}

export async function slugTaken(db: AnyDb, slug: string, exceptId?: string): Promise<boolean> {
  let q = t(db).selectFrom('catalog.products').select('id').where('slug', '=', slug);
  if (exceptId) q = q.where('id', '<>', exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

/** Which of `skus` already belong to another product (or to any product when `exceptProductId` is absent). */
export async function skusTaken(db: AnyDb, skus: string[], exceptProductId?: string): Promise<string[]> {
  if (!skus.length) return [];
  let q = t(db).selectFrom('catalog.variants').select('sku').where('sku', 'in', skus);
  if (exceptProductId) q = q.where('product_id', '<>', exceptProductId);
  return (await q.execute()).map((r) => r.sku);
}

/** The variants of a page of products, in one query: `select ... where product_id in (...)`. */
export async function variantsOf(db: AnyDb, productIds: string[]): Promise<Map<string, VariantRow[]>> {
  const out = new Map<string, VariantRow[]>(productIds.map((id) => [id, []]));
  if (!productIds.length) return out;
  const rows = await t(db)
    .selectFrom('catalog.variants')
    .select(VARIANT_COLUMNS)
    .where('product_id', 'in', productIds)
    .orderBy('product_id')
    .orderBy('position')
    .execute();
  for (const row of rows) out.get(row.product_id)?.push(row);
  return out;
}

/** The products of these SKUs (SKUs no variant has are left out), one query. */
export async function productIdsOfSkus(db: AnyDb, skus: readonly string[]): Promise<string[]> {
  if (!skus.length) return [];
  const rows = await t(db)
    .selectFrom('catalog.variants')
    .select('product_id')
    .distinct()
    .where('sku', 'in', skus)
    .execute();
  return rows.map((r) => r.product_id);
}

/** Deletes a product's variants; returns their SKUs. */
export async function deleteVariants(db: AnyDb, productId: string): Promise<string[]> {
  const rows = await t(db)
    .deleteFrom('catalog.variants')
    .where('product_id', '=', productId)
    .returning('sku')
    .execute();
  return rows.map((r) => r.sku);
}

export type ListSort = 'newest' | 'price_asc' | 'price_desc';

export interface ListFilter {
  categoryPath?: string;
  brand?: string;
  sellerId?: string;
  minPrice?: number;
  maxPrice?: number;
  inStock?: boolean;
  sort: ListSort;
  /** Keyset position: the sort value and id of the last row of the previous page. */
  after?: { value: string | number; id: string };
  limit: number;
}

/**
 * The public listing: published products, filtered, in a keyset order. For `newest` on the
 * 100k seed this is an index scan on products_pub_newest_idx (or products_pub_category_idx for
 * a subtree), e.g.
 *
 *   select <PRODUCT_COLUMNS> from catalog.products
 *   where status = 'published' and category_path like '/<root>/%' and in_stock
 *     and (created_at, id) < ($1, $2)
 *   order by created_at desc, id desc limit 21
 */
export function listPublished(db: AnyDb, f: ListFilter): Promise<ProductRow[]> {
  let q = t(db).selectFrom('catalog.products').select(PRODUCT_COLUMNS).where('status', '=', 'published');
  if (f.categoryPath) q = q.where('category_path', 'like', `${f.categoryPath}%`);
  if (f.brand) q = q.where('brand', '=', f.brand);
  if (f.sellerId) q = q.where('seller_id', '=', f.sellerId);
  if (f.minPrice !== undefined) q = q.where('price_amount', '>=', f.minPrice);
  if (f.maxPrice !== undefined) q = q.where('price_amount', '<=', f.maxPrice);
  if (f.inStock !== undefined) q = q.where('in_stock', '=', f.inStock);
  const a = f.after;
  switch (f.sort) {
    case 'newest':
      if (a) q = q.where(sql<boolean>`(created_at, id) < (${new Date(a.value)}, ${a.id})`);
      q = q.orderBy('created_at', 'desc').orderBy('id', 'desc');
      break;
    case 'price_asc':
      if (a) q = q.where(sql<boolean>`(price_amount, id) > (${Number(a.value)}, ${a.id})`);
      q = q.orderBy('price_amount', 'asc').orderBy('id', 'asc');
      break;
    case 'price_desc':
      if (a) q = q.where(sql<boolean>`(price_amount, id) < (${Number(a.value)}, ${a.id})`);
      q = q.orderBy('price_amount', 'desc').orderBy('id', 'desc');
      break;
  }
  return q.limit(f.limit + 1).execute();
}

/** Products in id order after `afterId`, for rebuilding the search index in batches. */
export function productsAfter(
  db: AnyDb,
  afterId: string | null,
  limit: number,
  sellerId?: string,
): Promise<ProductRow[]> {
  let q = t(db).selectFrom('catalog.products').select(PRODUCT_COLUMNS);
  if (afterId) q = q.where('id', '>', afterId);
  if (sellerId) q = q.where('seller_id', '=', sellerId);
  return q.orderBy('id').limit(limit).execute();
}

export async function countProducts(db: AnyDb): Promise<number> {
  const row = await t(db)
    .selectFrom('catalog.products')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface VariantInfoRow {
  sku: string;
  product_id: string;
  seller_id: string;
  product_title: string;
  variant_title: string;
  slug: string;
  image: string | null;
  price_amount: number;
  currency: string;
  status: ProductStatus;
}

/** Up to this many SKUs are looked up with one placeholder each (see `variantsOfSkus`). */
const FEW_SKUS = 8;

/** The SKUs of a lookup: one array (`skus`), or one value each (`sku0`, `sku1`, …). */
type SkuValues = { skus?: string[] } & { [key: `sku${number}`]: string };

/**
 * Variants by SKU with what a cart or an order shows of their product, in one query whatever the
 * number of SKUs (`variants_sku_key` index, then the product by primary key):
 *
 *   select v.sku, v.product_id, p.seller_id, p.title, v.title, p.slug, p.images->>0,
 *          v.price_amount, v.currency, p.status
 *     from catalog.variants v join catalog.products p on p.id = v.product_id
 *    where v.sku in ($1, $2, ...)
 *
 * One form per number of SKUs up to FEW_SKUS (a cart's usual size), one placeholder each, and
 * `= any($1)` with one array beyond: PostgreSQL reuses a prepared statement's plan only when the
 * plan made for any values costs no more than one made for the values at hand, and for an array
 * it assumes ten elements, so with a cart's one to three SKUs it planned the lookup afresh on every
 * run (~170 µs, five times the lookup). With a placeholder per SKU both plans are the same.
 */
const variantsOfSkus = preparedForms(
  (n: number) => (db: AnyDb, v: SkuValues) =>
    t(db)
      .selectFrom('catalog.variants as v')
      .innerJoin('catalog.products as p', 'p.id', 'v.product_id')
      .select([
        'v.sku',
        'v.product_id',
        'p.seller_id',
        'p.title as product_title',
        'v.title as variant_title',
        'p.slug',
        sql<string | null>`p.images->>0`.as('image'),
        'v.price_amount',
        'v.currency',
        'p.status',
      ])
      .where(
        n === 0
          ? sql<boolean>`v.sku = any(${v.skus})`
          : sql<boolean>`v.sku in (${sql.join(Array.from({ length: n }, (_, i) => v[`sku${i}`]))})`,
      ),
);

export async function variantsBySku(db: AnyDb, skus: readonly string[]): Promise<VariantInfoRow[]> {
  const unique = [...new Set(skus)];
  if (!unique.length) return [];
  if (unique.length > FEW_SKUS) return variantsOfSkus(0).execute(db, { skus: unique });
  const values: SkuValues = Object.fromEntries(unique.map((sku, i) => [`sku${i}`, sku]));
  return variantsOfSkus(unique.length).execute(db, values);
}

export interface SellerListFilter {
  /** Absent: every seller's (admins). */
  sellerId?: string;
  status?: ProductStatus;
  after?: { value: string | number; id: string };
  limit: number;
}

/**
 * A seller's own products in any status, newest first (index products_seller_idx when sellerId
 * is given). Fetches one row more than `limit` so the caller knows whether a next page exists.
 */
export function listForSeller(db: AnyDb, f: SellerListFilter): Promise<ProductRow[]> {
  let q = t(db).selectFrom('catalog.products').select(PRODUCT_COLUMNS);
  if (f.sellerId) q = q.where('seller_id', '=', f.sellerId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.after) q = q.where(sql<boolean>`(created_at, id) < (${new Date(f.after.value)}, ${f.after.id})`);
  return q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(f.limit + 1)
    .execute();
}

/** The seller of the product that has this SKU, if any. */
export async function skuOwner(db: AnyDb, sku: string): Promise<string | undefined> {
  const row = await t(db)
    .selectFrom('catalog.variants')
    .innerJoin('catalog.products', 'catalog.products.id', 'catalog.variants.product_id')
    .select('catalog.products.seller_id')
    .where('catalog.variants.sku', '=', sku)
    .executeTakeFirst();
  return row?.seller_id;
}

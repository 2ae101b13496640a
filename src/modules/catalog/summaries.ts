import { sql, type Kysely } from 'kysely';
import { scoped, type AnyDb } from '../../platform/db.js';
import { isUuid } from '../../platform/ids.js';
import { prepared, preparedForms } from '../../platform/prepared.js';
import type { Money } from './events.js';
import { productCacheKey } from './product-service.js';
import type { CatalogTables } from './tables.js';

const t = (db: AnyDb): Kysely<CatalogTables> => scoped<CatalogTables>(db);

/** A published product as a product card shows it (other modules' lists of products). */
export interface ProductSummary {
  id: string;
  slug: string;
  title: string;
  brand: string;
  price: Money;
  inStock: boolean;
  /** The product's first image. */
  image: string | null;
}

/**
 * The published ones of these products, in one statement for any number of ids (primary key):
 *
 *   select id, slug, title, brand, images->>0, price_amount, currency, in_stock
 *     from catalog.products where id = any($1) and status = 'published'
 */
const publishedSummaries = prepared((db: AnyDb, v: { ids: string[] }) =>
  t(db)
    .selectFrom('catalog.products')
    .select([
      'id',
      'slug',
      'title',
      'brand',
      sql<string | null>`images->>0`.as('image'),
      'price_amount',
      'currency',
      'in_stock',
    ])
    .where(sql<boolean>`id = any(${v.ids}::uuid[]) and status = 'published'`),
);

/**
 * The published products among `ids` as product cards show them, keyed by id, in one statement
 * however many ids are asked for. Drafts, archived and unknown products are absent from the map.
 */
export async function findProductSummaries(
  db: AnyDb,
  ids: readonly string[],
): Promise<Map<string, ProductSummary>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await publishedSummaries.execute(db, { ids: unique });
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        slug: r.slug,
        title: r.title,
        brand: r.brand,
        price: { amount: Number(r.price_amount), currency: r.currency },
        inStock: r.in_stock,
        image: r.image,
      },
    ]),
  );
}

/** The id of the published product with this id (in lower case) or slug: one form each. */
const publishedIdBy = preparedForms(
  (by: 'id' | 'slug') => (db: AnyDb, v: { key: string }) =>
    t(db)
      .selectFrom('catalog.products')
      .select('id')
      .where(sql<boolean>`${sql.ref(by)} = ${v.key} and status = 'published'`),
);

/**
 * The one spelling of a product's address (`GET /v1/products/{idOrSlug}`): an id in lower case (an
 * id in any case finds the product), a slug as it is; null for what can be neither (no product has
 * that address). Other modules key what they keep per product page by it.
 */
export const productAddress = (idOrSlug: string): string | null => productCacheKey(idOrSlug);

/**
 * The id of the product the public sees at this address (id or slug, as the product routes take
 * it): published only. Null for a draft, an archived or an unknown product.
 */
export async function findPublishedProductId(db: AnyDb, idOrSlug: string): Promise<string | null> {
  const key = productAddress(idOrSlug);
  if (!key) return null;
  const row = await publishedIdBy(isUuid(key) ? 'id' : 'slug').executeTakeFirst(db, { key });
  return row?.id ?? null;
}

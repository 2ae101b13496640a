import { sql, type Kysely } from 'kysely';
import { scoped, type AnyDb } from '../../platform/db.js';
import type { CloudEvent } from '../../platform/events/outbox.js';
import type { EventContext } from '../../platform/events/bus.js';
import type { ProductSnapshot } from '../catalog/index.js';
import type { SearchTables } from './tables.js';

type Db = Kysely<SearchTables>;
const t = (db: AnyDb): Db => scoped<SearchTables>(db);

/** The product event types the index follows. */
export const PRODUCT_EVENT_TYPES = ['product.created', 'product.updated', 'product.archived'] as const;

const rowOf = (p: ProductSnapshot) => ({
  product_id: p.id,
  listed: p.status === 'published',
  title: p.title,
  slug: p.slug,
  brand: p.brand,
  description: p.description,
  seller_id: p.sellerId,
  category_id: p.categoryId,
  // a PostgreSQL array literal: ids are UUIDs, nothing to escape; pg and PGlite both take it
  category_ids: sql<string[]>`${`{${p.categoryPath.join(',')}}`}::uuid[]`,
  price_amount: p.price.amount,
  currency: p.price.currency,
  in_stock: p.inStock,
  attributes: JSON.stringify(p.attributes),
  image: p.images[0] ?? null,
  created_at: p.createdAt,
  source_updated_at: p.updatedAt,
});

/**
 * Writes the products' index documents in one statement. A snapshot older than the stored one
 * (events can arrive out of order) changes nothing; drafts and archived products stay as unlisted
 * rows so that an older event cannot list them again.
 */
export async function upsertDocuments(db: AnyDb, snapshots: ProductSnapshot[]): Promise<void> {
  if (!snapshots.length) return;
  const latest = new Map<string, ProductSnapshot>();
  for (const s of snapshots) {
    const seen = latest.get(s.id);
    if (!seen || seen.updatedAt <= s.updatedAt) latest.set(s.id, s);
  }
  await t(db)
    .insertInto('search.documents')
    .values([...latest.values()].map(rowOf))
    .onConflict((oc) =>
      oc
        .column('product_id')
        .doUpdateSet((eb) => ({
          listed: eb.ref('excluded.listed'),
          title: eb.ref('excluded.title'),
          slug: eb.ref('excluded.slug'),
          brand: eb.ref('excluded.brand'),
          description: eb.ref('excluded.description'),
          seller_id: eb.ref('excluded.seller_id'),
          category_id: eb.ref('excluded.category_id'),
          category_ids: eb.ref('excluded.category_ids'),
          price_amount: eb.ref('excluded.price_amount'),
          currency: eb.ref('excluded.currency'),
          in_stock: eb.ref('excluded.in_stock'),
          attributes: eb.ref('excluded.attributes'),
          image: eb.ref('excluded.image'),
          created_at: eb.ref('excluded.created_at'),
          source_updated_at: eb.ref('excluded.source_updated_at'),
          indexed_at: sql<Date>`now()`,
        }))
        .where('search.documents.source_updated_at', '<=', (eb) => eb.ref('excluded.source_updated_at')),
    )
    .execute();
  await addTerms(
    db,
    [...latest.values()].map((p) => `${p.title} ${p.brand} ${p.description}`),
  );
}

/** Adds the words of `texts` to the vocabulary used for spelling correction. */
async function addTerms(db: AnyDb, texts: string[]): Promise<void> {
  await sql`
    insert into search.terms (term)
    select distinct w from regexp_split_to_table(lower(${texts.join(' ')}), '[^[:alnum:]]+') as w
    where length(w) between 3 and 40
    on conflict do nothing`.execute(db);
}

/**
 * The event handler of the `search.indexer` consumer: applies one product event to the index,
 * inside the consumer's transaction.
 */
export async function applyProductEvent(event: CloudEvent, ctx: Pick<EventContext, 'trx'>): Promise<void> {
  if (!(PRODUCT_EVENT_TYPES as readonly string[]).includes(event.type)) return;
  const data = (typeof event.data === 'string' ? JSON.parse(event.data) : event.data) as ProductSnapshot;
  await upsertDocuments(ctx.trx, [data]);
}

/**
 * Rebuilds the index from a stream of product snapshots (the catalog's door), one statement per
 * batch. Returns how many products it indexed.
 */
export async function reindex(
  db: AnyDb,
  batches: AsyncIterable<ProductSnapshot[]>,
  onBatch?: (done: number) => void,
): Promise<number> {
  let done = 0;
  for await (const batch of batches) {
    await upsertDocuments(db, batch);
    done += batch.length;
    onBatch?.(done);
  }
  return done;
}

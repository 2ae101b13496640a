import { sql } from 'kysely';
import type { AnyDb } from '../../platform/db.js';
import type { CloudEvent } from '../../platform/events/outbox.js';
import type { EventContext } from '../../platform/events/bus.js';
import type { ProductSnapshot } from '../catalog/index.js';

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
  category_ids: p.categoryPath,
  price_amount: p.price.amount,
  currency: p.price.currency,
  in_stock: p.inStock,
  attributes: p.attributes,
  image: p.images[0] ?? null,
  created_at: p.createdAt,
  source_updated_at: p.updatedAt,
});

/**
 * Writes the products' index documents in one statement whose one parameter is a JSON array
 * (cheap to send and plan for a batch of 1,000). A snapshot older than the stored one (events
 * can arrive out of order) changes nothing; drafts and archived products stay as unlisted rows so
 * that an older event cannot list them again.
 */
export async function upsertDocuments(db: AnyDb, snapshots: ProductSnapshot[]): Promise<void> {
  if (!snapshots.length) return;
  const latest = new Map<string, ProductSnapshot>();
  for (const s of snapshots) {
    const seen = latest.get(s.id);
    if (!seen || seen.updatedAt <= s.updatedAt) latest.set(s.id, s);
  }
  const rows = JSON.stringify([...latest.values()].map(rowOf));
  await sql`
    insert into search.documents as d (product_id, listed, title, slug, brand, description, seller_id,
      category_id, category_ids, price_amount, currency, in_stock, attributes, image, created_at,
      source_updated_at)
    select product_id, listed, title, slug, brand, description, seller_id, category_id,
      array(select jsonb_array_elements_text(category_ids))::uuid[], price_amount, currency, in_stock,
      attributes, image, created_at, source_updated_at
    from jsonb_to_recordset(${rows}::jsonb) as r(product_id uuid, listed boolean, title text, slug text,
      brand text, description text, seller_id uuid, category_id uuid, category_ids jsonb,
      price_amount bigint, currency text, in_stock boolean, attributes jsonb, image text,
      created_at timestamptz, source_updated_at timestamptz)
    on conflict (product_id) do update set
      listed = excluded.listed, title = excluded.title, slug = excluded.slug, brand = excluded.brand,
      description = excluded.description, seller_id = excluded.seller_id,
      category_id = excluded.category_id, category_ids = excluded.category_ids,
      price_amount = excluded.price_amount, currency = excluded.currency, in_stock = excluded.in_stock,
      attributes = excluded.attributes, image = excluded.image, created_at = excluded.created_at,
      source_updated_at = excluded.source_updated_at, indexed_at = now()
    where d.source_updated_at <= excluded.source_updated_at`.execute(db);
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
  // the next batch is read while the previous one is written
  let writing: Promise<void> = Promise.resolve();
  for await (const batch of batches) {
    await writing;
    writing = upsertDocuments(db, batch).then(() => {
      done += batch.length;
      onBatch?.(done);
    });
  }
  await writing;
  return done;
}

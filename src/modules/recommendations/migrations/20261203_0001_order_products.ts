import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per order the consumer has seen: a confirmation (withdrawn = false) or a cancellation
  // or full refund (withdrawn = true). Events come in any order; the row is what makes a
  // confirmation that arrives after its order's withdrawal write nothing.
  await sql`
    create table recommendations.orders (
      order_id uuid primary key,
      withdrawn boolean not null
    )`.execute(db);
  // The products of each confirmed order that still counts (rows of withdrawn orders are deleted).
  await sql`
    create table recommendations.order_products (
      order_id uuid not null,
      product_id uuid not null,
      confirmed_at timestamptz not null,
      primary key (order_id, product_id)
    )`.execute(db);
  // a product's most recent orders (bought together), read without visiting the table
  await sql`
    create index order_products_product_idx
      on recommendations.order_products (product_id, confirmed_at desc) include (order_id)`.execute(db);
  // the best sellers of the last days
  await sql`
    create index order_products_confirmed_idx
      on recommendations.order_products (confirmed_at) include (product_id)`.execute(db);
}

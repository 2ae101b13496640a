import { sql, type Kysely } from 'kysely';

/**
 * Sales analytics fed by order events. Orders and their lines are kept as facts (what each event
 * said), and each order's contribution is added to hourly rollups, so a report over any range is
 * one range scan of the rollups, never a scan of orders.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table admin.sales_orders (
      order_id text primary key,
      currency text,
      total_amount bigint,
      confirmed_at timestamptz,
      cancelled boolean not null default false,
      refunded_amount bigint not null default 0,
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table admin.sales_order_lines (
      order_id text not null,
      sku text not null,
      product_id text,
      title text not null default '',
      quantity integer not null default 0,
      -- the line total (quantity × unit price); a SKU on several lines of one order is summed
      amount bigint not null default 0,
      currency text,
      refunded_quantity integer not null default 0,
      primary key (order_id, sku)
    )`.execute(db);
  await sql`
    create table admin.sales_hourly (
      bucket timestamptz not null,
      currency text not null,
      orders integer not null default 0,
      units integer not null default 0,
      revenue bigint not null default 0,
      refunded bigint not null default 0,
      primary key (bucket, currency)
    )`.execute(db);
  await sql`
    create table admin.product_sales_hourly (
      bucket timestamptz not null,
      product_id text not null,
      currency text not null,
      title text not null,
      units integer not null default 0,
      revenue bigint not null default 0,
      primary key (bucket, product_id, currency)
    )`.execute(db);
}

import { sql, type Kysely } from 'kysely';
import { scoped, type AnyDb, type Transaction } from '../../platform/db.js';
import type { LineFact, OrderFact, ProductDelta, SalesDelta } from './sales-model.js';
import type { AdminTables } from './tables.js';

type Db = Kysely<AdminTables>;
type Trx = Transaction<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const t = (db: AnyDb): Db => scoped<AdminTables>(db);

/**
 * The order's facts, its row created when this is the first event about it, and locked until the
 * transaction ends (one statement: an upsert that changes nothing still takes the row lock), so
 * two events about one order are applied one after the other.
 */
export async function lockOrder(trx: Trx, orderId: string): Promise<OrderFact> {
  const row = await t(trx)
    .insertInto('admin.sales_orders')
    .values({ order_id: orderId, currency: null, total_amount: null, confirmed_at: null })
    .onConflict((oc) => oc.column('order_id').doUpdateSet({ order_id: (eb) => eb.ref('excluded.order_id') }))
    .returning(['currency', 'total_amount', 'confirmed_at', 'cancelled', 'refunded_amount'])
    .executeTakeFirstOrThrow();
  return {
    currency: row.currency,
    total: row.total_amount,
    confirmedAt: row.confirmed_at,
    cancelled: row.cancelled,
    refunded: row.refunded_amount,
  };
}

export async function orderLines(trx: Trx, orderId: string): Promise<LineFact[]> {
  const rows = await t(trx)
    .selectFrom('admin.sales_order_lines')
    .select(['sku', 'product_id', 'title', 'quantity', 'amount', 'currency', 'refunded_quantity'])
    .where('order_id', '=', orderId)
    .orderBy('sku')
    .execute();
  return rows.map((r) => ({
    sku: r.sku,
    productId: r.product_id,
    title: r.title,
    quantity: r.quantity,
    amount: r.amount,
    currency: r.currency,
    refundedQuantity: r.refunded_quantity,
  }));
}

export async function saveOrder(trx: Trx, orderId: string, o: OrderFact): Promise<void> {
  await t(trx)
    .updateTable('admin.sales_orders')
    .set({
      currency: o.currency,
      total_amount: o.total,
      confirmed_at: o.confirmedAt,
      cancelled: o.cancelled,
      refunded_amount: o.refunded,
      updated_at: sql<Date>`now()`,
    })
    .where('order_id', '=', orderId)
    .execute();
}

/** Writes the given lines of the order as they are now (one statement). */
export async function saveLines(trx: Trx, orderId: string, lines: LineFact[]): Promise<void> {
  if (lines.length === 0) return;
  await t(trx)
    .insertInto('admin.sales_order_lines')
    .values(
      lines.map((l) => ({
        order_id: orderId,
        sku: l.sku,
        product_id: l.productId,
        title: l.title,
        quantity: l.quantity,
        amount: l.amount,
        currency: l.currency,
        refunded_quantity: l.refundedQuantity,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['order_id', 'sku']).doUpdateSet((eb) => ({
        product_id: eb.ref('excluded.product_id'),
        title: eb.ref('excluded.title'),
        quantity: eb.ref('excluded.quantity'),
        amount: eb.ref('excluded.amount'),
        currency: eb.ref('excluded.currency'),
        refunded_quantity: eb.ref('excluded.refunded_quantity'),
      })),
    )
    .execute();
}

/** Adds the deltas to the hourly sales rollup (one statement; rows in key order). */
export async function addToSales(trx: Trx, deltas: SalesDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  await t(trx)
    .insertInto('admin.sales_hourly')
    .values(deltas.map((d) => ({ ...d })))
    .onConflict((oc) =>
      oc.columns(['bucket', 'currency']).doUpdateSet({
        orders: sql<number>`admin.sales_hourly.orders + excluded.orders`,
        units: sql<number>`admin.sales_hourly.units + excluded.units`,
        revenue: sql<number>`admin.sales_hourly.revenue + excluded.revenue`,
        refunded: sql<number>`admin.sales_hourly.refunded + excluded.refunded`,
      }),
    )
    .execute();
}

/** Adds the deltas to the hourly per-product rollup (one statement; rows in key order). */
export async function addToProducts(trx: Trx, deltas: ProductDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  await t(trx)
    .insertInto('admin.product_sales_hourly')
    .values(
      deltas.map((d) => ({
        bucket: d.bucket,
        product_id: d.productId,
        currency: d.currency,
        title: d.title,
        units: d.units,
        revenue: d.revenue,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['bucket', 'product_id', 'currency']).doUpdateSet({
        title: sql<string>`excluded.title`,
        units: sql<number>`admin.product_sales_hourly.units + excluded.units`,
        revenue: sql<number>`admin.product_sales_hourly.revenue + excluded.revenue`,
      }),
    )
    .execute();
}

export interface BucketRow {
  start: Date;
  currency: string;
  orders: number;
  units: number;
  revenue: number;
  refunded: number;
}

/**
 * Sales per bucket and currency in [from, to): one range scan of the hourly rollup's primary key.
 *   select date_trunc(:interval, bucket, 'UTC'), currency, sum(...) from admin.sales_hourly
 *    where bucket >= :from and bucket < :to [and currency = :currency] group by 1, 2
 */
export async function salesBuckets(
  db: AnyDb,
  q: { from: Date; to: Date; interval: 'hour' | 'day'; currency?: string },
): Promise<BucketRow[]> {
  const { rows } = await sql<BucketRow>`
    select date_trunc(${q.interval}, bucket, 'UTC') as start, currency,
           sum(orders)::int as orders, sum(units)::int as units,
           sum(revenue)::bigint as revenue, sum(refunded)::bigint as refunded
      from admin.sales_hourly
     where bucket >= ${q.from} and bucket < ${q.to}
       ${q.currency ? sql`and currency = ${q.currency}` : sql``}
     group by 1, 2
     order by 1, 2`.execute(db);
  return rows.map((r) => ({
    ...r,
    start: new Date(r.start),
    revenue: Number(r.revenue),
    refunded: Number(r.refunded),
  }));
}

export interface ProductRow {
  rankedBy: 'units' | 'revenue';
  productId: string;
  currency: string;
  title: string;
  units: number;
  revenue: number;
}

/**
 * The top products of [from, to) by units (over every currency) and by revenue (within each
 * currency), from one range scan of the per-product hourly rollup.
 */
export async function topProducts(
  db: AnyDb,
  q: { from: Date; to: Date; currency?: string; top: number },
): Promise<ProductRow[]> {
  const { rows } = await sql<ProductRow>`
    with per_currency as (
      select product_id, currency, max(title) as title, sum(units)::int as units, sum(revenue)::bigint as revenue
        from admin.product_sales_hourly
       where bucket >= ${q.from} and bucket < ${q.to}
         ${q.currency ? sql`and currency = ${q.currency}` : sql``}
       group by product_id, currency
    ), by_units as (
      select product_id, sum(units)::int as units from per_currency
       group by product_id having sum(units) > 0
       order by units desc, product_id limit ${q.top}
    ), by_revenue as (
      select product_id, currency, row_number() over (partition by currency order by revenue desc, product_id) as rank
        from per_currency where revenue > 0
    )
    select 'units' as "rankedBy", p.product_id as "productId", p.currency, p.title, p.units, p.revenue
      from per_currency p join by_units u using (product_id)
    union all
    select 'revenue', p.product_id, p.currency, p.title, p.units, p.revenue
      from per_currency p join by_revenue r using (product_id, currency)
     where r.rank <= ${q.top}`.execute(db);
  return rows.map((r) => ({ ...r, revenue: Number(r.revenue) }));
}

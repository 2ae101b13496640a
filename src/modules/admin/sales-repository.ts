import { sql } from 'kysely';
import type { AnyDb, Transaction } from '../../platform/db.js';
import type { LineFact, OrderFact, ProductDelta, SalesDelta } from './sales-model.js';

// The statements here do what Kysely's builder cannot express (data-modifying CTEs over
// jsonb_to_recordset, a conditional upsert on xmin), so they are SQL against the `admin` tables.
type Trx = Transaction<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** An order's facts and lines as one snapshot saw them; `version` names that row version. */
export interface OrderState {
  order: OrderFact;
  lines: LineFact[];
  /** The fact row's `xmin` (the transaction that wrote it last), null when there is no row yet. */
  version: string | null;
}

/**
 * The order's facts and lines (one statement, one snapshot, no lock), or empty facts for an
 * order no event has mentioned yet:
 *
 *   select o.xmin::text as version, o.<facts>, l.<line>
 *     from (select $1::text as order_id) k
 *     left join admin.sales_orders o using (order_id)
 *     left join admin.sales_order_lines l using (order_id)
 *    order by l.sku
 *
 * Facts and lines are always written together (`saveChange`), so one snapshot sees them agree.
 */
export async function readOrder(trx: Trx, orderId: string): Promise<OrderState> {
  const { rows } = await sql<FactRow>`
    select o.xmin::text as version, o.currency, o.total_amount, o.confirmed_at, o.cancelled,
           o.refunded_amount, l.sku, l.product_id, l.title, l.quantity, l.amount,
           l.currency as line_currency, l.refunded_quantity
      from (select ${orderId}::text as order_id) k
      left join admin.sales_orders o on o.order_id = k.order_id
      left join admin.sales_order_lines l on l.order_id = k.order_id
     order by l.sku`.execute(trx);
  return stateOf(rows);
}

/** `readOrder` for several orders in one statement (one snapshot), by order id. */
export async function readOrders(trx: Trx, orderIds: string[]): Promise<Map<string, OrderState>> {
  if (orderIds.length === 0) return new Map();
  const { rows } = await sql<FactRow & { order_id: string }>`
    select k.order_id, o.xmin::text as version, o.currency, o.total_amount, o.confirmed_at,
           o.cancelled, o.refunded_amount, l.sku, l.product_id, l.title, l.quantity, l.amount,
           l.currency as line_currency, l.refunded_quantity
      from unnest(${orderIds}::text[]) as k(order_id)
      left join admin.sales_orders o on o.order_id = k.order_id
      left join admin.sales_order_lines l on l.order_id = k.order_id
     order by k.order_id, l.sku`.execute(trx);
  const byOrder = new Map<string, FactRow[]>();
  for (const r of rows) {
    const list = byOrder.get(r.order_id);
    if (list) list.push(r);
    else byOrder.set(r.order_id, [r]);
  }
  return new Map([...byOrder].map(([id, list]) => [id, stateOf(list)]));
}

/** One row of an order's facts joined with one of its lines (all line columns null: none). */
interface FactRow {
  version: string | null;
  currency: string | null;
  total_amount: number | null;
  confirmed_at: Date | null;
  cancelled: boolean | null;
  refunded_amount: number | null;
  sku: string | null;
  product_id: string | null;
  title: string | null;
  quantity: number | null;
  amount: number | null;
  line_currency: string | null;
  refunded_quantity: number | null;
}

function stateOf(rows: FactRow[]): OrderState {
  const o = rows[0];
  return {
    version: o.version,
    order: {
      currency: o.currency,
      total: o.total_amount,
      confirmedAt: o.confirmed_at,
      cancelled: o.cancelled ?? false,
      refunded: o.refunded_amount ?? 0,
    },
    lines: rows
      .filter((l) => l.sku !== null)
      .map((l) => ({
        sku: l.sku!,
        productId: l.product_id,
        title: l.title!,
        quantity: l.quantity!,
        amount: l.amount!,
        currency: l.line_currency,
        refundedQuantity: l.refunded_quantity!,
      })),
  };
}

/** What applying one event writes: the order's facts, its changed lines and the rollup deltas. */
export interface OrderChange {
  order: OrderFact;
  lines: LineFact[];
  sales: SalesDelta[];
  products: ProductDelta[];
}

/**
 * Writes one event's change in one statement, if the order's facts are still at `version` (the
 * row version `readOrder` saw; null: no row yet). Returns false, having written nothing, when
 * another transaction changed the order meanwhile; the fact row is then locked by this
 * transaction, so reading it again and retrying succeeds.
 *
 *   with o as (insert into admin.sales_orders ... on conflict (order_id) do update set ...
 *               where sales_orders.xmin::text = :version returning order_id),
 *        lines as (insert into admin.sales_order_lines select ... from o, jsonb_to_recordset(:lines)
 *                   on conflict (order_id, sku) do update set ...),
 *        sales as (insert into admin.sales_hourly select ... from o, jsonb_to_recordset(:sales)
 *                   order by bucket, currency on conflict (bucket, currency) do update set ...),
 *        products as (insert into admin.product_sales_hourly ... after every row of `sales`)
 *   select count(*) from o
 *
 * The writes run only when `o` wrote the facts (they read it). The rollup rows are upserted in key
 * order, the hourly rows before the product rows, as concurrent consumers lock them.
 */
export async function saveChange(
  trx: Trx,
  orderId: string,
  version: string | null,
  change: OrderChange,
): Promise<boolean> {
  const { order: o } = change;
  const lines = change.lines.map((l) => ({
    sku: l.sku,
    product_id: l.productId,
    title: l.title,
    quantity: l.quantity,
    amount: l.amount,
    currency: l.currency,
    refunded_quantity: l.refundedQuantity,
  }));
  const products = change.products.map((d) => ({
    bucket: d.bucket,
    product_id: d.productId,
    currency: d.currency,
    title: d.title,
    units: d.units,
    revenue: d.revenue,
  }));
  const { rows } = await sql<{ applied: number }>`
    with o as (
      insert into admin.sales_orders as so
             (order_id, currency, total_amount, confirmed_at, cancelled, refunded_amount, updated_at)
      values (${orderId}, ${o.currency}, ${o.total}, ${o.confirmedAt}, ${o.cancelled}, ${o.refunded}, now())
      on conflict (order_id) do update
         set currency = excluded.currency, total_amount = excluded.total_amount,
             confirmed_at = excluded.confirmed_at, cancelled = excluded.cancelled,
             refunded_amount = excluded.refunded_amount, updated_at = excluded.updated_at
       where so.xmin::text = ${version}::text
      returning order_id
    ), lines as (
      insert into admin.sales_order_lines as sl
             (order_id, sku, product_id, title, quantity, amount, currency, refunded_quantity)
      select o.order_id, l.sku, l.product_id, l.title, l.quantity, l.amount, l.currency, l.refunded_quantity
        from o, jsonb_to_recordset(${JSON.stringify(lines)}::jsonb) as l (
               sku text, product_id text, title text, quantity integer, amount bigint, currency text,
               refunded_quantity integer)
      on conflict (order_id, sku) do update
         set product_id = excluded.product_id, title = excluded.title, quantity = excluded.quantity,
             amount = excluded.amount, currency = excluded.currency,
             refunded_quantity = excluded.refunded_quantity
    ), sales as (
      insert into admin.sales_hourly as h (bucket, currency, orders, units, revenue, refunded)
      select d.bucket, d.currency, d.orders, d.units, d.revenue, d.refunded
        from o, jsonb_to_recordset(${JSON.stringify(change.sales)}::jsonb) as d (
               bucket timestamptz, currency text, orders integer, units integer, revenue bigint,
               refunded bigint)
       order by d.bucket, d.currency
      on conflict (bucket, currency) do update
         set orders = h.orders + excluded.orders, units = h.units + excluded.units,
             revenue = h.revenue + excluded.revenue, refunded = h.refunded + excluded.refunded
      returning 1
    ), products as (
      insert into admin.product_sales_hourly as p (bucket, product_id, currency, title, units, revenue)
      select d.bucket, d.product_id, d.currency, d.title, d.units, d.revenue
        from o, jsonb_to_recordset(${JSON.stringify(products)}::jsonb) as d (
               bucket timestamptz, product_id text, currency text, title text, units integer,
               revenue bigint)
       where (select count(*) from sales) >= 0
       order by d.bucket, d.product_id, d.currency
      on conflict (bucket, product_id, currency) do update
         set title = excluded.title, units = p.units + excluded.units, revenue = p.revenue + excluded.revenue
    )
    select count(*)::int as applied from o`.execute(trx);
  return rows[0].applied > 0;
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

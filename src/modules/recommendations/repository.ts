import { sql } from 'kysely';
import type { AnyDb } from '../../platform/db.js';
import { prepared } from '../../platform/prepared.js';

/** How many of a product's most recent orders "bought together" looks at: a best seller's cost is bounded. */
export const RECENT_ORDERS = 2_000;
/** Products bought together read per product, best first (more than a page: some may be unpublished). */
export const TOGETHER_CANDIDATES = 64;
/** Best sellers read for the fill-up, best first. */
export const POPULAR_CANDIDATES = 100;
/** The window of the best sellers, in days. */
export const POPULAR_DAYS = 30;

export interface ProductCount {
  productId: string;
  /** Orders that count (not cancelled, not refunded in full). */
  orders: number;
}

export interface OrderChanges {
  /** Orders confirmed, with their distinct products, at the confirmation's time (ISO 8601). */
  confirmed: { orderId: string; productIds: string[]; confirmedAt: string }[];
  /** Orders cancelled or refunded in full. */
  withdrawn: string[];
}

/**
 * Records orders in one statement, whatever their number: each order's row first (one per order,
 * in id order, so concurrent batches lock rows in one order), then, for each order seen here for
 * the first time as a confirmation, its products:
 *
 *   with seen as (
 *     insert into recommendations.orders as o (order_id, withdrawn)
 *     select ... from unnest($confirmed) union all select ... from unnest($withdrawn) order by 1
 *     on conflict (order_id) do update set withdrawn = true where excluded.withdrawn and not o.withdrawn
 *     returning order_id, withdrawn, xmax = 0 as inserted),
 *   added as (
 *     insert into recommendations.order_products (order_id, product_id, confirmed_at)
 *     select ... from unnest($lines) join seen on ... and not seen.withdrawn
 *     on conflict do nothing)
 *   select order_id from seen where withdrawn and not inserted
 *
 * A confirmation of an order already seen (the same event again, or after its cancellation)
 * writes nothing; a withdrawal marks the row, also before the confirmation arrives (which then
 * writes nothing). The statement waits for a concurrent transaction that wrote the same order's
 * row, then acts on its outcome. Returns the orders this statement withdrew that were recorded as
 * confirmed before: their products are to be deleted, by a statement of its own
 * (`deleteProductsOf`), whose snapshot sees a confirmation that committed while this one waited.
 */
const recordOrdersStatement = prepared(
  (
    _db: AnyDb,
    v: {
      confirmed: string[];
      withdrawn: string[];
      lineOrders: string[];
      lineProducts: string[];
      lineTimes: string[];
    },
  ) =>
    sql<{ order_id: string }>`
      with seen as (
        insert into recommendations.orders as o (order_id, withdrawn)
        select n.order_id, n.withdrawn
          from (select c, false from unnest(${v.confirmed}::uuid[]) as c
                union all
                select w, true from unnest(${v.withdrawn}::uuid[]) as w) as n(order_id, withdrawn)
         order by n.order_id
        on conflict (order_id) do update set withdrawn = true
          where excluded.withdrawn and not o.withdrawn
        returning o.order_id, o.withdrawn, o.xmax = 0 as inserted
      ),
      added as (
        insert into recommendations.order_products (order_id, product_id, confirmed_at)
        select l.order_id, l.product_id, l.confirmed_at
          from unnest(${v.lineOrders}::uuid[], ${v.lineProducts}::uuid[], ${v.lineTimes}::timestamptz[])
                 as l(order_id, product_id, confirmed_at)
          join seen on seen.order_id = l.order_id and not seen.withdrawn
        on conflict do nothing
      )
      select order_id from seen where withdrawn and not inserted`,
);

/** See `recordOrdersStatement`. Returns the orders whose products `deleteProductsOf` must remove. */
export async function recordOrders(trx: AnyDb, changes: OrderChanges): Promise<string[]> {
  const lines = changes.confirmed.flatMap((o) =>
    o.productIds.map((productId) => ({ orderId: o.orderId, productId, at: o.confirmedAt })),
  );
  const rows = await recordOrdersStatement.execute(trx, {
    confirmed: changes.confirmed.map((o) => o.orderId),
    withdrawn: changes.withdrawn,
    lineOrders: lines.map((l) => l.orderId),
    lineProducts: lines.map((l) => l.productId),
    lineTimes: lines.map((l) => l.at),
  });
  return rows.map((r) => r.order_id);
}

const deleteProducts = prepared(
  (_db: AnyDb, v: { orderIds: string[] }) =>
    sql`delete from recommendations.order_products where order_id = any(${v.orderIds}::uuid[])`,
);

/** Deletes the products of withdrawn orders (primary key prefix), one statement for the batch. */
export async function deleteProductsOf(trx: AnyDb, orderIds: string[]): Promise<void> {
  if (orderIds.length) await deleteProducts.execute(trx, { orderIds });
}

/**
 * The products bought in the same orders as `productId`, among its RECENT_ORDERS most recent
 * orders, by the number of those orders, then the latest such order, then id:
 *
 *   with recent as (select order_id from recommendations.order_products
 *                    where product_id = $1 order by confirmed_at desc limit 2000)
 *   select p.product_id, count(*) from recent join recommendations.order_products p using (order_id)
 *    where p.product_id <> $1 group by p.product_id
 *    order by count(*) desc, max(p.confirmed_at) desc, p.product_id limit 64
 *
 * Both reads are index-only scans (order_products_product_idx, then the primary key). The limits
 * are in the text, so PostgreSQL plans it once per connection (test/plans.test.ts).
 */
const boughtTogetherStatement = prepared(
  (_db: AnyDb, v: { productId: string }) =>
    sql<{ product_id: string; orders: number }>`
      with recent as (
        select order_id from recommendations.order_products
         where product_id = ${v.productId}::uuid
         order by confirmed_at desc
         limit ${sql.lit(RECENT_ORDERS)}
      )
      select p.product_id, count(*)::int as orders
        from recent r join recommendations.order_products p on p.order_id = r.order_id
       where p.product_id <> ${v.productId}::uuid
       group by p.product_id
       order by orders desc, max(p.confirmed_at) desc, p.product_id
       limit ${sql.lit(TOGETHER_CANDIDATES)}`,
);

export async function boughtTogether(db: AnyDb, productId: string): Promise<ProductCount[]> {
  const rows = await boughtTogetherStatement.execute(db, { productId });
  return rows.map((r) => ({ productId: r.product_id, orders: Number(r.orders) }));
}

/**
 * The best sellers of the last POPULAR_DAYS days, by the number of orders that count (a range of
 * order_products_confirmed_idx, read without visiting the table):
 *
 *   select product_id, count(*) from recommendations.order_products
 *    where confirmed_at >= now() - interval '30 days'
 *    group by product_id order by count(*) desc, product_id limit 100
 */
const popularStatement = prepared(
  () =>
    sql<{ product_id: string; orders: number }>`
      select product_id, count(*)::int as orders
        from recommendations.order_products
       where confirmed_at >= now() - make_interval(days => ${sql.lit(POPULAR_DAYS)})
       group by product_id
       order by orders desc, product_id
       limit ${sql.lit(POPULAR_CANDIDATES)}`,
);

export async function popular(db: AnyDb): Promise<ProductCount[]> {
  const rows = await popularStatement.execute(db, {});
  return rows.map((r) => ({ productId: r.product_id, orders: Number(r.orders) }));
}

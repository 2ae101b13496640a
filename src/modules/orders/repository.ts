import { sql, type Selectable } from 'kysely';
import { scoped, type AnyDb } from '../../platform/db.js';
import { preparedForms } from '../../platform/prepared.js';
import { sourcesOf } from '../../platform/state-machine.js';
import { ORDER_TRANSITIONS, PART_TRANSITIONS } from './state.js';
import type { OrderStatus, OrdersTables, PartStatus, ShippingAddress } from './tables.js';

const db = (d: AnyDb) => scoped<OrdersTables>(d);

export type OrderRow = Selectable<OrdersTables['orders.orders']>;
export type LineRow = Selectable<OrdersTables['orders.lines']>;
export type PartRow = Selectable<OrdersTables['orders.parts']>;

export const ORDER_COLUMNS = [
  'id',
  'user_id',
  'cart_id',
  'status',
  'currency',
  'subtotal',
  'discount',
  'shipping',
  'tax',
  'total',
  'refunded_amount',
  'shipping_address',
  'payment_id',
  'payment_provider',
  'cancel_reason',
  'created_at',
  'updated_at',
] as const;

const LINE_COLUMNS = [
  'id',
  'order_id',
  'position',
  'sku',
  'product_id',
  'seller_id',
  'title',
  'quantity',
  'unit_price',
  'hold_id',
] as const;
const PART_COLUMNS = [
  'order_id',
  'seller_id',
  'status',
  'subtotal',
  'carrier',
  'tracking_number',
  'shipped_at',
  'delivered_at',
  'updated_at',
] as const;

export interface NewOrder {
  id: string;
  userId: string;
  cartId: string;
  currency: string;
  totals: { subtotal: number; discount: number; shipping: number; tax: number; total: number };
  shippingAddress: ShippingAddress;
  paymentId: string;
  paymentProvider: string;
  lines: {
    id: string;
    sku: string;
    productId: string;
    sellerId: string;
    title: string;
    quantity: number;
    unitPrice: number;
    holdId: string | null;
  }[];
}

/**
 * Inserts a pending order with its lines, seller parts and first history entry. Idempotent by id:
 * null when the order exists; else what the database stamped (creation and history times).
 */
export async function insertOrder(
  trx: AnyDb,
  o: NewOrder,
): Promise<{ createdAt: Date; historyAt: Date } | null> {
  const parts = new Map<string, number>();
  for (const l of o.lines) parts.set(l.sellerId, (parts.get(l.sellerId) ?? 0) + l.unitPrice * l.quantity);
  const lines = o.lines.map((l, position) => ({
    id: l.id,
    position,
    sku: l.sku,
    product_id: l.productId,
    seller_id: l.sellerId,
    title: l.title,
    quantity: l.quantity,
    unit_price: l.unitPrice,
    hold_id: l.holdId,
  }));
  const t = o.totals;
  // One round trip for the order, its lines, its parts (one per seller) and its first history
  // entry: the later inserts read the order's row from the first, so an order that exists
  // already (a replayed step) inserts nothing and answers no row.
  const { rows } = await sql<{ created_at: Date; history_at: Date }>`
    with o as (
      insert into orders.orders (id, user_id, cart_id, status, currency, subtotal, discount, shipping, tax,
                                 total, shipping_address, payment_id, payment_provider, cancel_reason)
      values (${o.id}, ${o.userId}, ${o.cartId}, 'pending', ${o.currency}, ${t.subtotal}, ${t.discount},
              ${t.shipping}, ${t.tax}, ${t.total}, ${JSON.stringify(o.shippingAddress)}, ${o.paymentId},
              ${o.paymentProvider}, null)
      on conflict (id) do nothing
      returning id, created_at
    ), l as (
      insert into orders.lines (id, order_id, position, sku, product_id, seller_id, title, quantity, unit_price, hold_id)
      select x.id, o.id, x.position, x.sku, x.product_id, x.seller_id, x.title, x.quantity, x.unit_price, x.hold_id
        from o, jsonb_to_recordset(${JSON.stringify(lines)}::jsonb) as x(id uuid, position integer, sku text,
             product_id uuid, seller_id uuid, title text, quantity integer, unit_price bigint, hold_id text)
    ), p as (
      insert into orders.parts (order_id, seller_id, status, subtotal)
      select o.id, x.seller_id, 'pending', x.subtotal
        from o, jsonb_to_recordset(${JSON.stringify([...parts].map(([seller_id, subtotal]) => ({ seller_id, subtotal })))}::jsonb)
             as x(seller_id uuid, subtotal bigint)
    ), h as (
      insert into orders.history (order_id, status, note)
      select o.id, 'pending', 'Order placed' from o
      returning at
    )
    select o.created_at, h.at as history_at from o, h`.execute(trx);
  const row = rows[0];
  return row ? { createdAt: row.created_at, historyAt: row.history_at } : null;
}

/** Appends a history entry (about one seller's part when `sellerId` is given); returns its time. */
export async function addHistory(
  trx: AnyDb,
  orderId: string,
  status: string,
  note: string | null,
  sellerId: string | null = null,
): Promise<Date> {
  const row = await db(trx)
    .insertInto('orders.history')
    .values({ order_id: orderId, status, note, seller_id: sellerId })
    .returning('at')
    .executeTakeFirstOrThrow();
  return row.at;
}

/**
 * Moves an order to `to` when the transition table allows it from its current status (one
 * conditional UPDATE); its parts follow for confirm/cancel. Returns the row, or undefined.
 */
interface OrderTransitionValues {
  id: string;
  note: string | null;
  cancelReason: string | null;
}

/** A transition's text depends on its target, the parts' target and whether it records a reason. */
const orderTransition = preparedForms((form: string) => {
  const [to, parts, reason] = form.split('|') as [OrderStatus, PartStatus | '', string];
  return (d: AnyDb, v: OrderTransitionValues) => {
    let q = db(d).with('moved', (c) =>
      c
        .updateTable('orders.orders')
        .set({
          status: to,
          updated_at: sql<Date>`now()`,
          ...(reason ? { cancel_reason: v.cancelReason } : {}),
        })
        .where('id', '=', v.id)
        .where('status', 'in', sourcesOf(ORDER_TRANSITIONS, to))
        .returning(ORDER_COLUMNS),
    );
    if (parts)
      q = q.with('moved_parts', (c) =>
        c
          .updateTable('orders.parts')
          .set({ status: parts, updated_at: sql<Date>`now()` })
          .where('order_id', 'in', (s) => s.selectFrom('moved').select('moved.id'))
          .where('status', 'in', sourcesOf(PART_TRANSITIONS, parts)),
      ) as unknown as typeof q; // the statement never reads this CTE
    return q
      .with('entry', (c) =>
        c
          .insertInto('orders.history')
          .columns(['order_id', 'status', 'note'])
          .expression((s) =>
            s
              .selectFrom('moved')
              .select((eb) => ['moved.id', eb.val(to).as('status'), eb.val(v.note).as('note')]),
          )
          .returning('at'),
      )
      .selectFrom(['moved', 'entry'])
      .selectAll('moved')
      .select('entry.at as historyAt');
  };
});

export async function transitionOrder(
  trx: AnyDb,
  id: string,
  to: OrderStatus,
  opts: { note?: string | null; cancelReason?: string; parts?: PartStatus } = {},
): Promise<(OrderRow & { historyAt: Date }) | undefined> {
  // One round trip: the order's conditional UPDATE, its parts and the history entry, the last two
  // only when the order moved (they read its row from the first).
  const reason = opts.cancelReason !== undefined;
  return orderTransition(`${to}|${opts.parts ?? ''}|${reason ? 'reason' : ''}`).executeTakeFirst(trx, {
    id,
    note: opts.note ?? null,
    cancelReason: opts.cancelReason ?? null,
  });
}

export async function findOrder(d: AnyDb, id: string, lock = false): Promise<OrderRow | undefined> {
  let q = db(d).selectFrom('orders.orders').select(ORDER_COLUMNS).where('id', '=', id);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function linesOf(d: AnyDb, orderIds: string[]): Promise<Map<string, LineRow[]>> {
  const out = new Map<string, LineRow[]>();
  if (orderIds.length === 0) return out;
  const rows = await db(d)
    .selectFrom('orders.lines')
    .select(LINE_COLUMNS)
    .where('order_id', 'in', orderIds)
    .orderBy('order_id')
    .orderBy('position')
    .execute();
  for (const r of rows) out.set(r.order_id, [...(out.get(r.order_id) ?? []), r]);
  return out;
}

export async function partsOf(d: AnyDb, orderIds: string[]): Promise<Map<string, PartRow[]>> {
  const out = new Map<string, PartRow[]>();
  if (orderIds.length === 0) return out;
  const rows = await db(d)
    .selectFrom('orders.parts')
    .select(PART_COLUMNS)
    .where('order_id', 'in', orderIds)
    .orderBy('seller_id')
    .execute();
  for (const r of rows) out.set(r.order_id, [...(out.get(r.order_id) ?? []), r]);
  return out;
}

export async function historyOf(d: AnyDb, orderId: string) {
  return db(d)
    .selectFrom('orders.history')
    .select(['status', 'note', 'seller_id', 'at'])
    .where('order_id', '=', orderId)
    .orderBy('id')
    .execute();
}

export async function ordersOfUser(d: AnyDb, userId: string, limit: number, before: string | null) {
  let q = db(d).selectFrom('orders.orders').select(ORDER_COLUMNS).where('user_id', '=', userId);
  if (before) q = q.where('id', '<', before);
  return q
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
}

/**
 * The seller's parts of orders that were confirmed, newest order first, with their orders. An order
 * whose checkout never confirmed it (pending, or cancelled by a declined, failed or expired
 * payment) is no order to the seller: nothing was sold, and its buyer's address is not shown.
 */
export async function partsOfSeller(d: AnyDb, sellerId: string, limit: number, before: string | null) {
  let q = db(d)
    .selectFrom('orders.parts as p')
    .innerJoin('orders.orders as o', 'o.id', 'p.order_id')
    .select([
      'p.order_id',
      'p.seller_id',
      'p.status',
      'p.subtotal',
      'p.carrier',
      'p.tracking_number',
      'p.shipped_at',
      'p.delivered_at',
      'o.status as order_status',
      'o.currency',
      'o.shipping_address',
      'o.created_at',
    ])
    .where('p.seller_id', '=', sellerId)
    .where('o.status', '<>', 'pending')
    .where((eb) =>
      eb.or([
        eb('o.status', '<>', 'cancelled'),
        eb.exists(
          eb
            .selectFrom('orders.history as h')
            .select(sql.lit(1).as('one'))
            .whereRef('h.order_id', '=', 'o.id')
            .where('h.status', '=', 'confirmed'),
        ),
      ]),
    );
  if (before) q = q.where('p.order_id', '<', before);
  return q
    .orderBy('p.order_id', 'desc')
    .limit(limit + 1)
    .execute();
}

/**
 * Ships one seller's part (confirmed → shipped), then the order when no part is left to ship.
 * Returns the part's new row, or undefined when that part is not shippable.
 */
export async function shipPart(
  trx: AnyDb,
  orderId: string,
  sellerId: string,
  carrier: string,
  trackingNumber: string,
): Promise<PartRow | undefined> {
  return db(trx)
    .updateTable('orders.parts')
    .set({
      status: 'shipped',
      carrier,
      tracking_number: trackingNumber,
      shipped_at: new Date(),
      updated_at: new Date(),
    })
    .where('order_id', '=', orderId)
    .where('seller_id', '=', sellerId)
    .where('status', 'in', sourcesOf(PART_TRANSITIONS, 'shipped'))
    .returning(PART_COLUMNS)
    .executeTakeFirst();
}

export async function deliverPart(trx: AnyDb, orderId: string, sellerId: string) {
  return db(trx)
    .updateTable('orders.parts')
    .set({ status: 'delivered', delivered_at: new Date(), updated_at: new Date() })
    .where('order_id', '=', orderId)
    .where('seller_id', '=', sellerId)
    .where('status', 'in', sourcesOf(PART_TRANSITIONS, 'delivered'))
    .returning(PART_COLUMNS)
    .executeTakeFirst();
}

/** Whether every part that is not cancelled has reached one of `statuses`. */
export async function allPartsIn(trx: AnyDb, orderId: string, statuses: PartStatus[]): Promise<boolean> {
  const { rows } = await sql<{ left: number }>`
    select count(*)::int as left from orders.parts
     where order_id = ${orderId} and status <> 'cancelled' and status not in (${sql.join(statuses)})`.execute(
    trx,
  );
  return rows[0].left === 0;
}

export async function addRefunded(
  trx: AnyDb,
  orderId: string,
  amount: number,
): Promise<OrderRow | undefined> {
  const { rows } = await sql<OrderRow>`
    update orders.orders set refunded_amount = refunded_amount + ${amount}, updated_at = now()
     where id = ${orderId} and refunded_amount + ${amount} <= total
    returning ${sql.join(ORDER_COLUMNS.map((c) => sql.ref(c)))}`.execute(trx);
  return rows[0];
}

/**
 * Cancels the order's parts that may still be cancelled (not shipped, not delivered); returns the
 * sellers of the parts this call cancelled, so each is cancelled (and restocked) once.
 */
export async function cancelParts(trx: AnyDb, orderId: string): Promise<string[]> {
  const rows = await db(trx)
    .updateTable('orders.parts')
    .set({ status: 'cancelled', updated_at: new Date() })
    .where('order_id', '=', orderId)
    .where('status', 'in', sourcesOf(PART_TRANSITIONS, 'cancelled'))
    .returning('seller_id')
    .execute();
  return rows.map((r) => r.seller_id).sort();
}

/**
 * A refund the provider refused: the order's refunded total and status as they now are, and the
 * history entry saying so, in one statement.
 */
export async function recordRefusedRefund(
  trx: AnyDb,
  orderId: string,
  v: { refunded: number; status: OrderStatus; note: string },
): Promise<void> {
  await sql`
    with o as (
      update orders.orders set refunded_amount = ${v.refunded}, status = ${v.status}, updated_at = now()
       where id = ${orderId}
      returning id)
    insert into orders.history (order_id, status, note) select id, ${v.status}, ${v.note} from o`.execute(
    trx,
  );
}

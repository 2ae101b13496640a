import { sql, type Selectable } from 'kysely';
import { scoped, type AnyDb } from '../../platform/db.js';
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
  const inserted = await db(trx)
    .insertInto('orders.orders')
    .values({
      id: o.id,
      user_id: o.userId,
      cart_id: o.cartId,
      status: 'pending',
      currency: o.currency,
      ...o.totals,
      shipping_address: JSON.stringify(o.shippingAddress),
      payment_id: o.paymentId,
      payment_provider: o.paymentProvider,
      cancel_reason: null,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning(['id', 'created_at'])
    .executeTakeFirst();
  if (!inserted) return null;
  await db(trx)
    .insertInto('orders.lines')
    .values(
      o.lines.map((l, position) => ({
        id: l.id,
        order_id: o.id,
        position,
        sku: l.sku,
        product_id: l.productId,
        seller_id: l.sellerId,
        title: l.title,
        quantity: l.quantity,
        unit_price: l.unitPrice,
        hold_id: l.holdId,
      })),
    )
    .execute();
  const parts = new Map<string, number>();
  for (const l of o.lines) parts.set(l.sellerId, (parts.get(l.sellerId) ?? 0) + l.unitPrice * l.quantity);
  await db(trx)
    .insertInto('orders.parts')
    .values(
      [...parts].map(([sellerId, subtotal]) => ({
        order_id: o.id,
        seller_id: sellerId,
        status: 'pending' as const,
        subtotal,
        carrier: null,
        tracking_number: null,
        shipped_at: null,
        delivered_at: null,
      })),
    )
    .execute();
  const historyAt = await addHistory(trx, o.id, 'pending', 'Order placed');
  return { createdAt: inserted.created_at, historyAt };
}

/** Appends a history entry; returns its time. */
export async function addHistory(
  trx: AnyDb,
  orderId: string,
  status: string,
  note: string | null,
): Promise<Date> {
  const row = await db(trx)
    .insertInto('orders.history')
    .values({ order_id: orderId, status, note })
    .returning('at')
    .executeTakeFirstOrThrow();
  return row.at;
}

/**
 * Moves an order to `to` when the transition table allows it from its current status (one
 * conditional UPDATE); its parts follow for confirm/cancel. Returns the row, or undefined.
 */
export async function transitionOrder(
  trx: AnyDb,
  id: string,
  to: OrderStatus,
  opts: { note?: string | null; cancelReason?: string; parts?: PartStatus } = {},
): Promise<(OrderRow & { historyAt: Date }) | undefined> {
  const row = await db(trx)
    .updateTable('orders.orders')
    .set({
      status: to,
      updated_at: new Date(),
      ...(opts.cancelReason !== undefined ? { cancel_reason: opts.cancelReason } : {}),
    })
    .where('id', '=', id)
    .where('status', 'in', sourcesOf(ORDER_TRANSITIONS, to))
    .returning(ORDER_COLUMNS)
    .executeTakeFirst();
  if (!row) return undefined;
  if (opts.parts) {
    await db(trx)
      .updateTable('orders.parts')
      .set({ status: opts.parts, updated_at: new Date() })
      .where('order_id', '=', id)
      .where('status', 'in', sourcesOf(PART_TRANSITIONS, opts.parts))
      .execute();
  }
  const historyAt = await addHistory(trx, id, to, opts.note ?? null);
  return { ...row, historyAt };
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
    .select(['status', 'note', 'at'])
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

/** The seller's parts, newest order first, with their orders. */
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
    .where('o.status', '<>', 'pending');
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

export async function cancelParts(trx: AnyDb, orderId: string): Promise<void> {
  await db(trx)
    .updateTable('orders.parts')
    .set({ status: 'cancelled', updated_at: new Date() })
    .where('order_id', '=', orderId)
    .where('status', 'in', sourcesOf(PART_TRANSITIONS, 'cancelled'))
    .execute();
}

import type { Ctx } from '../../platform/context.js';
import { ForbiddenError } from '../../platform/errors.js';
import { publishEvents } from '../../platform/events/outbox.js';
import { IdempotencyKeyReusedError } from '../../platform/http/idempotency.js';
import type { Money, PaymentsModule, RefundFailure } from '../payments/index.js';
import { OrderNotFoundError, OrderStateError } from './errors.js';
import { ORDERS_SOURCE } from './events.js';
import { formatMoney } from '../../platform/money.js';
import { lineData, orderEventData, publishOrderEvent } from './order-events.js';
import type { InventoryPort } from './ports.js';
import * as repo from './repository.js';
import type { LineRow } from './repository.js';
import type { OrderStatus } from './tables.js';
import type { Checkout } from './saga/checkout.js';
import { sagaOfOrder } from './saga/saga-repository.js';
import type { Trx } from './saga/types.js';
import { summedBySku } from './steps/reserve-stock.js';

export interface OrderDeps {
  inventory: InventoryPort;
  payments: PaymentsModule;
}

/**
 * Cancels an order before any part shipped: the buyer (own order) or an admin. Sold units go back
 * to stock; captured money is refunded (counted in the order's `refunded_amount` and named in the
 * history note), an authorization voided (both by durable jobs).
 * A `pending` order, whose checkout waits for the customer's payment action (3-D Secure), is given
 * up (`Checkout.abandon`): its authorization voided, its stock released, nothing charged, and its
 * cart free for another checkout. `onlyIfPending` refuses an order that is no longer pending (its
 * payment went through meanwhile) instead of cancelling and refunding it.
 * Orders whose checkout is still running are refused (their saga finishes or compensates them).
 * @throws OrderNotFoundError, OrderStateError (409)
 */
export async function cancelOrder(
  ctx: Ctx,
  deps: OrderDeps & { checkout: Pick<Checkout, 'abandon'> },
  orderId: string,
  reason: string,
  opts: { onlyIfPending?: boolean } = {},
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const order = await repo.findOrder(trx, orderId, true);
    const actor = ctx.actor!;
    if (!order || (actor.role !== 'admin' && order.user_id !== actor.userId)) throw new OrderNotFoundError();
    if (order.status === 'pending') {
      // the saga's save is the transaction's last statement: nothing may follow it
      const pending = { id: order.id, cartId: order.cart_id };
      if (await deps.checkout.abandon(trx, pending, reason, ctx.requestId)) return;
      // a completion of the payment (webhook, recovery) is driving the checkout right now
      throw new OrderStateError(
        'The payment of this order is being completed right now; look at the order again in a moment',
        'pending',
      );
    }
    if (opts.onlyIfPending)
      throw new OrderStateError(
        `The payment of this order went through: it is ${order.status}`,
        order.status,
      );
    const saga = await sagaOfOrder(trx, orderId);
    if (saga && saga.status !== 'completed')
      throw new OrderStateError('The checkout of this order is still in progress', order.status);
    // before shipping, also after a partial refund (the rest of the payment is refunded)
    if (order.status !== 'confirmed' && order.status !== 'partially_refunded')
      throw new OrderStateError(`A ${order.status} order cannot be cancelled`, order.status);
    const parts = (await repo.partsOf(trx, [orderId])).get(orderId) ?? [];
    if (parts.some((p) => p.status === 'shipped' || p.status === 'delivered'))
      throw new OrderStateError('Part of this order has shipped; ask for a refund instead', order.status);
    const refunded = await settlePayment(trx, deps, order.payment_id, `order:${orderId}:cancel`, reason);
    const cancelled = (await repo.transitionOrder(trx, orderId, 'cancelled', {
      note: refunded ? `${reason} (${formatMoney(refunded)} refunded)` : reason,
      cancelReason: reason,
      parts: 'cancelled',
    }))!;
    // The order shows what was paid back, as a refund does (totals.refunded and the note).
    if (refunded) await repo.addRefunded(trx, orderId, refunded.amount);
    const lines = (await repo.linesOf(trx, [orderId])).get(orderId) ?? [];
    await deps.inventory.restock(trx, {
      lines: summedBySku(lines.map((l) => ({ sku: l.sku, quantity: l.quantity }))),
      reason: `order ${orderId} cancelled`,
      key: `order:${orderId}:cancel`,
    });
    await publishOrderEvent(trx, ctx.requestId, 'order.cancelled', {
      ...orderEventData(
        cancelled,
        lines.map((l) => lineData(l, cancelled.currency)),
        reason,
      ),
      ...(refunded ? { refunded } : {}),
    });
  });
}

/**
 * Gives back what a payment holds: refunds the captured rest, or voids an authorization. Returns
 * the money this call refunded (null when it refunded nothing).
 */
async function settlePayment(
  trx: Trx,
  deps: OrderDeps,
  paymentId: string,
  key: string,
  reason: string,
): Promise<Money | null> {
  const payment = await deps.payments.service.get(trx, paymentId);
  if (!payment) return null;
  if (payment.status === 'captured' || payment.status === 'partially_refunded') {
    if (payment.captured.amount <= payment.refunded.amount) return null;
    const refund = await deps.payments.service.requestRefund(trx, { paymentId, reason, key });
    return refund.created ? refund.amount : null;
  }
  await deps.payments.service.requestVoid(trx, paymentId);
  return null;
}

/**
 * A seller ships its part; the order becomes shipped when no part is left to ship.
 * @throws OrderNotFoundError (not the seller's order), OrderStateError (the part is not shippable)
 */
export async function shipPart(
  ctx: Ctx,
  orderId: string,
  input: { carrier: string; trackingNumber: string },
): Promise<void> {
  const sellerId = ctx.actor!.userId;
  await ctx.db.transaction().execute(async (trx) => {
    const order = await repo.findOrder(trx, orderId, true);
    if (!order) throw new OrderNotFoundError();
    if (order.status === 'refunded') {
      // A full refund cancels the parts not shipped yet; an order refunded in full before it did
      // may still have one open. Its buyer was paid back for it: it does not ship.
      const mine = ((await repo.partsOf(trx, [orderId])).get(orderId) ?? []).find(
        (p) => p.seller_id === sellerId,
      );
      if (!mine) throw new OrderNotFoundError();
      if (mine.status === 'confirmed')
        throw new OrderStateError('The order was refunded in full: its parts do not ship', 'refunded');
    }
    const part = await repo.shipPart(trx, orderId, sellerId, input.carrier, input.trackingNumber);
    if (!part) {
      const parts = (await repo.partsOf(trx, [orderId])).get(orderId) ?? [];
      const mine = parts.find((p) => p.seller_id === sellerId);
      if (!mine) throw new OrderNotFoundError();
      throw new OrderStateError(`A ${mine.status} part cannot be shipped`, mine.status);
    }
    await repo.addHistory(
      trx,
      orderId,
      'part_shipped',
      `Shipped by seller ${sellerId} with ${input.carrier}`,
      sellerId,
    );
    if (await repo.allPartsIn(trx, orderId, ['shipped', 'delivered']))
      await repo.transitionOrder(trx, orderId, 'shipped', { note: 'Every part has shipped' });
    const sellerIds = ((await repo.partsOf(trx, [orderId])).get(orderId) ?? []).map((p) => p.seller_id);
    await publishEvents(trx, { source: ORDERS_SOURCE, correlationId: ctx.requestId }, [
      {
        type: 'order.shipped',
        subject: orderId,
        data: {
          orderId,
          userId: order.user_id,
          sellerId,
          sellerIds,
          carrier: input.carrier,
          trackingNumber: input.trackingNumber,
        },
      },
    ]);
  });
}

/**
 * A seller marks its shipped part delivered; the order is delivered when every part is, also after
 * a partial refund (as it ships when every part has: the refund shows in `totals.refunded`).
 */
export async function deliverPart(ctx: Ctx, orderId: string): Promise<void> {
  const sellerId = ctx.actor!.userId;
  await ctx.db.transaction().execute(async (trx) => {
    const order = await repo.findOrder(trx, orderId, true);
    if (!order) throw new OrderNotFoundError();
    const part = await repo.deliverPart(trx, orderId, sellerId);
    if (!part) {
      const mine = ((await repo.partsOf(trx, [orderId])).get(orderId) ?? []).find(
        (p) => p.seller_id === sellerId,
      );
      if (!mine) throw new OrderNotFoundError();
      throw new OrderStateError(`A ${mine.status} part cannot be delivered`, mine.status);
    }
    await repo.addHistory(trx, orderId, 'part_delivered', `Delivered (seller ${sellerId})`, sellerId);
    if (
      (order.status === 'shipped' || order.status === 'partially_refunded') &&
      (await repo.allPartsIn(trx, orderId, ['delivered']))
    )
      await repo.transitionOrder(trx, orderId, 'delivered', { note: 'Every part was delivered' });
  });
}

/**
 * An admin refunds all that is left (no amount) or part of a paid order. A refund that leaves
 * nothing to refund (no amount, or an amount equal to what is left) is a full refund: the order is
 * `refunded`, and its parts not yet shipped are cancelled (the seller can no longer ship them) and
 * their goods restocked (see `cancelUnshippedParts`). Shipped and delivered parts
 * stay as they are: their goods are with the buyer, and come back, if ever, through an inventory
 * adjustment. Any other refund is money only. Idempotent per `input.key`: a key used before
 * changes nothing again (the same reason and amount), or is refused.
 * @throws OrderNotFoundError, OrderStateError, ConflictError (more than is left to refund),
 * IdempotencyKeyReusedError (the key was used for another reason or amount)
 */
export async function refundOrder(
  ctx: Ctx,
  deps: OrderDeps,
  orderId: string,
  input: { amount?: number; reason: string; key: string },
): Promise<void> {
  if (ctx.actor?.role !== 'admin') throw new ForbiddenError();
  const key = `order:${orderId}:refund:${input.key}`;
  await ctx.db.transaction().execute(async (trx) => {
    // The order's lock also orders a refund against a seller shipping its part (`shipPart`).
    const order = await repo.findOrder(trx, orderId, true);
    if (!order) throw new OrderNotFoundError();
    // A key used before: that refund was counted when it was made (the order's lock orders them).
    const earlier = await deps.payments.service.refundByKey(trx, key);
    if (earlier) {
      const same =
        earlier.reason === input.reason &&
        (input.amount === undefined || input.amount === earlier.amount.amount);
      if (!same) throw new IdempotencyKeyReusedError();
      return;
    }
    if (!['confirmed', 'shipped', 'delivered', 'partially_refunded'].includes(order.status))
      throw new OrderStateError(`A ${order.status} order cannot be refunded`, order.status);
    const saga = await sagaOfOrder(trx, orderId);
    if (saga && saga.status !== 'completed')
      throw new OrderStateError('The checkout of this order is still in progress', order.status);
    // the key was looked up above, under the order's lock that every refund of this order takes
    const { amount } = await deps.payments.service.requestNewRefund(trx, {
      paymentId: order.payment_id,
      amount: input.amount,
      reason: input.reason,
      key,
    });
    const updated = await repo.addRefunded(trx, orderId, amount.amount);
    if (!updated)
      throw new OrderStateError('The refund is larger than what is left of the order', order.status);
    const full = updated.refunded_amount >= updated.total;
    await repo.transitionOrder(trx, orderId, full ? 'refunded' : 'partially_refunded', {
      note: `${input.reason} (${formatMoney(amount)} refunded)`,
    });
    const lines = (await repo.linesOf(trx, [orderId])).get(orderId) ?? [];
    const restocked = full
      ? await cancelUnshippedParts(trx, deps, orderId, lines, { key, correlationId: ctx.requestId })
      : [];
    await publishEvents(trx, { source: ORDERS_SOURCE, correlationId: ctx.requestId }, [
      {
        type: 'order.refunded',
        subject: orderId,
        data: {
          orderId,
          userId: order.user_id,
          status: full ? 'refunded' : 'partially_refunded',
          amount,
          sellerIds: [...new Set(lines.map((l) => l.seller_id))].sort(),
          // the lines of the parts this refund cancelled: a seller's webhook gets its own lines
          // only, so a seller finds its lines here exactly when its part was cancelled
          ...(restocked.length > 0 ? { lines: restocked.map((l) => lineData(l, order.currency)) } : {}),
        },
      },
    ]);
  });
}

/**
 * A full refund's effect on the goods: every part not yet shipped is cancelled (a seller shipping
 * it now gets a 409), its units go back to stock (ledger kind `return`) and its seller's history
 * says so. One restock for all the cancelled parts, so the SKUs' rows are locked in SKU order as
 * every stock writer locks them, keyed by the refund (a refund is counted once, and a part
 * cancelled once). Returns the lines of the parts it cancelled.
 */
async function cancelUnshippedParts(
  trx: Trx,
  deps: OrderDeps,
  orderId: string,
  lines: LineRow[],
  refund: { key: string; correlationId: string },
): Promise<LineRow[]> {
  const sellers = await repo.cancelParts(trx, orderId);
  const restocked = lines.filter((l) => sellers.includes(l.seller_id));
  if (restocked.length === 0) return [];
  await deps.inventory.restock(trx, {
    lines: summedBySku(restocked.map((l) => ({ sku: l.sku, quantity: l.quantity }))),
    reason: `order ${orderId} refunded in full before this part shipped: part cancelled`,
    key: `${refund.key}:restock`,
    orderId,
    correlationId: refund.correlationId,
  });
  for (const sellerId of sellers) {
    const units = restocked.filter((l) => l.seller_id === sellerId).reduce((n, l) => n + l.quantity, 0);
    await repo.addHistory(
      trx,
      orderId,
      'part_cancelled',
      `Cancelled before shipping by the order's full refund (seller ${sellerId}); ${units} ${units === 1 ? 'unit' : 'units'} back in stock`,
      sellerId,
    );
  }
  return restocked;
}

/**
 * Where an order stands by its parts once no refund counts on it: cancelled when every part is,
 * else by the parts that are not cancelled (a full refund cancels only the parts not yet shipped).
 */
function statusOfParts(parts: { status: string }[]): OrderStatus {
  const live = parts.filter((p) => p.status !== 'cancelled');
  if (parts.length > 0 && live.length === 0) return 'cancelled';
  if (live.length > 0 && live.every((p) => p.status === 'delivered')) return 'delivered';
  if (live.length > 0 && live.every((p) => p.status === 'shipped' || p.status === 'delivered'))
    return 'shipped';
  return 'confirmed';
}

/**
 * A refund the provider refused for good (payments calls this in the transaction that records the
 * failure). The order counted the refund when it was asked for (`refundOrder`, `cancelOrder`), so it
 * stops counting it: the refunded total drops, an order the refunds had made `refunded` or
 * `partially_refunded` goes back to what its parts say, and the history says that nothing was paid
 * back. The parts a full refund cancelled stay cancelled: their goods went back to stock and may
 * be sold again, so they cannot be taken back safely (a full refund before shipping cancelled
 * every part: that order stays cancelled, now without its money back; one after a part shipped
 * goes back to `shipped` or `delivered` by the parts that shipped). The admin settles the money
 * again (another refund) or outside Agora. Refunds the order never counted (a checkout's own
 * compensation) change nothing here.
 */
export async function refundRefused(trx: Trx, failure: RefundFailure, correlationId: string): Promise<void> {
  if (!failure.key.startsWith(`order:${failure.orderId}:`)) return;
  const order = await repo.findOrder(trx, failure.orderId, true);
  if (!order) return;
  const refunded = Math.max(0, order.refunded_amount - failure.amount.amount);
  const parts = (await repo.partsOf(trx, [order.id])).get(order.id) ?? [];
  const byRefunds = order.status === 'refunded' || order.status === 'partially_refunded';
  const status = !byRefunds ? order.status : refunded > 0 ? 'partially_refunded' : statusOfParts(parts);
  const kept = byRefunds && parts.some((p) => p.status === 'cancelled');
  await repo.recordRefusedRefund(trx, order.id, {
    refunded,
    status,
    note:
      `Refund of ${formatMoney(failure.amount)} refused by the payment provider (${failure.error}); nothing was paid back` +
      (kept ? '; the cancelled parts stay cancelled (their goods were restocked)' : ''),
  });
  const lines = (await repo.linesOf(trx, [order.id])).get(order.id) ?? [];
  await publishEvents(trx, { source: ORDERS_SOURCE, correlationId }, [
    {
      type: 'order.refund_failed',
      subject: order.id,
      data: {
        orderId: order.id,
        userId: order.user_id,
        amount: failure.amount,
        reason: failure.reason,
        error: failure.error,
        sellerIds: [...new Set(lines.map((l) => l.seller_id))].sort(),
      },
    },
  ]);
}

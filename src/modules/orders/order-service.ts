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
import type { OrderStatus } from './tables.js';
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
 * Orders whose checkout is still running are refused (their saga finishes or compensates them).
 * @throws OrderNotFoundError, OrderStateError (409)
 */
export async function cancelOrder(ctx: Ctx, deps: OrderDeps, orderId: string, reason: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const order = await repo.findOrder(trx, orderId, true);
    const actor = ctx.actor!;
    if (!order || (actor.role !== 'admin' && order.user_id !== actor.userId)) throw new OrderNotFoundError();
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
 * An admin refunds all that is left (no amount) or part of a paid order. Money only: goods are
 * restocked only by a full refund of an order none of whose parts shipped (the goods never left);
 * returned goods come back through an inventory adjustment when they arrive. Idempotent per
 * `input.key`: a key used before changes nothing again (the same reason and amount), or is refused.
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
    const parts = (await repo.partsOf(trx, [orderId])).get(orderId) ?? [];
    const lines = (await repo.linesOf(trx, [orderId])).get(orderId) ?? [];
    const shipped = parts.some((p) => p.status === 'shipped' || p.status === 'delivered');
    if (full && !shipped) {
      await repo.cancelParts(trx, orderId);
      await deps.inventory.restock(trx, {
        lines: summedBySku(lines.map((l) => ({ sku: l.sku, quantity: l.quantity }))),
        reason: `order ${orderId} refunded before shipping`,
        key: `order:${orderId}:refund-restock`,
      });
    }
    await publishEvents(trx, { source: ORDERS_SOURCE, correlationId: ctx.requestId }, [
      {
        type: 'order.refunded',
        subject: orderId,
        data: {
          orderId,
          userId: order.user_id,
          amount,
          sellerIds: [...new Set(lines.map((l) => l.seller_id))].sort(),
          ...(full && !shipped ? { lines: lines.map((l) => lineData(l, order.currency)) } : {}),
        },
      },
    ]);
  });
}

/** Where an order stands by its parts once no refund counts on it. */
function statusOfParts(parts: { status: string }[]): OrderStatus {
  if (parts.length > 0 && parts.every((p) => p.status === 'cancelled')) return 'cancelled';
  if (parts.length > 0 && parts.every((p) => p.status === 'delivered')) return 'delivered';
  if (parts.length > 0 && parts.every((p) => p.status === 'shipped' || p.status === 'delivered'))
    return 'shipped';
  return 'confirmed';
}

/**
 * A refund the provider refused for good (payments calls this in the transaction that records the
 * failure). The order counted the refund when it was asked for (`refundOrder`, `cancelOrder`), so it
 * stops counting it: the refunded total drops, an order the refunds had made `refunded` or
 * `partially_refunded` goes back to what its parts say (a full refund before shipping cancelled
 * them and restocked the goods: that order stays cancelled, now without its money back), and the
 * history says that nothing was paid back. Refunds the order never counted (a checkout's own
 * compensation) change nothing here.
 */
export async function refundRefused(trx: Trx, failure: RefundFailure, correlationId: string): Promise<void> {
  if (!failure.key.startsWith(`order:${failure.orderId}:`)) return;
  const order = await repo.findOrder(trx, failure.orderId, true);
  if (!order) return;
  const refunded = Math.max(0, order.refunded_amount - failure.amount.amount);
  let status = order.status;
  if (status === 'refunded' || status === 'partially_refunded') {
    status =
      refunded > 0
        ? 'partially_refunded'
        : statusOfParts((await repo.partsOf(trx, [order.id])).get(order.id) ?? []);
  }
  await repo.recordRefusedRefund(trx, order.id, {
    refunded,
    status,
    note: `Refund of ${formatMoney(failure.amount)} refused by the payment provider (${failure.error}); nothing was paid back`,
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

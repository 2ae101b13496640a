import { uuidv7 } from '../../../platform/ids.js';
import { lineData, orderEventData, publishOrderEvent } from '../order-events.js';
import type { OrderStatus } from '../tables.js';
import type { StepCtx } from '../saga/types.js';
import * as repo from '../repository.js';
import type { LocalStep } from '../saga/types.js';

/**
 * Creates the order `pending` (lines, one part per seller, history), publishes `order.placed`, and
 * records the pending payment with the checkout's idempotency key.
 */
/** The order's event payload from the cart snapshot the saga holds (no read back). */
export function eventData(ctx: StepCtx, status: OrderStatus, reason?: string) {
  const { saga } = ctx;
  const cart = saga.state.cart!;
  return {
    orderId: saga.orderId,
    userId: saga.userId,
    status,
    total: cart.totals.total,
    sellerIds: [...new Set(cart.lines.map((l) => l.sellerId))].sort(),
    lines: cart.lines.map((l) => ({
      sku: l.sku,
      productId: l.productId,
      sellerId: l.sellerId,
      title: l.title,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
    })),
    ...(reason ? { reason } : {}),
  };
}

export const createOrder: LocalStep = {
  name: 'create-order',
  remote: false,
  async run(ctx, trx) {
    const { saga, deps } = ctx;
    const cart = saga.state.cart!;
    const paymentId = saga.state.paymentId ?? uuidv7();
    saga.state.paymentId = paymentId;
    const t = cart.totals;
    const lineIds = saga.state.lineIds ?? cart.lines.map(() => uuidv7());
    saga.state.lineIds = lineIds;
    const created = await repo.insertOrder(trx, {
      id: saga.orderId,
      userId: saga.userId,
      cartId: saga.cartId,
      currency: cart.currency,
      totals: {
        subtotal: t.subtotal.amount,
        discount: t.discount.amount,
        shipping: t.shipping.amount,
        tax: t.tax.amount,
        total: t.total.amount,
      },
      shippingAddress: saga.input.shippingAddress,
      paymentId,
      paymentProvider: saga.input.provider,
      lines: cart.lines.map((l, i) => ({
        id: lineIds[i],
        sku: l.sku,
        productId: l.productId,
        sellerId: l.sellerId,
        title: l.title,
        quantity: l.quantity,
        unitPrice: l.unitPrice.amount,
        holdId: l.holdId,
      })),
    });
    if (!created) return;
    const placedAt = created.createdAt.toISOString();
    saga.state.timeline = {
      placedAt,
      updatedAt: placedAt,
      history: [{ status: 'pending', note: 'Order placed', at: created.historyAt.toISOString() }],
    };
    await publishOrderEvent(trx, ctx.correlationId, 'order.placed', eventData(ctx, 'pending'));
    await deps.payments.service.open(trx, {
      paymentId,
      orderId: saga.orderId,
      cartId: saga.cartId,
      provider: saga.input.provider,
      amount: t.total,
      idempotencyKey: saga.idempotencyKey,
      token: ctx.token ?? '',
    });
  },
  async compensate(ctx, trx) {
    const { saga } = ctx;
    const reason = ctx.cancelReason ?? 'checkout failed';
    const order = await repo.transitionOrder(trx, saga.orderId, 'cancelled', {
      note: ctx.cancelReason ? `${reason} (the payment was not completed; nothing was charged)` : reason,
      cancelReason: reason,
      parts: 'cancelled',
    });
    if (!order) return;
    const lines = (await repo.linesOf(trx, [order.id])).get(order.id) ?? [];
    await publishOrderEvent(
      trx,
      ctx.correlationId,
      'order.cancelled',
      orderEventData(
        order,
        lines.map((l) => lineData(l, order.currency)),
        reason,
      ),
    );
  },
};

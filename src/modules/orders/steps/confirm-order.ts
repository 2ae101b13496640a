import { lineData, orderEventData, publishOrderEvent } from '../order-events.js';
import * as repo from '../repository.js';
import type { LocalStep } from '../saga/types.js';

/** pending → confirmed (its parts too), `order.confirmed`. Idempotent. */
export const confirmOrder: LocalStep = {
  name: 'confirm-order',
  remote: false,
  async run(ctx, trx) {
    const order = await repo.transitionOrder(trx, ctx.saga.orderId, 'confirmed', {
      note: 'Payment authorized',
      parts: 'confirmed',
    });
    if (!order) return;
    const lines = (await repo.linesOf(trx, [order.id])).get(order.id) ?? [];
    await publishOrderEvent(
      trx,
      ctx.correlationId,
      'order.confirmed',
      orderEventData(
        order,
        lines.map((l) => lineData(l, order.currency)),
      ),
    );
  },
  async compensate() {
    // create-order's compensation cancels the order from any status
  },
};

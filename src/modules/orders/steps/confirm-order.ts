import { publishOrderEvent } from '../order-events.js';
import { eventData } from './create-order.js';
import * as repo from '../repository.js';
import type { LocalStep } from '../saga/types.js';

/** pending → confirmed (its parts too), `order.confirmed`. Idempotent. */
export const confirmOrder: LocalStep = {
  name: 'confirm-order',
  remote: false,
  async run(ctx, trx) {
    const note = 'Payment authorized';
    const order = await repo.transitionOrder(trx, ctx.saga.orderId, 'confirmed', {
      note,
      parts: 'confirmed',
    });
    if (!order) return;
    const timeline = ctx.saga.state.timeline;
    if (timeline) {
      timeline.updatedAt = new Date(order.updated_at).toISOString();
      timeline.history.push({ status: 'confirmed', note, at: order.historyAt.toISOString() });
    }
    await publishOrderEvent(trx, ctx.correlationId, 'order.confirmed', eventData(ctx, 'confirmed'));
  },
  async compensate() {
    // create-order's compensation cancels the order from any status
  },
};

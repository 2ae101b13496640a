import type { LocalStep } from '../saga/types.js';
import { summedBySku } from './reserve-stock.js';

/** The paid units become sold: the order's reservation is committed, flash-sale holds converted. */
export const commitStock: LocalStep = {
  name: 'commit-stock',
  remote: false,
  async run(ctx, trx) {
    const { saga, deps } = ctx;
    if (saga.state.holdId) await deps.inventory.commit(trx, saga.state.holdId, { orderId: saga.orderId });
    if (saga.state.flashHoldIds?.length)
      await deps.holds!.convert(trx, saga.state.flashHoldIds, saga.orderId);
  },
  async compensate(ctx, trx) {
    const { saga, deps } = ctx;
    await deps.inventory.restock(trx, {
      lines: summedBySku(saga.state.cart!.lines),
      reason: `checkout of order ${saga.orderId} compensated`,
      key: `order:${saga.orderId}:checkout-compensation`,
    });
  },
};

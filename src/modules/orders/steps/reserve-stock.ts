import { ConflictError } from '../../../platform/errors.js';
import type { StockLine } from '../ports.js';
import type { LocalStep } from '../saga/types.js';

/** Quantities of one SKU on several lines count together. */
export function summedBySku(lines: readonly StockLine[]): StockLine[] {
  const sums = new Map<string, number>();
  for (const l of lines) sums.set(l.sku, (sums.get(l.sku) ?? 0) + l.quantity);
  return [...sums].map(([sku, quantity]) => ({ sku, quantity })).sort((a, b) => (a.sku < b.sku ? -1 : 1));
}

/**
 * Reserves every ordinary line, all or nothing (inventory answers `out_of_stock` naming each short
 * line), and claims the flash-sale holds of held lines (their units are reserved already).
 */
export const reserveStock: LocalStep = {
  name: 'reserve-stock',
  remote: false,
  async run(ctx, trx) {
    const { saga, deps } = ctx;
    const lines = saga.state.cart!.lines;
    const ordinary = summedBySku(lines.filter((l) => l.holdId === null));
    const held = [...new Set(lines.flatMap((l) => (l.holdId ? [l.holdId] : [])))];
    if (held.length > 0 && !deps.holds)
      throw new ConflictError('The cart holds flash-sale items, but flash sales are not available');
    saga.state.holdId = ordinary.length
      ? (
          await deps.inventory.reserve(trx, {
            lines: ordinary,
            ref: { kind: 'order', id: saga.orderId },
            // The saga owns the reservation: it commits or releases it, recovery included.
            expiresAt: null,
            correlationId: ctx.correlationId,
          })
        ).id
      : null;
    saga.state.flashHoldIds = held;
    if (held.length > 0) await deps.holds!.claim(trx, held, saga.orderId);
  },
  async compensate(ctx, trx) {
    const { saga, deps } = ctx;
    if (saga.state.holdId)
      await deps.inventory.release(trx, saga.state.holdId, `checkout of order ${saga.orderId} failed`);
    if (saga.state.flashHoldIds?.length)
      await deps.holds?.unclaim(trx, saga.state.flashHoldIds, saga.orderId);
  },
};

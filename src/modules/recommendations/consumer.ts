import type { EventContext } from '../../platform/events/bus.js';
import type { CloudEvent } from '../../platform/events/outbox.js';
import { isUuid } from '../../platform/ids.js';
import type { ConsumedEvents, ConsumedType } from './events.js';
import * as repo from './repository.js';

export const RECOMMENDATIONS_CONSUMER = 'recommendations.orders';

/** A malformed event cannot be applied however often it is retried; it ends in the dead letters. */
function malformed(event: CloudEvent, what: string): Error {
  return new Error(`${event.type} ${event.id}: ${what}`);
}

type Change =
  | { kind: 'confirmed'; orderId: string; productIds: string[]; confirmedAt: string }
  | { kind: 'withdrawn'; orderId: string }
  | null;

/** What one event changes: an order's products, its withdrawal, or nothing (a partial refund). */
function changeOf(event: CloudEvent): Change {
  const data = (typeof event.data === 'string' ? JSON.parse(event.data) : event.data) as Record<
    string,
    unknown
  > | null;
  const orderId = data?.orderId;
  if (typeof orderId !== 'string' || !isUuid(orderId)) throw malformed(event, 'no orderId');
  const type = event.type as ConsumedType;
  switch (type) {
    case 'order.confirmed': {
      const { lines } = data as unknown as ConsumedEvents['order.confirmed'];
      if (!Array.isArray(lines)) throw malformed(event, 'no lines');
      const productIds = new Set<string>();
      for (const line of lines) {
        const productId = (line as { productId?: unknown } | null)?.productId;
        if (typeof productId !== 'string' || !isUuid(productId))
          throw malformed(event, 'a line without a productId');
        productIds.add(productId.toLowerCase());
      }
      const confirmedAt = new Date(event.time);
      if (Number.isNaN(confirmedAt.getTime())) throw malformed(event, 'no time');
      return {
        kind: 'confirmed',
        orderId: orderId.toLowerCase(),
        productIds: [...productIds].sort(),
        confirmedAt: confirmedAt.toISOString(),
      };
    }
    case 'order.cancelled':
      return { kind: 'withdrawn', orderId: orderId.toLowerCase() };
    case 'order.refunded': {
      // only a full refund withdraws the order: after a partial one the buyer keeps the goods
      const { status } = data as ConsumedEvents['order.refunded'];
      return status === 'refunded' ? { kind: 'withdrawn', orderId: orderId.toLowerCase() } : null;
    }
    default:
      return null;
  }
}

/**
 * The handler of consumer `recommendations.orders`, for events delivered together: the batch's
 * orders and their products in one statement (`repo.recordOrders`), and, when it withdrew orders
 * recorded before, their products' deletion in a second. Idempotent and independent of the events'
 * order by construction (an order's row decides), so it needs no inbox rows: the same event twice
 * changes nothing the second time, and a confirmation after its order's cancellation writes nothing.
 * An order both confirmed and withdrawn in the batch is recorded as withdrawn.
 */
export async function applyOrderEvents(events: CloudEvent[], ctx: Pick<EventContext, 'trx'>): Promise<void> {
  const confirmed = new Map<string, { orderId: string; productIds: string[]; confirmedAt: string }>();
  const withdrawn = new Set<string>();
  for (const event of events) {
    const change = changeOf(event);
    if (change?.kind === 'confirmed') confirmed.set(change.orderId, change);
    else if (change?.kind === 'withdrawn') withdrawn.add(change.orderId);
  }
  for (const orderId of withdrawn) confirmed.delete(orderId);
  if (confirmed.size === 0 && withdrawn.size === 0) return;
  const toDelete = await repo.recordOrders(ctx.trx, {
    confirmed: [...confirmed.values()],
    withdrawn: [...withdrawn],
  });
  await repo.deleteProductsOf(ctx.trx, toDelete);
}

/** One event: the batch handler with a batch of one. */
export const applyOrderEvent = (event: CloudEvent, ctx: Pick<EventContext, 'trx'>): Promise<void> =>
  applyOrderEvents([event], ctx);

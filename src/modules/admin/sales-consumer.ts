import type { EventContext } from '../../platform/events/bus.js';
import type { CloudEvent } from '../../platform/events/outbox.js';
import type { ConsumedEvents, ConsumedType } from './events.js';
import { contribution, difference, type LineFact, type OrderFact } from './sales-model.js';
import * as repo from './sales-repository.js';

export const ANALYTICS_CONSUMER = 'admin.analytics';

const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
const isMoney = (v: unknown): v is { amount: number; currency: string } =>
  typeof v === 'object' &&
  v !== null &&
  isInt((v as { amount?: unknown }).amount) &&
  typeof (v as { currency?: unknown }).currency === 'string';

/** A malformed event cannot be applied however often it is retried; it ends in the dead letters. */
function malformed(event: CloudEvent, what: string): Error {
  return new Error(`${event.type} ${event.id}: ${what}`);
}

/** Attempts at writing an event's change; past the first the order's row is ours (`saveChange`). */
const MAX_ATTEMPTS = 3;

/**
 * The handler of consumer `admin.analytics`: folds one order event into the order's facts and
 * adds the change of the order's contribution to the hourly rollups, in the consumer's transaction
 * (two statements, whatever the number of lines: read the order, write the change). The write
 * checks that nobody changed the order since the read (another event about it, applied
 * concurrently); if somebody did, it is read and applied again. `known` is the order as a read
 * made for the whole batch saw it (`applyOrderEvents`), used for the first attempt.
 */
export async function applyOrderEvent(
  event: CloudEvent,
  ctx: Pick<EventContext, 'trx' | 'log'>,
  known?: repo.OrderState,
): Promise<void> {
  const { type, data, orderId } = parse(event);
  for (let attempt = 1; ; attempt++) {
    const state = attempt === 1 && known ? known : await repo.readOrder(ctx.trx, orderId);
    const change = fold(event, type, data, orderId, state, ctx.log);
    if (!change) return;
    if (await repo.saveChange(ctx.trx, orderId, state.version, change)) return;
    if (attempt === MAX_ATTEMPTS)
      throw new Error(`order ${orderId} kept changing while ${event.id} was applied`);
  }
}

/**
 * `applyOrderEvent` for events delivered together: their orders are read with one statement. An
 * order's second event in the batch reads it again, as it then includes the first one's write.
 */
export async function applyOrderEvents(
  events: CloudEvent[],
  ctx: Pick<EventContext, 'trx' | 'log'>,
): Promise<void> {
  const orderIds = events.map((e) => parse(e).orderId);
  const known = await repo.readOrders(ctx.trx, [...new Set(orderIds)]);
  for (const [i, event] of events.entries()) {
    const state = known.get(orderIds[i]);
    known.delete(orderIds[i]);
    await applyOrderEvent(event, ctx, state);
  }
}

function parse(event: CloudEvent) {
  const type = event.type as ConsumedType;
  const data = (typeof event.data === 'string' ? JSON.parse(event.data) : event.data) as Record<
    string,
    unknown
  >;
  const orderId = data?.orderId;
  if (typeof orderId !== 'string' || orderId === '') throw malformed(event, 'no orderId');
  return { type, data, orderId };
}

/** The change one event makes to the order as `state` has it, or null when it changes nothing. */
function fold(
  event: CloudEvent,
  type: ConsumedType,
  data: Record<string, unknown>,
  orderId: string,
  state: repo.OrderState,
  log: EventContext['log'],
): repo.OrderChange | null {
  const { order } = state;
  const lines = new Map(state.lines.map((l) => [l.sku, l]));
  const before = contribution(order, state.lines);
  const touched = new Set<string>();
  const next: OrderFact = { ...order };

  switch (type) {
    case 'order.confirmed': {
      const d = data as unknown as ConsumedEvents['order.confirmed'];
      if (!isMoney(d.total) || !Array.isArray(d.lines)) throw malformed(event, 'no total or lines');
      // a second confirmation of the same order (another event id) changes nothing
      if (next.confirmedAt !== null) return null;
      next.confirmedAt = new Date(event.time);
      next.currency = d.total.currency;
      next.total = d.total.amount;
      const fresh = new Map<string, LineFact>();
      for (const l of d.lines) {
        if (typeof l?.sku !== 'string' || !isInt(l.quantity) || !isMoney(l.unitPrice))
          throw malformed(event, 'a line without sku, quantity or unitPrice');
        const prior = fresh.get(l.sku) ?? lines.get(l.sku);
        const sameEvent = fresh.has(l.sku);
        fresh.set(l.sku, {
          sku: l.sku,
          productId: typeof l.productId === 'string' ? l.productId : (prior?.productId ?? null),
          title: typeof l.title === 'string' ? l.title : (prior?.title ?? ''),
          quantity: (sameEvent ? prior!.quantity : 0) + l.quantity,
          amount: (sameEvent ? prior!.amount : 0) + l.quantity * l.unitPrice.amount,
          currency: l.unitPrice.currency,
          refundedQuantity: prior?.refundedQuantity ?? 0,
        });
      }
      for (const [sku, line] of fresh) {
        lines.set(sku, line);
        touched.add(sku);
      }
      break;
    }
    case 'order.cancelled':
      next.cancelled = true;
      break;
    case 'order.refund_failed': {
      // the money stayed with the buyer's payment; the goods a refund before shipping restocked
      // stay returned (the order stays cancelled)
      const d = data as unknown as ConsumedEvents['order.refund_failed'];
      if (!isMoney(d.amount)) throw malformed(event, 'no amount');
      next.refunded = Math.max(0, next.refunded - d.amount.amount);
      break;
    }
    case 'order.refunded': {
      const d = data as unknown as ConsumedEvents['order.refunded'];
      if (!isMoney(d.amount)) throw malformed(event, 'no amount');
      if (next.currency !== null && d.amount.currency !== next.currency)
        log.warn(
          { orderId, currency: d.amount.currency },
          'refund in another currency than the order; counted as is',
        );
      next.currency ??= d.amount.currency;
      next.refunded += d.amount.amount;
      for (const l of Array.isArray(d.lines) ? d.lines : []) {
        if (typeof l?.sku !== 'string' || !isInt(l.quantity))
          throw malformed(event, 'a refund line without sku or quantity');
        const prior = lines.get(l.sku);
        lines.set(l.sku, {
          sku: l.sku,
          productId: prior?.productId ?? (typeof l.productId === 'string' ? l.productId : null),
          title: prior?.title ?? '',
          quantity: prior?.quantity ?? 0,
          amount: prior?.amount ?? 0,
          currency: prior?.currency ?? null,
          refundedQuantity: (prior?.refundedQuantity ?? 0) + l.quantity,
        });
        touched.add(l.sku);
      }
      break;
    }
    default:
      return null;
  }

  const delta = difference(before, contribution(next, [...lines.values()]));
  return {
    order: next,
    lines: [...touched].sort().map((sku) => lines.get(sku)!),
    sales: delta.sales,
    products: delta.products,
  };
}

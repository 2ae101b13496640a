import type { CloudEvent } from '../../platform/events/outbox.js';

/**
 * The order events the recommendations consume, and the payload fields they read (orders
 * publishes them; see its events.ts).
 */
export interface ConsumedEvents {
  'order.confirmed': { orderId: string; lines: { productId: string }[] };
  'order.cancelled': { orderId: string };
  /** `status: 'refunded'`: a full refund (nothing left to refund); a partial one changes nothing here. */
  'order.refunded': { orderId: string; status?: 'refunded' | 'partially_refunded' };
}

export type ConsumedType = keyof ConsumedEvents;
export type EventOf<T extends ConsumedType> = CloudEvent<ConsumedEvents[T]>;

export const CONSUMED_TYPES: ConsumedType[] = ['order.confirmed', 'order.cancelled', 'order.refunded'];

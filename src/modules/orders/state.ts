import type { Transitions } from '../../platform/state-machine.js';
import type { OrderStatus, PartStatus } from './tables.js';

/**
 * The order lifecycle of API.md. Shipping and delivery follow the seller parts: the order is
 * shipped when every part is, delivered when every part is (cancelled parts aside). Refunds keep
 * money apart from goods, with one exception: a full refund (`refunded`, nothing left to refund)
 * also cancels the parts not yet shipped (PART_TRANSITIONS `→ cancelled`) and restocks their goods;
 * shipped and delivered parts keep their status. A partial refund is money only.
 * One change stands outside this table: a refund the provider refuses takes `refunded` or
 * `partially_refunded` back to what the parts say, the parts it cancelled staying cancelled
 * (`refundRefused` in order-service.ts).
 */
export const ORDER_TRANSITIONS: Transitions<OrderStatus> = {
  pending: ['confirmed', 'cancelled'],
  confirmed: ['shipped', 'cancelled', 'refunded', 'partially_refunded'],
  shipped: ['delivered', 'refunded', 'partially_refunded'],
  delivered: ['refunded', 'partially_refunded'],
  partially_refunded: ['partially_refunded', 'refunded', 'shipped', 'delivered', 'cancelled'],
  cancelled: [],
  refunded: [],
};

/**
 * One seller's part of an order. `→ cancelled`: the order is cancelled (every part), or refunded
 * in full (the parts not yet shipped); a cancelled part cannot be shipped (409).
 */
export const PART_TRANSITIONS: Transitions<PartStatus> = {
  pending: ['confirmed', 'cancelled'],
  confirmed: ['shipped', 'cancelled'],
  shipped: ['delivered'],
  delivered: [],
  cancelled: [],
};

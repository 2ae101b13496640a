import type { Transitions } from '../../platform/state-machine.js';
import type { OrderStatus, PartStatus } from './tables.js';

/**
 * The order lifecycle of API.md. Shipping and delivery follow the seller parts: the order is
 * shipped when every part is, delivered when every part is. Refunds keep money apart from goods.
 * One change stands outside this table: a refund the provider refuses takes `refunded` or
 * `partially_refunded` back to what the parts say (`refundRefused` in order-service.ts).
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

/** One seller's part of an order. */
export const PART_TRANSITIONS: Transitions<PartStatus> = {
  pending: ['confirmed', 'cancelled'],
  confirmed: ['shipped', 'cancelled'],
  shipped: ['delivered'],
  delivered: [],
  cancelled: [],
};

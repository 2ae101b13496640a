import type { Money } from './ports.js';
import type { OrderStatus } from './tables.js';

export const ORDERS_SOURCE = '/agora/orders';

export interface OrderLineData {
  sku: string;
  productId: string;
  sellerId: string;
  title: string;
  quantity: number;
  unitPrice: Money;
}

export interface OrderEventData {
  orderId: string;
  userId: string;
  status: OrderStatus;
  total: Money;
  sellerIds: string[];
  lines: OrderLineData[];
  reason?: string;
  /** `order.cancelled` of a paid order: the money its cancellation paid back. */
  refunded?: Money;
}

/** Events the orders module publishes (CloudEvents `type` → `data`). */
export interface OrdersEvents {
  'order.placed': OrderEventData;
  'order.confirmed': OrderEventData;
  'order.cancelled': OrderEventData;
  'order.shipped': {
    orderId: string;
    userId: string;
    sellerId: string;
    sellerIds: string[];
    carrier: string;
    trackingNumber: string;
  };
  /** A refund the order had counted was refused by the payment provider: nothing was paid back. */
  'order.refund_failed': {
    orderId: string;
    userId: string;
    amount: Money;
    reason: string;
    error: string;
    sellerIds: string[];
  };
  'order.refunded': {
    orderId: string;
    userId: string;
    /** The order's status after the refund: `refunded` when nothing is left to refund (a full refund). */
    status: 'refunded' | 'partially_refunded';
    amount: Money;
    sellerIds: string[];
    /** A full refund: the lines of the parts it cancelled before they shipped (their goods restocked). */
    lines?: OrderLineData[];
  };
}

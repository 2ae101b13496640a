import type { CloudEvent } from '../../platform/events/outbox.js';

export const ADMIN_SOURCE = '/agora/admin';

export interface Money {
  amount: number;
  currency: string;
}

/** The events this module publishes. */
export interface AdminEvents {
  /** A feature flag was created or changed (PUT /v1/admin/feature-flags/{key}). */
  'feature_flag.changed': {
    key: string;
    enabled: boolean;
    /** null when the change created the flag */
    previous: boolean | null;
    description: string;
    version: number;
    changedBy: string | null;
  };
}

export const FEATURE_FLAG_CHANGED = 'feature_flag.changed';

export interface OrderLine {
  sku: string;
  productId: string;
  sellerId?: string;
  title: string;
  quantity: number;
  unitPrice: Money;
}

/** The order events the sales analytics consume, and the payload fields they read (orders publishes them). */
export interface ConsumedEvents {
  'order.confirmed': { orderId: string; userId?: string; total: Money; lines: OrderLine[] };
  'order.cancelled': { orderId: string; reason?: string };
  /** One refund (full or partial); `lines`, when given, names the units returned. */
  'order.refunded': {
    orderId: string;
    amount: Money;
    lines?: Pick<OrderLine, 'sku' | 'productId' | 'quantity'>[];
  };
  /** A refund counted before was refused by the payment provider: it no longer counts. */
  'order.refund_failed': { orderId: string; amount: Money };
}

export type ConsumedType = keyof ConsumedEvents;
export type EventOf<T extends ConsumedType> = CloudEvent<ConsumedEvents[T]>;

export const ANALYTICS_TYPES: ConsumedType[] = [
  'order.confirmed',
  'order.cancelled',
  'order.refunded',
  'order.refund_failed',
];

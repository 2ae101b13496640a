import type { CloudEvent } from '../../platform/events/outbox.js';

interface Money {
  amount: number;
  currency: string;
}

/**
 * The events this module consumes and the payload fields it reads (documented in README.md).
 * Producers other than identity are built later; they publish these names with at least these fields.
 */
export interface ConsumedEvents {
  'user.registered': { userId: string; email: string; name: string; role: string };
  'user.password_reset_requested': { userId: string; email: string; token: string; expiresAt: string };
  'order.confirmed': { orderId: string; userId: string; total: Money; sellerIds?: string[] };
  'order.shipped': {
    orderId: string;
    userId: string;
    carrier: string;
    trackingNumber: string;
    sellerId?: string;
  };
  'order.cancelled': {
    orderId: string;
    userId: string;
    reason?: string;
    sellerIds?: string[];
    /** What the cancellation paid back (a paid order). */
    refunded?: Money;
  };
  'order.refunded': { orderId: string; userId: string; amount: Money; sellerIds?: string[] };
  'inventory.low_stock': { sku: string; sellerId: string; available: number; threshold: number };
}

export type ConsumedType = keyof ConsumedEvents;

/** Marketing announcements: sent to every user who opted in (see announcements.ts). */
export interface AnnouncedEvents {
  'flash_sale.started': {
    saleId: string;
    name: string;
    startsAt: string;
    endsAt: string;
    items?: { sku: string; salePrice: Money; quantity: number }[];
  };
}
export type EventOf<T extends ConsumedType> = CloudEvent<ConsumedEvents[T]>;

export const NOTIFY_TYPES: ConsumedType[] = [
  'user.registered',
  'user.password_reset_requested',
  'order.confirmed',
  'order.shipped',
  'order.cancelled',
  'order.refunded',
  'inventory.low_stock',
];

/** Event types a webhook may subscribe to: the public events of API.md. */
export const WEBHOOK_EVENT_TYPES = [
  'user.registered',
  'product.created',
  'product.updated',
  'inventory.adjusted',
  'inventory.stock_changed',
  'inventory.low_stock',
  'order.placed',
  'order.confirmed',
  'order.cancelled',
  'order.shipped',
  'order.refunded',
  'payment.authorized',
  'payment.captured',
  'payment.failed',
  'flash_sale.started',
  'flash_sale.sold_out',
  'flash_sale.ended',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** The public types whose data names no seller (`sellerId` or `sellerIds`, the fan-out's rule). */
const NAMING_NO_SELLER: readonly WebhookEventType[] = [
  'user.registered',
  'payment.authorized',
  'payment.captured',
  'payment.failed',
  'flash_sale.started',
  'flash_sale.sold_out',
  'flash_sale.ended',
];

/** The types a seller's endpoint can receive: every public type whose data names a seller. */
export const SELLER_WEBHOOK_EVENT_TYPES: ReadonlySet<WebhookEventType> = new Set(
  WEBHOOK_EVENT_TYPES.filter((t) => !NAMING_NO_SELLER.includes(t)),
);

export const NOTIFICATIONS_SOURCE = '/agora/notifications';

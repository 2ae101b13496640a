import type { PaymentView } from '../payments/index.js';
import type { LineRow, OrderRow, PartRow } from './repository.js';
import type { SagaRecord } from './saga/types.js';
import type { Order, SellerOrder } from './schemas.js';
import type { ShippingAddress } from './tables.js';

const iso = (d: Date | string) => new Date(d).toISOString();
const isoOrNull = (d: Date | string | null) => (d === null ? null : iso(d));

export function lineOut(l: LineRow, currency: string) {
  return {
    id: l.id,
    sku: l.sku,
    productId: l.product_id,
    sellerId: l.seller_id,
    title: l.title,
    quantity: l.quantity,
    unitPrice: { amount: l.unit_price, currency },
    lineTotal: { amount: l.unit_price * l.quantity, currency },
  };
}

export function addressOut(a: ShippingAddress) {
  return {
    name: a.name,
    line1: a.line1,
    line2: a.line2 ?? null,
    city: a.city,
    region: a.region ?? null,
    postalCode: a.postalCode,
    country: a.country,
    phone: a.phone ?? null,
  };
}

export function partOut(p: PartRow, currency: string) {
  return {
    sellerId: p.seller_id,
    status: p.status,
    subtotal: { amount: p.subtotal, currency },
    carrier: p.carrier,
    trackingNumber: p.tracking_number,
    shippedAt: isoOrNull(p.shipped_at),
    deliveredAt: isoOrNull(p.delivered_at),
  };
}

/**
 * The order as its viewer may see it: the buyer and admins see all of it; a seller sees only
 * its own lines, part and history entries (and the totals of its part, not of other sellers' goods).
 */
export function orderOut(
  o: OrderRow,
  lines: LineRow[],
  parts: PartRow[],
  history: { status: string; note: string | null; at: Date; seller_id?: string | null }[],
  payment: Pick<PaymentView, 'provider' | 'status'> | null,
  opts: { sellerId?: string; clientSecret?: string | null } = {},
): Order {
  const c = o.currency;
  const m = (amount: number) => ({ amount, currency: c });
  const mine = <T extends { seller_id: string }>(rows: T[]) =>
    opts.sellerId ? rows.filter((r) => r.seller_id === opts.sellerId) : rows;
  const sellerSubtotal = mine(parts).reduce((s, p) => s + p.subtotal, 0);
  return {
    id: o.id,
    userId: o.user_id,
    status: o.status,
    currency: c,
    totals: opts.sellerId
      ? {
          subtotal: m(sellerSubtotal),
          discount: m(0),
          shipping: m(0),
          tax: m(0),
          total: m(sellerSubtotal),
          refunded: m(0),
        }
      : {
          subtotal: m(o.subtotal),
          discount: m(o.discount),
          shipping: m(o.shipping),
          tax: m(o.tax),
          total: m(o.total),
          refunded: m(o.refunded_amount),
        },
    lines: mine(lines).map((l) => lineOut(l, c)),
    parts: mine(parts).map((p) => partOut(p, c)),
    shippingAddress: addressOut(o.shipping_address),
    payment: {
      id: o.payment_id,
      provider: payment?.provider ?? o.payment_provider,
      status: payment?.status ?? 'pending',
      ...(opts.clientSecret !== undefined ? { clientSecret: opts.clientSecret } : {}),
    },
    cancelReason: o.cancel_reason,
    // a seller sees the order's own entries and those about its part, not another seller's
    history: history
      .filter((h) => !opts.sellerId || !h.seller_id || h.seller_id === opts.sellerId)
      .map((h) => ({ status: h.status, note: h.note, at: iso(h.at) })),
    createdAt: iso(o.created_at),
    updatedAt: iso(o.updated_at),
  };
}

/**
 * The order a completed checkout made, for its buyer, from what the saga holds: the cart snapshot,
 * the line ids and the times the database stamped. The same rows a read would return (confirmed,
 * captured), without reading them back. Null when the saga did not see the order through.
 */
export function completedOrderOut(saga: SagaRecord): Order | null {
  const { cart, lineIds, timeline, paymentId, provider } = saga.state;
  if (!cart || !lineIds || !timeline || !paymentId || timeline.history.length !== 2) return null;
  const t = cart.totals;
  const updatedAt = new Date(timeline.updatedAt);
  const order: OrderRow = {
    id: saga.orderId,
    user_id: saga.userId,
    cart_id: saga.cartId,
    status: 'confirmed',
    currency: cart.currency,
    subtotal: t.subtotal.amount,
    discount: t.discount.amount,
    shipping: t.shipping.amount,
    tax: t.tax.amount,
    total: t.total.amount,
    refunded_amount: 0,
    shipping_address: saga.input.shippingAddress,
    payment_id: paymentId,
    payment_provider: saga.input.provider,
    cancel_reason: null,
    created_at: new Date(timeline.placedAt),
    updated_at: updatedAt,
  };
  const lines: LineRow[] = cart.lines.map((l, position) => ({
    id: lineIds[position],
    order_id: saga.orderId,
    position,
    sku: l.sku,
    product_id: l.productId,
    seller_id: l.sellerId,
    title: l.title,
    quantity: l.quantity,
    unit_price: l.unitPrice.amount,
    hold_id: l.holdId,
  }));
  const subtotals = new Map<string, number>();
  for (const l of lines)
    subtotals.set(l.seller_id, (subtotals.get(l.seller_id) ?? 0) + l.unit_price * l.quantity);
  const parts: PartRow[] = [...subtotals]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([sellerId, subtotal]) => ({
      order_id: saga.orderId,
      seller_id: sellerId,
      status: 'confirmed',
      subtotal,
      carrier: null,
      tracking_number: null,
      shipped_at: null,
      delivered_at: null,
      updated_at: updatedAt,
    }));
  const history = timeline.history.map((h) => ({ ...h, at: new Date(h.at) }));
  return orderOut(order, lines, parts, history, {
    provider: provider ?? saga.input.provider,
    status: 'captured',
  });
}

export function sellerOrderOut(
  p: PartRow & {
    order_status: OrderRow['status'];
    currency: string;
    shipping_address: ShippingAddress;
    created_at: Date;
  },
  lines: LineRow[],
): SellerOrder {
  return {
    orderId: p.order_id,
    orderStatus: p.order_status,
    status: p.status,
    subtotal: { amount: p.subtotal, currency: p.currency },
    lines: lines.filter((l) => l.seller_id === p.seller_id).map((l) => lineOut(l, p.currency)),
    carrier: p.carrier,
    trackingNumber: p.tracking_number,
    shippedAt: isoOrNull(p.shipped_at),
    shippingAddress: addressOut(p.shipping_address),
    createdAt: iso(p.created_at),
  };
}

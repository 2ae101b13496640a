import { publishEvents } from '../../platform/events/outbox.js';
import { ORDERS_SOURCE, type OrderEventData, type OrderLineData } from './events.js';
import type { LineRow, OrderRow } from './repository.js';
import type { Trx } from './saga/types.js';

export function lineData(l: LineRow, currency: string): OrderLineData {
  return {
    sku: l.sku,
    productId: l.product_id,
    sellerId: l.seller_id,
    title: l.title,
    quantity: l.quantity,
    unitPrice: { amount: l.unit_price, currency },
  };
}

export function orderEventData(o: OrderRow, lines: OrderLineData[], reason?: string): OrderEventData {
  return {
    orderId: o.id,
    userId: o.user_id,
    status: o.status,
    total: { amount: o.total, currency: o.currency },
    sellerIds: [...new Set(lines.map((l) => l.sellerId))].sort(),
    lines,
    ...(reason ? { reason } : {}),
  };
}

export async function publishOrderEvent(
  trx: Trx,
  correlationId: string | undefined,
  type: 'order.placed' | 'order.confirmed' | 'order.cancelled',
  data: OrderEventData,
): Promise<void> {
  await publishEvents(trx, { source: ORDERS_SOURCE, correlationId }, [{ type, subject: data.orderId, data }]);
}

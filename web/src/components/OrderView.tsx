import type { Order, OrderStatus } from '@/api/types';
import { formatMoney } from './Price';

export const ORDER_STATUS: Record<OrderStatus, string> = {
  pending: 'Payment pending',
  confirmed: 'Confirmed',
  shipped: 'Shipped',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
  refunded: 'Refunded',
  partially_refunded: 'Partly refunded',
};

export function statusLabel(status: string): string {
  return ORDER_STATUS[status as OrderStatus] ?? status.replace(/_/g, ' ');
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge status-${status}`}>{statusLabel(status)}</span>;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
export const formatDate = (iso: string) => dateTime.format(new Date(iso));

/** An order's lines, totals, shipping address, shipments and status history. */
export function OrderView({ order, headingLevel = 2 }: { order: Order; headingLevel?: 2 | 3 }) {
  const H = `h${headingLevel}` as const;
  const a = order.shippingAddress;
  const { totals } = order;
  return (
    <div className="order">
      <div className="columns">
        <section aria-label="Items">
          <H>Items</H>
          <ul className="summary-lines">
            {order.lines.map((l) => (
              <li key={l.id}>
                <span>
                  {l.quantity} × {l.title} <small className="muted">{l.sku}</small>
                </span>
                <span>{formatMoney(l.lineTotal)}</span>
              </li>
            ))}
          </ul>
          <dl className="totals">
            <div>
              <dt>Subtotal</dt>
              <dd>{formatMoney(totals.subtotal)}</dd>
            </div>
            {totals.discount.amount > 0 && (
              <div>
                <dt>Savings</dt>
                <dd>−{formatMoney(totals.discount)}</dd>
              </div>
            )}
            <div>
              <dt>Shipping</dt>
              <dd>{totals.shipping.amount === 0 ? 'Free' : formatMoney(totals.shipping)}</dd>
            </div>
            <div>
              <dt>Tax</dt>
              <dd>{formatMoney(totals.tax)}</dd>
            </div>
            <div className="grand">
              <dt>Total</dt>
              <dd>{formatMoney(totals.total)}</dd>
            </div>
            {totals.refunded.amount > 0 && (
              <div>
                <dt>Refunded</dt>
                <dd>{formatMoney(totals.refunded)}</dd>
              </div>
            )}
          </dl>
        </section>
        <section aria-label="Delivery">
          <H>Delivery</H>
          <address>
            {a.name}
            <br />
            {a.line1}
            {a.line2 && (
              <>
                <br />
                {a.line2}
              </>
            )}
            <br />
            {a.postalCode} {a.city}
            {a.region ? `, ${a.region}` : ''}, {a.country}
          </address>
          {order.parts.length > 0 && (
            <ul className="plain">
              {order.parts.map((p, i) => (
                <li key={p.sellerId}>
                  Shipment{order.parts.length > 1 ? ` ${i + 1}` : ''}: <StatusBadge status={p.status} />
                  {p.carrier && p.trackingNumber && (
                    <span>
                      {' '}
                      {p.carrier}, tracking number <strong>{p.trackingNumber}</strong>
                    </span>
                  )}
                </li>
              ))}
            </ul>
          )}
          <p className="muted">
            Paid with {order.payment.provider} ({order.payment.status})
          </p>
        </section>
      </div>
      <section aria-label="Status history">
        <H>Status history</H>
        <ol className="history">
          {order.history.map((h, i) => (
            <li key={`${h.at}-${i}`}>
              <StatusBadge status={h.status} /> <time dateTime={h.at}>{formatDate(h.at)}</time>
              {h.note && <span className="muted"> — {h.note}</span>}
            </li>
          ))}
        </ol>
        {order.cancelReason && <p>Cancelled: {order.cancelReason}</p>}
      </section>
    </div>
  );
}

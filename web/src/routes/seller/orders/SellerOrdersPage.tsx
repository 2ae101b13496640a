import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { fieldError } from '@/api/client';
import { useSellerOrders, useShipOrder } from '@/api/orders';
import type { SellerOrder } from '@/api/types';
import { AreaNav } from '@/components/AreaNav';
import { Field } from '@/components/Field';
import { formatDate, StatusBadge } from '@/components/OrderView';
import { formatMoney } from '@/components/Price';
import { ErrorNotice, Loading } from '@/components/Status';
import { useDocumentTitle } from '@/components/useDocumentTitle';

function ShipForm({ orderId }: { orderId: string }) {
  const ship = useShipOrder();
  const [carrier, setCarrier] = useState('');
  const [tracking, setTracking] = useState('');
  const [blank, setBlank] = useState<{ carrier?: string; tracking?: string }>({});
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    // `required` lets spaces through; the server would refuse them, so say which field is empty.
    const missing = {
      carrier: carrier.trim() ? undefined : 'Enter the carrier.',
      tracking: tracking.trim() ? undefined : 'Enter the tracking number.',
    };
    setBlank(missing);
    if (missing.carrier || missing.tracking) return;
    ship.mutate({ id: orderId, carrier: carrier.trim(), trackingNumber: tracking.trim() });
  };
  // A refused field is shown at the field; the problem's detail would only repeat it in API terms.
  const invalid = Boolean(fieldError(ship.error, 'carrier') ?? fieldError(ship.error, 'trackingNumber'));
  return (
    <form className="form ship-form" onSubmit={onSubmit} aria-label={`Ship order ${orderId}`}>
      <Field
        label="Carrier"
        required
        maxLength={100}
        value={carrier}
        onChange={(e) => setCarrier(e.target.value)}
        error={blank.carrier ?? fieldError(ship.error, 'carrier')}
      />
      <Field
        label="Tracking number"
        required
        maxLength={100}
        value={tracking}
        onChange={(e) => setTracking(e.target.value)}
        error={blank.tracking ?? fieldError(ship.error, 'trackingNumber')}
      />
      <ErrorNotice error={invalid ? null : ship.error} />
      <button type="submit" disabled={ship.isPending}>
        {ship.isPending ? 'Saving…' : 'Mark as shipped'}
      </button>
    </form>
  );
}

function OrderCard({ order }: { order: SellerOrder }) {
  const a = order.shippingAddress;
  return (
    <li className="seller-order">
      <h2>
        Order of {formatDate(order.createdAt)} <StatusBadge status={order.status} />
      </h2>
      <p className="muted">Order number {order.orderId}</p>
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
      <p>
        <strong>{formatMoney(order.subtotal)}</strong> · ship to {a.name}, {a.line1}, {a.postalCode} {a.city},{' '}
        {a.country}
      </p>
      {order.status === 'confirmed' && <ShipForm orderId={order.orderId} />}
      {order.trackingNumber && (
        <p>
          Shipped with {order.carrier}, tracking number <strong>{order.trackingNumber}</strong>
        </p>
      )}
    </li>
  );
}

export default function SellerOrdersPage() {
  useDocumentTitle('Orders to ship');
  const [params, setParams] = useSearchParams();
  const cursor = params.get('cursor') ?? undefined;
  const orders = useSellerOrders(cursor);
  return (
    <section>
      <AreaNav area="seller" />
      <h1>Your orders</h1>
      {orders.isPending && <Loading label="Loading orders…" />}
      <ErrorNotice error={orders.error} onRetry={() => void orders.refetch()} />
      {orders.data && orders.data.items.length === 0 && <p className="empty">No orders yet.</p>}
      <ul className="plain seller-orders">
        {orders.data?.items.map((o) => (
          <OrderCard key={o.orderId} order={o} />
        ))}
      </ul>
      <nav className="pager" aria-label="Pages">
        {cursor && (
          <button type="button" className="secondary" onClick={() => setParams({})}>
            Newest
          </button>
        )}
        {orders.data?.nextCursor && (
          <button
            type="button"
            className="secondary"
            onClick={() => setParams({ cursor: orders.data.nextCursor ?? '' })}
          >
            Older
          </button>
        )}
      </nav>
    </section>
  );
}

import { Link, useParams } from 'react-router';
import { useCancelOrder, useOrder } from '@/api/orders';
import { formatDate, OrderView, StatusBadge } from '@/components/OrderView';
import { PendingPayment } from '@/components/PendingPayment';
import { ErrorNotice, Loading } from '@/components/Status';
import { useDocumentTitle } from '@/components/useDocumentTitle';

export default function OrderPage() {
  const { id } = useParams();
  const order = useOrder(id);
  const cancel = useCancelOrder();
  useDocumentTitle('Order');
  if (order.isPending) return <Loading label="Loading the order…" />;
  if (order.error)
    return (
      <section>
        <p>
          <Link to="/account/orders">All your orders</Link>
        </p>
        <ErrorNotice error={order.error} onRetry={() => void order.refetch()} />
      </section>
    );
  const o = order.data;
  const cancellable =
    o.status === 'confirmed' && o.parts.every((p) => p.status !== 'shipped' && p.status !== 'delivered');
  return (
    <section aria-labelledby="order-heading">
      <p>
        <Link to="/account/orders">All your orders</Link>
      </p>
      <h1 id="order-heading">
        Order of {formatDate(o.createdAt)} <StatusBadge status={o.status} />
      </h1>
      <p className="muted">Order number {o.id}</p>
      {o.status === 'pending' && <PendingPayment order={o} />}
      <OrderView order={o} />
      {cancellable && (
        <div className="actions">
          <button
            type="button"
            className="danger"
            disabled={cancel.isPending}
            onClick={() => {
              if (window.confirm('Cancel this order? What you paid is refunded.'))
                cancel.mutate({ id: o.id });
            }}
          >
            Cancel order
          </button>
        </div>
      )}
      <ErrorNotice error={cancel.error} />
    </section>
  );
}

import { Link, useParams } from 'react-router';
import { useOrder } from '@/api/orders';
import { OrderView } from '@/components/OrderView';
import { PendingPayment } from '@/components/PendingPayment';
import { ErrorNotice, Loading } from '@/components/Status';
import { useDocumentTitle } from '@/components/useDocumentTitle';

/**
 * After checkout: the order as placed; a pending payment is followed until it settles, and can be
 * finished or given up here (a 3-D Secure checkout lands on the order page, which offers the same).
 */
export default function ConfirmationPage() {
  const { id } = useParams();
  const order = useOrder(id);
  const status = order.data?.status;
  const title =
    status === 'pending'
      ? 'Confirming your payment…'
      : status === 'cancelled'
        ? 'Order not placed'
        : 'Order confirmed';
  useDocumentTitle(status ? title : 'Your order');
  if (order.isPending) return <Loading label="Loading your order…" />;
  if (order.error) return <ErrorNotice error={order.error} onRetry={() => void order.refetch()} />;
  const o = order.data;
  return (
    <section aria-labelledby="confirmation-heading">
      <h1 id="confirmation-heading">{title}</h1>
      <p role="status" aria-live="polite">
        {o.status === 'pending'
          ? 'Your order is placed and waits for its payment. This page updates by itself.'
          : o.status === 'cancelled'
            ? 'The payment did not go through, so nothing was charged.'
            : 'Thank you! We have sent you a confirmation email.'}
      </p>
      <p>
        Order number <strong className="order-id">{o.id}</strong>
      </p>
      {o.status === 'pending' && <PendingPayment order={o} />}
      <OrderView order={o} />
      <p className="actions">
        <Link to={`/account/orders/${o.id}`}>See this order in your account</Link>
        <Link to="/">Continue shopping</Link>
      </p>
    </section>
  );
}

import { Link, useSearchParams } from 'react-router';
import { useOrders } from '@/api/orders';
import { formatDate, StatusBadge } from '@/components/OrderView';
import { formatMoney } from '@/components/Price';
import { ErrorNotice, Loading } from '@/components/Status';
import { useDocumentTitle } from '@/components/useDocumentTitle';

export default function OrdersPage() {
  useDocumentTitle('Your orders');
  const [params, setParams] = useSearchParams();
  const cursor = params.get('cursor') ?? undefined;
  const orders = useOrders(cursor);
  return (
    <section aria-labelledby="orders-heading">
      <h1 id="orders-heading">Your orders</h1>
      <p>
        <Link to="/account">Profile and addresses</Link>
      </p>
      {orders.isPending && <Loading label="Loading your orders…" />}
      <ErrorNotice error={orders.error} onRetry={() => void orders.refetch()} />
      {orders.data && orders.data.items.length === 0 && <p className="empty">No orders yet.</p>}
      {orders.data && orders.data.items.length > 0 && (
        <ul className="order-list">
          {orders.data.items.map((o) => (
            <li key={o.id}>
              <Link
                to={`/account/orders/${o.id}`}
                aria-label={`Order of ${formatDate(o.createdAt)}, ${o.itemCount} items`}
              >
                <time dateTime={o.createdAt}>{formatDate(o.createdAt)}</time>
              </Link>
              <span>
                {o.itemCount} {o.itemCount === 1 ? 'item' : 'items'}
              </span>
              <strong>{formatMoney(o.total)}</strong>
              <StatusBadge status={o.status} />
            </li>
          ))}
        </ul>
      )}
      <nav className="pager" aria-label="Pages">
        {cursor && (
          <button type="button" className="secondary" onClick={() => setParams({})}>
            Newest orders
          </button>
        )}
        {orders.data?.nextCursor && (
          <button
            type="button"
            className="secondary"
            onClick={() => setParams({ cursor: orders.data.nextCursor ?? '' })}
          >
            Older orders
          </button>
        )}
      </nav>
    </section>
  );
}

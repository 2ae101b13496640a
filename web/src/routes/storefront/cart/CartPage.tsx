import { Link } from 'react-router';
import { useCart } from '@/api/cart';
import { CartTotals } from '@/components/CartTotals';
import { ErrorNotice, Loading } from '@/components/Status';
import { useDocumentTitle } from '@/components/useDocumentTitle';
import { CartLine } from './CartLine';

export default function CartPage() {
  useDocumentTitle('Your cart');
  const cart = useCart();
  if (cart.isPending) return <Loading label="Loading your cart…" />;
  if (cart.error) return <ErrorNotice error={cart.error} onRetry={() => void cart.refetch()} />;
  const c = cart.data;
  if (!c || c.items.length === 0)
    return (
      <section className="narrow">
        <h1>Your cart</h1>
        <p className="empty">Your cart is empty.</p>
        <p>
          <Link to="/">Continue shopping</Link>
        </p>
      </section>
    );
  const blocked = c.items.some((i) => i.issue !== null);
  return (
    <section aria-labelledby="cart-heading">
      <h1 id="cart-heading">Your cart</h1>
      <div className="checkout-layout">
        <ul className="cart-lines" aria-label="Items in your cart">
          {c.items.map((item) => (
            <CartLine key={item.id} cartId={c.id} item={item} />
          ))}
        </ul>
        <aside className="summary" aria-labelledby="summary-heading">
          <h2 id="summary-heading">Summary</h2>
          <p className="muted">
            {c.itemCount} {c.itemCount === 1 ? 'item' : 'items'}
          </p>
          <CartTotals totals={c.totals} />
          {blocked && <p className="field-error">Fix the items marked above to check out.</p>}
          {blocked ? (
            <button type="button" disabled>
              Check out
            </button>
          ) : (
            <Link to="/checkout" className="button">
              Check out
            </Link>
          )}
        </aside>
      </div>
    </section>
  );
}

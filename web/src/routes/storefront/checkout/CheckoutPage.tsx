import { useId, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiError } from '@/api/client';
import { useCart } from '@/api/cart';
import { useAddresses } from '@/api/identity';
import { answerLost, useCheckout } from '@/api/orders';
import type { Address, CheckoutBody } from '@/api/types';
import { CartTotals } from '@/components/CartTotals';
import { formatMoney } from '@/components/Price';
import { ErrorNotice, Loading } from '@/components/Status';
import { useDocumentTitle } from '@/components/useDocumentTitle';
import { AddressFields, EMPTY_ADDRESS, type AddressText } from './AddressFields';
import { checkoutMessage } from './messages';

/** The sandbox provider's test tokens. */
const CARDS = [
  { token: 'tok_visa', label: 'Visa test card (succeeds)' },
  { token: 'tok_declined', label: 'Card that is declined' },
  { token: 'tok_unavailable', label: 'Card whose provider is down' },
  { token: 'tok_slow', label: 'Card whose provider is too slow' },
  { token: 'tok_3ds', label: 'Card that asks for 3-D Secure' },
];

const optional = (v: string | null | undefined) => (v && v.trim() ? v.trim() : null);

function toShipping(a: AddressText | Address): CheckoutBody['shippingAddress'] {
  return {
    name: a.name.trim(),
    line1: a.line1.trim(),
    line2: optional(a.line2),
    city: a.city.trim(),
    region: optional(a.region),
    postalCode: a.postalCode.trim(),
    country: a.country.trim().toUpperCase(),
    phone: optional(a.phone),
  };
}

export default function CheckoutPage() {
  useDocumentTitle('Checkout');
  const navigate = useNavigate();
  const addresses = useAddresses();
  const checkout = useCheckout();
  const [choice, setChoice] = useState<string | null>(null);
  const [text, setText] = useState<AddressText>(EMPTY_ADDRESS);
  const [token, setToken] = useState('tok_visa');
  const addressGroup = useId();
  const cardGroup = useId();

  const saved = addresses.data?.items ?? [];
  const chosenId = choice ?? saved.find((a) => a.isDefault)?.id ?? saved[0]?.id ?? 'new';
  const chosen = saved.find((a) => a.id === chosenId);
  const address = toShipping(chosen ?? text);
  const country = /^[A-Z]{2}$/.test(address.country) ? address.country : undefined;
  const cart = useCart(country);

  const fieldError = (key: string) =>
    checkout.error instanceof ApiError
      ? checkout.error.problem.errors?.find((e) => e.path.endsWith(`/shippingAddress/${key}`))?.message
      : undefined;
  const countryError =
    cart.error instanceof ApiError && cart.error.status === 400
      ? `We do not ship to ${country ?? 'that country'} yet.`
      : undefined;

  if (cart.isPending || addresses.isPending) return <Loading label="Loading checkout…" />;
  const c = cart.data;
  if (!c || c.items.length === 0)
    return (
      <section className="narrow">
        <h1>Checkout</h1>
        <p className="empty">Your cart is empty.</p>
        <Link to="/">Continue shopping</Link>
      </section>
    );

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    checkout.mutate(
      { cartId: c.id, shippingAddress: address, payment: { provider: 'sandbox', token } },
      {
        // 202 pending: the payment waits for the buyer (3-D Secure); the order page lets them finish
        // it or give it up and pay another way
        onSuccess: (order) =>
          void navigate(
            order.status === 'pending' ? `/account/orders/${order.id}` : `/orders/${order.id}/confirmation`,
          ),
      },
    );
  };
  const retry = checkout.error && answerLost(checkout.error);
  // A 409 naming an order: an earlier checkout of this cart is still completing (3-D Secure).
  const pendingOrder =
    checkout.error instanceof ApiError && typeof checkout.error.problem.orderId === 'string'
      ? checkout.error.problem.orderId
      : undefined;

  return (
    <section aria-labelledby="checkout-heading">
      <h1 id="checkout-heading">Checkout</h1>
      <form className="checkout-layout" onSubmit={onSubmit} noValidate={false}>
        <div className="form wide">
          <fieldset className="choices">
            <legend>
              <h2>Shipping address</h2>
            </legend>
            {saved.map((a) => (
              <label key={a.id} className="choice">
                <input
                  type="radio"
                  name={addressGroup}
                  checked={chosenId === a.id}
                  onChange={() => setChoice(a.id)}
                />
                <span>
                  {a.name}, {a.line1}, {a.postalCode} {a.city}, {a.country}
                </span>
              </label>
            ))}
            {saved.length > 0 && (
              <label className="choice">
                <input
                  type="radio"
                  name={addressGroup}
                  checked={chosenId === 'new'}
                  onChange={() => setChoice('new')}
                />
                <span>A new address</span>
              </label>
            )}
            {chosenId === 'new' && <AddressFields value={text} onChange={setText} errorOf={fieldError} />}
            {countryError && (
              <p className="field-error" role="alert">
                {countryError}
              </p>
            )}
          </fieldset>
          <fieldset className="choices">
            <legend>
              <h2>Payment</h2>
            </legend>
            <p className="hint">This shop runs on the sandbox payment provider: choose a test card.</p>
            {CARDS.map((card) => (
              <label key={card.token} className="choice">
                <input
                  type="radio"
                  name={cardGroup}
                  value={card.token}
                  checked={token === card.token}
                  onChange={() => setToken(card.token)}
                />
                <span>
                  {card.label} <code>{card.token}</code>
                </span>
              </label>
            ))}
          </fieldset>
        </div>
        <aside className="summary" aria-labelledby="order-summary-heading">
          <h2 id="order-summary-heading">Your order</h2>
          <ul className="summary-lines">
            {c.items.map((i) => (
              <li key={i.id}>
                <span>
                  {i.quantity} × {i.productTitle ?? i.sku}
                  {i.variantTitle ? ` (${i.variantTitle})` : ''}
                </span>
                {i.lineTotal && <span>{formatMoney(i.lineTotal)}</span>}
              </li>
            ))}
          </ul>
          <CartTotals totals={c.totals} />
          {!c.totals.shippingAvailable && (
            <p className="field-error" role="alert">
              We do not ship orders in {c.totals.shipping.currency} yet.
            </p>
          )}
          {checkout.error && (
            <div className="error" role="alert">
              <p>{checkoutMessage(checkout.error)}</p>
              {pendingOrder && (
                <p>
                  <Link to={`/account/orders/${pendingOrder}`}>See the order being paid</Link>
                </p>
              )}
            </div>
          )}
          <button
            type="submit"
            disabled={checkout.isPending || Boolean(countryError) || !c.totals.shippingAvailable}
          >
            {checkout.isPending
              ? 'Placing your order…'
              : retry
                ? 'Try again'
                : `Place order · ${formatMoney(c.totals.total)}`}
          </button>
          <p>
            <Link to="/cart">Back to your cart</Link>
          </p>
        </aside>
      </form>
      <ErrorNotice error={addresses.error} />
    </section>
  );
}

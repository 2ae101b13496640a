import { Link } from 'react-router';
import { ApiError } from '@/api/client';
import { useChangeQuantity, useRemoveItem } from '@/api/cart';
import type { CartItem } from '@/api/types';
import { Countdown } from '@/components/Countdown';
import { formatMoney } from '@/components/Price';
import { ErrorNotice } from '@/components/Status';

const ISSUES: Record<NonNullable<CartItem['issue']>, string> = {
  unavailable: 'No longer on sale: remove it to check out.',
  currency_mismatch: 'Priced in another currency than the rest of your cart.',
  insufficient_stock: 'Not enough in stock for this quantity.',
  hold_expired: 'Your flash-sale hold has run out: remove it to check out.',
};

/** Shows "Only 3 available" for a 409 out_of_stock, the problem's detail otherwise. */
function changeError(err: unknown): unknown {
  if (err instanceof ApiError && err.code === 'out_of_stock' && typeof err.problem.available === 'number')
    return new Error(`Only ${err.problem.available} available.`);
  return err;
}

export function CartLine({ cartId, item }: { cartId: string; item: CartItem }) {
  const change = useChangeQuantity();
  const remove = useRemoveItem();
  const title = item.productTitle ?? item.sku;
  const busy = change.isPending || remove.isPending;
  const setQuantity = (quantity: number) => change.mutate({ cartId, itemId: item.id, quantity });
  const held = item.held && item.holdExpiresAt;
  return (
    <li className="cart-line">
      {item.image ? (
        <img src={item.image} alt={title} width="96" height="72" />
      ) : (
        <div className="card-placeholder" aria-hidden="true">
          {title.slice(0, 1)}
        </div>
      )}
      <div className="cart-line-body">
        <p className="cart-line-title">
          {item.slug ? <Link to={`/products/${item.slug}`}>{title}</Link> : title}
          {item.variantTitle && <span className="muted"> · {item.variantTitle}</span>}
        </p>
        <p className="cart-line-price">
          {item.unitPrice && formatMoney(item.unitPrice)}
          {item.listPrice && item.unitPrice && item.listPrice.amount > item.unitPrice.amount && (
            <s className="muted"> {formatMoney(item.listPrice)}</s>
          )}
          {item.held && <span className="badge sale">Flash sale</span>}
        </p>
        {held && item.issue !== 'hold_expired' && item.holdExpiresAt && (
          <p className="hold">
            <Countdown to={item.holdExpiresAt} label="Held for you for" done="Hold expired" />
          </p>
        )}
        {item.issue && (
          <p className="field-error" role="status">
            {ISSUES[item.issue]}
          </p>
        )}
        <div className="actions">
          {item.held ? (
            <span>Quantity {item.quantity}</span>
          ) : (
            <div className="stepper" role="group" aria-label={`Quantity of ${title}`}>
              <button
                type="button"
                className="secondary"
                aria-label={`One less ${title}`}
                disabled={busy || item.quantity <= 1}
                onClick={() => setQuantity(item.quantity - 1)}
              >
                −
              </button>
              <output aria-live="polite" aria-label={`Quantity of ${title}`}>
                {item.quantity}
              </output>
              <button
                type="button"
                className="secondary"
                aria-label={`One more ${title}`}
                disabled={busy || item.quantity >= item.available}
                onClick={() => setQuantity(item.quantity + 1)}
              >
                +
              </button>
            </div>
          )}
          <button
            type="button"
            className="link"
            disabled={busy}
            onClick={() => remove.mutate({ cartId, itemId: item.id })}
            aria-label={`Remove ${title}`}
          >
            Remove
          </button>
          {item.lineTotal && <strong className="cart-line-total">{formatMoney(item.lineTotal)}</strong>}
        </div>
        <ErrorNotice error={changeError(change.error ?? remove.error)} />
      </div>
    </li>
  );
}

import type { CartTotals as Totals } from '@/api/types';
import { formatMoney } from './Price';

/** Subtotal, discount, shipping, tax and total of a cart, as a definition list. */
export function CartTotals({ totals, estimate = true }: { totals: Totals; estimate?: boolean }) {
  const rate = totals.taxRate / 100;
  return (
    <dl className="totals">
      <div>
        <dt>Subtotal</dt>
        <dd>{formatMoney(totals.subtotal)}</dd>
      </div>
      {totals.discount.amount > 0 && (
        <div>
          <dt>Flash-sale savings</dt>
          <dd>−{formatMoney(totals.discount)}</dd>
        </div>
      )}
      <div>
        <dt>Shipping</dt>
        <dd>
          {!totals.shippingAvailable
            ? `Not shipped in ${totals.shipping.currency}`
            : totals.shipping.amount === 0
              ? 'Free'
              : formatMoney(totals.shipping)}
        </dd>
      </div>
      <div>
        <dt>
          Tax ({rate} % {estimate ? `for ${totals.country}` : ''})
        </dt>
        <dd>{formatMoney(totals.tax)}</dd>
      </div>
      <div className="grand">
        <dt>Total</dt>
        <dd>{formatMoney(totals.total)}</dd>
      </div>
    </dl>
  );
}

import { useNavigate } from 'react-router';
import { ApiError } from '@/api/client';
import { useAbandonCheckout } from '@/api/orders';
import { useCompleteAuthentication } from '@/api/payments';
import type { Order } from '@/api/types';
import { ErrorNotice } from './Status';

/**
 * A pending order whose payment waits for the buyer (3-D Secure): finish it, or give it up and pay
 * another way. With the sandbox provider the app plays the bank's check itself ("Complete
 * authentication"); with Stripe that step is Stripe.js's, which this app does not bundle (see
 * web/README.md), so the order waits for Stripe's answer. Giving up cancels the order with nothing
 * charged and goes back to the checkout, the cart as it was.
 */
export function PendingPayment({ order }: { order: Order }) {
  const navigate = useNavigate();
  const complete = useCompleteAuthentication();
  const abandon = useAbandonCheckout();
  const clientSecret = order.payment.clientSecret;
  const sandbox = order.payment.provider === 'sandbox' && Boolean(clientSecret);
  const busy = complete.isPending || abandon.isPending;
  // A 409 to the cancel: the payment went through (or is going through) just now.
  const paidMeanwhile = abandon.error instanceof ApiError && abandon.error.status === 409;
  const authenticated = complete.data?.status === 'authorized' || complete.data?.status === 'captured';
  return (
    <section className="pending-payment" aria-labelledby="pending-payment-heading">
      <h2 id="pending-payment-heading">Your bank needs you to confirm this payment</h2>
      {authenticated ? (
        <p role="status" aria-live="polite">
          Authentication complete. Confirming your order…
        </p>
      ) : (
        <p>
          Nothing is charged until you do; your items are held for you meanwhile.
          {sandbox
            ? ' This shop runs on the sandbox payment provider: completing the authentication plays your bank’s check.'
            : ' This page updates by itself once your bank has answered.'}
        </p>
      )}
      <div className="actions">
        {sandbox && !authenticated && (
          <button
            type="button"
            disabled={busy}
            onClick={() => complete.mutate({ orderId: order.id, clientSecret: clientSecret! })}
          >
            {complete.isPending ? 'Authenticating…' : 'Complete authentication'}
          </button>
        )}
        {!authenticated && (
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() => abandon.mutate(order.id, { onSuccess: () => void navigate('/checkout') })}
          >
            {abandon.isPending ? 'Cancelling…' : 'Cancel and pay another way'}
          </button>
        )}
      </div>
      {paidMeanwhile ? (
        <p role="status">Your payment went through just now, so this order stays. It updates in a moment.</p>
      ) : (
        <ErrorNotice error={abandon.error} />
      )}
      <ErrorNotice error={complete.error} />
    </section>
  );
}

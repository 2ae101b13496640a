import { ApiError, errorMessage } from '@/api/client';
import { answerLost } from '@/api/orders';

/** What a failed checkout means to the buyer, and what to do next. The cart is kept in every case. */
export function checkoutMessage(err: unknown): string {
  if (err instanceof ApiError) {
    switch (err.code ?? '') {
      case 'payment_declined':
        return 'Your card was declined and nothing was charged. Choose another card and try again.';
      case 'out_of_stock': {
        const skus = Array.isArray(err.problem.lines)
          ? (err.problem.lines as { sku?: string }[]).map((l) => l.sku).filter(Boolean)
          : [];
        const which = skus.length ? ` (${skus.join(', ')})` : '';
        return `Sorry, some items sold out while you were checking out${which}. Nothing was charged; your cart is kept, change it and try again.`;
      }
      case 'payment_unavailable':
        return 'Payments are unavailable right now. Nothing was charged and your items are still in your cart; try again in a moment.';
      case 'conflict':
        if (typeof err.problem.orderId === 'string')
          return 'An earlier checkout of this cart is still waiting for its payment to complete, so it cannot be placed again yet. Nothing more was charged; see that order for its state.';
        break;
      case 'idempotency_key_reused':
        return 'This order changed while it was being placed. Check the details and place it again.';
      case 'validation_failed':
        return `Check the address: ${err.problem.errors?.map((e) => e.message).join('; ') ?? err.message}`;
    }
  }
  if (answerLost(err))
    return 'We did not get an answer. Try again: the same order is sent, so you will not be charged twice.';
  return errorMessage(err);
}

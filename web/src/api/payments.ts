import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { keys } from './keys';

/**
 * The buyer's 3-D Secure step of a sandbox payment (`POST /v1/payments/sandbox/confirm`, what
 * Stripe.js's confirm does for Stripe). The order follows a moment later, once the shop has
 * completed the checkout: its query is read again (and keeps being read while it is pending).
 */
export function useCompleteAuthentication() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ clientSecret }: { orderId: string; clientSecret: string }) =>
      api<{ status: 'authorized' | 'failed' | 'captured' }>('/v1/payments/sandbox/confirm', {
        method: 'POST',
        body: { clientSecret },
      }),
    onSettled: (_answer, _err, { orderId }) =>
      void client.invalidateQueries({ queryKey: keys.orders.detail(orderId) }),
  });
}

import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api, withQuery } from './client';
import { keys } from './keys';
import type { CheckoutBody, Order, OrderSummary, Page, SellerOrder } from './types';

/** A random UUID; `crypto.randomUUID` exists only on secure origins, `getRandomValues` everywhere. */
export function randomKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const ATTEMPT_KEY = 'agora.checkoutAttempt';

/**
 * The `Idempotency-Key` of a checkout attempt. One attempt is one body: sending the same body again
 * after no answer (network error, 5xx) reuses the key, so the server answers what the first try did
 * instead of charging twice. A changed body, or a definite answer (confirmed, declined, sold out),
 * starts a new attempt. Kept in sessionStorage so a reload mid-checkout retries the same attempt.
 */
export const checkoutAttempt = {
  keyFor(body: CheckoutBody): string {
    const text = JSON.stringify(body);
    try {
      const saved = JSON.parse(sessionStorage.getItem(ATTEMPT_KEY) ?? 'null') as {
        key: string;
        body: string;
      } | null;
      if (saved && saved.body === text) return saved.key;
    } catch {
      // an unreadable entry is replaced below
    }
    const key = randomKey();
    sessionStorage.setItem(ATTEMPT_KEY, JSON.stringify({ key, body: text }));
    return key;
  },
  /** The attempt has its answer: the next submission is a new attempt. */
  finish(): void {
    sessionStorage.removeItem(ATTEMPT_KEY);
  },
};

/** Whether an error may be the lost answer of a request the server did run (so: retry, same key). */
export function answerLost(err: unknown): boolean {
  return (
    !(err instanceof ApiError) ||
    err.status === 0 ||
    err.status === 500 ||
    err.status === 502 ||
    err.status === 504
  );
}

export function useCheckout() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: CheckoutBody) => {
      const key = checkoutAttempt.keyFor(body);
      try {
        const answer = await api<{ order: Order }>('/v1/checkout', {
          method: 'POST',
          body,
          headers: { 'idempotency-key': key },
        });
        checkoutAttempt.finish();
        return answer.order;
      } catch (err) {
        if (!answerLost(err)) checkoutAttempt.finish();
        throw err;
      }
    },
    onSuccess: (order) => {
      client.setQueryData(keys.orders.detail(order.id), order);
      void client.invalidateQueries({ queryKey: keys.orders.all });
    },
    // Success closes the cart; a failure may have changed what is available: read it again.
    onSettled: () => void client.invalidateQueries({ queryKey: keys.cart.all }),
  });
}

export function useOrders(cursor: string | undefined) {
  return useQuery({
    queryKey: keys.orders.list(cursor),
    queryFn: ({ signal }) =>
      api<Page<OrderSummary>>(withQuery('/v1/orders', { limit: 20, cursor }), { signal }),
    placeholderData: keepPreviousData,
  });
}

const ORDER_NUMBER = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * One order; a pending one (payment completing asynchronously) is read again until it settles. An
 * id that is not an order number (a mistyped link or search) is an order not found, as an unknown
 * number is, rather than the API's 400 about the path's format.
 */
export function useOrder(id: string | undefined) {
  return useQuery({
    queryKey: keys.orders.detail(id ?? ''),
    queryFn: ({ signal }) => {
      if (!ORDER_NUMBER.test(id?.trim() ?? ''))
        throw new ApiError({ status: 404, title: 'Not Found', code: 'not_found', detail: 'Order not found' });
      return api<Order>(`/v1/orders/${encodeURIComponent(id?.trim() ?? '')}`, { signal });
    },
    enabled: Boolean(id),
    refetchInterval: (q) => (q.state.data?.status === 'pending' ? 2_000 : false),
  });
}

function useOrderChange<V>(fn: (v: V) => Promise<Order>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: (order) => {
      client.setQueryData(keys.orders.detail(order.id), order);
      void client.invalidateQueries({ queryKey: keys.orders.all });
      void client.invalidateQueries({ queryKey: ['seller', 'orders'] });
    },
  });
}

export function useCancelOrder() {
  return useOrderChange(({ id, reason }: { id: string; reason?: string }) =>
    api<Order>(`/v1/orders/${id}/cancel`, { method: 'POST', body: reason ? { reason } : {} }),
  );
}

/**
 * Gives up a checkout whose payment waits for the buyer (3-D Secure): nothing is charged and the
 * cart can be checked out again at once. Only while it is pending: an order paid meanwhile is a
 * 409, not cancelled and refunded.
 */
export function useAbandonCheckout() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      api<Order>(`/v1/orders/${id}/cancel`, {
        method: 'POST',
        body: { reason: 'cancelled by the buyer to pay another way', onlyIfPending: true },
      }),
    onSuccess: (order) => client.setQueryData(keys.orders.detail(order.id), order),
    onSettled: (_order, _err, id) => {
      void client.invalidateQueries({ queryKey: keys.orders.all });
      if (id) void client.invalidateQueries({ queryKey: keys.orders.detail(id) });
      void client.invalidateQueries({ queryKey: keys.cart.all });
    },
  });
}

export function useRefundOrder() {
  return useOrderChange(({ id, amount, reason }: { id: string; amount?: number; reason: string }) =>
    api<Order>(`/v1/admin/orders/${id}/refund`, {
      method: 'POST',
      body: amount === undefined ? { reason } : { amount, reason },
      headers: { 'idempotency-key': randomKey() },
    }),
  );
}

export function useSellerOrders(cursor: string | undefined) {
  return useQuery({
    queryKey: keys.seller.orders(cursor),
    queryFn: ({ signal }) =>
      api<Page<SellerOrder>>(withQuery('/v1/seller/orders', { limit: 20, cursor }), { signal }),
    placeholderData: keepPreviousData,
  });
}

export function useShipOrder() {
  return useOrderChange(
    ({ id, carrier, trackingNumber }: { id: string; carrier: string; trackingNumber: string }) =>
      api<Order>(`/v1/seller/orders/${id}/ship`, { method: 'POST', body: { carrier, trackingNumber } }),
  );
}

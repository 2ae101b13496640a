import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api, withQuery } from './client';
import { guestCart } from './guest-cart';
import { useSession } from './identity';
import { keys } from './keys';
import type { Cart } from './types';

/** A cart that can no longer change: expired, merged or checked out (the client starts a new one). */
function isGone(err: unknown): boolean {
  return (
    err instanceof ApiError &&
    (err.status === 404 || (err.status === 409 && err.problem.reason === 'cart_not_open'))
  );
}

async function readCart(id: string, country: string | undefined, signal?: AbortSignal): Promise<Cart> {
  return api<Cart>(withQuery(`/v1/carts/${id}`, { country }), { signal });
}

/**
 * The cart of whoever is browsing: a signed-in user's open cart (`POST /v1/carts` answers it, or
 * opens one), or the guest cart whose id this browser keeps. `null` for a guest without a cart.
 * `country` estimates the tax of that destination.
 */
export function useCart(country?: string) {
  const { current, restoring } = useSession();
  const owner = current?.user.id ?? 'guest';
  return useQuery({
    queryKey: keys.cart.current(owner, country ?? ''),
    enabled: !restoring,
    placeholderData: keepPreviousData,
    staleTime: 5_000,
    queryFn: async ({ signal }): Promise<Cart | null> => {
      if (current) {
        const cart = await api<Cart>('/v1/carts', { method: 'POST', signal });
        return !country || country === cart.totals.country ? cart : readCart(cart.id, country, signal);
      }
      const id = guestCart.get();
      if (!id) return null;
      try {
        const cart = await readCart(id, country, signal);
        if (cart.status === 'open') return cart;
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 404)) throw err;
      }
      guestCart.clear();
      return null;
    },
  });
}

/** The id of the cart to change: the user's open cart, or the guest's (made on first use). */
async function cartToChange(signedIn: boolean, fresh: boolean): Promise<string> {
  if (!signedIn) {
    const known = guestCart.get();
    if (known && !fresh) return known;
  }
  const cart = await api<Cart>('/v1/carts', { method: 'POST' });
  if (!signedIn) guestCart.set(cart.id);
  return cart.id;
}

export function useAddToCart() {
  const client = useQueryClient();
  const { current } = useSession();
  return useMutation({
    mutationFn: async (item: { sku: string; quantity: number }) => {
      const add = (id: string) => api<Cart>(`/v1/carts/${id}/items`, { method: 'POST', body: item });
      const id = await cartToChange(Boolean(current), false);
      try {
        return await add(id);
      } catch (err) {
        // The kept cart expired or was checked out meanwhile: start a new one, once.
        if (!isGone(err)) throw err;
        return add(await cartToChange(Boolean(current), true));
      }
    },
    onSettled: () => client.invalidateQueries({ queryKey: keys.cart.all }),
  });
}

export function useChangeQuantity() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ cartId, itemId, quantity }: { cartId: string; itemId: string; quantity: number }) =>
      api<Cart>(`/v1/carts/${cartId}/items/${itemId}`, { method: 'PATCH', body: { quantity } }),
    onSettled: () => client.invalidateQueries({ queryKey: keys.cart.all }),
  });
}

export function useRemoveItem() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ cartId, itemId }: { cartId: string; itemId: string }) =>
      api<void>(`/v1/carts/${cartId}/items/${itemId}`, { method: 'DELETE' }),
    onSettled: () => client.invalidateQueries({ queryKey: keys.cart.all }),
  });
}

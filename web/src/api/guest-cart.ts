const GUEST_CART_KEY = 'agora.cartId';

/** A guest's cart id: the only key to the cart, kept in localStorage until sign-in merges it. */
export const guestCart = {
  get: (): string | null => {
    try {
      return localStorage.getItem(GUEST_CART_KEY);
    } catch {
      return null;
    }
  },
  set: (id: string) => localStorage.setItem(GUEST_CART_KEY, id),
  clear: () => localStorage.removeItem(GUEST_CART_KEY),
};

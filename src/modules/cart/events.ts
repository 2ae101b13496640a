export const CART_SOURCE = '/agora/cart';

/** Events the cart publishes (CloudEvents `type` → `data`). */
export interface CartEvents {
  /**
   * A line bound to a flash-sale hold left the cart by the buyer's hand (removed, or its cart
   * expired): flash sales releases the hold so the unit can be sold again.
   */
  'cart.hold_dropped': { holdId: string; cartId: string; userId: string | null };
}

export type CartEventType = keyof CartEvents;

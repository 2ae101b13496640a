import type { LocalStep } from '../saga/types.js';

/** The cart is checked out with this order (idempotent). */
export const closeCart: LocalStep = {
  name: 'close-cart',
  remote: false,
  async run(ctx, trx) {
    await ctx.deps.cart.markCheckedOut(trx, ctx.saga.cartId, ctx.saga.orderId);
  },
  async compensate() {
    // the last step: nothing after it can fail
  },
};

import type { LocalStep } from '../saga/types.js';

/** Locks the cart, checks it is the buyer's, open and not empty, and takes its priced snapshot. */
export const loadCart: LocalStep = {
  name: 'load-cart',
  remote: false,
  async run(ctx, trx) {
    ctx.saga.state.cart = await ctx.deps.cart.forCheckout(trx, {
      cartId: ctx.saga.cartId,
      userId: ctx.saga.userId,
      country: ctx.saga.input.country,
    });
  },
  async compensate() {
    // reading the cart changed nothing
  },
};

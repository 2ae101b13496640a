import type { Ctx } from '../../platform/context.js';
import type { PaymentsModule } from '../payments/index.js';
import { OrderNotFoundError } from './errors.js';
import { orderOut, sellerOrderOut } from './presenters.js';
import * as repo from './repository.js';
import { clientSecretOf } from './saga/saga-repository.js';
import type { Order } from './schemas.js';

/**
 * One order for its buyer, an admin, or one of its sellers once it was confirmed (who sees its part
 * only); anyone else gets a 404, as if it did not exist. Four indexed reads whatever the order's size,
 * and for its buyer a fifth while it is pending: the client secret of the payment that waits for
 * them (`payment.clientSecret`).
 * @throws OrderNotFoundError
 */
export async function getOrder(
  ctx: Ctx,
  payments: PaymentsModule,
  orderId: string,
  opts: { clientSecret?: string | null } = {},
): Promise<Order> {
  const order = await repo.findOrder(ctx.db, orderId);
  if (!order) throw new OrderNotFoundError();
  const actor = ctx.actor!;
  // One after the other: a request holds at most one pooled connection at a time, so a burst of
  // checkouts cannot starve the pool.
  const lines = (await repo.linesOf(ctx.db, [orderId])).get(orderId) ?? [];
  const parts = (await repo.partsOf(ctx.db, [orderId])).get(orderId) ?? [];
  const history = await repo.historyOf(ctx.db, orderId);
  const payment = await payments.service.get(ctx.db, order.payment_id);
  if (actor.userId === order.user_id && order.status === 'pending' && opts.clientSecret === undefined) {
    // The buyer finishes a payment that waits for them (3-D Secure) with its client secret,
    // whenever they come back to the order, not only from the checkout's answer.
    const clientSecret = await clientSecretOf(ctx.db, order.cart_id, order.id);
    return orderOut(order, lines, parts, history, payment, { clientSecret });
  }
  if (actor.role === 'admin' || actor.userId === order.user_id)
    return orderOut(order, lines, parts, history, payment, opts);
  // A seller's order is one that was confirmed, as in its list: a checkout still awaiting payment,
  // or one whose payment was declined, failed or expired, sold it nothing.
  if (
    actor.role === 'seller' &&
    parts.some((p) => p.seller_id === actor.userId) &&
    history.some((h) => h.status === 'confirmed')
  )
    return orderOut(order, lines, parts, history, payment, { sellerId: actor.userId });
  throw new OrderNotFoundError();
}

/** The buyer's orders, newest first (keyset on the time-ordered id). */
export async function listMyOrders(ctx: Ctx, q: { limit: number; cursor?: string }) {
  const rows = await repo.ordersOfUser(ctx.db, ctx.actor!.userId, q.limit, q.cursor ?? null);
  const page = rows.slice(0, q.limit);
  const lines = await repo.linesOf(
    ctx.db,
    page.map((o) => o.id),
  );
  return {
    items: page.map((o) => {
      const ls = lines.get(o.id) ?? [];
      return {
        id: o.id,
        status: o.status,
        total: { amount: o.total, currency: o.currency },
        itemCount: ls.reduce((n, l) => n + l.quantity, 0),
        sellerIds: [...new Set(ls.map((l) => l.seller_id))].sort(),
        createdAt: new Date(o.created_at).toISOString(),
      };
    }),
    nextCursor: rows.length > q.limit ? page[page.length - 1].id : null,
  };
}

/** The seller's parts of orders that were confirmed (a checkout that failed sold nothing), newest first. */
export async function listSellerOrders(ctx: Ctx, q: { limit: number; cursor?: string }) {
  const rows = await repo.partsOfSeller(ctx.db, ctx.actor!.userId, q.limit, q.cursor ?? null);
  const page = rows.slice(0, q.limit);
  const lines = await repo.linesOf(
    ctx.db,
    page.map((p) => p.order_id),
  );
  return {
    items: page.map((p) => sellerOrderOut(p as never, lines.get(p.order_id) ?? [])),
    nextCursor: rows.length > q.limit ? page[page.length - 1].order_id : null,
  };
}

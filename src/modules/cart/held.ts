import type { Money } from '../catalog/index.js';
import type { AppError } from '../../platform/errors.js';
import { CurrencyMismatchError } from './errors.js';
import * as repo from './repository.js';
import type { CartSettings } from './settings.js';

export interface HeldItemInput {
  userId: string;
  sku: string;
  quantity: number;
  unitPrice: Money;
  holdId: string;
  holdExpiresAt: Date;
}

/** A buyer's open cart for held lines, or why no line can go there. */
export type HeldCart = { cartId: string } | { error: AppError };

/** The buyers' carts opened or locked by `heldCarts`: what `heldLines` puts the lines into. */
export interface HeldCarts {
  cartOf(userId: string): HeldCart;
}

/** What `heldCarts` hands to `heldLines` besides `cartOf`. */
interface OpenedCarts extends HeldCarts {
  /** The carts opened by this batch (made with their currency and expiry). */
  created: Set<string>;
  /** The open carts that existed before (locked). */
  existing: Set<string>;
}

/**
 * Flash sales, step one of putting a batch's held lines into its buyers' carts: opens the missing
 * carts (with the line's currency) and locks the existing ones in id order, in one statement that
 * the caller sends together with its own (`pipelined`); `finish` reads its rows. A buyer whose
 * cart holds items in another currency gets a `CurrencyMismatchError` of their own from `cartOf`.
 */
export function heldCarts(
  settings: CartSettings,
  users: { userId: string; currency: string }[],
): {
  statement: ReturnType<typeof repo.openOrLockUserCarts>['statement'];
  finish(trx: repo.Trx, rows: unknown[]): Promise<HeldCarts>;
} {
  // a new cart takes the currency of its user's first line
  const wanted = new Map<string, string>();
  for (const u of users) if (!wanted.has(u.userId)) wanted.set(u.userId, u.currency);
  const step = repo.openOrLockUserCarts(
    [...wanted].map(([userId, currency]) => ({ userId, currency })),
    settings.userTtlHours,
  );
  return {
    statement: step.statement,
    async finish(trx, rows) {
      const { created, locked } = await step.finish(trx, rows as Parameters<typeof step.finish>[1]);
      const carts = new Map<string, HeldCart>();
      for (const c of created) carts.set(c.user_id!, { cartId: c.id });
      for (const c of locked) {
        const currency = wanted.get(c.user_id!)!;
        carts.set(
          c.user_id!,
          c.currency && c.currency !== currency
            ? { error: new CurrencyMismatchError(c.currency, currency) }
            : { cartId: c.id },
        );
      }
      const opened: OpenedCarts = {
        created: new Set(created.map((c) => c.id)),
        existing: new Set(locked.map((c) => c.id)),
        cartOf(userId) {
          const cart = carts.get(userId);
          if (!cart) throw new Error(`no open cart for user ${userId} after creating one`);
          return cart;
        },
      };
      return opened;
    },
  };
}

/**
 * Step two: the statement that puts the lines into the carts of step one (their currencies must
 * match: see `cartOf`), sets the existing carts' currency and expiry, and deletes the carts step one
 * opened that got no line. `strict`: a hold that already has a line fails the statement (the caller
 * sends it with its COMMIT and cannot read anything back); otherwise that line is left as it is.
 */
export function heldLines(
  settings: CartSettings,
  carts: HeldCarts,
  inputs: HeldItemInput[],
  opts: { strict?: boolean } = {},
) {
  const { created, existing } = carts as OpenedCarts;
  const cartIds = inputs.map((i) => {
    const cart = carts.cartOf(i.userId);
    if ('error' in cart) throw cart.error;
    return cart.cartId;
  });
  const touched = new Map<string, string>();
  cartIds.forEach((id, n) => {
    if (existing.has(id) && !touched.has(id)) touched.set(id, inputs[n].unitPrice.currency);
  });
  const used = new Set(cartIds);
  return repo.touchAndInsertHeldLines(
    touched,
    settings.userTtlHours,
    inputs.map((i, n) => ({
      cartId: cartIds[n],
      sku: i.sku,
      quantity: i.quantity,
      heldPriceAmount: i.unitPrice.amount,
      holdId: i.holdId,
      holdExpiresAt: i.holdExpiresAt,
    })),
    { dropCarts: [...created].filter((id) => !used.has(id)), strict: opts.strict },
  );
}

/**
 * Puts flash-sale units in their buyers' carts at the held price, for a whole batch of buyers in
 * two statements whatever its size (`heldCarts`, then `heldLines`). A hold already in a cart (a
 * retried batch) keeps its line, read back by a third. All or nothing, in the caller's transaction.
 * @throws CurrencyMismatchError naming every buyer whose cart is in another currency
 */
export async function addHeldItems(
  trx: repo.Trx,
  settings: CartSettings,
  inputs: HeldItemInput[],
): Promise<{ holdId: string; cartId: string; itemId: string }[]> {
  if (!inputs.length) return [];
  const step = heldCarts(
    settings,
    inputs.map((i) => ({ userId: i.userId, currency: i.unitPrice.currency })),
  );
  const carts = await step.finish(trx, (await step.statement.execute(trx)).rows);
  // the currency each buyer's cart has, or gets from the first of the buyer's lines
  const currencyOf = new Map<string, string>();
  const conflicts: { userId: string; cartCurrency: string; currency: string }[] = [];
  for (const input of inputs) {
    const cart = carts.cartOf(input.userId);
    const cartCurrency =
      'error' in cart ? String(cart.error.details.cartCurrency) : currencyOf.get(input.userId);
    if (cartCurrency && cartCurrency !== input.unitPrice.currency)
      conflicts.push({ userId: input.userId, cartCurrency, currency: input.unitPrice.currency });
    else currencyOf.set(input.userId, input.unitPrice.currency);
  }
  if (conflicts.length)
    throw new CurrencyMismatchError(conflicts[0].cartCurrency, conflicts[0].currency, { buyers: conflicts });
  const { rows: inserted } = await heldLines(settings, carts, inputs).execute(trx);
  const lines = new Map(inserted.map((l) => [l.hold_id, { cartId: l.cart_id, itemId: l.id }]));
  // a hold that already had its line (a replayed batch) keeps it
  const missing = inputs.filter((i) => !lines.has(i.holdId)).map((i) => i.holdId);
  for (const l of await repo.itemsByHold(trx, missing))
    lines.set(l.hold_id!, { cartId: l.cart_id, itemId: l.id });
  return inputs.map((i) => {
    const line = lines.get(i.holdId)!;
    return { holdId: i.holdId, cartId: line.cartId, itemId: line.itemId };
  });
}

/**
 * Takes out the line bound to a hold that was released or expired (flash sales calls this). Idempotent.
 */
export async function removeHeldItem(trx: repo.Trx, holdId: string): Promise<void> {
  if (!repo.isUuid(holdId)) return;
  const cartId = await repo.deleteByHold(trx, holdId);
  if (cartId) await repo.clearCurrencyIfEmpty(trx, cartId);
}

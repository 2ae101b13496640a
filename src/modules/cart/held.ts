import type { Money } from '../catalog/index.js';
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

/**
 * Puts flash-sale units in their buyers' carts at the held price, for a whole batch of buyers in
 * two statements whatever its size: open the missing carts (with their currency) and lock the
 * existing ones (id order); then set the existing carts' currency and expiry and insert the lines.
 * A hold already in a cart (a retried batch) keeps its line, read back by a third. All or nothing,
 * in the caller's transaction.
 * @throws CurrencyMismatchError naming every buyer whose cart holds items in another currency
 */
export async function addHeldItems(
  trx: repo.Trx,
  settings: CartSettings,
  inputs: HeldItemInput[],
): Promise<{ holdId: string; cartId: string; itemId: string }[]> {
  if (!inputs.length) return [];
  const { created, locked } = await repo.openOrLockUserCarts(
    trx,
    inputs.map((i) => ({ userId: i.userId, currency: i.unitPrice.currency })),
    settings.userTtlHours,
  );
  const carts = new Map([...created, ...locked].map((c) => [c.user_id!, c]));
  const currencyOf = new Map<string, string>();
  const conflicts: { userId: string; cartCurrency: string; currency: string }[] = [];
  for (const input of inputs) {
    const cart = carts.get(input.userId);
    if (!cart) throw new Error(`no open cart for user ${input.userId} after creating one`);
    const current = currencyOf.get(cart.id) ?? cart.currency;
    if (current && current !== input.unitPrice.currency)
      conflicts.push({ userId: input.userId, cartCurrency: current, currency: input.unitPrice.currency });
    else currencyOf.set(cart.id, input.unitPrice.currency);
  }
  if (conflicts.length)
    throw new CurrencyMismatchError(conflicts[0].cartCurrency, conflicts[0].currency, { buyers: conflicts });
  // a cart opened above already has its currency and expiry
  for (const c of created) currencyOf.delete(c.id);
  const inserted = await repo.touchAndInsertHeldLines(
    trx,
    currencyOf,
    settings.userTtlHours,
    inputs.map((i) => ({
      cartId: carts.get(i.userId)!.id,
      sku: i.sku,
      quantity: i.quantity,
      heldPriceAmount: i.unitPrice.amount,
      holdId: i.holdId,
      holdExpiresAt: i.holdExpiresAt,
    })),
  );
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

import { sql, type RawBuilder } from 'kysely';
import type { Money } from '../catalog/index.js';
import { uuidv7 } from '../../platform/ids.js';
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
 * A flash-sale batch's cart work, in pieces that travel inside the batch's own statements:
 *
 * - `open`, a statement sent before anything else is locked: opens the buyers' missing carts (in
 *   the currency of each buyer's first line, with their expiry) and locks the open carts that
 *   already existed;
 * - `carts`, a relation `(user_id uuid, cart_id text, currency text)` of those carts, for a later
 *   statement to read (a cart whose currency is set and differs from a line's refuses the line:
 *   `CurrencyMismatchError`);
 * - `write(granted)`, the `cart_…` common table expressions that put the lines of the relation
 *   named `granted` into those carts in the same statement and drop the carts `open` made that got
 *   no line (`repo.heldLinesWrite` names the columns `granted` has, and `cart_lines` what it returns).
 */
export interface HeldBatch {
  open: RawBuilder<{ id: string }>;
  carts: RawBuilder<{ user_id: string; cart_id: string; currency: string | null }>;
  write(granted: string, opts?: { strict?: boolean }): RawBuilder<unknown>;
}

export function heldBatch(settings: CartSettings, users: { userId: string; currency: string }[]): HeldBatch {
  // a new cart takes the currency of its user's first line
  const wanted = new Map<string, string>();
  for (const u of users) if (!wanted.has(u.userId)) wanted.set(u.userId, u.currency);
  const opened = [...wanted].map(([userId, currency]) => ({ id: repo.newCartId(), userId, currency }));
  const ids = opened.map((o) => o.id);
  return {
    open: repo.openUserCarts(opened, settings.userTtlHours),
    carts: repo.openCartsOf([...wanted.keys()]),
    write: (granted, opts) => repo.heldLinesWrite(granted, ids, settings.userTtlHours, opts),
  };
}

/**
 * Puts flash-sale units in their buyers' carts at the held price, for a whole batch of buyers in
 * three statements whatever its size (`heldBatch`'s). A hold already in a cart (a retried batch)
 * keeps its line, read back by a fourth. All or nothing, in the caller's transaction.
 * @throws CurrencyMismatchError naming every buyer whose cart is in another currency
 */
export async function addHeldItems(
  trx: repo.Trx,
  settings: CartSettings,
  inputs: HeldItemInput[],
): Promise<{ holdId: string; cartId: string; itemId: string }[]> {
  if (!inputs.length) return [];
  const batch = heldBatch(
    settings,
    inputs.map((i) => ({ userId: i.userId, currency: i.unitPrice.currency })),
  );
  await batch.open.execute(trx);
  const { rows: carts } = await batch.carts.execute(trx);
  const cartOf = new Map(carts.map((c) => [c.user_id, c]));
  // the currency each buyer's cart has, or gets from the first of the buyer's lines
  const currencyOf = new Map<string, string>();
  const conflicts: { userId: string; cartCurrency: string; currency: string }[] = [];
  for (const input of inputs) {
    const cart = cartOf.get(input.userId);
    if (!cart) throw new Error(`no open cart for user ${input.userId} after opening one`);
    const cartCurrency = currencyOf.get(input.userId) ?? cart.currency;
    if (cartCurrency && cartCurrency !== input.unitPrice.currency)
      conflicts.push({ userId: input.userId, cartCurrency, currency: input.unitPrice.currency });
    else currencyOf.set(input.userId, input.unitPrice.currency);
  }
  if (conflicts.length)
    throw new CurrencyMismatchError(conflicts[0].cartCurrency, conflicts[0].currency, { buyers: conflicts });
  const granted = JSON.stringify(
    inputs.map((i) => ({
      line_id: uuidv7(),
      user_id: i.userId,
      cart_id: cartOf.get(i.userId)!.cart_id,
      sku: i.sku,
      quantity: i.quantity,
      unit_price: i.unitPrice.amount,
      currency: i.unitPrice.currency,
      hold_id: i.holdId,
      hold_expires_at: i.holdExpiresAt,
    })),
  );
  const { rows: inserted } = await sql<{ id: string; cart_id: string; hold_id: string }>`
    with granted as (
      select * from jsonb_to_recordset(${granted}::jsonb) as g (line_id uuid, user_id uuid, cart_id text, sku text,
             quantity integer, unit_price bigint, currency text, hold_id uuid, hold_expires_at timestamptz)
    ), ${batch.write('granted')}
    select id, cart_id, hold_id from cart_lines`.execute(trx);
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

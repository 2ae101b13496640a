import type { AnyDb } from '../../platform/db.js';
import type { Logger } from '../../platform/logger.js';
import { findVariants, type VariantInfo } from '../catalog/index.js';
import { totalsFit, withPlainLine, type AvailabilitySource } from './lines.js';
import * as repo from './repository.js';
import { MAX_LINE_QUANTITY } from './schemas.js';
import type { CartSettings } from './settings.js';

export interface MergeResult {
  /** False when there was nothing to merge: unknown id, a user's cart, or merged/closed already. */
  merged: boolean;
  cartId?: string;
  /** SKUs moved into the user's cart. */
  moved: string[];
  /** SKUs left behind: no longer on sale, priced in another currency, or out of stock. */
  skipped: string[];
}

/**
 * Moves a guest cart's lines into the user's open cart (created when missing) and marks the guest
 * cart `merged`. Quantities of a SKU in both carts are summed, capped at what is available now
 * (never below what the user's cart already had). Idempotent: a guest cart already merged, or any
 * id that is not an open guest cart, changes nothing. One transaction; the guest cart is locked
 * before the user's, always in that order.
 */
export async function mergeGuestCart(
  db: AnyDb,
  deps: { availability: AvailabilitySource; settings: CartSettings; log?: Logger },
  input: { guestCartId: string; userId: string },
): Promise<MergeResult> {
  const none: MergeResult = { merged: false, moved: [], skipped: [] };
  if (!repo.isUuid(input.guestCartId) || !repo.isUuid(input.userId)) return none;
  const result = await db.transaction().execute(async (trx): Promise<MergeResult> => {
    const guest = await repo.lockCart(trx, input.guestCartId);
    if (!guest || guest.user_id !== null || guest.status !== 'open') return none;
    // opens the user's cart, or locks the one they have
    await repo
      .openUserCarts(
        [{ id: repo.newCartId(), userId: input.userId, currency: null }],
        deps.settings.userTtlHours,
      )
      .execute(trx);
    const target = await repo.findOpenUserCart(trx, input.userId);
    if (!target) throw new Error(`no open cart for user ${input.userId} after creating one`);
    const guestLines = (await repo.itemsOf(trx, guest.id)).filter((i) => i.hold_id === null);
    const userItems = await repo.itemsOf(trx, target.id);
    const userLines = new Map(userItems.filter((i) => i.hold_id === null).map((i) => [i.sku, i.quantity]));
    const skus = guestLines.map((l) => l.sku);
    // the user's SKUs are priced too (same statement): the merged cart's totals are checked
    const priced = [...new Set([...skus, ...userItems.map((i) => i.sku)])];
    const [variants, available] = skus.length
      ? await Promise.all([findVariants(trx, priced), deps.availability.available(trx, skus)])
      : [new Map<string, VariantInfo>(), new Map<string, number>()];
    const currency = target.currency ?? guest.currency;
    const moved: { sku: string; quantity: number }[] = [];
    const skipped: string[] = [];
    let merged = userItems;
    for (const line of guestLines) {
      const variant = variants.get(line.sku);
      const had = userLines.get(line.sku) ?? 0;
      const quantity = Math.max(
        had,
        Math.min(had + line.quantity, available.get(line.sku) ?? 0, MAX_LINE_QUANTITY),
      );
      if (
        !variant ||
        variant.status !== 'published' ||
        variant.price.currency !== currency ||
        quantity === had
      )
        skipped.push(line.sku);
      else {
        // a line that would take the cart's totals past the maximum stays behind too
        const next = withPlainLine(merged, line.sku, quantity);
        if (!totalsFit(deps.settings, next, variants, variant.price.currency)) skipped.push(line.sku);
        else {
          moved.push({ sku: line.sku, quantity });
          merged = next;
        }
      }
    }
    await repo.upsertPlainLines(trx, target.id, moved);
    if (moved.length && currency)
      await repo.touchCarts(trx, new Map([[target.id, currency]]), deps.settings.userTtlHours);
    await repo.markMerged(trx, guest.id, target.id);
    return { merged: true, cartId: target.id, moved: moved.map((m) => m.sku), skipped };
  });
  if (result.merged)
    deps.log?.info(
      { guestCartId: input.guestCartId, cartId: result.cartId, moved: result.moved, skipped: result.skipped },
      'guest cart merged',
    );
  return result;
}

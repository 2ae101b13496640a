import type { Money } from '../catalog/index.js';
import {
  CartLinesUnavailableError,
  CartNotFoundError,
  CartNotOpenError,
  CartOverMaximumError,
  EmptyCartError,
  ShippingUnavailableError,
} from './errors.js';
import { priceLines, totalsLines, variantsOf } from './lines.js';
import * as repo from './repository.js';
import { taxRateOf } from './service.js';
import { pricingOf, type CartSettings } from './settings.js';
import { computeTotals, exceedsMaximum, type Totals } from './totals.js';

export interface CheckoutLine {
  itemId: string;
  sku: string;
  quantity: number;
  /** Today's price, or the held price on a flash-sale line. */
  unitPrice: Money;
  productId: string;
  sellerId: string;
  /** Product title, with the variant's title in parentheses. */
  title: string;
  /** The flash-sale hold the line is bound to. */
  holdId: string | null;
}

export interface CheckoutCart {
  id: string;
  userId: string;
  currency: string;
  lines: CheckoutLine[];
  totals: Totals;
}

/**
 * The cart as checkout charges it. Locks the cart row (FOR UPDATE) for the caller's transaction,
 * so the cart cannot change or be checked out twice meanwhile. Stock is not checked here: the
 * checkout reserves it, all or nothing.
 * @throws CartNotFoundError (no such cart, or not the user's: a guest cart must be merged first),
 * CartNotOpenError (checked out, merged or expired), EmptyCartError, CartLinesUnavailableError
 * (lines whose product is gone or unpublished, or priced in another currency),
 * UnknownCountryError (no tax rate for `country`), ShippingUnavailableError (no shipping rate for
 * the cart's currency), CartOverMaximumError (totals past `MAX_CART_AMOUNT`)
 */
export async function forCheckout(
  trx: repo.Trx,
  settings: CartSettings,
  input: { cartId: string; userId: string; country: string },
): Promise<CheckoutCart> {
  const rate = taxRateOf(settings, input.country, '/body/shippingAddress/country');
  const locked = await repo.lockCartWithItems(trx, input.cartId);
  if (!locked || locked.cart.user_id !== input.userId) throw new CartNotFoundError();
  const { cart, items } = locked;
  if (cart.status !== 'open') throw new CartNotOpenError(cart.status);
  if (!items.length || !cart.currency) throw new EmptyCartError();
  const currency = cart.currency;
  const { pricing, ships } = pricingOf(settings, currency);
  if (!ships) throw new ShippingUnavailableError(currency);
  const lines = priceLines(items, await variantsOf(trx, items), currency);
  const bad = lines.filter((l) => l.issue !== null);
  if (bad.length)
    throw new CartLinesUnavailableError(
      bad.map((l) => ({
        itemId: l.item.id,
        sku: l.item.sku,
        reason: l.issue === 'currency_mismatch' ? 'currency_mismatch' : 'unavailable',
      })),
    );
  const totals = computeTotals(totalsLines(lines), currency, rate, pricing);
  if (exceedsMaximum(totals)) throw new CartOverMaximumError();
  return {
    id: cart.id,
    userId: input.userId,
    currency,
    lines: lines.map(({ item, variant, unitPrice }) => ({
      itemId: item.id,
      sku: item.sku,
      quantity: item.quantity,
      unitPrice: { amount: unitPrice!, currency },
      productId: variant!.productId,
      sellerId: variant!.sellerId,
      title: variant!.variantTitle
        ? `${variant!.productTitle} (${variant!.variantTitle})`
        : variant!.productTitle,
      holdId: item.hold_id,
    })),
    totals,
  };
}

/**
 * Closes the cart for the order that bought it. Idempotent: a repeat for the same order is a no-op.
 * @throws CartNotFoundError, CartNotOpenError (closed otherwise, or by another order)
 */
export async function markCheckedOut(trx: repo.Trx, cartId: string, orderId: string): Promise<void> {
  if (await repo.checkOut(trx, cartId, orderId)) return;
  const cart = await repo.findCart(trx, cartId);
  if (!cart) throw new CartNotFoundError();
  if (cart.status === 'checked_out' && cart.order_id === orderId) return;
  throw new CartNotOpenError(cart.status);
}

/**
 * Cart totals: a pure function of the lines and the pricing settings, shared by the cart view and
 * by checkout, so the storefront's estimate and the charged amount are computed the same way.
 */

export interface Money {
  amount: number;
  currency: string;
}

export interface TotalsLine {
  quantity: number;
  /** The variant's current price (minor units). */
  listPrice: number;
  /** The price a flash-sale hold fixed, or null for a plain line. */
  heldPrice: number | null;
}

export interface PricingSettings {
  /** Flat shipping per cart (minor units of the cart's currency). */
  shippingFlatAmount: number;
  /** Goods total (after discount) from which shipping is free; 0 = never free. */
  freeShippingFrom: number;
}

export interface Totals {
  subtotal: Money;
  discount: Money;
  shipping: Money;
  tax: Money;
  total: Money;
}

/** What one unit of a line costs the buyer: the held price on a held line, else the list price. */
export const unitPriceOf = (line: TotalsLine): number => line.heldPrice ?? line.listPrice;

/**
 * The most any amount of a cart (subtotal, discount, shipping, tax, total) may reach: the largest
 * integer a JSON number, and so every client and the order built from the cart, holds exactly.
 * Changes that would pass it are refused (`exceedsMaximum`); a cart past it (prices raised since)
 * still reads, and checkout refuses it.
 */
export const MAX_CART_AMOUNT = Number.MAX_SAFE_INTEGER;

/** `amount * basisPoints / 10000`, rounded half up, exact for any amount (BigInt). */
export function applyRate(amount: number, basisPoints: number): number {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`amount ${amount} is not a count`);
  return Number(rateOf(BigInt(amount), basisPoints));
}

const rateOf = (amount: bigint, basisPoints: number): bigint =>
  (amount * BigInt(basisPoints) + 5_000n) / 10_000n;

/**
 * - subtotal: what the goods cost at list price (a held line whose hold price is above today's list
 *   price counts at the held price, so the discount is never negative);
 * - discount: on held lines, (list price − held price) × quantity;
 * - shipping: the flat rate, free when subtotal − discount reaches `freeShippingFrom` (> 0), none
 *   for an empty cart;
 * - tax: `taxRate` basis points of (subtotal − discount + shipping), rounded half up once per cart;
 * - total: subtotal − discount + shipping + tax.
 *
 * Summed in BigInt, so it never throws for a large cart: amounts up to `MAX_CART_AMOUNT` are exact;
 * past it they are the nearest numbers, and `exceedsMaximum` tells.
 */
export function computeTotals(
  lines: readonly TotalsLine[],
  currency: string,
  taxRate: number,
  settings: PricingSettings,
): Totals {
  let subtotal = 0n;
  let discount = 0n;
  for (const line of lines) {
    const unit = unitPriceOf(line);
    const list = Math.max(line.listPrice, unit);
    const quantity = BigInt(line.quantity);
    subtotal += BigInt(list) * quantity;
    discount += BigInt(list - unit) * quantity;
  }
  const goods = subtotal - discount;
  const shipping = BigInt(
    lines.length === 0 || (settings.freeShippingFrom > 0 && goods >= BigInt(settings.freeShippingFrom))
      ? 0
      : settings.shippingFlatAmount,
  );
  const tax = rateOf(goods + shipping, taxRate);
  const money = (amount: bigint): Money => ({ amount: Number(amount), currency });
  return {
    subtotal: money(subtotal),
    discount: money(discount),
    shipping: money(shipping),
    tax: money(tax),
    total: money(goods + shipping + tax),
  };
}

/** Whether any of the totals is past `MAX_CART_AMOUNT`. */
export function exceedsMaximum(totals: Totals): boolean {
  return Object.values(totals).some((m: Money) => m.amount > MAX_CART_AMOUNT);
}

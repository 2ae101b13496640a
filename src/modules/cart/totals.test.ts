import { describe, expect, it } from 'vitest';
import { applyRate, computeTotals, exceedsMaximum, MAX_CART_AMOUNT } from './totals.js';

const settings = { shippingFlatAmount: 499, freeShippingFrom: 5000 };

describe('cart totals', () => {
  it('an empty cart costs nothing, not even shipping', () => {
    const t = computeTotals([], 'USD', 1900, settings);
    expect(t).toEqual({
      subtotal: { amount: 0, currency: 'USD' },
      discount: { amount: 0, currency: 'USD' },
      shipping: { amount: 0, currency: 'USD' },
      tax: { amount: 0, currency: 'USD' },
      total: { amount: 0, currency: 'USD' },
    });
  });

  it('adds the flat shipping rate below the free-shipping threshold and taxes goods plus shipping', () => {
    const t = computeTotals([{ quantity: 2, listPrice: 1000, heldPrice: null }], 'EUR', 1900, settings);
    expect(t.subtotal.amount).toBe(2000);
    expect(t.discount.amount).toBe(0);
    expect(t.shipping.amount).toBe(499);
    // 19 % of 2499 = 474.81 → 475
    expect(t.tax.amount).toBe(475);
    expect(t.total.amount).toBe(2000 + 499 + 475);
  });

  it('ships free from the threshold, measured after the discount', () => {
    const atThreshold = computeTotals(
      [{ quantity: 5, listPrice: 1000, heldPrice: null }],
      'USD',
      0,
      settings,
    );
    expect(atThreshold.shipping.amount).toBe(0);
    const discountedBelow = computeTotals(
      [{ quantity: 5, listPrice: 1000, heldPrice: 900 }],
      'USD',
      0,
      settings,
    );
    expect(discountedBelow.subtotal.amount).toBe(5000);
    expect(discountedBelow.discount.amount).toBe(500);
    expect(discountedBelow.shipping.amount).toBe(499);
    expect(discountedBelow.total.amount).toBe(4500 + 499);
  });

  it('never ships free when the threshold is 0', () => {
    const t = computeTotals([{ quantity: 100, listPrice: 10_000, heldPrice: null }], 'USD', 0, {
      shippingFlatAmount: 499,
      freeShippingFrom: 0,
    });
    expect(t.shipping.amount).toBe(499);
  });

  it('a held line is charged at its held price; the difference is the discount', () => {
    const t = computeTotals(
      [
        { quantity: 1, listPrice: 3000, heldPrice: null },
        { quantity: 2, listPrice: 2500, heldPrice: 1000 },
      ],
      'GBP',
      2000,
      settings,
    );
    expect(t.subtotal.amount).toBe(8000);
    expect(t.discount.amount).toBe(3000);
    expect(t.shipping.amount).toBe(0);
    expect(t.tax.amount).toBe(1000);
    expect(t.total.amount).toBe(6000);
  });

  it("a held price above today's list price is charged as held, with no negative discount", () => {
    const t = computeTotals([{ quantity: 1, listPrice: 800, heldPrice: 1000 }], 'USD', 0, settings);
    expect(t.subtotal.amount).toBe(1000);
    expect(t.discount.amount).toBe(0);
    expect(t.total.amount).toBe(1000 + 499);
  });

  it('rounds tax half up, once per cart rather than per line', () => {
    // three lines of 5 at 10 %: 0.5 each; per line that would be 3 × 1 = 3, per cart it is 1.5 → 2
    const lines = [0, 1, 2].map(() => ({ quantity: 1, listPrice: 5, heldPrice: null }));
    const t = computeTotals(lines, 'USD', 1000, { shippingFlatAmount: 0, freeShippingFrom: 0 });
    expect(t.tax.amount).toBe(2);
    expect(applyRate(25, 1000)).toBe(3); // 2.5 → 3
    expect(applyRate(24, 1000)).toBe(2); // 2.4 → 2
    expect(applyRate(0, 2000)).toBe(0);
  });

  it('is exact for amounts whose product with the rate exceeds 2^53', () => {
    // 5,000,000,000,005 × 9999 / 10000 = 4,999,500,000,004.9995 → …005 (a double would lose it)
    expect(applyRate(5_000_000_000_005, 9999)).toBe(4_999_500_000_005);
    expect(() => applyRate(-1, 100)).toThrow(RangeError);
  });

  it('sums a cart past the maximum without throwing, and says it is past it', () => {
    // ten lines of 999 × 1e12: 9.99e15 minor units, more than a JSON number holds exactly
    const line = { quantity: 999, listPrice: 1_000_000_000_000, heldPrice: null };
    const nine = computeTotals(Array(9).fill(line), 'USD', 0, settings);
    expect(nine.total.amount).toBe(8_991_000_000_000_000);
    expect(exceedsMaximum(nine)).toBe(false);
    const ten = computeTotals(Array(10).fill(line), 'USD', 0, settings);
    expect(ten.subtotal.amount).toBeGreaterThan(MAX_CART_AMOUNT);
    expect(exceedsMaximum(ten)).toBe(true);
    // the tax alone can take a cart that fits untaxed past the maximum
    expect(exceedsMaximum(computeTotals(Array(9).fill(line), 'USD', 2000, settings))).toBe(true);
  });

  it('is at the maximum exactly, not past it', () => {
    const flat = { shippingFlatAmount: 0, freeShippingFrom: 0 };
    const at = computeTotals([{ quantity: 1, listPrice: MAX_CART_AMOUNT, heldPrice: null }], 'USD', 0, flat);
    expect(at.total.amount).toBe(MAX_CART_AMOUNT);
    expect(exceedsMaximum(at)).toBe(false);
  });
});

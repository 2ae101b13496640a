import { describe, expect, it } from 'vitest';
import { contribution, difference, hourOf, type LineFact, type OrderFact } from './sales-model.js';

const at = new Date('2031-03-04T10:42:00Z');
const bucket = new Date('2031-03-04T10:00:00Z');
const order = (o: Partial<OrderFact> = {}): OrderFact => ({
  currency: 'USD',
  total: 5_000,
  confirmedAt: at,
  cancelled: false,
  refunded: 0,
  ...o,
});
const line = (l: Partial<LineFact> = {}): LineFact => ({
  sku: 'A-1',
  productId: 'p-a',
  title: 'Alpha',
  quantity: 2,
  amount: 3_000,
  currency: 'USD',
  refundedQuantity: 0,
  ...l,
});
const lines = [line(), line({ sku: 'B-1', productId: 'p-b', title: 'Beta', quantity: 1, amount: 2_000 })];

describe('an order’s contribution to the hourly sales', () => {
  it('counts a confirmed order in the hour of its confirmation, with its units and total', () => {
    expect(hourOf(at)).toEqual(bucket);
    expect(contribution(order(), lines)).toEqual({
      sales: [{ bucket, currency: 'USD', orders: 1, units: 3, revenue: 5_000, refunded: 0 }],
      products: [
        { bucket, productId: 'p-a', currency: 'USD', title: 'Alpha', units: 2, revenue: 3_000 },
        { bucket, productId: 'p-b', currency: 'USD', title: 'Beta', units: 1, revenue: 2_000 },
      ],
    });
  });

  it('counts nothing before the confirmation or after a cancellation', () => {
    expect(contribution(order({ confirmedAt: null }), lines)).toEqual({ sales: [], products: [] });
    expect(contribution(order({ cancelled: true }), lines)).toEqual({ sales: [], products: [] });
  });

  it('a partial refund lowers revenue; refunded lines lower units and that product’s revenue', () => {
    const c = contribution(order({ refunded: 1_500 }), [line({ refundedQuantity: 1 }), lines[1]]);
    expect(c.sales).toEqual([
      { bucket, currency: 'USD', orders: 1, units: 2, revenue: 3_500, refunded: 1_500 },
    ]);
    expect(c.products[0]).toMatchObject({ productId: 'p-a', units: 1, revenue: 1_500 });
  });

  it('a fully refunded order is no longer an order; its refund shows', () => {
    expect(contribution(order({ refunded: 9_000 }), lines)).toEqual({
      sales: [{ bucket, currency: 'USD', orders: 0, units: 0, revenue: 0, refunded: 5_000 }],
      products: [],
    });
  });

  it('the difference of two contributions names only the rows that change', () => {
    const before = contribution(order(), lines);
    const after = contribution(order({ refunded: 2_000 }), [lines[0], { ...lines[1], refundedQuantity: 1 }]);
    expect(difference(before, after)).toEqual({
      sales: [{ bucket, currency: 'USD', orders: 0, units: -1, revenue: -2_000, refunded: 2_000 }],
      products: [{ bucket, productId: 'p-b', currency: 'USD', title: 'Beta', units: -1, revenue: -2_000 }],
    });
    expect(difference(before, before)).toEqual({ sales: [], products: [] });
    expect(difference(before, contribution(order({ cancelled: true }), lines)).sales).toEqual([
      { bucket, currency: 'USD', orders: -1, units: -3, revenue: -5_000, refunded: 0 },
    ]);
  });
});

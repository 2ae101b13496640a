import { describe, expect, it } from 'vitest';
import { summedBySku } from './reserve-stock.js';

describe('reserve-stock', () => {
  it('sums the quantities of one SKU on several lines, in SKU order (the lock order)', () => {
    expect(
      summedBySku([
        { sku: 'B', quantity: 1 },
        { sku: 'A', quantity: 2 },
        { sku: 'B', quantity: 3 },
      ]),
    ).toEqual([
      { sku: 'A', quantity: 2 },
      { sku: 'B', quantity: 4 },
    ]);
  });
});

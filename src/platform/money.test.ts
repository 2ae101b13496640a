import { describe, expect, it } from 'vitest';
import { formatMoney, minorUnitExponent } from './money.js';

describe('formatMoney', () => {
  it('reads minor units as the currency writes them', () => {
    expect(formatMoney({ amount: 1000, currency: 'USD' })).toBe('10.00 USD');
    expect(formatMoney({ amount: 5, currency: 'EUR' })).toBe('0.05 EUR');
    expect(formatMoney({ amount: 0, currency: 'USD' })).toBe('0.00 USD');
    expect(formatMoney({ amount: 123_456, currency: 'GBP' })).toBe('1234.56 GBP');
    expect(formatMoney({ amount: -250, currency: 'USD' })).toBe('-2.50 USD');
  });

  it('respects the minor-unit exponent: none for JPY, three for KWD, two for an unknown code', () => {
    expect(minorUnitExponent('JPY')).toBe(0);
    expect(formatMoney({ amount: 1000, currency: 'JPY' })).toBe('1000 JPY');
    expect(formatMoney({ amount: 1500, currency: 'KWD' })).toBe('1.500 KWD');
    expect(formatMoney({ amount: 1000, currency: 'XXQ' })).toBe('10.00 XXQ');
  });

  it('is exact for amounts past what a float division keeps', () => {
    expect(formatMoney({ amount: Number.MAX_SAFE_INTEGER, currency: 'USD' })).toBe('90071992547409.91 USD');
  });
});

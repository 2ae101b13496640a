import { describe, expect, it } from 'vitest';
import { isCountryCode } from './countries.js';

describe('ISO 3166-1 alpha-2 country codes', () => {
  it('knows every officially assigned code, the newest ones included', () => {
    for (const code of ['US', 'DE', 'GB', 'FR', 'JP', 'AX', 'BQ', 'CW', 'SS', 'SX', 'AQ', 'UM', 'PS', 'TW'])
      expect(isCountryCode(code), code).toBe(true);
  });

  it('refuses user-assigned, reserved and deleted codes, and anything not two capital letters', () => {
    for (const code of ['ZZ', 'XK', 'AA', 'QZ', 'XA', 'UK', 'EU', 'UN', 'AC', 'FX', 'AN', 'CS', 'YU', 'SU'])
      expect(isCountryCode(code), code).toBe(false);
    for (const code of ['us', 'Us', 'USA', 'U', '', ' US', 'constructor', '__proto__'])
      expect(isCountryCode(code), code).toBe(false);
  });

  it('every one of them is a region the runtime can name (a check of the list, not the validator)', () => {
    const names = new Intl.DisplayNames(['en'], { type: 'region' });
    let assigned = 0;
    for (const a of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')
      for (const b of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') {
        if (!isCountryCode(a + b)) continue;
        assigned++;
        expect(names.of(a + b), a + b).not.toBe(a + b);
      }
    expect(assigned).toBe(249);
  });
});

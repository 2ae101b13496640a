import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const load = (env: Record<string, string>) => loadConfig({ NODE_ENV: 'test', ...env }, { dotenv: false });

describe('configuration: shipping per currency', () => {
  it('takes a flat rate and a free-shipping threshold per currency', () => {
    const config = load({
      AGORA_SHIPPING_FLAT_AMOUNT: 'USD:499,EUR:450,JPY:500',
      AGORA_FREE_SHIPPING_FROM: 'USD:5000,JPY:6000',
    });
    expect(config.shippingRates).toEqual({
      USD: { flatAmount: 499, freeFrom: 5000 },
      EUR: { flatAmount: 450, freeFrom: 0 },
      JPY: { flatAmount: 500, freeFrom: 6000 },
    });
  });

  it('reads a bare amount, the older form, as the default currency’s only', () => {
    expect(
      load({ AGORA_SHIPPING_FLAT_AMOUNT: '499', AGORA_FREE_SHIPPING_FROM: '5000' }).shippingRates,
    ).toEqual({
      USD: { flatAmount: 499, freeFrom: 5000 },
    });
    const euro = load({
      AGORA_DEFAULT_CURRENCY: 'EUR',
      AGORA_SHIPPING_FLAT_AMOUNT: '390',
      AGORA_FREE_SHIPPING_FROM: '0',
    });
    expect(euro.shippingRates).toEqual({ EUR: { flatAmount: 390, freeFrom: 0 } });
  });

  it('ships the currencies of the default tax countries out of the box', () => {
    expect(load({}).shippingRates).toEqual({
      USD: { flatAmount: 499, freeFrom: 5000 },
      EUR: { flatAmount: 499, freeFrom: 5000 },
      GBP: { flatAmount: 499, freeFrom: 5000 },
    });
  });

  it.each([
    [{ AGORA_SHIPPING_FLAT_AMOUNT: 'USD:499,EUR' }, /AGORA_SHIPPING_FLAT_AMOUNT/],
    [{ AGORA_SHIPPING_FLAT_AMOUNT: 'usd:499' }, /AGORA_SHIPPING_FLAT_AMOUNT/],
    [{ AGORA_SHIPPING_FLAT_AMOUNT: '499,EUR:499' }, /AGORA_SHIPPING_FLAT_AMOUNT/],
    [{ AGORA_SHIPPING_FLAT_AMOUNT: 'USD:499,USD:599' }, /AGORA_SHIPPING_FLAT_AMOUNT: USD appears twice/],
    [{ AGORA_SHIPPING_FLAT_AMOUNT: 'JPY:1000000001' }, /AGORA_SHIPPING_FLAT_AMOUNT: "JPY:1000000001"/],
    [{ AGORA_FREE_SHIPPING_FROM: 'USD:-5' }, /AGORA_FREE_SHIPPING_FROM/],
    [
      { AGORA_SHIPPING_FLAT_AMOUNT: 'USD:499', AGORA_FREE_SHIPPING_FROM: 'USD:5000,EUR:5000' },
      /AGORA_FREE_SHIPPING_FROM: EUR has no rate in AGORA_SHIPPING_FLAT_AMOUNT/,
    ],
  ])('refuses to start on %j, naming the variable', (env, message) => {
    expect(() => load(env)).toThrow(message);
  });
});

describe('configuration: countries', () => {
  it.each([
    [{ AGORA_TAX_RATES: 'US:0,ZZ:0' }, /AGORA_TAX_RATES: ZZ is not an ISO 3166-1 alpha-2 country code/],
    [{ AGORA_TAX_RATES: 'US:0,UK:2000' }, /AGORA_TAX_RATES: UK is not/],
    [
      { AGORA_TAX_RATES: 'XK:1800', AGORA_DEFAULT_COUNTRY: 'XK' },
      /AGORA_TAX_RATES: XK is not an ISO 3166-1 alpha-2 country code/,
    ],
  ])('refuses to start with a country code ISO has not assigned: %j', (env, message) => {
    expect(() => load(env)).toThrow(message);
  });

  it('refuses an unassigned default country, naming the variable', () => {
    expect(() => load({ AGORA_DEFAULT_COUNTRY: 'ZZ' })).toThrow(
      /AGORA_DEFAULT_COUNTRY: ZZ is not an ISO 3166-1 alpha-2 country code/,
    );
  });
});

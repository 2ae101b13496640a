import type { Config } from '../../platform/config.js';
import type { PricingSettings } from './totals.js';

/** No shipping rate: what the totals of a cart in a currency without one leave out. */
const NO_SHIPPING: PricingSettings = { shippingFlatAmount: 0, freeShippingFrom: 0 };

/** The cart's settings, from the validated configuration. */
export interface CartSettings {
  /** Shipping per ISO 4217 currency; a cart in a currency missing here cannot be checked out. */
  shipping: Readonly<Record<string, PricingSettings>>;
  /** Basis points per destination country. */
  taxRates: Readonly<Record<string, number>>;
  defaultCountry: string;
  defaultCurrency: string;
  guestTtlHours: number;
  userTtlHours: number;
}

export function cartSettings(config: Config): CartSettings {
  return {
    shipping: Object.fromEntries(
      Object.entries(config.shippingRates).map(([currency, rate]) => [
        currency,
        { shippingFlatAmount: rate.flatAmount, freeShippingFrom: rate.freeFrom },
      ]),
    ),
    taxRates: config.taxRates,
    defaultCountry: config.AGORA_DEFAULT_COUNTRY,
    defaultCurrency: config.AGORA_DEFAULT_CURRENCY,
    guestTtlHours: config.AGORA_CART_TTL_HOURS,
    userTtlHours: config.AGORA_USER_CART_TTL_HOURS,
  };
}

export const ttlOf = (s: CartSettings, userId: string | null): number =>
  userId ? s.userTtlHours : s.guestTtlHours;

/**
 * The pricing of a cart in `currency`, and whether the shop ships carts in it: a currency without
 * a configured rate prices without shipping (for the estimate only; checkout refuses such a cart).
 */
export function pricingOf(s: CartSettings, currency: string): { pricing: PricingSettings; ships: boolean } {
  const pricing = s.shipping[currency];
  return pricing ? { pricing, ships: true } : { pricing: NO_SHIPPING, ships: false };
}

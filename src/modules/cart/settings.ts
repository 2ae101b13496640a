import type { Config } from '../../platform/config.js';
import type { PricingSettings } from './totals.js';

/** The cart's settings, from the validated configuration. */
export interface CartSettings {
  pricing: PricingSettings;
  /** Basis points per destination country. */
  taxRates: Readonly<Record<string, number>>;
  defaultCountry: string;
  defaultCurrency: string;
  guestTtlHours: number;
  userTtlHours: number;
}

export function cartSettings(config: Config): CartSettings {
  return {
    pricing: {
      shippingFlatAmount: config.AGORA_SHIPPING_FLAT_AMOUNT,
      freeShippingFrom: config.AGORA_FREE_SHIPPING_FROM,
    },
    taxRates: config.taxRates,
    defaultCountry: config.AGORA_DEFAULT_COUNTRY,
    defaultCurrency: config.AGORA_DEFAULT_CURRENCY,
    guestTtlHours: config.AGORA_CART_TTL_HOURS,
    userTtlHours: config.AGORA_USER_CART_TTL_HOURS,
  };
}

export const ttlOf = (s: CartSettings, userId: string | null): number =>
  userId ? s.userTtlHours : s.guestTtlHours;

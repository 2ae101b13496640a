/**
 * Money as people read it, for notes and messages (the API itself always speaks integer minor
 * units): `formatMoney({ amount: 1000, currency: 'USD' })` is `10.00 USD`, `1000 JPY` stays `1000 JPY`.
 */

const exponents = new Map<string, number>();

/**
 * The currency's minor-unit exponent (ISO 4217: USD 2, JPY 0, KWD 3), from the runtime's ICU data;
 * 2 for a code it does not know.
 */
export function minorUnitExponent(currency: string): number {
  let exponent = exponents.get(currency);
  if (exponent === undefined) {
    try {
      exponent = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits!;
    } catch {
      exponent = 2;
    }
    exponents.set(currency, exponent);
  }
  return exponent;
}

/** `{amount: 1000, currency: 'USD'}` → `10.00 USD`; exact for any integer amount (no float division). */
export function formatMoney(money: { amount: number; currency: string }): string {
  const exponent = minorUnitExponent(money.currency);
  const digits = BigInt(Math.abs(money.amount))
    .toString()
    .padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = exponent > 0 ? `.${digits.slice(digits.length - exponent)}` : '';
  return `${money.amount < 0 ? '-' : ''}${whole}${fraction} ${money.currency}`;
}

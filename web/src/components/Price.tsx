import type { Money } from '@/api/types';

const formats = new Map<string, Intl.NumberFormat>();

/** Minor units → "$19.99", with the currency's own number of decimals. */
export function formatMoney({ amount, currency }: Money): string {
  let f = formats.get(currency);
  if (!f) {
    f = new Intl.NumberFormat(undefined, { style: 'currency', currency });
    formats.set(currency, f);
  }
  const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
  return f.format(amount / 10 ** digits);
}

/** The currency's number of decimals (USD 2, JPY 0, KWD 3); 2 for a code that is not a currency. */
export function currencyDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2
    );
  } catch {
    return 2;
  }
}

/**
 * What a person typed as a price → minor units of `currency` ("19.99" USD → 1999, "1500" JPY →
 * 1500), or null when it is not a price in that currency (letters, a sign, more decimals than it has).
 */
export function parseMoney(text: string, currency: string): number | null {
  const digits = currencyDigits(currency);
  const m = /^\s*(\d+)(?:[.,](\d*))?\s*$/.exec(text);
  if (!m || (m[2] ?? '').length > digits) return null;
  return Number(m[1]) * 10 ** digits + Number((m[2] ?? '').padEnd(digits, '0') || 0);
}

export function Price({ money, className }: { money: Money; className?: string }) {
  return <span className={className ?? 'price'}>{formatMoney(money)}</span>;
}

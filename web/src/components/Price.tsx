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

export function Price({ money, className }: { money: Money; className?: string }) {
  return <span className={className ?? 'price'}>{formatMoney(money)}</span>;
}

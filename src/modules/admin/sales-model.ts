/**
 * What one order adds to the hourly sales rollups, as a pure function of what its events said.
 * The consumer computes an order's contribution before and after applying an event and adds the
 * difference to the rollups, so events may arrive in any order (a refund or a cancellation before
 * the confirmation) and the rollups always equal the sum over orders of their contribution.
 *
 * An order counts in the hour it was confirmed: 1 order, its units, its total as revenue. Refunds
 * lower its revenue (and its units, when the refund names lines) and show as `refunded`; a fully
 * refunded order no longer counts as an order; a cancelled order counts for nothing.
 */
export interface OrderFact {
  currency: string | null;
  total: number | null;
  confirmedAt: Date | null;
  cancelled: boolean;
  refunded: number;
}

export interface LineFact {
  sku: string;
  productId: string | null;
  title: string;
  quantity: number;
  /** The line total in minor units. */
  amount: number;
  currency: string | null;
  refundedQuantity: number;
}

export interface SalesDelta {
  bucket: Date;
  currency: string;
  orders: number;
  units: number;
  revenue: number;
  refunded: number;
}

export interface ProductDelta {
  bucket: Date;
  productId: string;
  currency: string;
  title: string;
  units: number;
  revenue: number;
}

export interface Contribution {
  sales: SalesDelta[];
  products: ProductDelta[];
}

const HOUR_MS = 3_600_000;
export const hourOf = (d: Date): Date => new Date(Math.floor(d.getTime() / HOUR_MS) * HOUR_MS);

const NOTHING: Contribution = { sales: [], products: [] };

export function contribution(order: OrderFact, lines: LineFact[]): Contribution {
  if (!order.confirmedAt || order.cancelled || order.currency === null || order.total === null)
    return NOTHING;
  const bucket = hourOf(order.confirmedAt);
  const currency = order.currency;
  const refunded = Math.min(order.refunded, order.total);
  if (order.total > 0 && refunded >= order.total)
    return { sales: [{ bucket, currency, orders: 0, units: 0, revenue: 0, refunded }], products: [] };
  const products = new Map<string, ProductDelta>();
  let units = 0;
  for (const line of lines) {
    const kept = Math.max(0, line.quantity - line.refundedQuantity);
    units += kept;
    if (!line.productId || line.quantity <= 0) continue;
    const lineCurrency = line.currency ?? currency;
    const key = `${line.productId}\u0000${lineCurrency}`;
    const p = products.get(key) ?? {
      bucket,
      productId: line.productId,
      currency: lineCurrency,
      title: line.title,
      units: 0,
      revenue: 0,
    };
    p.units += kept;
    p.revenue += Math.round((line.amount * kept) / line.quantity);
    products.set(key, p);
  }
  return {
    sales: [{ bucket, currency, orders: 1, units, revenue: order.total - refunded, refunded }],
    products: [...products.values()],
  };
}

/** `after - before`, per rollup row, without rows that do not change; sorted by key (lock order). */
export function difference(before: Contribution, after: Contribution): Contribution {
  const sales = new Map<string, SalesDelta>();
  const add = (d: SalesDelta, sign: 1 | -1) => {
    const key = `${d.bucket.toISOString()}\u0000${d.currency}`;
    const s = sales.get(key) ?? { ...d, orders: 0, units: 0, revenue: 0, refunded: 0 };
    s.orders += sign * d.orders;
    s.units += sign * d.units;
    s.revenue += sign * d.revenue;
    s.refunded += sign * d.refunded;
    sales.set(key, s);
  };
  for (const d of before.sales) add(d, -1);
  for (const d of after.sales) add(d, 1);

  const products = new Map<string, ProductDelta>();
  const addProduct = (d: ProductDelta, sign: 1 | -1) => {
    const key = `${d.bucket.toISOString()}\u0000${d.productId}\u0000${d.currency}`;
    const p = products.get(key) ?? { ...d, units: 0, revenue: 0 };
    if (sign === 1) p.title = d.title;
    p.units += sign * d.units;
    p.revenue += sign * d.revenue;
    products.set(key, p);
  };
  for (const d of before.products) addProduct(d, -1);
  for (const d of after.products) addProduct(d, 1);

  const byKey = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    sales: byKey(sales)
      .map(([, s]) => s)
      .filter((s) => s.orders !== 0 || s.units !== 0 || s.revenue !== 0 || s.refunded !== 0),
    products: byKey(products)
      .map(([, p]) => p)
      .filter((p) => p.units !== 0 || p.revenue !== 0),
  };
}

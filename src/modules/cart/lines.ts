import type { AnyDb } from '../../platform/db.js';
import { findVariants, type VariantInfo } from '../catalog/index.js';
import type { ItemRow } from './tables.js';
import { pricingOf, type CartSettings } from './settings.js';
import { computeTotals, exceedsMaximum, type TotalsLine } from './totals.js';

/**
 * Where the cart learns how many units of each SKU can be sold now: the inventory module's
 * `available` (or, without it, the catalog's stock source), one query for any number of SKUs.
 */
export interface AvailabilitySource {
  available(db: AnyDb, skus: string[]): Promise<Map<string, number>>;
}

export type LineIssue = 'unavailable' | 'currency_mismatch' | 'insufficient_stock' | 'hold_expired';

/** A cart line priced with today's catalog data. */
export interface PricedLine {
  item: ItemRow;
  variant: VariantInfo | undefined;
  /** What one unit costs the buyer (held price on a held line), null when the line has no price. */
  unitPrice: number | null;
  /** The variant's price today, null when unknown or in another currency. */
  listPrice: number | null;
  issue: LineIssue | null;
}

/** The variants of the cart's lines: one query whatever the number of lines. */
export function variantsOf(db: AnyDb, items: readonly ItemRow[]): Promise<Map<string, VariantInfo>> {
  return findVariants(db, [...new Set(items.map((i) => i.sku))]);
}

/**
 * Prices each line. A held line keeps its held price as long as its product exists; a plain line
 * needs a published product priced in the cart's currency. `available` (when given) flags plain
 * lines asking for more than can be sold and held lines whose hold ran out.
 */
export function priceLines(
  items: readonly ItemRow[],
  variants: ReadonlyMap<string, VariantInfo>,
  currency: string | null,
  available?: ReadonlyMap<string, number>,
  now = new Date(),
): PricedLine[] {
  return items.map((item) => {
    const variant = variants.get(item.sku);
    const sameCurrency = variant !== undefined && variant.price.currency === currency;
    const listPrice = sameCurrency ? variant.price.amount : null;
    const held = item.hold_id !== null;
    const base = { item, variant, listPrice };
    if (!variant || (!held && variant.status !== 'published'))
      return { ...base, unitPrice: held ? Number(item.held_price_amount) : null, issue: 'unavailable' };
    if (held) {
      const expired = item.hold_expires_at !== null && item.hold_expires_at <= now;
      return {
        ...base,
        listPrice: listPrice ?? Number(item.held_price_amount),
        unitPrice: Number(item.held_price_amount),
        issue: available && expired ? 'hold_expired' : null,
      };
    }
    if (!sameCurrency) return { ...base, unitPrice: null, issue: 'currency_mismatch' };
    const short = available !== undefined && item.quantity > (available.get(item.sku) ?? 0);
    return { ...base, unitPrice: variant.price.amount, issue: short ? 'insufficient_stock' : null };
  });
}

/** The lines that count towards the totals: every line with a price in the cart's currency. */
export function totalsLines(lines: readonly PricedLine[]): TotalsLine[] {
  return lines
    .filter((l) => l.unitPrice !== null && l.listPrice !== null)
    .map((l) => ({
      quantity: l.item.quantity,
      listPrice: l.listPrice!,
      heldPrice: l.item.hold_id !== null ? l.unitPrice : null,
    }));
}

/** The lines with the plain line of `sku` set to `quantity` units (a new line when it has none). */
export function withPlainLine(items: readonly ItemRow[], sku: string, quantity: number): ItemRow[] {
  let found = false;
  const next = items.map((item) => {
    if (item.hold_id !== null || item.sku !== sku) return item;
    found = true;
    return { ...item, quantity };
  });
  if (found) return next;
  const now = new Date();
  const line: ItemRow = {
    id: '',
    cart_id: items[0]?.cart_id ?? '',
    sku,
    quantity,
    held_price_amount: null,
    hold_id: null,
    hold_expires_at: null,
    created_at: now,
    updated_at: now,
  };
  return [...next, line];
}

/** The highest tax rate of any destination: totals that fit at it fit wherever the cart is read. */
const highestTaxRate = (settings: CartSettings): number => Math.max(0, ...Object.values(settings.taxRates));

/**
 * Whether these lines (priced with `variants`, in `currency`) keep every total of the cart within
 * `MAX_CART_AMOUNT` at any destination. Pure: the caller has read the lines and their variants.
 */
export function totalsFit(
  settings: CartSettings,
  items: readonly ItemRow[],
  variants: ReadonlyMap<string, VariantInfo>,
  currency: string,
): boolean {
  const lines = totalsLines(priceLines(items, variants, currency));
  const { pricing } = pricingOf(settings, currency);
  return !exceedsMaximum(computeTotals(lines, currency, highestTaxRate(settings), pricing));
}

import type { AnyDb } from '../../platform/db.js';
import type { Availability } from './schemas.js';

/**
 * Where the catalog learns how many units of a variant can be sold.
 *
 * Stock belongs to the inventory module. Until it exists, the catalog keeps `initial_stock` on
 * each variant and `catalogStock` reads it from the rows already loaded (no extra query). When
 * inventory lands it provides a `StockSource` over its own tables, the composition root passes
 * that one instead, and inventory events keep `products.in_stock` current for listing filters.
 */
export interface StockSource {
  /** Units available per SKU; a SKU missing from the answer has none. */
  available(
    db: AnyDb,
    variants: readonly { sku: string; initialStock: number }[],
  ): Promise<Map<string, number>>;
}

export const catalogStock: StockSource = {
  async available(_db, variants) {
    return new Map(variants.map((v) => [v.sku, v.initialStock]));
  },
};

/** At or below this many units a variant shows as `low_stock`. */
export const LOW_STOCK_THRESHOLD = 5;

export function availabilityOf(units: number): Availability {
  if (units <= 0) return 'out_of_stock';
  return units <= LOW_STOCK_THRESHOLD ? 'low_stock' : 'in_stock';
}

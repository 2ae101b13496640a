import type { Transaction } from 'kysely';
import type { AnyDb } from '../../platform/db.js';
import type { Availability } from './schemas.js';

/**
 * Where the catalog's variants get their stock, and learn how many units can be sold.
 *
 * Stock belongs to the inventory module, which implements this interface over its own tables; the
 * composition root passes it in. The catalog hands it the initial stock of new SKUs inside its own
 * create/update transaction, reads availability through it (one query per page), and follows its
 * `inventory.stock_changed` events to keep `products.in_stock` current (stock-sync.ts).
 */
export interface StockSource {
  /** Units available per SKU, one query; a SKU missing from the answer has none. */
  available(db: AnyDb, variants: readonly { sku: string }[]): Promise<Map<string, number>>;
  /**
   * Creates stock for new SKUs of one seller's product, in the catalog's transaction (`initial`
   * ledger rows and events). A SKU that already has stock keeps its levels (a seller may put a SKU
   * it dropped from a product back on one of its products). A SKU never changes seller: those that
   * belong to another seller are answered in `otherSellers`, and then the caller must refuse the
   * product and roll its transaction back (the other SKUs' stock was written, no event was).
   */
  initialize(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    trx: Transaction<any>,
    input: { sellerId: string; lines: { sku: string; quantity: number }[]; correlationId?: string },
  ): Promise<{ otherSellers: string[] }>;
  /** Bulk loads (the demo seed): many sellers, one statement per batch, no events. */
  seed(db: AnyDb, rows: { sku: string; sellerId: string; quantity: number }[]): Promise<void>;
}

/** At or below this many units a variant shows as `low_stock`. */
export const LOW_STOCK_THRESHOLD = 5;

export function availabilityOf(units: number): Availability {
  if (units <= 0) return 'out_of_stock';
  return units <= LOW_STOCK_THRESHOLD ? 'low_stock' : 'in_stock';
}

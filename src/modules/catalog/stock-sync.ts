import type { Subscription } from '../../platform/events/bus.js';
import { publishEvents } from '../../platform/events/outbox.js';
import { CATALOG_SOURCE } from './events.js';
import { snapshotOf } from './presenters.js';
import type { ReadCache } from './read-cache.js';
import * as repo from './repository.js';
import { availabilityOf, type StockSource } from './stock.js';

export const STOCK_CONSUMER = 'catalog.stock';

/** The fields of inventory's `inventory.stock_changed` this consumer reads (inventory's door has them all). */
interface StockChanged {
  sku: string;
  available: number;
  availableBefore: number;
}

/**
 * Follows inventory's stock changes: keeps `products.in_stock` (the listing filter) true while any
 * variant has units to sell, announces a flip as `product.updated` (so the search index follows),
 * and drops cached answers when a variant's shown availability (in stock, low, out) changed.
 * The product row is locked before stock is read, so of two events for one product handled at
 * once, the later writer has read the later stock.
 */
export function stockSubscription(deps: { cache: ReadCache; stock: StockSource }): Subscription {
  return {
    consumer: STOCK_CONSUMER,
    types: ['inventory.stock_changed'],
    handle: async (event, { trx }) => {
      const d = event.data as StockChanged;
      const productId = await repo.productIdOfSku(trx, d.sku);
      if (!productId) return;
      const before = await repo.lockProduct(trx, productId);
      if (!before) return;
      const variants = (await repo.variantsOf(trx, [productId])).get(productId) ?? [];
      const stock = await deps.stock.available(trx, variants);
      const inStock = variants.some((v) => (stock.get(v.sku) ?? 0) > 0);
      if (inStock !== before.in_stock) {
        const row = await repo.updateProductRow(trx, productId, { inStock });
        if (row)
          await publishEvents(trx, { source: CATALOG_SOURCE, correlationId: event.correlationid }, [
            { type: 'product.updated', subject: row.id, data: snapshotOf(row, variants) },
          ]);
      }
      // Dropped before this transaction commits: a read in between refills the entry from the
      // committed inventory levels (already changed) and, at worst, the old in_stock flag.
      if (inStock !== before.in_stock || availabilityOf(d.available) !== availabilityOf(d.availableBefore))
        await deps.cache.invalidate([before.id, before.slug]);
    },
  };
}

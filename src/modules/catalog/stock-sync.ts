import type { Subscription } from '../../platform/events/bus.js';
import { publishEvents } from '../../platform/events/outbox.js';
import type { JobRunner } from '../../platform/jobs/runner.js';
import { CATALOG_SOURCE } from './events.js';
import { snapshotOf } from './presenters.js';
import * as repo from './repository.js';
import { availabilityOf, type StockSource } from './stock.js';

export const STOCK_CONSUMER = 'catalog.stock';
/** Drops cached answers after the transaction that changed them committed. */
export const INVALIDATE_JOB = 'catalog.invalidate-cache';

export interface InvalidateJobPayload {
  keys: string[];
}

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
 * once, the later writer has read the later stock; every handler reads the live levels, so the
 * order events arrive in does not matter.
 */
export function stockSubscription(deps: { jobs: JobRunner; stock: StockSource }): Subscription {
  return {
    consumer: STOCK_CONSUMER,
    types: ['inventory.stock_changed'],
    handle: async (event, { trx }) => {
      const d = event.data as StockChanged;
      // Only a change of shown availability (in stock, low, out) can flip `in_stock` (that needs a
      // variant to cross 0) or change a cached answer: most events (one unit more or less) stop here.
      const bucketChanged = availabilityOf(d.available) !== availabilityOf(d.availableBefore);
      if (!bucketChanged) return;
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
      // Dropped by a job, which runs once this transaction committed: dropped now, a read before
      // the commit could cache the old in_stock again for the entry's whole lifetime.
      const payload: InvalidateJobPayload = { keys: [before.id, before.slug] };
      await deps.jobs.schedule(trx, INVALIDATE_JOB, payload);
    },
  };
}

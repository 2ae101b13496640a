import type { EventContext, Subscription } from '../../platform/events/bus.js';
import { publishEvents, type CloudEvent } from '../../platform/events/outbox.js';
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
 * The product rows are locked before stock is read, so of two transactions handling events for one
 * product at once, the later writer has read the later stock; every handler reads the live levels,
 * so the order events arrive in does not matter. Events delivered together are handled together:
 * their products are locked in one statement, in id order. Locked one event at a time, in the
 * events' order, two batches naming the same products in different orders deadlocked (PostgreSQL
 * breaks the cycle after a second's wait and fails one of them; the checkout benchmark met it
 * dozens of times a run).
 */
export function stockSubscription(deps: { jobs: JobRunner; stock: StockSource }): Subscription {
  const handleBatch = async (events: CloudEvent[], { trx }: EventContext) => {
    // Only a change of shown availability (in stock, low, out) can flip `in_stock` (that needs a
    // variant to cross 0) or change a cached answer: most events (one unit more or less) stop here.
    const changed = events.filter((e) => {
      const d = e.data as StockChanged;
      return availabilityOf(d.available) !== availabilityOf(d.availableBefore);
    });
    if (!changed.length) return;
    const skus = [...new Set(changed.map((e) => (e.data as StockChanged).sku))];
    const locked = await repo.lockProducts(trx, await repo.productIdsOfSkus(trx, skus));
    if (!locked.length) return;
    const variants = await repo.variantsOf(
      trx,
      locked.map((p) => p.id),
    );
    const stock = await deps.stock.available(trx, [...variants.values()].flat());
    const correlationOf = new Map(
      changed.map((e) => [(e.data as StockChanged).sku, e.correlationid] as const),
    );
    for (const before of locked) {
      const own = variants.get(before.id) ?? [];
      const inStock = own.some((v) => (stock.get(v.sku) ?? 0) > 0);
      if (inStock === before.in_stock) continue;
      const row = await repo.updateProductRow(trx, before.id, { inStock });
      const correlationId = own.map((v) => correlationOf.get(v.sku)).find((c) => c !== undefined);
      if (row)
        await publishEvents(trx, { source: CATALOG_SOURCE, correlationId }, [
          { type: 'product.updated', subject: row.id, data: snapshotOf(row, own) },
        ]);
    }
    // Dropped by a job, which runs once this transaction committed: dropped now, a read before
    // the commit could cache the old in_stock again for the entry's whole lifetime.
    const payload: InvalidateJobPayload = { keys: locked.flatMap((p) => [p.id, p.slug]) };
    await deps.jobs.schedule(trx, INVALIDATE_JOB, payload);
  };
  return {
    consumer: STOCK_CONSUMER,
    types: ['inventory.stock_changed'],
    handle: (event, ctx) => handleBatch([event], ctx),
    handleBatch,
  };
}

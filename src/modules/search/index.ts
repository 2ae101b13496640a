/**
 * Search: a denormalized product index (PostgreSQL full text + pg_trgm) fed by catalog events.
 * The door: the event subscription for the bus, the rebuild used by `agora search reindex`, and
 * its routes. It never reads the catalog's tables; products arrive as the catalog's snapshots.
 */
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Runtime } from '../../platform/runtime.js';
import { NearCache } from '../../platform/near-cache.js';
import type { AnyDb } from '../../platform/db.js';
import type { CloudEvent } from '../../platform/events/outbox.js';
import type { EventContext, Subscription } from '../../platform/events/bus.js';
import type { ProductSnapshot } from '../catalog/index.js';
import { applyProductEvent, PRODUCT_EVENT_TYPES, reindex, upsertDocuments } from './indexer.js';
import { documentCount } from './repository.js';
import { searchRoutes, type SearchSaleOverlay } from './routes.js';
import { INDEX_GENERATION } from './service.js';

export { searchMigrations } from './migrations/index.js';
export { applyProductEvent, upsertDocuments, reindex, documentCount };
export type { SearchSaleOverlay };

export const SEARCH_CONSUMER = 'search.indexer';

export interface SearchModule {
  routes(): ReturnType<typeof searchRoutes>;
  /** The bus subscriptions of this module (consumer `search.indexer`, product events). */
  subscriptions(): Subscription[];
  /** Applies one event and records the index lag; what the subscription runs. */
  apply(event: CloudEvent, ctx: Pick<EventContext, 'trx'>): Promise<void>;
  /** Rebuilds the index from the catalog's snapshot stream. */
  rebuild(batches: AsyncIterable<ProductSnapshot[]>, onBatch?: (done: number) => void): Promise<number>;
}

export function createSearchModule(
  rt: Runtime,
  opts: { saleOverlay?: SearchSaleOverlay } = {},
): SearchModule {
  const db: AnyDb = rt.database.db;
  const cache = new NearCache(rt.cache);
  const lag = new Gauge({
    name: 'agora_search_index_lag_seconds',
    help: 'Age of the last product event applied to the search index when it was applied',
    registers: [rt.metrics],
  });
  const lagHistogram = new Histogram({
    name: 'agora_search_index_event_lag_seconds',
    help: 'Time from a product event to its application to the search index',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [rt.metrics],
  });
  const applied = new Counter({
    name: 'agora_search_index_events_total',
    help: 'Product events applied to the search index',
    labelNames: ['type'],
    registers: [rt.metrics],
  });
  const apply = async (event: CloudEvent, ctx: Pick<EventContext, 'trx'>) => {
    await applyProductEvent(event, ctx);
    await cache.bump(INDEX_GENERATION);
    const seconds = Math.max(0, (Date.now() - Date.parse(event.time)) / 1000);
    lag.set(seconds);
    lagHistogram.observe(seconds);
    applied.inc({ type: event.type });
  };
  return {
    routes: () => searchRoutes({ db, cache, saleOverlay: opts.saleOverlay }),
    apply,
    // Re-indexing is not critical: while the degraded mode is on, its events wait (see the bus).
    subscriptions: () => [
      {
        consumer: SEARCH_CONSUMER,
        types: [...PRODUCT_EVENT_TYPES],
        handle: apply,
        deferWhileDegraded: true,
        // bumped in the transaction too (`apply`), but an answer computed between that bump and
        // the commit read the old documents: a new generation after the commit drops it
        afterCommit: () => cache.bump(INDEX_GENERATION),
      },
    ],
    rebuild: async (batches, onBatch) => {
      const done = await reindex(db, batches, onBatch);
      await cache.bump(INDEX_GENERATION);
      lag.set(0);
      return done;
    },
  };
}

/**
 * Recommendations: "customers who bought this also bought", from the products of confirmed orders
 * (fed by the orders module's events), shown as the catalog's product cards.
 * The door: the module factory (routes and the event subscription) and the migrations.
 */
import type { Runtime } from '../../platform/runtime.js';
import type { DegradedMode } from '../../platform/degraded.js';
import type { Subscription } from '../../platform/events/bus.js';
import { NearCache } from '../../platform/near-cache.js';
import { applyOrderEvent, applyOrderEvents, RECOMMENDATIONS_CONSUMER } from './consumer.js';
import { CONSUMED_TYPES } from './events.js';
import { recommendationsRoutes } from './routes.js';

export { recommendationsMigrations } from './migrations/index.js';
export { RECOMMENDATIONS_CONSUMER };

export interface RecommendationsModule {
  routes(): ReturnType<typeof recommendationsRoutes>;
  /**
   * The bus subscription (consumer `recommendations.orders`: `order.confirmed`, `order.cancelled`,
   * `order.refunded`), deferred while the degraded mode is on.
   */
  subscriptions(): Subscription[];
}

export function createRecommendationsModule(
  rt: Runtime,
  deps: { degraded: DegradedMode },
): RecommendationsModule {
  const cache = new NearCache(rt.cache);
  return {
    routes: () => recommendationsRoutes({ db: rt.database.db, cache, degraded: deps.degraded }),
    subscriptions: () => [
      {
        consumer: RECOMMENDATIONS_CONSUMER,
        types: [...CONSUMED_TYPES],
        handle: applyOrderEvent,
        handleBatch: applyOrderEvents,
        // an order's row makes every event idempotent (see consumer.ts): no inbox rows
        dedupesItself: true,
        // not critical: while the degraded mode is on, its events wait (see the bus)
        deferWhileDegraded: true,
      },
    ],
  };
}

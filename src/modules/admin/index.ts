/**
 * Administration: feature flags (served to every module from memory, through an OpenFeature
 * provider backed by `admin.feature_flags`) and sales analytics fed by order events.
 * The door: the module factory, the `FeatureFlags` interface other modules read flags through,
 * the flag keys in use, and the migrations.
 */
import { randomUUID } from 'node:crypto';
import { OpenFeature, type Client } from '@openfeature/server-sdk';
import type { Runtime } from '../../platform/runtime.js';
import type { AuthGuard } from '../../platform/http/auth.js';
import type { EventBus } from '../../platform/events/bus.js';
import type { DegradedMode } from '../../platform/degraded.js';
import { FEATURE_FLAG_CHANGED, ANALYTICS_TYPES } from './events.js';
import { DatabaseFlagProvider } from './flag-provider.js';
import { FlagStore } from './flag-store.js';
import { adminRoutes } from './routes.js';
import { ANALYTICS_CONSUMER, applyOrderEvent, applyOrderEvents } from './sales-consumer.js';

export { adminMigrations } from './migrations/index.js';
export type { AdminEvents } from './events.js';

/** The flag keys in use. */
export const FLAG_KEYS = {
  /** On: non-critical work is deferred (see platform/degraded.ts). */
  degradedMode: 'degraded_mode',
  /** Off: every flash sale answers 403 sale_not_active. */
  flashSales: 'flash_sales',
  /** Off: that sale is switched off. */
  flashSale: (saleId: string) => `flash_sale.${saleId}`,
} as const;

export interface FeatureFlags {
  /**
   * Served from memory (refreshed on change and every few s): no I/O, safe on hot paths.
   * `fallback` is the answer for a flag that does not exist.
   */
  isEnabled(key: string, fallback: boolean): boolean;
  /** The OpenFeature client bound to Agora's provider (evaluation details, hooks, change events). */
  readonly client: Client;
}

export interface AdminModule {
  routes(guard: AuthGuard): ReturnType<typeof adminRoutes>;
  flags: FeatureFlags;
  /** Stops following flag changes. */
  close(): Promise<void>;
}

/**
 * Loads the flags (so `flags` answers correctly from the first request), follows their changes,
 * feeds the `degraded_mode` flag into `degraded`, and subscribes the sales analytics
 * (consumer `admin.analytics`, deferred while degraded) and the flag reload (consumer `admin.flags`).
 */
export async function createAdminModule(
  rt: Runtime,
  deps: { bus: EventBus; degraded: DegradedMode },
): Promise<AdminModule> {
  const store = new FlagStore(rt.database, rt.log, rt.config.AGORA_FLAGS_REFRESH_MS);
  const followDegradedFlag = () => deps.degraded.setFlag(store.isEnabled(FLAG_KEYS.degradedMode, false));
  store.onChange(followDegradedFlag);
  await store.start();
  followDegradedFlag();

  const provider = new DatabaseFlagProvider(store);
  // A domain of its own: several Agora instances may share one process (tests).
  const domain = `agora-${randomUUID()}`;
  await OpenFeature.setProviderAndWait(domain, provider);
  const client = OpenFeature.getClient(domain);

  deps.bus.subscribe({
    consumer: ANALYTICS_CONSUMER,
    types: ANALYTICS_TYPES,
    handle: (event, ctx) => applyOrderEvent(event, ctx),
    handleBatch: applyOrderEvents,
    deferWhileDegraded: true,
  });
  // NOTIFY reaches every process at once; this event reaches one of them (consumers compete) and
  // is the path that does not depend on a LISTEN connection.
  deps.bus.subscribe({
    consumer: 'admin.flags',
    types: [FEATURE_FLAG_CHANGED],
    handle: async () => store.refreshInBackground(),
  });

  return {
    flags: {
      // the store, not the provider: the same answer without building evaluation details per call
      isEnabled: (key, fallback) => store.isEnabled(key, fallback),
      client,
    },
    routes: (guard) =>
      adminRoutes({ db: rt.database.db, guard, store, degraded: deps.degraded, cache: rt.cache }),
    async close() {
      await store.stop();
      await provider.onClose();
    },
  };
}

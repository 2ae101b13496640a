/**
 * The composition root: builds the runtime, migrates, creates each module with what it needs,
 * and assembles the HTTP app. The one file that knows every module.
 */
import type { Config } from './platform/config.js';
import { ValidationError } from './platform/errors.js';
import { createRuntime, type Runtime, type RuntimeOverrides } from './platform/runtime.js';
import { migrateAll, type SchemaMigrations } from './platform/migrations.js';
import { platformMigrations } from './platform/migrations/index.js';
import { buildHttp, type App } from './platform/http/build.js';
import { createAuthGuard } from './platform/http/auth.js';
import { AgoraEventBus } from './platform/events/event-bus.js';
import { JobRunner } from './platform/jobs/runner.js';
import { registerRetention, type Retention } from './platform/jobs/retention.js';
import { DegradedMode } from './platform/degraded.js';
import {
  createIdentityModule,
  ensureAdmin,
  identityMigrations,
  createPasswordHasher,
  findUserName,
} from './modules/identity/index.js';
import { createNotificationsModule, notificationsMigrations } from './modules/notifications/index.js';
import {
  catalogMigrations,
  createCatalogModule,
  findVariants,
  type CatalogModule,
} from './modules/catalog/index.js';
import { cartMigrations, createCartModule, type CartModule } from './modules/cart/index.js';
import { createSearchModule, searchMigrations, type SearchModule } from './modules/search/index.js';
import { createPaymentsModule, paymentsMigrations, type PaymentsModule } from './modules/payments/index.js';
import {
  createOrdersModule,
  ordersMigrations,
  type OrdersDeps,
  type OrdersModule,
} from './modules/orders/index.js';
import {
  createInventoryModule,
  inventoryMigrations,
  type InventoryModule,
} from './modules/inventory/index.js';
import { adminMigrations, createAdminModule, type AdminModule } from './modules/admin/index.js';
import { createRecommendationsModule, recommendationsMigrations } from './modules/recommendations/index.js';
import {
  createFlashSalesModule,
  flashSalesMigrations,
  type FlashSalesModule,
} from './modules/flash-sales/index.js';

/** Every schema's migrations, in dependency order. */
export const ALL_MIGRATIONS: SchemaMigrations[] = [
  platformMigrations,
  identityMigrations,
  notificationsMigrations,
  catalogMigrations,
  searchMigrations,
  inventoryMigrations,
  cartMigrations,
  adminMigrations,
  paymentsMigrations,
  ordersMigrations,
  flashSalesMigrations,
  recommendationsMigrations,
];

export interface Agora {
  rt: Runtime;
  app: App;
  bus: AgoraEventBus;
  jobs: JobRunner;
  /** Starts the outbox relay, the event consumers and the job runner (after listen, or in a worker). */
  startBackground(): Promise<void>;
  /** The search module, whose event subscriptions the event bus registers. */
  search: SearchModule;
  /** Payments (its sandbox plays the provider's side in tests and the demo). */
  payments: PaymentsModule;
  /** Orders and the checkout saga (tests drive its recovery). */
  orders: OrdersModule;
  /** Stock, holds and the ledger: the door other modules (and tests) call in their transactions. */
  inventory: InventoryModule;
  /** Feature flags and sales analytics. */
  admin: AdminModule;
  /** Whether non-critical work is being deferred (flag `degraded_mode` or event-loop pressure). */
  degraded: DegradedMode;
  /** The catalog, for commands that act on it in process (`agora import`). */
  catalog: CatalogModule;
  /** The cart module, whose door checkout and flash sales use. */
  cart: CartModule;
  /** Flash sales: the sale jobs, the hot path's pieces, and the hold provider checkout uses. */
  flash: FlashSalesModule;
  close(): Promise<void>;
}

/**
 * The event bus, job runner, retention and degraded mode of a runtime; modules subscribe and
 * register before they start.
 */
export function createBackground(rt: Runtime): {
  bus: AgoraEventBus;
  jobs: JobRunner;
  retention: Retention;
  degraded: DegradedMode;
} {
  const { config } = rt;
  const degraded = new DegradedMode({
    eventLoopThresholdMs: config.AGORA_DEGRADE_EVENT_LOOP_MS,
    enterAfterMs: config.AGORA_DEGRADE_ENTER_MS,
    exitAfterMs: config.AGORA_DEGRADE_EXIT_MS,
    deferMs: config.AGORA_DEGRADE_DEFER_MS,
    metrics: rt.metrics,
    log: rt.log,
  });
  const jobs = new JobRunner(rt.database, rt.log, rt.metrics, {
    pollMs: config.AGORA_JOBS_POLL_MS,
    concurrency: config.AGORA_JOBS_CONCURRENCY,
  });
  const retention = registerRetention(jobs, config.AGORA_RETENTION_DAYS);
  const bus = new AgoraEventBus(rt.database, jobs, rt.log, rt.metrics, {
    amqpUrl: config.AMQP_URL,
    amqpPrefix: config.AMQP_PREFIX,
    prefetch: config.AGORA_EVENTS_PREFETCH,
    consumerConcurrency: config.AGORA_EVENTS_CONSUMER_CONCURRENCY,
    batchSize: config.AGORA_EVENTS_BATCH,
    relayLanes: config.AGORA_EVENTS_RELAY_LANES,
    pollMs: config.AGORA_EVENTS_POLL_MS,
    retryBaseMs: config.AGORA_EVENTS_RETRY_BASE_MS,
    handlerTimeoutMs: config.AGORA_EVENTS_HANDLER_TIMEOUT_MS,
    brokerTimeoutMs: config.AGORA_BROKER_TIMEOUT_MS,
    degraded,
  });
  return { bus, jobs, retention, degraded };
}

export async function migrate(rt: Runtime): Promise<void> {
  await migrateAll(rt.database.db, ALL_MIGRATIONS, rt.log);
}

/** The settings the start-up admin's fields come from (`ensureAdmin` names them as the CLI's flags). */
const ADMIN_SETTINGS: Record<string, string> = {
  '--email': 'AGORA_ADMIN_EMAIL',
  '--password': 'AGORA_ADMIN_PASSWORD',
};

/** A refused start-up admin is a configuration mistake: the message names the variable to fix. */
function adminSettingsError(err: ValidationError): Error {
  const problems = (err.errors ?? []).map((e) => `${ADMIN_SETTINGS[e.path] ?? e.path} ${e.message}`);
  return new Error(
    problems.length ? problems.join('; ') : `AGORA_ADMIN_EMAIL, AGORA_ADMIN_PASSWORD: ${err.message}`,
  );
}

export interface AgoraOverrides {
  /** Tests only: passed to the orders module (a hook after each checkout saga step). */
  orders?: Pick<OrdersDeps, 'afterStep'>;
}

export async function createAgora(
  config: Config,
  overrides: RuntimeOverrides & AgoraOverrides & { migrate?: boolean; webRoot?: string } = {},
): Promise<Agora> {
  const rt = await createRuntime(config, overrides);
  let admin: AdminModule | undefined;
  let degradedMode: DegradedMode | undefined;
  try {
    if (overrides.migrate !== false) await migrate(rt);
    const { bus, jobs, retention, degraded } = createBackground(rt);
    degradedMode = degraded;
    admin = await createAdminModule(rt, { bus, degraded });
    const inventory = createInventoryModule(rt, { bus, jobs });
    const cart = createCartModule(rt, { jobs, availability: inventory });
    const flash = createFlashSalesModule(rt, {
      bus,
      jobs,
      inventory,
      cart,
      findVariants,
      flags: admin.flags,
    });
    const catalog = createCatalogModule(rt, {
      sellerName: findUserName,
      stock: inventory.stock,
      jobs,
      saleOverlay: flash.offers,
    });
    const identity = await createIdentityModule(rt, {
      jobs,
      afterLogin: async ({ userId, cartId }) => {
        if (cartId) await cart.mergeGuestCart(rt.database.db, { guestCartId: cartId, userId });
      },
    });
    const notifications = createNotificationsModule(rt, { bus, jobs, degraded });
    const guard = createAuthGuard(identity.tokens);
    const search = createSearchModule(rt, { saleOverlay: flash.offers });
    const recommendations = createRecommendationsModule(rt, { degraded });
    degraded.start();
    const payments = await createPaymentsModule(rt, { jobs });
    const orders = createOrdersModule(rt, {
      jobs,
      retention,
      payments,
      inventory,
      cart,
      holds: flash.holds,
      afterStep: overrides.orders?.afterStep,
    });
    if (config.AGORA_ADMIN_EMAIL && config.AGORA_ADMIN_PASSWORD) {
      const { created } = await ensureAdmin(
        { db: rt.database.db, actor: null, requestId: 'startup', log: rt.log },
        { hasher: createPasswordHasher(rt) },
        { email: config.AGORA_ADMIN_EMAIL, password: config.AGORA_ADMIN_PASSWORD },
      ).catch((err: unknown) => {
        throw err instanceof ValidationError ? adminSettingsError(err) : err;
      });
      if (created)
        rt.log.info({ email: config.AGORA_ADMIN_EMAIL }, 'admin account created from configuration');
    }
    const readiness: Record<string, () => Promise<void>> = { database: () => rt.database.ping() };
    if (rt.redis) {
      const redis = rt.redis;
      readiness.cache = async () => {
        await redis.ping();
      };
    }
    if (bus.broker) readiness.broker = () => bus.ping();
    for (const subscription of search.subscriptions()) bus.subscribe(subscription);
    for (const subscription of catalog.subscriptions()) bus.subscribe(subscription);
    for (const subscription of recommendations.subscriptions()) bus.subscribe(subscription);
    const app = await buildHttp(rt, {
      routes: [
        identity.routes(guard),
        notifications.routes(guard),
        catalog.routes(guard),
        search.routes(),
        recommendations.routes(),
        payments.routes(),
        orders.routes(guard),
        inventory.routes(guard),
        cart.routes(guard),
        admin.routes(guard),
        flash.routes(guard),
      ],
      readiness,
      webRoot: overrides.webRoot,
    });
    // what the process keeps in memory of live sales, and the admission gate, from the database
    await flash.start();
    let background = false;
    const adminModule = admin;
    return {
      rt,
      app,
      bus,
      jobs,
      search,
      payments,
      orders,
      inventory,
      admin: adminModule,
      degraded,
      catalog,
      cart,
      flash,
      async startBackground() {
        background = true;
        await jobs.start();
        await bus.start();
      },
      async close() {
        await app.close();
        if (background) {
          await bus.stop();
          await jobs.stop();
        }
        notifications.close();
        flash.close();
        degraded.stop();
        await adminModule.close();
        payments.close();
        await rt.close();
      },
    };
  } catch (err) {
    degradedMode?.stop();
    await admin?.close().catch(() => undefined);
    await rt.close();
    throw err;
  }
}

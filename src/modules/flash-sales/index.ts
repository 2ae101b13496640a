/**
 * Flash sales: scheduled sales of chosen variants at a price, with a per-customer limit, and the
 * hot reservation path in front of them (memory → waiting room → admission gate → coalesced
 * transaction). The door: the module factory (routes, jobs, consumer), the `HoldProvider` orders
 * uses at checkout, the sale offers catalog shows, and the migrations.
 */
import { randomBytes } from 'node:crypto';
import type { Runtime } from '../../platform/runtime.js';
import type { AuthGuard } from '../../platform/http/auth.js';
import type { EventBus } from '../../platform/events/bus.js';
import type { JobRunner } from '../../platform/jobs/runner.js';
import { MemoryGate, RedisGate, type AdmissionGate } from './gate.js';
import {
  holdProvider,
  markSoldOut,
  releaseHolds,
  REMOVE_CART_LINES_JOB,
  type ReleasedHold,
} from './holds.js';
import {
  switchedOn,
  type CartPort,
  type FeatureFlags,
  type FindVariants,
  type InventoryPort,
} from './ports.js';
import * as repo from './repository.js';
import { itemKey, Reservations } from './reservations.js';
import { flashSaleRoutes } from './routes.js';
import { SaleBook, type SaleOffer } from './sale-book.js';
import { END_JOB, START_JOB, endSale, startSale, type SaleDeps } from './sale-service.js';
import { WaitingRoom } from './waiting-room.js';
import type { ConsumedEvents } from './events.js';

export { flashSalesMigrations } from './migrations/index.js';
export type { FlashSaleEvents } from './events.js';
export type { HoldProvider } from './holds.js';
export type { SaleOffer } from './sale-book.js';
export type { CartPort, FeatureFlags, FindVariants, InventoryPort } from './ports.js';

export const SWEEP_JOB = 'flash_sales.expire_holds';
export const HOLD_DROPPED_CONSUMER = 'flash_sales.cart_holds';
const SWEEP_BATCH = 500;

export interface FlashSalesDeps {
  bus: EventBus;
  jobs: JobRunner;
  inventory: InventoryPort;
  cart: CartPort;
  findVariants: FindVariants;
  /** Admin's flags: `flash_sales` off stops every sale, `flash_sale.<id>` off stops one. */
  flags?: FeatureFlags;
}

export interface FlashSalesModule {
  routes(guard: AuthGuard): ReturnType<typeof flashSaleRoutes>;
  /** For orders: claim, convert, unclaim buyers' holds at checkout. */
  holds: ReturnType<typeof holdProvider>;
  /** For catalog and search: the running sale offers of these SKUs or products, from memory. */
  offers: {
    forSkus(skus: readonly string[]): Map<string, SaleOffer>;
    forProducts(productIds: readonly string[]): Map<string, SaleOffer>;
    anyRunning(): boolean;
  };
  /** Loads the live sales and reconciles the gate; then keeps both current until `close`. */
  start(): Promise<void>;
  /** Starts, ends a sale now (what the jobs run). */
  startSale(saleId: string): Promise<'started' | 'ended' | 'skipped'>;
  endSale(saleId: string): Promise<boolean>;
  /** Releases every expired hold now (what the recurring job runs); returns how many. */
  sweep(): Promise<number>;
  /** Re-reads live sales and resets the gate from the database (items, and users when `users`). */
  reconcile(users?: boolean): Promise<void>;
  stats(): { gate: 'redis' | 'memory'; batches: number; calls: number; largest: number; pending: number };
  close(): void;
}

export function createFlashSalesModule(rt: Runtime, deps: FlashSalesDeps): FlashSalesModule {
  const { config, log } = rt;
  const db = rt.database.db;
  const book = new SaleBook(db, (saleId) => switchedOn(deps.flags, saleId));
  const gate: AdmissionGate = rt.redis ? new RedisGate(rt.redis, config.REDIS_PREFIX, log) : new MemoryGate();
  const room = new WaitingRoom({
    maxInflight: config.AGORA_FLASH_MAX_INFLIGHT,
    maxQueue: config.AGORA_FLASH_QUEUE_MAX,
    admitWindowMs: config.AGORA_FLASH_ADMIT_WINDOW_MS,
    secret: config.AGORA_FLASH_QUEUE_SECRET ? Buffer.from(config.AGORA_FLASH_QUEUE_SECRET) : randomBytes(32),
  });
  const reservations = new Reservations({
    db,
    book,
    gate,
    room,
    cart: deps.cart,
    flags: deps.flags,
    holdTtlMs: config.AGORA_FLASH_HOLD_TTL_S * 1000,
    batch: {
      maxBatch: config.AGORA_FLASH_BATCH_MAX,
      windowMs: config.AGORA_FLASH_BATCH_WINDOW_MS,
      // each batch waiting for the item's row holds a pooled connection: leave two for the rest
      maxRunning: Math.max(1, Math.min(config.AGORA_FLASH_BATCHES_IN_FLIGHT, config.DATABASE_POOL_MAX - 2)),
    },
  });
  const saleDeps: SaleDeps = { inventory: deps.inventory, findVariants: deps.findVariants };
  const holds = holdProvider({ inventory: deps.inventory });

  /** Sales seen open at the last refresh: a sale newly open gets its users reconciled too. */
  let knownOpen = new Set<string>();

  async function reconcile(users = false): Promise<void> {
    await book.refresh();
    const open = book.open();
    const rows = await repo.remainingOf(
      db,
      open.map((s) => s.id),
    );
    for (const r of rows) {
      const key = itemKey(r.saleId, r.sku);
      const fresh = !knownOpen.has(r.saleId);
      const units = users || fresh ? await repo.customerUnits(db, r.saleId, r.sku) : undefined;
      await gate.reconcile(key, r.remaining, units, users || fresh);
    }
    knownOpen = new Set(open.map((s) => s.id));
  }

  /** After holds were released (committed): the gate learns the new counts of those items and users. */
  async function reconcileReleased(released: ReleasedHold[]): Promise<void> {
    const byItem = new Map<string, { saleId: string; sku: string; users: Set<string> }>();
    for (const h of released) {
      const k = itemKey(h.saleId, h.sku);
      const e = byItem.get(k) ?? { saleId: h.saleId, sku: h.sku, users: new Set<string>() };
      e.users.add(h.userId);
      byItem.set(k, e);
    }
    const remaining = new Map(
      (await repo.remainingOf(db, [...new Set(released.map((h) => h.saleId))])).map((r) => [
        itemKey(r.saleId, r.sku),
        r.remaining,
      ]),
    );
    for (const [k, e] of byItem) {
      const units = await repo.customerUnits(db, e.saleId, e.sku, [...e.users]);
      for (const u of e.users) if (!units.has(u)) units.set(u, 0);
      await gate.reconcile(k, remaining.get(k) ?? 0, units);
      book.setRemaining(e.saleId, e.sku, remaining.get(k) ?? 0);
    }
  }

  async function sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const released = await db
        .transaction()
        .execute((trx) => releaseHolds(trx, deps, { expired: true, limit: SWEEP_BATCH }, 'expired'));
      total += released.length;
      if (released.length) await reconcileReleased(released);
      if (released.length < SWEEP_BATCH) break;
    }
    // two conversions committing together can each miss the other's; this catches them
    await db.transaction().execute((trx) => markSoldOut(trx, 'all'));
    return total;
  }

  /**
   * After this process changed a sale (created, edited, ended it): the sale book at once, so this
   * process answers from the new state; for a running sale, the gate's counts too (the shared gate
   * for every process at once). Other processes learn it at their next refresh, as they learn a
   * sale's start (every `AGORA_FLASH_REFRESH_MS`); the database decides every grant meanwhile.
   */
  async function changed(saleId: string): Promise<void> {
    const sale = await book.reload(saleId);
    if (!sale || (sale.state !== 'active' && sale.state !== 'sold_out')) return;
    for (const r of await repo.remainingOf(db, [saleId])) {
      await gate.reconcile(itemKey(r.saleId, r.sku), r.remaining);
    }
  }

  // a job carries the time it was scheduled for (`at`): one for a time the sale no longer has does nothing
  deps.jobs.register<{ saleId: string; at?: string }>(START_JOB, async ({ saleId, at }) => {
    await startSale(db, saleDeps, saleId, at);
    await reconcile();
  });
  deps.jobs.register<{ saleId: string; at?: string }>(END_JOB, async ({ saleId, at }) => {
    await endSale(db, saleDeps, saleId, at);
    await book.reload(saleId);
  });
  deps.jobs.every(SWEEP_JOB, config.AGORA_FLASH_SWEEP_MS, async () => {
    await sweep();
  });
  deps.jobs.register<{ holdIds: string[] }>(REMOVE_CART_LINES_JOB, async ({ holdIds }) => {
    await db.transaction().execute(async (trx) => {
      for (const id of holdIds) await deps.cart.removeHeldItem(trx, id);
    });
  });
  deps.bus.subscribe({
    consumer: HOLD_DROPPED_CONSUMER,
    types: ['cart.hold_dropped'],
    handle: async (event, ctx) => {
      const { holdId } = event.data as ConsumedEvents['cart.hold_dropped'];
      const released = await releaseHolds(
        ctx.trx,
        deps,
        { ids: [holdId] },
        'removed_from_cart',
        event.correlationid,
      );
      // before commit: a rollback leaves the gate a little high, which only asks the database more
      for (const h of released)
        await gate.settle(itemKey(h.saleId, h.sku), h.userId, h.quantity, -h.quantity);
    },
  });

  let refreshTimer: NodeJS.Timeout | null = null;
  let running = false;
  let ticks = 0;
  const usersEvery = Math.max(1, Math.round(config.AGORA_FLASH_RECONCILE_MS / config.AGORA_FLASH_REFRESH_MS));

  return {
    routes: (guard) =>
      flashSaleRoutes({
        db,
        guard,
        saleDeps,
        reservations,
        room,
        book,
        onChange: changed,
      }),
    holds,
    offers: {
      forSkus: (skus) => book.offersFor(skus),
      forProducts: (ids) => book.offersForProducts(ids),
      anyRunning: () => book.anyRunning(),
    },
    async start() {
      if (refreshTimer) return;
      await reconcile(true);
      refreshTimer = setInterval(() => {
        if (running) return;
        running = true;
        ticks++;
        reconcile(ticks % usersEvery === 0)
          .catch((err: unknown) => log.warn({ err }, 'flash sales: refresh failed'))
          .finally(() => {
            running = false;
          });
      }, config.AGORA_FLASH_REFRESH_MS);
      refreshTimer.unref();
    },
    startSale: async (saleId) => {
      const r = await startSale(db, saleDeps, saleId);
      await reconcile();
      return r;
    },
    endSale: async (saleId) => {
      const r = await endSale(db, saleDeps, saleId);
      await book.reload(saleId);
      return r;
    },
    sweep,
    reconcile,
    stats: () => ({ gate: gate.kind, ...reservations.stats }),
    close() {
      if (refreshTimer) clearInterval(refreshTimer);
      refreshTimer = null;
    },
  };
}

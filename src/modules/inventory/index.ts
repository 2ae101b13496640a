/**
 * Inventory: stock per SKU and location, reservations (holds) with expiry, the append-only
 * movement ledger, low-stock alerts and the signed inbound integration for external systems.
 * The door: the module factory (routes, the stock operations other modules call in their own
 * transactions, the catalog's `StockSource`), the ledger check, events and migrations.
 */
import { Counter } from 'prom-client';
import type { Runtime } from '../../platform/runtime.js';
import type { AuthGuard } from '../../platform/http/auth.js';
import { IdempotencyStore } from '../../platform/http/idempotency.js';
import type { AnyDb } from '../../platform/db.js';
import type { EventBus } from '../../platform/events/bus.js';
import type { JobRunner } from '../../platform/jobs/runner.js';
import type { StockSource } from '../catalog/index.js';
import { OutOfStockError } from './errors.js';
import type { StockLine } from './events.js';
import { expireHolds, HOLD_SWEEP_JOB } from './expiry.js';
import * as ops from './holds.js';
import type { Trx } from './ledger.js';
import { availableOf } from './repository.js';
import { inventoryRoutes } from './routes.js';
import { inventoryStock } from './stock-source.js';

export { inventoryMigrations } from './migrations/index.js';
export { verifyInventory, type Mismatch } from './verify.js';
export { inventoryStock } from './stock-source.js';
export {
  OutOfStockError,
  HoldNotActiveError,
  HoldNotFoundError,
  InvalidStockLinesError,
  LevelOutOfRangeError,
  UnknownSkuError,
  type ShortLine,
} from './errors.js';
export { INVENTORY_SOURCE, type InventoryEvents, type InventoryEventType } from './events.js';
export type { StockLine } from './events.js';
export type { RefKind, HoldStatus } from './tables.js';

export interface Hold {
  id: string;
  lines: StockLine[];
  expiresAt: Date | null;
  status: 'held' | 'committed' | 'released';
  /** Who holds it. */
  ref: { kind: 'cart' | 'order' | 'flash_sale'; id: string };
}

export interface InventoryModule {
  routes(guard: AuthGuard): ReturnType<typeof inventoryRoutes>;
  /** The catalog's StockSource, implemented over inventory's tables. */
  stock: StockSource;
  /**
   * All or nothing. Sums quantities per SKU and updates rows in SKU order, one conditional UPDATE
   * per SKU (`reserved = reserved + q WHERE on_hand - reserved >= q`); then a hold row, ledger rows
   * and `inventory.stock_changed` events, all in `trx`. A short line leaves `trx` as it was.
   * @throws OutOfStockError (code out_of_stock, details `{lines: [{sku, requested, available}]}`)
   *   naming every short line; InvalidStockLinesError for empty lines or non-positive quantities
   */
  reserve(
    trx: Trx,
    input: {
      lines: StockLine[];
      ref: { kind: 'cart' | 'order' | 'flash_sale'; id: string };
      expiresAt: Date | null;
      correlationId?: string;
    },
  ): Promise<Hold>;
  /**
   * Idempotent. Returns held units (`reserved -= q`): `lines` (a partial release, each at most
   * what is still held) or everything still held. No-op when nothing is held.
   * @throws HoldNotFoundError
   */
  release(trx: Trx, holdId: string, reason: string, lines?: StockLine[]): Promise<void>;
  /**
   * Adds units to a live hold, all or nothing like `reserve` (a flash sale whose quantity an admin
   * raised takes the extra units into the same allocation).
   * @throws HoldNotFoundError; HoldNotActiveError (conflict) when the hold is not live;
   *   OutOfStockError naming every short line; InvalidStockLinesError
   */
  addToHold(trx: Trx, holdId: string, lines: StockLine[], correlationId?: string): Promise<void>;
  /**
   * Idempotent per (holdId, orderId). Held units become sold: `on_hand -= q, reserved -= q`.
   * `lines` defaults to everything still held; a partial commit lowers what the hold holds.
   * `orderId` is recorded on the ledger rows.
   * @throws HoldNotFoundError; HoldNotActiveError (conflict) when the hold was released, has
   *   expired, or holds fewer units than named
   */
  commit(trx: Trx, holdId: string, opts: { orderId: string; lines?: StockLine[] }): Promise<void>;
  /**
   * Returns sold units to stock (cancel/refund after commit): `on_hand += q` at the default
   * location, ledger kind `return` (with `orderId` and `correlationId` when given). Idempotent per `key`.
   * @throws UnknownSkuError; LevelOutOfRangeError (conflict) past the levels' range
   */
  restock(
    trx: Trx,
    input: { lines: StockLine[]; reason: string; key: string; orderId?: string; correlationId?: string },
  ): Promise<void>;
  /** Available units per SKU (one query); unknown SKUs are absent. */
  available(db: AnyDb, skus: string[]): Promise<Map<string, number>>;
  /**
   * Moves a live hold's expiry (null: none), e.g. while its checkout is paying.
   * @throws HoldNotFoundError, HoldNotActiveError
   */
  extend(trx: Trx, holdId: string, expiresAt: Date | null): Promise<void>;
  /** A hold with what it still holds per line, or null. */
  getHold(db: AnyDb, holdId: string): Promise<(Hold & { remaining: StockLine[] }) | null>;
  /** Releases expired holds now (what the recurring job runs); returns how many. */
  expireHolds(): Promise<number>;
}

export function createInventoryModule(
  rt: Runtime,
  deps: { bus: EventBus; jobs: JobRunner },
): InventoryModule {
  const { config } = rt;
  const db = rt.database.db;
  const reservations = new Counter({
    name: 'agora_inventory_reservations_total',
    help: 'Reservation attempts by outcome (reserved, out_of_stock)',
    labelNames: ['outcome'],
    registers: [rt.metrics],
  });
  const expired = new Counter({
    name: 'agora_inventory_holds_expired_total',
    help: 'Holds released by the expiry job',
    registers: [rt.metrics],
  });
  const idempotency = new IdempotencyStore(db, {
    leaseMs: config.AGORA_IDEMPOTENCY_LEASE_MS,
    waitMs: config.AGORA_IDEMPOTENCY_WAIT_MS,
  });
  const sweep = async () => {
    const n = await expireHolds(db, config.AGORA_HOLD_SWEEP_BATCH);
    expired.inc(n);
    return n;
  };
  deps.jobs.every(HOLD_SWEEP_JOB, config.AGORA_HOLD_SWEEP_MS, async (_payload, ctx) => {
    const n = await sweep();
    if (n) ctx.log.info({ holds: n }, 'expired holds released');
  });
  return {
    routes: (guard) =>
      inventoryRoutes({
        db,
        guard,
        idempotency,
        integration: {
          secret: config.AGORA_INVENTORY_WEBHOOK_SECRET,
          toleranceS: config.AGORA_INVENTORY_WEBHOOK_TOLERANCE_S,
        },
      }),
    stock: inventoryStock,
    async reserve(trx, input) {
      try {
        const hold = await ops.reserve(trx, input);
        reservations.inc({ outcome: 'reserved' });
        return hold;
      } catch (err) {
        if (err instanceof OutOfStockError) reservations.inc({ outcome: 'out_of_stock' });
        throw err;
      }
    },
    release: (trx, holdId, reason, lines) => ops.release(trx, holdId, reason, lines),
    async addToHold(trx, holdId, lines, correlationId) {
      try {
        await ops.addToHold(trx, holdId, lines, correlationId);
        reservations.inc({ outcome: 'reserved' });
      } catch (err) {
        if (err instanceof OutOfStockError) reservations.inc({ outcome: 'out_of_stock' });
        throw err;
      }
    },
    commit: (trx, holdId, opts) => ops.commit(trx, holdId, opts),
    restock: (trx, input) => ops.restock(trx, input),
    available: (anyDb, skus) => availableOf(anyDb, skus),
    extend: (trx, holdId, expiresAt) => ops.extend(trx, holdId, expiresAt),
    getHold: (anyDb, holdId) => ops.getHold(anyDb, holdId),
    expireHolds: sweep,
  };
}

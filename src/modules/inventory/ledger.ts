import type { Transaction } from 'kysely';
import { publishEvents, type NewEvent } from '../../platform/events/outbox.js';
import { INVENTORY_SOURCE, type InventoryEvents } from './events.js';
import { InvalidStockLinesError as InvalidLines } from './errors.js';
import { insertMovements, type NewMovement } from './ledger-repository.js';
import * as repo from './repository.js';
import type { MovementKind, MovementRow } from './tables.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Trx = Transaction<any>;

/** A SKU's levels after a change, and its available units before it. */
export interface LevelChange {
  level: repo.Level;
  availableBefore: number;
  cause: MovementKind;
}

export const available = (l: repo.Level) => l.onHand - l.reserved;

/**
 * Every stock change ends here, in the caller's transaction: its ledger rows, the low-stock flag of
 * the SKUs it touched (rows the transaction already holds), and its events through the outbox
 * (`publishChanges`). The reservation and the commit do the first two inside their own statements.
 */
export async function record(
  trx: Trx,
  correlationId: string | null | undefined,
  input: {
    movements: NewMovement[];
    changes: LevelChange[];
    adjusted?: InventoryEvents['inventory.adjusted'][];
    events?: NewEvent[];
  },
): Promise<MovementRow[]> {
  const rows = await insertMovements(
    trx,
    input.movements.map((m) => ({ ...m, correlationId: m.correlationId ?? correlationId ?? null })),
  );
  const flipped = await repo.refreshLowStock(
    trx,
    input.changes.map((c) => c.level.sku),
  );
  await publishChanges(trx, correlationId, { ...input, flipped });
  return rows;
}

/**
 * The events of a stock change, in this order: `inventory.adjusted` (adjustments),
 * `inventory.stock_changed` per SKU, `inventory.low_stock` per SKU whose flag was just set (a
 * downward crossing), then the operation's own (`inventory.hold_expired`).
 */
export async function publishChanges(
  trx: Trx,
  correlationId: string | null | undefined,
  input: {
    changes: LevelChange[];
    flipped: repo.LowStockFlip[];
    adjusted?: InventoryEvents['inventory.adjusted'][];
    events?: NewEvent[];
  },
): Promise<void> {
  const events: NewEvent[] = [];
  for (const data of input.adjusted ?? [])
    events.push({ type: 'inventory.adjusted', subject: data.sku, data });
  for (const c of input.changes) {
    const data: InventoryEvents['inventory.stock_changed'] = {
      sku: c.level.sku,
      sellerId: c.level.sellerId,
      onHand: c.level.onHand,
      reserved: c.level.reserved,
      available: available(c.level),
      availableBefore: c.availableBefore,
      cause: c.cause,
    };
    events.push({ type: 'inventory.stock_changed', subject: c.level.sku, data });
  }
  events.push(...lowStockEventsOf(input.flipped));
  events.push(...(input.events ?? []));
  await publishEvents(trx, { source: INVENTORY_SOURCE, correlationId: correlationId ?? undefined }, events);
}

/** Re-evaluates the low-stock flag of locked SKUs; one event per SKU that just crossed down. */
export async function lowStockEvents(trx: Trx, skus: string[]): Promise<NewEvent[]> {
  return lowStockEventsOf(await repo.refreshLowStock(trx, skus));
}

function lowStockEventsOf(flipped: repo.LowStockFlip[]): NewEvent[] {
  return flipped
    .filter((f) => f.alerted)
    .map((f) => {
      const data: InventoryEvents['inventory.low_stock'] = {
        sku: f.sku,
        sellerId: f.sellerId,
        available: f.available,
        threshold: f.threshold,
      };
      return { type: 'inventory.low_stock', subject: f.sku, data };
    });
}

/**
 * Quantities summed per SKU, in SKU order: the order every writer locks rows in, so two
 * transactions touching overlapping SKUs wait for each other instead of deadlocking.
 */
export function bySku(
  lines: readonly { sku: string; quantity: number }[],
  allowZero = false,
): [string, number][] {
  const sums = new Map<string, number>();
  for (const { sku, quantity } of lines) {
    if (typeof sku !== 'string' || !sku) throw new InvalidLines('every line needs a sku');
    if (!Number.isSafeInteger(quantity) || quantity < 0 || (!allowZero && quantity === 0))
      throw new InvalidLines(
        `quantity of ${sku} must be a ${allowZero ? 'non-negative' : 'positive'} integer`,
      );
    sums.set(sku, (sums.get(sku) ?? 0) + quantity);
  }
  return [...sums].sort(([a], [b]) => compareSku(a, b));
}

/**
 * The one order in which stock rows are locked (every path that locks several SKUs sorts by it),
 * so two transactions never wait for each other's rows. JavaScript's, not the database's: an
 * `order by sku` follows the database's collation, which may sort otherwise.
 */
export function compareSku(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

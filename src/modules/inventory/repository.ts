import { sql, type Kysely } from 'kysely';
import { scoped, type AnyDb } from '../../platform/db.js';
import { prepared } from '../../platform/prepared.js';
import type { InventoryTables } from './tables.js';

type Db = Kysely<InventoryTables>;
const t = (db: AnyDb): Db => scoped<InventoryTables>(db);

export const DEFAULT_LOCATION = 'default';
/** Threshold of a new SKU (the column's default too). */
export const DEFAULT_LOW_STOCK_THRESHOLD = 5;

/** A SKU's levels as an UPDATE ... RETURNING leaves them. */
export interface Level {
  sku: string;
  sellerId: string;
  onHand: number;
  reserved: number;
  threshold: number;
}

const LEVEL_COLUMNS = ['sku', 'seller_id', 'on_hand', 'reserved', 'low_stock_threshold'] as const;

interface LevelRow {
  sku: string;
  seller_id: string;
  on_hand: number;
  reserved: number;
  low_stock_threshold: number;
}

export const levelOf = (r: LevelRow): Level => ({
  sku: r.sku,
  sellerId: r.seller_id,
  onHand: r.on_hand,
  reserved: r.reserved,
  threshold: r.low_stock_threshold,
});

const one = async (q: Promise<LevelRow | undefined>) => {
  const row = await q;
  return row ? levelOf(row) : undefined;
};

const reserveStatement = prepared((d, v: { sku: string; q: number }) =>
  t(d)
    .updateTable('inventory.items')
    .set({ reserved: sql`reserved + ${v.q}`, updated_at: sql`now()` })
    .where('sku', '=', v.sku)
    .where(sql<boolean>`on_hand - reserved >= ${v.q}`)
    .returning(LEVEL_COLUMNS),
);

/**
 * The reservation: `reserved += q` only while `on_hand - reserved >= q`, in one statement, so
 * concurrent buyers cannot both take the last unit. Undefined: not enough (or no such SKU).
 */
export function reserveUnits(trx: AnyDb, sku: string, q: number): Promise<Level | undefined> {
  return one(reserveStatement.executeTakeFirst(trx, { sku, q }));
}

const unreserveStatement = prepared((d, v: { sku: string; q: number }) =>
  t(d)
    .updateTable('inventory.items')
    .set({ reserved: sql`reserved - ${v.q}`, updated_at: sql`now()` })
    .where('sku', '=', v.sku)
    .where('reserved', '>=', v.q)
    .returning(LEVEL_COLUMNS),
);

/** Gives back `q` held units (`reserved -= q`). */
export function unreserveUnits(trx: AnyDb, sku: string, q: number): Promise<Level | undefined> {
  return one(unreserveStatement.executeTakeFirst(trx, { sku, q }));
}

/** The most units a level can hold: the `integer` columns' range (a SKU's total and each location). */
export const MAX_LEVEL = 2_147_483_647;

/** True when `onHand + delta` fits a level's column; a level past it is refused, never overflowed. */
export const fitsLevel = (onHand: number, delta: number): boolean => onHand + delta <= MAX_LEVEL;

/**
 * `on_hand += delta` unless that would leave fewer on hand than reserved, or more than a level
 * holds (`MAX_LEVEL`; the test is done in bigint, so it cannot overflow itself). `ownerId` (a
 * seller) narrows it to that seller's SKUs. Undefined: no such SKU, not the owner's, below
 * reserved or past `MAX_LEVEL`.
 */
export function changeOnHand(
  trx: AnyDb,
  sku: string,
  delta: number,
  ownerId?: string,
): Promise<Level | undefined> {
  let q = t(trx)
    .updateTable('inventory.items')
    .set({ on_hand: sql`on_hand + ${delta}::integer`, updated_at: sql`now()` })
    .where('sku', '=', sku)
    .where(sql<boolean>`on_hand::bigint + ${delta}::bigint between reserved and ${MAX_LEVEL}::bigint`);
  if (ownerId) q = q.where('seller_id', '=', ownerId);
  return one(q.returning(LEVEL_COLUMNS).executeTakeFirst());
}

/** Locks a SKU's row for the rest of the transaction and returns its levels. */
export function lockItem(trx: AnyDb, sku: string): Promise<Level | undefined> {
  return one(
    t(trx)
      .selectFrom('inventory.items')
      .select(LEVEL_COLUMNS)
      .where('sku', '=', sku)
      .forUpdate()
      .executeTakeFirst(),
  );
}

export function findItem(db: AnyDb, sku: string): Promise<Level | undefined> {
  return one(
    t(db).selectFrom('inventory.items').select(LEVEL_COLUMNS).where('sku', '=', sku).executeTakeFirst(),
  );
}

export function setThreshold(
  trx: AnyDb,
  sku: string,
  threshold: number,
  ownerId?: string,
): Promise<Level | undefined> {
  let q = t(trx)
    .updateTable('inventory.items')
    .set({ low_stock_threshold: threshold, updated_at: sql`now()` })
    .where('sku', '=', sku);
  if (ownerId) q = q.where('seller_id', '=', ownerId);
  return one(q.returning(LEVEL_COLUMNS).executeTakeFirst());
}

/** Available units per SKU, one query; a SKU inventory does not know is absent. */
export async function availableOf(db: AnyDb, skus: readonly string[]): Promise<Map<string, number>> {
  if (!skus.length) return new Map();
  const rows = await t(db)
    .selectFrom('inventory.items')
    .select(['sku', sql<number>`on_hand - reserved`.as('available')])
    .where('sku', 'in', [...new Set(skus)])
    .execute();
  return new Map(rows.map((r) => [r.sku, Number(r.available)]));
}

export async function locationsOf(db: AnyDb, sku: string): Promise<{ locationId: string; onHand: number }[]> {
  const rows = await t(db)
    .selectFrom('inventory.location_levels')
    .select(['location_id', 'on_hand'])
    .where('sku', '=', sku)
    .orderBy('location_id')
    .execute();
  return rows.map((r) => ({ locationId: r.location_id, onHand: r.on_hand }));
}

/** The on-hand of one location; call with the SKU's row locked. */
export async function locationOnHand(trx: AnyDb, sku: string, locationId: string): Promise<number> {
  const row = await t(trx)
    .selectFrom('inventory.location_levels')
    .select('on_hand')
    .where('sku', '=', sku)
    .where('location_id', '=', locationId)
    .executeTakeFirst();
  return row?.on_hand ?? 0;
}

export async function ensureLocation(trx: AnyDb, locationId: string): Promise<void> {
  await t(trx)
    .insertInto('inventory.locations')
    .values({ id: locationId, name: locationId })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/**
 * Adds `delta` (any sign) to one location; a location may not go below zero. Call it with the
 * SKU's row locked (every caller changed `items` first), so per-location changes are serialized.
 * Returns the new on-hand, or undefined when a negative delta would take it below zero.
 */
export async function addAtLocation(
  trx: AnyDb,
  sku: string,
  locationId: string,
  delta: number,
): Promise<number | undefined> {
  if (delta >= 0) {
    const row = await t(trx)
      .insertInto('inventory.location_levels')
      .values({ sku, location_id: locationId, on_hand: delta })
      .onConflict((oc) =>
        oc
          .columns(['sku', 'location_id'])
          .doUpdateSet({ on_hand: sql`inventory.location_levels.on_hand + ${delta}` }),
      )
      .returning('on_hand')
      .executeTakeFirstOrThrow();
    return row.on_hand;
  }
  const row = await t(trx)
    .updateTable('inventory.location_levels')
    .set({ on_hand: sql`on_hand + ${delta}` })
    .where('sku', '=', sku)
    .where('location_id', '=', locationId)
    .where(sql<boolean>`on_hand + ${delta} >= 0`)
    .returning('on_hand')
    .executeTakeFirst();
  return row?.on_hand;
}

/** A SKU whose low-stock flag just changed; `alerted` set means it has just crossed down. */
export interface LowStockFlip {
  sku: string;
  sellerId: string;
  available: number;
  threshold: number;
  alerted: boolean;
}

export interface LowStockFlipRow {
  sku: string;
  seller_id: string;
  available: number;
  low_stock_threshold: number;
  low_stock_alerted: boolean;
}

/**
 * The low-stock refresh as one UPDATE, to run alone or as a CTE of a larger statement (the
 * reservation's and the commit's last statement), there only when `when` holds: it must only
 * touch rows this transaction already holds, so it adds no lock and no lock order.
 */
export const lowStockRefreshSql = (skus: readonly string[], when = sql`true`) => sql`
    update inventory.items
       set low_stock_alerted = (on_hand - reserved <= low_stock_threshold)
     where sku in (${sql.join([...new Set(skus)])})
       and low_stock_alerted <> (on_hand - reserved <= low_stock_threshold)
       and ${when}
    returning sku, seller_id, on_hand - reserved as available, low_stock_threshold, low_stock_alerted`;

export const lowStockFlipOf = (r: LowStockFlipRow): LowStockFlip => ({
  sku: r.sku,
  sellerId: r.seller_id,
  available: Number(r.available),
  threshold: r.low_stock_threshold,
  alerted: r.low_stock_alerted,
});

/**
 * Arms or re-arms the low-stock flag of SKUs this transaction has locked: set when available is
 * at or below the threshold, cleared above it. Returns the rows whose flag changed; those now set
 * have just crossed (one `inventory.low_stock` each).
 */
export async function refreshLowStock(trx: AnyDb, skus: readonly string[]): Promise<LowStockFlip[]> {
  if (!skus.length) return [];
  const { rows } = await sql<LowStockFlipRow>`${lowStockRefreshSql(skus)}`.execute(trx);
  return rows.map(lowStockFlipOf);
}

/**
 * New SKUs with their initial stock at the default location and an `initial` ledger row, in one
 * statement whose one parameter is a JSON array (cheap for a 1,000-row seed batch). A SKU that
 * exists keeps its levels. Returns the SKUs created.
 */
export async function insertItems(
  db: AnyDb,
  rows: { sku: string; sellerId: string; quantity: number }[],
  correlationId: string | null,
): Promise<{ sku: string; sellerId: string; onHand: number }[]> {
  if (!rows.length) return [];
  const json = JSON.stringify(rows.map((r) => ({ sku: r.sku, seller_id: r.sellerId, on_hand: r.quantity })));
  const { rows: created } = await sql<{ sku: string; seller_id: string; on_hand: number }>`
    with input as (
      select distinct on (sku) sku, seller_id, on_hand
        from jsonb_to_recordset(${json}::jsonb) as r(sku text, seller_id uuid, on_hand integer)
       order by sku
    ), created as (
      insert into inventory.items (sku, seller_id, on_hand, low_stock_threshold, low_stock_alerted)
      select sku, seller_id, on_hand, ${DEFAULT_LOW_STOCK_THRESHOLD}, on_hand <= ${DEFAULT_LOW_STOCK_THRESHOLD}
        from input
      on conflict (sku) do nothing
      returning sku, seller_id, on_hand
    ), levels as (
      insert into inventory.location_levels (sku, location_id, on_hand)
      select sku, ${DEFAULT_LOCATION}, on_hand from created
    ), ledger as (
      insert into inventory.movements (sku, location_id, kind, delta_on_hand, delta_reserved, reason, correlation_id)
      select sku, ${DEFAULT_LOCATION}, 'initial', on_hand, 0, 'initial stock', ${correlationId} from created
    )
    select sku, seller_id, on_hand from created`.execute(db);
  return created.map((r) => ({ sku: r.sku, sellerId: r.seller_id, onHand: r.on_hand }));
}

/**
 * The SKUs among `skus` that belong to another seller than `sellerId`. A SKU stays with the seller
 * whose item it is (with its stock and its ledger), also after it left that seller's products.
 */
export async function skusOfOtherSellers(db: AnyDb, skus: string[], sellerId: string): Promise<string[]> {
  if (!skus.length) return [];
  const rows = await t(db)
    .selectFrom('inventory.items')
    .select('sku')
    .where('sku', 'in', skus)
    .where('seller_id', '<>', sellerId)
    .orderBy('sku')
    .execute();
  return rows.map((r) => r.sku);
}

import { sql, type Kysely } from 'kysely';
import { scoped, type AnyDb } from '../../platform/db.js';
import { insertMovementsSql, type NewMovement } from './ledger-repository.js';
import {
  levelOf,
  lowStockFlipOf,
  lowStockRefreshSql,
  type Level,
  type LowStockFlip,
  type LowStockFlipRow,
} from './repository.js';
import type { HoldStatus, InventoryTables, RefKind } from './tables.js';

type Db = Kysely<InventoryTables>;
const t = (db: AnyDb): Db => scoped<InventoryTables>(db);

export interface LockedHold {
  id: string;
  refKind: RefKind;
  refId: string;
  status: HoldStatus;
  expiresAt: Date | null;
  expired: boolean;
}

export interface HoldLineRow {
  sku: string;
  quantity: number;
  remaining: number;
  committed: number;
}

/**
 * The reservation's last statement, when every other line's units are reserved already: the last
 * line's conditional UPDATE (`reserved += q WHERE on_hand - reserved >= q`, its low-stock flag set
 * in the same UPDATE) and, only when it took the units, the hold, its lines, their ledger rows
 * and the low-stock refresh of the other lines' SKUs (rows this transaction holds already), in
 * one round trip. Undefined, and nothing written: the last line is short.
 *
 *   with was as materialized (select sku, low_stock_alerted from inventory.items
 *                               where sku = $sku and on_hand - reserved >= $q for update),
 *        took as (update inventory.items set reserved = reserved + $q, low_stock_alerted = ...
 *                   from was where ... and on_hand - reserved >= $q returning ..., was.low_stock_alerted),
 *        hold as (insert into inventory.holds ... where exists (select from took)),
 *        lines as (insert into inventory.hold_lines ... where exists (select from took)),
 *        ledger as (insert into inventory.movements ... where exists (select from took)),
 *        low as (update inventory.items set low_stock_alerted = ... where sku in (others) and exists (...))
 *   select took, low
 *
 * `was` is the flag before the UPDATE: a locking read returns the row's newest version (a plain
 * read could return an older one when the statement waited for the lock), and it locks exactly
 * what the UPDATE would have (nothing when the row is short in the statement's snapshot).
 */
export async function reserveLastAndHold(
  trx: AnyDb,
  [sku, q]: [string, number],
  hold: {
    id: string;
    ref: { kind: RefKind; id: string };
    expiresAt: Date | null;
    correlationId: string | null;
    lines: [string, number][];
    movements: NewMovement[];
  },
): Promise<{ level: Level; flipped: LowStockFlip[] } | undefined> {
  const lines = JSON.stringify(hold.lines.map(([s, n]) => ({ sku: s, q: n })));
  const others = hold.lines.map(([s]) => s).filter((s) => s !== sku);
  const took = sql`exists (select 1 from took)`;
  // hold_lines' foreign key to the hold is checked at the end of the statement, after both inserts
  const { rows } = await sql<{
    took: (LowStockFlipRow & { on_hand: number; reserved: number; was_alerted: boolean }) | null;
    flipped: LowStockFlipRow[];
  }>`
    with was as materialized (
      select sku, low_stock_alerted from inventory.items
       where sku = ${sku}::text and on_hand - reserved >= ${q}::integer
         for update
    ), took as (
      update inventory.items i
         set reserved = i.reserved + ${q}::integer, updated_at = now(),
             low_stock_alerted = (i.on_hand - i.reserved - ${q}::integer <= i.low_stock_threshold)
        from was
       where i.sku = was.sku and i.on_hand - i.reserved >= ${q}::integer
      returning i.sku, i.seller_id, i.on_hand, i.reserved, i.low_stock_threshold,
                i.on_hand - i.reserved as available, i.low_stock_alerted, was.low_stock_alerted as was_alerted
    ), hold as (
      insert into inventory.holds (id, ref_kind, ref_id, status, expires_at, correlation_id)
      select ${hold.id}::uuid, ${hold.ref.kind}::text, ${hold.ref.id}::text, 'held',
             ${hold.expiresAt}::timestamptz, ${hold.correlationId}::text
       where ${took}
    ), lines as (
      insert into inventory.hold_lines (hold_id, sku, quantity, remaining)
      select ${hold.id}::uuid, sku, q, q from jsonb_to_recordset(${lines}::jsonb) as v(sku text, q integer)
       where ${took}
    ), ledger as (${insertMovementsSql(hold.movements, took)}
    )${others.length ? sql`, low as (${lowStockRefreshSql(others, took)})` : sql``}
    select (select to_jsonb(took) from took) as took,
           ${others.length ? sql`(select coalesce(jsonb_agg(to_jsonb(low)), '[]'::jsonb) from low)` : sql`'[]'::jsonb`}
             as flipped`.execute(trx);
  const r = rows[0].took;
  if (!r) return undefined;
  const flipped = rows[0].flipped.map(lowStockFlipOf);
  if (r.low_stock_alerted !== r.was_alerted) flipped.push(lowStockFlipOf(r));
  return { level: levelOf(r), flipped };
}

/** Locks a hold for the rest of the transaction; `expired` is judged by the database clock. */
export async function lockHold(trx: AnyDb, id: string): Promise<LockedHold | undefined> {
  const { rows } = await sql<{
    id: string;
    ref_kind: RefKind;
    ref_id: string;
    status: HoldStatus;
    expires_at: Date | null;
    expired: boolean;
  }>`
    select id, ref_kind, ref_id, status, expires_at, coalesce(expires_at <= now(), false) as expired
      from inventory.holds where id = ${id} for update`.execute(trx);
  const r = rows[0];
  return r
    ? {
        id: r.id,
        refKind: r.ref_kind,
        refId: r.ref_id,
        status: r.status,
        expiresAt: r.expires_at,
        expired: r.expired,
      }
    : undefined;
}

export async function findHold(
  db: AnyDb,
  id: string,
): Promise<{ hold: Omit<LockedHold, 'expired'>; lines: HoldLineRow[] } | undefined> {
  const row = await t(db)
    .selectFrom('inventory.holds')
    .select(['id', 'ref_kind', 'ref_id', 'status', 'expires_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    hold: {
      id: row.id,
      refKind: row.ref_kind,
      refId: row.ref_id,
      status: row.status,
      expiresAt: row.expires_at,
    },
    lines: await holdLines(db, id),
  };
}

export function holdLines(db: AnyDb, holdId: string): Promise<HoldLineRow[]> {
  return t(db)
    .selectFrom('inventory.hold_lines')
    .select(['sku', 'quantity', 'remaining', 'committed'])
    .where('hold_id', '=', holdId)
    .orderBy('sku')
    .execute();
}

/** Whether `orderId` already committed this hold (call with the hold locked). */
export async function commitRecorded(trx: AnyDb, holdId: string, orderId: string): Promise<boolean> {
  const row = await t(trx)
    .selectFrom('inventory.hold_commits')
    .select('hold_id')
    .where('hold_id', '=', holdId)
    .where('order_id', '=', orderId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Lowers the remaining quantity of hold lines (released units; a sale draws down in `sellHeld`). */
export async function drawDown(trx: AnyDb, holdId: string, takes: [string, number][]): Promise<void> {
  if (!takes.length) return;
  const json = JSON.stringify(takes.map(([sku, q]) => ({ sku, q })));
  const { rows } = await sql<{ sku: string }>`
    update inventory.hold_lines h
       set remaining = h.remaining - v.q
      from jsonb_to_recordset(${json}::jsonb) as v(sku text, q integer)
     where h.hold_id = ${holdId} and h.sku = v.sku and h.remaining >= v.q
    returning h.sku`.execute(trx);
  // The caller holds the hold's lock and computed `takes` from its lines: anything else is a bug.
  if (rows.length !== takes.length)
    throw new Error(`hold ${holdId} changed under its lock: ${rows.length}/${takes.length} lines drawn`);
}

/** Grows a hold's lines by `adds` (a SKU it did not hold gets a line); the caller holds its lock. */
export async function growLines(trx: AnyDb, holdId: string, adds: [string, number][]): Promise<void> {
  if (!adds.length) return;
  const json = JSON.stringify(adds.map(([sku, q]) => ({ sku, q })));
  await sql`
    insert into inventory.hold_lines as h (hold_id, sku, quantity, remaining)
    select ${holdId}::uuid, v.sku, v.q, v.q from jsonb_to_recordset(${json}::jsonb) as v(sku text, q integer)
    on conflict (hold_id, sku) do update
       set quantity = h.quantity + excluded.quantity, remaining = h.remaining + excluded.remaining`.execute(
    trx,
  );
}

/**
 * A hold with nothing left is over: `committed` when any unit was sold, else `released`. Holds are
 * given as ids; one statement.
 */
export async function settleHolds(trx: AnyDb, ids: string[]): Promise<void> {
  if (!ids.length) return;
  await sql`
    update inventory.holds h
       set status = case when s.committed > 0 then 'committed' else 'released' end, updated_at = now()
      from (select hold_id, sum(remaining) as remaining, sum(committed) as committed
              from inventory.hold_lines where hold_id in (${sql.join(ids)}) group by hold_id) s
     where h.id = s.hold_id and s.remaining = 0 and h.status = 'held'`.execute(trx);
}

/** Moves a live hold's expiry; undefined when the hold is not live. */
export async function extendHold(trx: AnyDb, id: string, expiresAt: Date | null): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`
    update inventory.holds set expires_at = ${expiresAt}, updated_at = now()
     where id = ${id} and status = 'held' and (expires_at is null or expires_at > now())
    returning id`.execute(trx);
  return rows.length > 0;
}

/** Expired live holds, oldest first, locked; holds another transaction is working on are skipped. */
export async function claimExpired(
  trx: AnyDb,
  limit: number,
): Promise<{ id: string; refKind: RefKind; refId: string }[]> {
  const { rows } = await sql<{ id: string; ref_kind: RefKind; ref_id: string }>`
    select id, ref_kind, ref_id from inventory.holds
     where status = 'held' and expires_at <= now()
     order by expires_at, id
     limit ${limit}
     for update skip locked`.execute(trx);
  return rows.map((r) => ({ id: r.id, refKind: r.ref_kind, refId: r.ref_id }));
}

/** What the given holds still hold, per hold and SKU. */
export async function remainingOf(
  trx: AnyDb,
  holdIds: string[],
): Promise<{ holdId: string; sku: string; remaining: number }[]> {
  if (!holdIds.length) return [];
  const rows = await t(trx)
    .selectFrom('inventory.hold_lines')
    .select(['hold_id', 'sku', 'remaining'])
    .where('hold_id', 'in', holdIds)
    .where('remaining', '>', 0)
    .execute();
  return rows.map((r) => ({ holdId: r.hold_id, sku: r.sku, remaining: r.remaining }));
}

/** Empties the given holds' lines (their units were just given back). */
export async function emptyHolds(trx: AnyDb, holdIds: string[]): Promise<void> {
  if (!holdIds.length) return;
  await t(trx)
    .updateTable('inventory.hold_lines')
    .set({ remaining: 0 })
    .where('hold_id', 'in', holdIds)
    .where('remaining', '>', 0)
    .execute();
}

import { sql, type Kysely } from 'kysely';
import { scoped, type AnyDb } from '../../platform/db.js';
import type { InventoryTables, MovementKind, MovementRow } from './tables.js';

type Db = Kysely<InventoryTables>;
const t = (db: AnyDb): Db => scoped<InventoryTables>(db);

export interface NewMovement {
  sku: string;
  locationId: string | null;
  kind: MovementKind;
  deltaOnHand: number;
  deltaReserved: number;
  reason: string;
  cause?: { kind: string; id: string };
  orderId?: string | null;
  correlationId?: string | null;
}

export const MOVEMENT_COLUMNS = [
  'id',
  'sku',
  'location_id',
  'kind',
  'delta_on_hand',
  'delta_reserved',
  'reason',
  'cause_kind',
  'cause_id',
  'order_id',
  'correlation_id',
  'at',
] as const;

/** A ledger row's columns from a movement. */
function movementRow(m: NewMovement) {
  return {
    sku: m.sku,
    location_id: m.locationId,
    kind: m.kind,
    delta_on_hand: m.deltaOnHand,
    delta_reserved: m.deltaReserved,
    reason: m.reason,
    cause_kind: m.cause?.kind ?? null,
    cause_id: m.cause?.id ?? null,
    order_id: m.orderId ?? null,
    correlation_id: m.correlationId ?? null,
  };
}

/** Appends ledger rows, one statement; returns them. */
export async function insertMovements(trx: AnyDb, movements: NewMovement[]): Promise<MovementRow[]> {
  if (!movements.length) return [];
  return t(trx)
    .insertInto('inventory.movements')
    .values(movements.map(movementRow))
    .returning(MOVEMENT_COLUMNS)
    .execute();
}

/**
 * Ledger rows as one INSERT whose one parameter is a JSON array, to run as a CTE of a larger
 * statement (the reservation's last statement), only when `when` holds; rows keep their order (and
 * so their ids).
 */
export function insertMovementsSql(movements: NewMovement[], when = sql`true`) {
  const json = JSON.stringify(movements.map((m, i) => ({ i, ...movementRow(m) })));
  return sql`
    insert into inventory.movements
      (sku, location_id, kind, delta_on_hand, delta_reserved, reason, cause_kind, cause_id, order_id, correlation_id)
    select sku, location_id, kind, delta_on_hand, delta_reserved, reason, cause_kind, cause_id, order_id, correlation_id
      from jsonb_to_recordset(${json}::jsonb) as m(i integer, sku text, location_id text, kind text,
             delta_on_hand integer, delta_reserved integer, reason text, cause_kind text, cause_id text,
             order_id text, correlation_id text)
     where ${when}
     order by i`;
}

/** A SKU's ledger, newest first, keyset-paginated by id. */
export function movementsOf(
  db: AnyDb,
  sku: string,
  beforeId: number | undefined,
  limit: number,
): Promise<MovementRow[]> {
  let q = t(db).selectFrom('inventory.movements').select(MOVEMENT_COLUMNS).where('sku', '=', sku);
  if (beforeId !== undefined) q = q.where('id', '<', beforeId);
  return q.orderBy('id', 'desc').limit(limit).execute();
}

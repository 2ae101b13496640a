import { sql, type Kysely } from 'kysely';
import { scoped, type AnyDb, type Transaction } from '../../platform/db.js';
import type { AdminTables, FlagChangeRow, FlagRow } from './tables.js';

export interface FlagRecord {
  key: string;
  enabled: boolean;
  description: string;
  /** Grows by one with every change; a cache keeps the highest it has seen. */
  version: number;
  updatedAt: Date;
  updatedBy: string | null;
}

type Db = Kysely<AdminTables>;
type Trx = Transaction<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const t = (db: AnyDb): Db => scoped<AdminTables>(db);

const FLAG_COLUMNS = ['key', 'enabled', 'description', 'version', 'updated_at', 'updated_by'] as const;
const CHANGE_COLUMNS = [
  'id',
  'key',
  'old_enabled',
  'new_enabled',
  'old_description',
  'new_description',
  'actor_id',
  'request_id',
  'changed_at',
] as const;

export const recordOf = (r: FlagRow): FlagRecord => ({
  key: r.key,
  enabled: r.enabled,
  description: r.description,
  version: r.version,
  updatedAt: r.updated_at,
  updatedBy: r.updated_by,
});

/** Every flag (a small table: the whole of it is the cache). */
export async function loadFlags(db: AnyDb): Promise<FlagRecord[]> {
  const rows = await t(db).selectFrom('admin.feature_flags').select(FLAG_COLUMNS).execute();
  return rows.map(recordOf);
}

/** Flags by key after `after`, one more than `limit` (to tell whether a next page exists). */
export async function listFlags(db: AnyDb, opts: { after?: string; limit: number }): Promise<FlagRecord[]> {
  let q = t(db)
    .selectFrom('admin.feature_flags')
    .select(FLAG_COLUMNS)
    .orderBy('key')
    .limit(opts.limit + 1);
  if (opts.after !== undefined) q = q.where('key', '>', opts.after);
  return (await q.execute()).map(recordOf);
}

export async function findFlag(db: AnyDb, key: string): Promise<FlagRecord | undefined> {
  const row = await t(db)
    .selectFrom('admin.feature_flags')
    .select(FLAG_COLUMNS)
    .where('key', '=', key)
    .executeTakeFirst();
  return row && recordOf(row);
}

/** The flag's row, locked until the transaction ends (undefined when there is none yet). */
export async function lockFlag(trx: Trx, key: string): Promise<FlagRecord | undefined> {
  const row = await t(trx)
    .selectFrom('admin.feature_flags')
    .select(FLAG_COLUMNS)
    .where('key', '=', key)
    .forUpdate()
    .executeTakeFirst();
  return row && recordOf(row);
}

/**
 * Creates the flag, or — when another transaction created it meanwhile — returns undefined so the
 * caller can lock and update the existing row instead.
 */
export async function insertFlag(
  trx: Trx,
  f: { key: string; enabled: boolean; description: string; actorId: string | null },
): Promise<FlagRecord | undefined> {
  const row = await t(trx)
    .insertInto('admin.feature_flags')
    .values({ key: f.key, enabled: f.enabled, description: f.description, updated_by: f.actorId })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning(FLAG_COLUMNS)
    .executeTakeFirst();
  return row && recordOf(row);
}

/** Updates a flag whose row the transaction holds locked. */
export async function updateFlag(
  trx: Trx,
  f: { key: string; enabled: boolean; description: string; actorId: string | null },
): Promise<FlagRecord> {
  const row = await t(trx)
    .updateTable('admin.feature_flags')
    .set({
      enabled: f.enabled,
      description: f.description,
      version: sql<number>`version + 1`,
      updated_at: sql<Date>`now()`,
      updated_by: f.actorId,
    })
    .where('key', '=', f.key)
    .returning(FLAG_COLUMNS)
    .executeTakeFirstOrThrow();
  return recordOf(row);
}

export async function insertChange(
  trx: Trx,
  c: {
    key: string;
    before: FlagRecord | undefined;
    after: FlagRecord;
    actorId: string | null;
    requestId: string;
  },
): Promise<FlagChangeRow> {
  return t(trx)
    .insertInto('admin.feature_flag_changes')
    .values({
      key: c.key,
      old_enabled: c.before?.enabled ?? null,
      new_enabled: c.after.enabled,
      old_description: c.before?.description ?? null,
      new_description: c.after.description,
      actor_id: c.actorId,
      request_id: c.requestId,
    })
    .returning(CHANGE_COLUMNS)
    .executeTakeFirstOrThrow();
}

/** Announces a change to every process listening (PostgreSQL delivers it when the transaction commits). */
export async function notifyChange(trx: Trx, channel: string, key: string): Promise<void> {
  await sql`select pg_notify(${channel}, ${key})`.execute(trx);
}

/** A flag's changes, newest first, after the cursor's id. */
export function listChanges(db: AnyDb, key: string, opts: { limit: number; beforeId?: number }) {
  let q = t(db)
    .selectFrom('admin.feature_flag_changes')
    .select(CHANGE_COLUMNS)
    .where('key', '=', key)
    .orderBy('id', 'desc')
    .limit(opts.limit + 1);
  if (opts.beforeId !== undefined) q = q.where('id', '<', opts.beforeId);
  return q.execute();
}

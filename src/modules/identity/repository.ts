import { sql, type Kysely, type Transaction } from 'kysely';
import { uuidv7 } from '../../platform/ids.js';
import { scoped, type AnyDb } from '../../platform/db.js';
import type { Role } from '../../platform/http/auth.js';
import type { AddressRow, IdentityTables, ProfileRow, UserRow } from './tables.js';

type Db = Kysely<IdentityTables>;
const t = (db: AnyDb): Db => scoped<IdentityTables>(db);

const USER_COLUMNS = [
  'id',
  'email',
  'password_hash',
  'name',
  'role',
  'disabled_at',
  'created_at',
  'updated_at',
] as const;
const ADDRESS_COLUMNS = [
  'id',
  'user_id',
  'name',
  'line1',
  'line2',
  'city',
  'region',
  'postal_code',
  'country',
  'phone',
  'is_default',
  'created_at',
  'updated_at',
] as const;

export async function insertUser(
  db: AnyDb,
  user: { email: string; passwordHash: string; name: string; role: Role },
): Promise<UserRow | undefined> {
  return t(db)
    .insertInto('identity.users')
    .values({
      id: uuidv7(),
      email: user.email,
      password_hash: user.passwordHash,
      name: user.name,
      role: user.role,
    })
    .onConflict((oc) => oc.column('email').doNothing())
    .returning(USER_COLUMNS)
    .executeTakeFirst();
}

export function findUserByEmail(db: AnyDb, email: string): Promise<UserRow | undefined> {
  return t(db)
    .selectFrom('identity.users')
    .select(USER_COLUMNS)
    .where('email', '=', email)
    .executeTakeFirst();
}

export function findUserById(db: AnyDb, id: string): Promise<UserRow | undefined> {
  return t(db).selectFrom('identity.users').select(USER_COLUMNS).where('id', '=', id).executeTakeFirst();
}

/** The user, its row locked until the transaction ends (an admin's change reads what it changes). */
export function lockUser(trx: Transaction<unknown>, id: string): Promise<UserRow | undefined> {
  return t(trx as AnyDb)
    .selectFrom('identity.users')
    .select(USER_COLUMNS)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export function updateUser(
  db: AnyDb,
  id: string,
  patch: Partial<{ name: string; password_hash: string; role: Role; disabled_at: Date | null }>,
): Promise<UserRow | undefined> {
  return t(db)
    .updateTable('identity.users')
    .set({ ...patch, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .returning(USER_COLUMNS)
    .executeTakeFirst();
}

export function listUsers(
  db: AnyDb,
  q: { limit: number; afterId?: string; role?: Role; emailPrefix?: string },
): Promise<UserRow[]> {
  let query = t(db)
    .selectFrom('identity.users')
    .select(USER_COLUMNS)
    .orderBy('id', 'desc')
    .limit(q.limit + 1);
  if (q.afterId) query = query.where('id', '<', q.afterId);
  if (q.role) query = query.where('role', '=', q.role);
  if (q.emailPrefix) query = query.where('email', 'like', `${q.emailPrefix.replace(/[\\%_]/g, '\\$&')}%`);
  return query.execute();
}

// Sessions and refresh tokens -----------------------------------------------------------------

export async function insertSession(trx: Transaction<unknown>, userId: string): Promise<string> {
  const id = uuidv7();
  await t(trx as AnyDb)
    .insertInto('identity.sessions')
    .values({ id, user_id: userId })
    .execute();
  return id;
}

export async function insertRefreshToken(
  trx: Transaction<unknown>,
  row: { hash: string; sessionId: string; userId: string; ttlSeconds: number },
): Promise<void> {
  await t(trx as AnyDb)
    .insertInto('identity.refresh_tokens')
    .values({
      token_hash: row.hash,
      session_id: row.sessionId,
      user_id: row.userId,
      expires_at: sql<Date>`now() + make_interval(secs => ${row.ttlSeconds})`,
    })
    .execute();
}

/**
 * Spends a refresh token: one conditional update, so two concurrent refreshes with the same token
 * cannot both succeed. Returns its session when it was live, its session's use state otherwise.
 */
export async function spendRefreshToken(
  trx: Transaction<unknown>,
  hash: string,
): Promise<{ ok: true; sessionId: string; userId: string } | { ok: false; reusedSessionId?: string }> {
  const db = t(trx as AnyDb);
  const spent = await db
    .updateTable('identity.refresh_tokens')
    .set({ used_at: sql<Date>`now()` })
    .where('token_hash', '=', hash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .where('session_id', 'in', (eb) =>
      eb.selectFrom('identity.sessions').select('id').where('revoked_at', 'is', null),
    )
    .returning(['session_id', 'user_id'])
    .executeTakeFirst();
  if (spent) return { ok: true, sessionId: spent.session_id, userId: spent.user_id };
  const known = await db
    .selectFrom('identity.refresh_tokens')
    .select(['session_id', 'used_at'])
    .where('token_hash', '=', hash)
    .executeTakeFirst();
  return known?.used_at ? { ok: false, reusedSessionId: known.session_id } : { ok: false };
}

export async function revokeSession(db: AnyDb, sessionId: string, reason: string): Promise<void> {
  await t(db)
    .updateTable('identity.sessions')
    .set({ revoked_at: sql<Date>`now()`, revoke_reason: reason })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function revokeUserSessions(db: AnyDb, userId: string, reason: string): Promise<void> {
  await t(db)
    .updateTable('identity.sessions')
    .set({ revoked_at: sql<Date>`now()`, revoke_reason: reason })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}

/**
 * Revokes a user's sessions, access tokens included: the live ones (their refresh tokens stop
 * working, `reason` is recorded) and those revoked within the last `horizonSeconds` (a logout or a
 * password change leaves their access tokens running until expiry) are marked `access_revoked_at`.
 * Returns the ids of the sessions marked.
 */
export async function revokeUserAccess(
  trx: Transaction<unknown>,
  userId: string,
  reason: string,
  horizonSeconds: number,
): Promise<string[]> {
  const rows = await t(trx as AnyDb)
    .updateTable('identity.sessions')
    .set({
      access_revoked_at: sql<Date>`now()`,
      revoked_at: sql<Date>`coalesce(revoked_at, now())`,
      revoke_reason: sql<string>`coalesce(revoke_reason, ${reason})`,
    })
    .where('user_id', '=', userId)
    .where((eb) =>
      eb.or([
        eb('revoked_at', 'is', null),
        eb('revoked_at', '>', sql<Date>`now() - make_interval(secs => ${horizonSeconds})`),
      ]),
    )
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Sessions whose access tokens were revoked in the last `withinSeconds` (by the database's clock),
 * with when: a range scan of `sessions_access_revoked_idx`.
 */
export function findAccessRevokedSessions(
  db: AnyDb,
  withinSeconds: number,
): Promise<{ id: string; access_revoked_at: Date | null }[]> {
  return t(db)
    .selectFrom('identity.sessions')
    .select(['id', 'access_revoked_at'])
    .where('access_revoked_at', '>', sql<Date>`now() - make_interval(secs => ${withinSeconds})`)
    .execute();
}

/** Announces (at commit) on `channel` that sessions were revoked. */
export async function notifyRevocation(trx: Transaction<unknown>, channel: string, userId: string) {
  await sql`select pg_notify(${channel}, ${userId})`.execute(trx);
}

/**
 * The user, its row share-locked until the transaction ends: a disable or a role change waits for
 * a sign-in that read the account, and then revokes the session it opened.
 */
export function lockUserForSession(trx: Transaction<unknown>, id: string): Promise<UserRow | undefined> {
  return t(trx as AnyDb)
    .selectFrom('identity.users')
    .select(USER_COLUMNS)
    .where('id', '=', id)
    .forShare()
    .executeTakeFirst();
}

// Failed sign-ins ------------------------------------------------------------------------------

/**
 * The failures counted against `email` and whether their window is still running, with the whole
 * seconds left of it (by the database's clock, which every process shares); undefined when none are
 * recorded. One read by the primary key:
 * `select failures, window_ends_at > now() as live, ceil(extract(epoch from window_ends_at - now()))
 *  from identity.login_failures where email = $1`.
 */
export async function findLoginFailures(
  db: AnyDb,
  email: string,
): Promise<{ failures: number; live: boolean; secondsLeft: number } | undefined> {
  const row = await t(db)
    .selectFrom('identity.login_failures')
    .select([
      'failures',
      sql<boolean>`window_ends_at > now()`.as('live'),
      sql<number>`ceil(extract(epoch from window_ends_at - now()))::int`.as('seconds_left'),
    ])
    .where('email', '=', email)
    .executeTakeFirst();
  return row && { failures: row.failures, live: row.live, secondsLeft: row.seconds_left };
}

/**
 * Counts a failed sign-in of `email` and returns the count of its window: one statement, so
 * concurrent failures each add one (the upsert waits for the row's lock and re-reads it). A window
 * that has ended starts again at one, ending `windowSeconds` from now; a running one keeps its end.
 */
export async function recordLoginFailure(db: AnyDb, email: string, windowSeconds: number): Promise<number> {
  const row = await t(db)
    .insertInto('identity.login_failures')
    .values({
      email,
      failures: 1,
      window_ends_at: sql<Date>`now() + make_interval(secs => ${windowSeconds})`,
    })
    .onConflict((oc) =>
      oc.column('email').doUpdateSet({
        failures: sql<number>`case when login_failures.window_ends_at > now()
          then login_failures.failures + 1 else 1 end`,
        window_ends_at: sql<Date>`case when login_failures.window_ends_at > now()
          then login_failures.window_ends_at else excluded.window_ends_at end`,
      }),
    )
    .returning('failures')
    .executeTakeFirstOrThrow();
  return row.failures;
}

export async function clearLoginFailures(db: AnyDb, email: string): Promise<void> {
  await t(db).deleteFrom('identity.login_failures').where('email', '=', email).execute();
}

/**
 * Deletes up to `limit` rows whose window has ended, the oldest first; returns how many. The keys
 * come from a range scan of `login_failures_window_ends_idx` and the rows by the primary key (an
 * `in (subquery)` is planned as a scan of every ended row, each batch); the condition is checked
 * again on the row, so one a failure has just restarted stays.
 */
export async function deleteEndedLoginFailures(db: AnyDb, limit: number): Promise<number> {
  const ended = t(db)
    .selectFrom('identity.login_failures')
    .select('email')
    .where('window_ends_at', '<=', sql<Date>`now()`)
    .orderBy('window_ends_at')
    .limit(limit);
  const rows = await t(db)
    .deleteFrom('identity.login_failures')
    .where(sql<boolean>`email = any(array(${ended}))`)
    .where('window_ends_at', '<=', sql<Date>`now()`)
    .returning('email')
    .execute();
  return rows.length;
}

// Addresses -----------------------------------------------------------------------------------

export type AddressValues = {
  name: string;
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postal_code: string;
  country: string;
  phone: string | null;
  is_default: boolean;
};

export function listAddresses(
  db: AnyDb,
  userId: string,
  limit: number,
  afterId?: string,
): Promise<AddressRow[]> {
  let q = t(db)
    .selectFrom('identity.addresses')
    .select(ADDRESS_COLUMNS)
    .where('user_id', '=', userId)
    .orderBy('id')
    .limit(limit + 1);
  if (afterId) q = q.where('id', '>', afterId);
  return q.execute();
}

export async function countAddresses(db: AnyDb, userId: string): Promise<number> {
  const row = await t(db)
    .selectFrom('identity.addresses')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function clearDefaultAddress(trx: Transaction<unknown>, userId: string): Promise<void> {
  await t(trx as AnyDb)
    .updateTable('identity.addresses')
    .set({ is_default: false })
    .where('user_id', '=', userId)
    .where('is_default', '=', true)
    .execute();
}

export function insertAddress(
  trx: Transaction<unknown>,
  userId: string,
  values: AddressValues,
): Promise<AddressRow> {
  return t(trx as AnyDb)
    .insertInto('identity.addresses')
    .values({ id: uuidv7(), user_id: userId, ...values })
    .returning(ADDRESS_COLUMNS)
    .executeTakeFirstOrThrow();
}

export function updateAddress(
  trx: Transaction<unknown>,
  userId: string,
  id: string,
  values: Partial<AddressValues>,
): Promise<AddressRow | undefined> {
  return t(trx as AnyDb)
    .updateTable('identity.addresses')
    .set({ ...values, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .returning(ADDRESS_COLUMNS)
    .executeTakeFirst();
}

export async function deleteAddress(db: AnyDb, userId: string, id: string): Promise<boolean> {
  const deleted = await t(db)
    .deleteFrom('identity.addresses')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .returning('id')
    .executeTakeFirst();
  return deleted !== undefined;
}

export async function insertPasswordReset(
  db: AnyDb,
  r: { tokenHash: string; userId: string; expiresAt: Date },
): Promise<void> {
  await t(db)
    .insertInto('identity.password_resets')
    .values({ token_hash: r.tokenHash, user_id: r.userId, expires_at: r.expiresAt, used_at: null })
    .execute();
}

/** Marks a live reset token used and returns its user, or undefined when unknown, used or expired. */
export async function spendPasswordReset(db: AnyDb, tokenHash: string): Promise<string | undefined> {
  const row = await t(db)
    .updateTable('identity.password_resets')
    .set({ used_at: sql<Date>`now()` })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning('user_id')
    .executeTakeFirst();
  return row?.user_id;
}

const PROFILE_COLUMNS = ['id', 'email', 'name', 'role', 'disabled_at', 'created_at', 'updated_at'] as const;

/**
 * Profiles by id in one statement (`select ... from identity.users where id = any($1)`), in the
 * order of `ids`, undefined where none exists; an id may appear more than once.
 */
export async function findProfilesByIds(
  db: AnyDb,
  ids: readonly string[],
): Promise<(ProfileRow | undefined)[]> {
  const rows = await t(db)
    .selectFrom('identity.users')
    .select(PROFILE_COLUMNS)
    .where(sql<boolean>`id = any(${[...new Set(ids)]}::uuid[])`)
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id));
}

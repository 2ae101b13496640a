import { sql, type Kysely } from 'kysely';

/**
 * `access_revoked_at`: when the session's access tokens were revoked too (an admin disabled the
 * account or changed its role), not only its refresh tokens. Every process keeps the sessions so
 * marked within the last access-token lifetime in memory and reloads them every few seconds: a
 * range scan of the partial index, which holds only those sessions. The revocation itself reads a
 * user's sessions, live and recently revoked ones: the index by user (the older one holds only
 * live sessions).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table identity.sessions add column access_revoked_at timestamptz`.execute(db);
  await sql`
    create index sessions_access_revoked_idx on identity.sessions (access_revoked_at)
    where access_revoked_at is not null`.execute(db);
  await sql`create index sessions_by_user_idx on identity.sessions (user_id)`.execute(db);
}

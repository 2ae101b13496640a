import { sql, type Kysely } from 'kysely';

/**
 * Failed sign-ins per account (normalized email; unknown emails too, so the answer tells nothing),
 * counted in a fixed window that starts at the first failure and ends at `window_ends_at`. Kept in
 * the database so every process and every restart sees the same lock. A sign-in reads the row by
 * its key; a failure is one upsert on it. The index serves the sweep that deletes the rows of
 * ended windows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table identity.login_failures (
      email text primary key,
      failures integer not null check (failures > 0),
      window_ends_at timestamptz not null
    )`.execute(db);
  await sql`create index login_failures_window_ends_idx on identity.login_failures (window_ends_at)`.execute(
    db,
  );
}

import { sql, type Kysely } from 'kysely';

/**
 * Idempotency keys of mutating requests (`Idempotency-Key`): the first request with a key inserts
 * its row (in_progress, leased), runs, and stores its answer; later requests with the same key and
 * body get that answer back byte for byte. A row whose lease lapsed (its process died) may be taken
 * over. Pruned by the retention job.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table platform.idempotency_keys (
      scope text not null,
      key text not null,
      request_hash text not null,
      state text not null check (state in ('in_progress', 'done')),
      owner text,
      response_status integer,
      response_body text,
      locked_until timestamptz,
      created_at timestamptz not null default now(),
      finished_at timestamptz,
      primary key (scope, key)
    )`.execute(db);
  await sql`create index idempotency_keys_created_idx on platform.idempotency_keys (created_at)`.execute(db);
}

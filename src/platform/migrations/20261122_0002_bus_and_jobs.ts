import { sql, type Kysely } from 'kysely';

/**
 * Delivery bookkeeping for the event bus and the job table.
 * - A statement-level trigger NOTIFYs relays when events are written; PostgreSQL delivers the
 *   notification at commit (never for a rolled-back transaction) and folds duplicates, so a busy
 *   writer costs one notification per transaction.
 * - `inbox` makes consumers idempotent: the (consumer, event_id) row is written in the handler's
 *   own transaction.
 * - `dead_letters` keeps what exhausted its attempts, for `agora events dlq list|replay`.
 * - `jobs` is the durable work queue claimed with FOR UPDATE SKIP LOCKED.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function platform.notify_outbox() returns trigger language plpgsql as $$
    begin
      perform pg_notify('agora_outbox', '');
      return null;
    end $$`.execute(db);
  await sql`
    create trigger outbox_notify after insert on platform.outbox
    for each statement execute function platform.notify_outbox()`.execute(db);
  await sql`create index outbox_sent_idx on platform.outbox (sent_at) where sent_at is not null`.execute(db);

  await sql`
    create table platform.inbox (
      consumer text not null,
      event_id uuid not null,
      processed_at timestamptz not null default now(),
      primary key (consumer, event_id)
    )`.execute(db);
  await sql`create index inbox_processed_idx on platform.inbox (processed_at)`.execute(db);

  await sql`
    create table platform.dead_letters (
      id bigint generated always as identity primary key,
      consumer text not null,
      event_id uuid,
      event jsonb not null,
      error text not null,
      attempts integer not null,
      created_at timestamptz not null default now(),
      replayed_at timestamptz
    )`.execute(db);
  await sql`create index dead_letters_open_idx on platform.dead_letters (id) where replayed_at is null`.execute(
    db,
  );

  await sql`
    create table platform.jobs (
      id bigint generated always as identity primary key,
      name text not null,
      key text,
      payload jsonb not null default '{}'::jsonb,
      status text not null default 'pending' check (status in ('pending', 'done', 'failed')),
      run_at timestamptz not null default now(),
      attempts integer not null default 0,
      max_attempts integer not null default 10,
      locked_until timestamptz,
      locked_by text,
      last_error text,
      created_at timestamptz not null default now(),
      finished_at timestamptz
    )`.execute(db);
  // Claim order; only pending rows are ever scanned.
  await sql`create index jobs_due_idx on platform.jobs (run_at) where status = 'pending'`.execute(db);
  // `schedule(..., { key })` dedupes against a job of the same name that has not run yet.
  await sql`create unique index jobs_pending_key_idx on platform.jobs (name, key) where status = 'pending'`.execute(
    db,
  );
  await sql`create index jobs_finished_idx on platform.jobs (finished_at) where status <> 'pending'`.execute(
    db,
  );
  await sql`
    create function platform.notify_jobs() returns trigger language plpgsql as $$
    begin
      perform pg_notify('agora_jobs', '');
      return null;
    end $$`.execute(db);
  await sql`
    create trigger jobs_notify after insert on platform.jobs
    for each statement execute function platform.notify_jobs()`.execute(db);
}

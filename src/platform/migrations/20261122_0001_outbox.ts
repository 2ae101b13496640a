import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table platform.outbox (
      id bigint generated always as identity primary key,
      event_id uuid not null unique,
      type text not null,
      source text not null,
      subject text,
      data jsonb not null,
      correlation_id text,
      created_at timestamptz not null default now(),
      sent_at timestamptz
    )`.execute(db);
  await sql`create index outbox_unsent_idx on platform.outbox (id) where sent_at is null`.execute(db);
}

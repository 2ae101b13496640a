import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table catalog.imports (
      id uuid primary key,
      seller_id uuid not null,
      status text not null check (status in ('queued', 'running', 'completed', 'failed')),
      total_rows integer not null default 0,
      created_rows integer not null default 0,
      failed_rows integer not null default 0,
      errors jsonb not null default '[]',
      created_at timestamptz not null default now(),
      finished_at timestamptz
    )`.execute(db);
  await sql`create index imports_seller_idx on catalog.imports (seller_id, created_at desc)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table catalog.imports`.execute(db);
}

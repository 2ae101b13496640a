import { sql, type Kysely } from 'kysely';

/** Imports run from the job table: the upload is kept in the database until its import completes. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table catalog.imports add column actor_role text not null default 'seller'
    check (actor_role in ('seller', 'admin'))`.execute(db);
  await sql`
    create table catalog.import_files (
      import_id uuid primary key references catalog.imports (id) on delete cascade,
      body bytea not null
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table catalog.import_files`.execute(db);
  await sql`alter table catalog.imports drop column actor_role`.execute(db);
}

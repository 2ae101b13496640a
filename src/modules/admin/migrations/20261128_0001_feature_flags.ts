import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Rows are never deleted: a flag that is no longer used is switched to its harmless value.
  await sql`
    create table admin.feature_flags (
      key text primary key,
      enabled boolean not null,
      description text not null default '',
      version integer not null default 1,
      updated_at timestamptz not null default now(),
      updated_by uuid
    )`.execute(db);
  // Every change, who made it and what it was before (old_enabled is null when the change created it).
  await sql`
    create table admin.feature_flag_changes (
      id bigint generated always as identity primary key,
      key text not null,
      old_enabled boolean,
      new_enabled boolean not null,
      old_description text,
      new_description text not null,
      actor_id uuid,
      request_id text,
      changed_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index feature_flag_changes_key_idx on admin.feature_flag_changes (key, id desc)`.execute(
    db,
  );
  await sql`
    insert into admin.feature_flags (key, enabled, description) values
      ('degraded_mode', false, 'On: non-critical work (search indexing, analytics, marketing email) is deferred'),
      ('flash_sales', true, 'Off: every flash sale answers 403 sale_not_active')`.execute(db);
}

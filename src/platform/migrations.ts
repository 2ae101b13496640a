import { DEFAULT_MIGRATION_TABLE, Migrator, sql, type Migration } from 'kysely';
import type { AnyDb } from './db.js';
import type { Logger } from './logger.js';

/** A module's migrations, applied in its own schema and tracked in that schema's migration table. */
export interface SchemaMigrations {
  schema: string;
  migrations: Record<string, Migration>;
}

/**
 * Applies every pending migration, schema by schema in the order given (platform first).
 * Kysely's migrator takes a PostgreSQL advisory lock, so processes starting together do not race.
 */
export async function migrateAll(db: AnyDb, all: SchemaMigrations[], log?: Logger): Promise<void> {
  if (await allApplied(db, all)) return;
  for (const { schema, migrations } of all) {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
    const migrator = new Migrator({
      db,
      provider: { getMigrations: async () => migrations },
      migrationTableSchema: schema,
    });
    const { error, results } = await migrator.migrateToLatest();
    for (const r of results ?? []) {
      if (r.status === 'Success') log?.info({ schema, migration: r.migrationName }, 'migration applied');
      if (r.status === 'Error') log?.error({ schema, migration: r.migrationName }, 'migration failed');
    }
    if (error) throw error instanceof Error ? error : new Error(`migration of ${schema} failed`);
  }
}

/**
 * Whether every schema has applied exactly the migrations given: the usual restart. Two statements
 * decide it, where Kysely's migrator reads the whole catalog (every table and column) several times
 * per schema before it finds nothing to do: over a second of an embedded restart. Anything else
 * (a schema or migration table missing, a migration pending or unknown) goes to the migrator,
 * which applies or reports it under its lock.
 */
async function allApplied(db: AnyDb, all: SchemaMigrations[]): Promise<boolean> {
  if (!all.length) return true;
  const { rows: present } = await sql<{ schema: string }>`
    select n.nspname as schema
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
     where c.relname = ${DEFAULT_MIGRATION_TABLE}
       and n.nspname in (${sql.join(all.map((m) => m.schema))})`.execute(db);
  if (present.length !== all.length) return false;
  const { rows: applied } = await sql<{ schema: string; name: string }>`${sql.join(
    all.map(
      ({ schema }) =>
        sql`select ${schema}::text as schema, name from ${sql.id(schema, DEFAULT_MIGRATION_TABLE)}`,
    ),
    sql` union all `,
  )}`.execute(db);
  const bySchema = new Map<string, Set<string>>();
  for (const { schema, name } of applied) {
    let names = bySchema.get(schema);
    if (!names) bySchema.set(schema, (names = new Set()));
    names.add(name);
  }
  return all.every(({ schema, migrations }) => {
    const names = bySchema.get(schema) ?? new Set<string>();
    const given = Object.keys(migrations);
    return names.size === given.length && given.every((name) => names.has(name));
  });
}

import { Migrator, sql, type Migration } from 'kysely';
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

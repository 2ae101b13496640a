import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, type KyselyPlugin, type Migration } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type AnyDb, type Database } from './db.js';
import { migrateAll, type SchemaMigrations } from './migrations.js';

/** Counts the statements sent through the Kysely instance it is added to. */
function counting(db: AnyDb): { db: AnyDb; count: () => number } {
  let n = 0;
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      n++;
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { db: db.withPlugin(plugin), count: () => n };
}

const table = (schema: string, name: string): Migration => ({
  up: async (db) => {
    await sql`create table ${sql.id(schema, name)} (id int primary key)`.execute(db);
  },
});

describe('migrateAll (embedded)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'agora-migrations-'));
  let database: Database;
  const first: SchemaMigrations[] = [
    { schema: 'mig_a', migrations: { '0001_one': table('mig_a', 'one') } },
    { schema: 'mig_b', migrations: { '0001_two': table('mig_b', 'two') } },
  ];

  beforeAll(async () => {
    database = await openDatabase({ dataDir: dir });
  });
  afterAll(async () => {
    await database?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies every schema’s migrations, then finds a restart up to date in two statements', async () => {
    await migrateAll(database.db, first);
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from pg_catalog.pg_tables
       where (schemaname, tablename) in (('mig_a', 'one'), ('mig_b', 'two'))`.execute(database.db);
    expect(rows[0].n).toBe(2);

    const c = counting(database.db);
    await migrateAll(c.db, first);
    expect(c.count()).toBe(2);
  });

  it('applies a migration added since, through the migrator', async () => {
    const next: SchemaMigrations[] = [
      first[0],
      {
        schema: 'mig_b',
        migrations: { ...first[1].migrations, '0002_three': table('mig_b', 'three') },
      },
    ];
    await migrateAll(database.db, next);
    const { rows } = await sql<{
      name: string;
    }>`select name from mig_b.kysely_migration order by name`.execute(database.db);
    expect(rows.map((r) => r.name)).toEqual(['0001_two', '0002_three']);
  });

  it('refuses a database with a migration this build does not know', async () => {
    await expect(migrateAll(database.db, first)).rejects.toThrow(/0002_three/);
  });

  it('creates a schema that is new', async () => {
    const c = counting(database.db);
    await migrateAll(c.db, [{ schema: 'mig_c', migrations: { '0001_four': table('mig_c', 'four') } }]);
    expect(c.count()).toBeGreaterThan(2);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from mig_c.four`.execute(database.db);
    expect(rows[0].n).toBe(0);
  });
});

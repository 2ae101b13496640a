/**
 * Prepares the databases every test file starts from, once per run:
 * - PostgreSQL: a template database, migrated; each test file clones it (CREATE DATABASE ... TEMPLATE).
 * - PGlite: one migrated in-memory instance dumped to a tarball; each test file loads it.
 * Services that are not reachable are skipped with a message, unless AGORA_REQUIRE_SERVICES=1 (CI).
 */
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { Redis } from 'ioredis';
import amqp from 'amqplib';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely } from 'kysely';
import { pgliteDialect } from '../src/platform/pglite-dialect.js';
import { migrateAll } from '../src/platform/migrations.js';
import { keepRelayedEvents } from './helpers/outbox.js';
import { ALL_MIGRATIONS } from '../src/app.js';
import { adminUrl, TEST_AMQP_URL, TEST_REDIS_URL, withDatabase } from './helpers/services.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgTemplate: string | null;
    redisUrl: string | null;
    amqpUrl: string | null;
    pgliteDump: string;
  }
}

const required = process.env.AGORA_REQUIRE_SERVICES === '1';

function unavailable(what: string, err: unknown): null {
  const message = `${what} is not reachable (${(err as Error).message})`;
  if (required) throw new Error(`${message}; AGORA_REQUIRE_SERVICES=1 requires it`);
  console.warn(`[agora tests] ${message}: its tests are skipped`);
  return null;
}

export default async function setup(project: TestProject) {
  const template = `agora_tpl_${process.pid}`;
  let pgTemplate: string | null = template;
  const admin = new pg.Client({ connectionString: adminUrl(), connectionTimeoutMillis: 3_000 });
  try {
    await admin.connect();
    await admin.query(`drop database if exists ${template}`);
    await admin.query(`create database ${template}`);
    const db = new Kysely<unknown>({
      dialect: new (await import('kysely')).PostgresDialect({
        pool: new pg.Pool({ connectionString: withDatabase(template), max: 1 }),
      }),
    });
    await migrateAll(db, ALL_MIGRATIONS);
    await keepRelayedEvents(db);
    await db.destroy();
  } catch (err) {
    pgTemplate = unavailable('PostgreSQL', err);
  }

  let redisUrl: string | null = TEST_REDIS_URL;
  const redis = new Redis(TEST_REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 2_000,
    maxRetriesPerRequest: 0,
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redisUrl = unavailable('Redis', err);
  } finally {
    redis.disconnect();
  }

  let amqpUrl: string | null = TEST_AMQP_URL;
  try {
    const conn = await amqp.connect(TEST_AMQP_URL, { timeout: 2_000 });
    await conn.close();
  } catch (err) {
    amqpUrl = unavailable('RabbitMQ', err);
  }

  const dir = await mkdtemp(path.join(os.tmpdir(), 'agora-test-'));
  const lite = await PGlite.create({ extensions: { pg_trgm } });
  const liteDb = new Kysely<unknown>({ dialect: pgliteDialect(lite) });
  await migrateAll(liteDb, ALL_MIGRATIONS);
  await keepRelayedEvents(liteDb);
  const dump = await lite.dumpDataDir('none');
  const pgliteDump = path.join(dir, 'pglite.tar');
  await writeFile(pgliteDump, Buffer.from(await dump.arrayBuffer()));
  await liteDb.destroy();

  project.provide('pgTemplate', pgTemplate);
  project.provide('redisUrl', redisUrl);
  project.provide('amqpUrl', amqpUrl);
  project.provide('pgliteDump', pgliteDump);

  return async () => {
    await rm(dir, { recursive: true, force: true });
    if (pgTemplate) {
      await admin.query(`drop database if exists ${template}`).catch(() => undefined);
    }
    await admin.end().catch(() => undefined);
  };
}

import { inject } from 'vitest';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { createAgora, type Agora, type AgoraOverrides } from '../../src/app.js';
import { loadConfig } from '../../src/platform/config.js';
import { scratchDatabase } from './services.js';

export type Mode = 'postgres' | 'pglite';

/** The database modes this run can test: PGlite always, PostgreSQL when it is reachable. */
export function databaseModes(): Mode[] {
  return inject('pgTemplate') ? ['pglite', 'postgres'] : ['pglite'];
}

export interface TestAgora extends Agora {
  mode: Mode;
  databaseUrl?: string;
  request(opts: {
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
    url: string;
    body?: unknown;
    token?: string;
    headers?: Record<string, string>;
  }): Promise<LightMyRequestResponse & { body: string; json<T = any>(): T }>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** The configuration of a test's Agora: `env` over the settings every test process shares. */
function testConfig(env: Record<string, string>) {
  return loadConfig(
    {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      AGORA_DATA_DIR: '/nonexistent-agora-test-dir',
      AGORA_SEED_DEMO: 'false',
      // Load shedding reacts to the event loop stalls of test start-up; its own test turns it on.
      AGORA_MAX_EVENT_LOOP_DELAY_MS: '0',
      // Likewise the automatic degraded mode (it would defer indexing in unrelated tests); its
      // tests feed event-loop samples directly or turn it on.
      AGORA_DEGRADE_EVENT_LOOP_MS: '0',
      ...env,
    },
    { dotenv: false },
  );
}

/**
 * A second Agora process on `first`'s PostgreSQL database (cross-process behaviour); `env`
 * overrides configuration. Its `close` closes it alone; the caller closes it before `first`.
 */
export async function agoraBeside(first: TestAgora, env: Record<string, string> = {}): Promise<TestAgora> {
  if (!first.databaseUrl) throw new Error('a second process needs the first on PostgreSQL');
  const agora = await createAgora(
    testConfig({ DATABASE_POOL_MAX: '3', DATABASE_URL: first.databaseUrl, ...env }),
  );
  return { ...agora, mode: 'postgres', databaseUrl: first.databaseUrl, request: requester(agora) };
}

/**
 * `TestAgora.request`: a request through the app's `inject`, sent at the call (awaited here: an
 * inject not awaited is sent when first awaited, in the awaiting caller's async context).
 */
function requester(agora: Agora): TestAgora['request'] {
  return async ({ method, url, body, token, headers = {} }) =>
    await agora.app.inject({
      method,
      url,
      headers: {
        ...(body !== undefined && typeof body !== 'string' ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
}

/**
 * A whole Agora on a database of its own: a clone of the migrated PostgreSQL template, or a
 * PGlite instance loaded from the migrated dump. `env` overrides configuration.
 */
export async function startAgora(
  mode: Mode,
  env: Record<string, string> = {},
  overrides: AgoraOverrides = {},
): Promise<TestAgora> {
  let databaseUrl: string | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  let loadDataDir: Blob | undefined;
  if (mode === 'postgres') {
    const template = inject('pgTemplate');
    if (!template) throw new Error('PostgreSQL is not available in this run');
    const scratch = await scratchDatabase('agora_t', template);
    databaseUrl = scratch.url;
    dropDatabase = scratch.drop;
  } else {
    loadDataDir = new Blob([await readFile(inject('pgliteDump'))]);
  }
  const config = testConfig({
    DATABASE_POOL_MAX: '5',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...env,
  });
  const agora = await createAgora(config, { ...overrides, loadDataDir });
  return {
    ...agora,
    mode,
    databaseUrl,
    async close() {
      try {
        await agora.close();
      } finally {
        await dropDatabase?.();
      }
    },
    request: requester(agora),
  };
}

/**
 * An embedded Agora (PGlite) on the data directory `dataDir`: closed and started again on the same
 * directory, it is a restarted process. An empty directory is first filled from the migrated dump
 * (in `pg/`, where the runtime keeps PGlite's files), so no start runs initdb.
 */
export async function startEmbeddedAt(dataDir: string, env: Record<string, string> = {}): Promise<TestAgora> {
  const pgDir = path.join(dataDir, 'pg');
  if (!existsSync(pgDir)) {
    const [{ PGlite }, { pg_trgm }] = await Promise.all([
      import('@electric-sql/pglite'),
      import('@electric-sql/pglite/contrib/pg_trgm'),
    ]);
    const seed = await PGlite.create({
      dataDir: pgDir,
      loadDataDir: new Blob([await readFile(inject('pgliteDump'))]),
      extensions: { pg_trgm },
    });
    await seed.close();
  }
  const agora = await createAgora(testConfig({ AGORA_DATA_DIR: dataDir, ...env }));
  return { ...agora, mode: 'pglite', request: requester(agora) };
}

import { inject } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createAgora, type Agora } from '../../src/app.js';
import { loadConfig } from '../../src/platform/config.js';
import { PRODUCT_TYPES } from '../../src/modules/search/test-support.js';
import { applyOrderEvent } from '../../src/modules/recommendations/consumer.js';
import { CONSUMED_TYPES as ORDER_TYPES } from '../../src/modules/recommendations/events.js';
import type { TestAgora } from '../helpers/agora.js';
import { deliverOutbox } from '../helpers/outbox.js';

const root = path.resolve(import.meta.dirname, '../..');
export const webDir = path.join(root, 'web');
export const webDist = path.join(webDir, 'dist');

export const ADMIN = { email: 'root@agora.test', password: 'correct horse battery staple' };

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function isFresh(): boolean {
  const index = path.join(webDist, 'index.html');
  return existsSync(index) && statSync(index).mtimeMs >= newestMtime(path.join(webDir, 'src'));
}

/**
 * Builds the web app when web/dist is missing or older than its sources. Test files run in
 * parallel, so one builds while the others wait on a lock directory.
 */
export async function ensureWebBuild(): Promise<void> {
  if (isFresh()) return;
  const lock = path.join(webDir, '.build-lock');
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a crashed run is stale after two minutes.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 120_000)
        rmSync(lock, { recursive: true });
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (!isFresh()) build();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function build(): void {
  const vite = [path.join(webDir, 'node_modules'), path.join(root, 'node_modules')]
    .map((d) => path.join(d, 'vite', 'bin', 'vite.js'))
    .find((f) => existsSync(f));
  if (!vite) throw new Error('vite is not installed: run npm install');
  execFileSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: webDir,
    stdio: 'inherit',
    // Vitest sets NODE_ENV=test, which would make a development build of React.
    env: { ...process.env, NODE_ENV: 'production' },
  });
}

export interface WebServer {
  agora: Agora;
  url: string;
  /** Calls the API like a client would, throwing on an unexpected status. */
  api<T = any>(method: string, p: string, body?: unknown, token?: string, expect?: number): Promise<T>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /**
   * Delivers the product events written so far to the search index, as the event bus does in a
   * running deployment (tests deliver the outbox by hand, like the search module's own tests).
   */
  syncSearch(): Promise<void>;
  /** Delivers the order events written so far to the recommendations, the same way. */
  syncRecommendations(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A whole Agora on its own embedded database, serving the built web app (`webRoot`, by default
 * `web/dist`, built first when stale) on a random port; `env` overrides configuration.
 */
export async function startWebServer(
  webRoot = webDist,
  env: Record<string, string> = {},
): Promise<WebServer> {
  if (webRoot === webDist) await ensureWebBuild();
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      AGORA_DATA_DIR: '/nonexistent-agora-test-dir',
      AGORA_SEED_DEMO: 'false',
      AGORA_MAX_EVENT_LOOP_DELAY_MS: '0',
      AGORA_ARGON2_MEMORY_KIB: '1024',
      AGORA_ARGON2_TIME_COST: '1',
      AGORA_RATE_LIMIT_AUTH_MAX: '1000',
      AGORA_ADMIN_EMAIL: ADMIN.email,
      AGORA_ADMIN_PASSWORD: ADMIN.password,
      ...env,
    },
    { dotenv: false },
  );
  const loadDataDir = new Blob([await readFile(inject('pgliteDump'))]);
  const agora = await createAgora(config, { loadDataDir, webRoot });
  await agora.app.listen({ port: 0, host: '127.0.0.1' });
  const address = agora.app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  const url = `http://127.0.0.1:${address.port}`;
  let outboxAt = 0;
  let ordersAt = 0;
  return {
    agora,
    url,
    async api(method, p, body, token, expect) {
      const res = await fetch(url + p, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (expect !== undefined ? res.status !== expect : !res.ok)
        throw new Error(`${method} ${p}: ${res.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    },
    async syncSearch() {
      outboxAt = await deliverOutbox(agora as TestAgora, outboxAt, PRODUCT_TYPES, (e, ctx) =>
        agora.search.apply(e, ctx),
      );
    },
    async syncRecommendations() {
      ordersAt = await deliverOutbox(agora as TestAgora, ordersAt, ORDER_TYPES, applyOrderEvent);
    },
    close: () => agora.close(),
  };
}

/** Waits until `check` returns a truthy value (the search index follows the catalog by events). */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  ms = 10_000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

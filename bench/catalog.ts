/**
 * `npm run bench:catalog`: seeds 100,000 products into a PostgreSQL database it creates, starts the
 * app (and a bare Fastify route) in a child process, and measures with autocannon: cached product
 * detail, product listings, mixed searches (cached and uncached), each next to the bare route.
 * Prints req/s and p50/p95/p99 and appends a dated entry to bench/RESULTS.md.
 *
 * Environment: BENCH_PG_URL (admin URL, default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_PRODUCTS (100000), BENCH_SECONDS (10), BENCH_CONNECTIONS (50), BENCH_REDIS_URL (default
 * redis://127.0.0.1:6379/14; "none" for the in-process cache), BENCH_KEEP_DB=1 keeps the database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFile, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import pg from 'pg';
import { Redis } from 'ioredis';
import { migrate } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';
import { createRuntime } from '../src/platform/runtime.js';
import { createSearchModule } from '../src/modules/search/index.js';
import { seedAll } from '../src/cli/seed.js';

const ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 100_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DB_NAME = `agora_bench_${process.pid}`;
const dbUrl = (() => {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${DB_NAME}`;
  return u.toString();
})();

async function admin(statement: string) {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(statement);
  } finally {
    await c.end();
  }
}

async function redisUrl(): Promise<string | undefined> {
  const url = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/14';
  if (url === 'none') return undefined;
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1_000 });
  try {
    await r.connect();
    await r.ping();
    return url;
  } catch {
    return undefined;
  } finally {
    r.disconnect();
  }
}

function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Measured {
  name: string;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  non2xx: number;
}

const pct = (sorted: number[], p: number) =>
  sorted.length
    ? Math.round(10 * sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]) / 10
    : 0;

async function measure(
  name: string,
  port: number,
  paths: () => string,
  seconds = SECONDS,
): Promise<Measured> {
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections: CONNECTIONS,
        duration: seconds,
        requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: paths() }) }],
      },
      (err, res) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(res)),
    );
    instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  });
  latencies.sort((a, b) => a - b);
  const m = {
    name,
    rps: Math.round(result.requests.average),
    p50: pct(latencies, 50),
    p95: pct(latencies, 95),
    p99: pct(latencies, 99),
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
  process.stderr.write(`${name}: ${m.rps} req/s, p50 ${m.p50} ms, p95 ${m.p95} ms, p99 ${m.p99} ms\n`);
  return m;
}

async function startServer(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; agora: number; bare: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'server.ts')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    const m = /^READY (\d+) (\d+)$/.exec(line);
    if (m) return { child, agora: Number(m[1]), bare: Number(m[2]) };
  }
  throw new Error('the server process ended before it was ready');
}

async function main() {
  await admin(`drop database if exists ${DB_NAME}`);
  await admin(`create database ${DB_NAME}`);
  const redis = await redisUrl();
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: dbUrl,
    DATABASE_POOL_MAX: '20',
    AGORA_RATE_LIMIT: 'false',
    AGORA_SEED_DEMO: 'false',
    AGORA_MAX_EVENT_LOOP_DELAY_MS: '0',
    ...(redis ? { REDIS_URL: redis, REDIS_PREFIX: `bench${process.pid}:` } : {}),
  };
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    const rt = await createRuntime(loadConfig(env, { dotenv: false }));
    const seedStarted = performance.now();
    await migrate(rt);
    await seedAll(rt, createSearchModule(rt), { products: PRODUCTS, seed: 1 });
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    await db.query('analyze');
    const ids = (
      await db.query<{ id: string; slug: string }>(
        `select id, slug from catalog.products where status = 'published' order by md5(id::text) limit 2000`,
      )
    ).rows;
    const categories = (await db.query<{ id: string }>('select id from catalog.categories')).rows.map(
      (r) => r.id,
    );
    const brands = (
      await db.query<{ brand: string }>('select distinct brand from catalog.products')
    ).rows.map((r) => r.brand);
    await db.end();
    await rt.close();

    server = await startServer(env);
    const { agora, bare } = server;
    const rand = rng(42);
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
    const hot = ids.slice(0, 500);
    const detail = () => {
      const p = pick(hot);
      return `/v1/products/${rand() < 0.5 ? p.id : p.slug}`;
    };
    const sorts = ['newest', 'price_asc', 'price_desc'];
    const lists = Array.from({ length: 200 }, () => {
      const parts = [`sort=${pick(sorts)}`, `limit=${pick([20, 20, 50])}`];
      if (rand() < 0.6) parts.push(`categoryId=${pick(categories)}`);
      if (rand() < 0.3) parts.push(`brand=${pick(brands)}`);
      if (rand() < 0.3) parts.push('inStock=true');
      if (rand() < 0.2)
        parts.push(`minPrice=${pick([1000, 5000, 10000])}&maxPrice=${pick([50000, 100000, 500000])}`);
      return `/v1/products?${parts.join('&')}`;
    });
    const words = [
      'laptop',
      'wireless headphones',
      'chef knife',
      'tent',
      'yoga mat',
      'coffee maker',
      'jacket',
      'smartphone 256GB',
      'garden hose',
      'lapto',
      'headphnes',
      'leather boots',
      'monitor 27',
      'bike',
      'aurora',
      'zephyr pro',
      'desk oak',
      'sleeping bag winter',
      'watch',
      'sunglasses polarized',
    ];
    const searches = Array.from({ length: 300 }, () => {
      const parts = [`q=${encodeURIComponent(pick(words))}`];
      if (rand() < 0.3) parts.push(`categoryId=${pick(categories)}`);
      if (rand() < 0.2) parts.push(`sort=${pick(['price_asc', 'price_desc', 'newest'])}`);
      if (rand() < 0.2) parts.push('inStock=true');
      if (rand() < 0.1) parts.push('attr.color=black');
      return `/v1/search?${parts.join('&')}`;
    });
    const uncached = () =>
      `/v1/search?q=${encodeURIComponent(pick(words))}&minPrice=${Math.floor(rand() * 100_000)}`;

    // warm: fill the caches and the connection pool
    await measure(
      'warm-up',
      agora,
      () => (rand() < 0.5 ? detail() : rand() < 0.5 ? pick(lists) : pick(searches)),
      5,
    );
    const results: Measured[] = [];
    results.push(await measure('bare route', bare, () => '/bare'));
    // the floor of the app's HTTP edge (request id, helmet, CORS, metrics, error model)
    results.push(await measure('app edge: GET /healthz', agora, () => '/healthz'));
    results.push(await measure('product detail (cached)', agora, detail));
    results.push(await measure('product list (cached)', agora, () => pick(lists)));
    results.push(await measure('search mix (cached)', agora, () => pick(searches)));
    results.push(await measure('search (uncached, unique)', agora, uncached));

    const bareRps = results[0].rps;
    const table = [
      '| scenario | req/s | p50 ms | p95 ms | p99 ms | vs bare | errors/non-2xx |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...results.map(
        (r) =>
          `| ${r.name} | ${r.rps} | ${r.p50} | ${r.p95} | ${r.p99} | ${((100 * r.rps) / bareRps).toFixed(0)}% | ${r.errors}/${r.non2xx} |`,
      ),
    ].join('\n');
    process.stdout.write(`\n${table}\n`);
    const entry = [
      '',
      `## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC — catalog and search (bench/catalog.ts)`,
      '',
      `${PRODUCTS.toLocaleString('en')} products seeded in ${seedSeconds.toFixed(1)} s (catalog + search index), ` +
        `PostgreSQL, cache ${redis ? 'Redis + in-process L1' : 'in-process'}, ${CONNECTIONS} connections, ` +
        `${SECONDS} s per scenario, server and load generator on one ${os.cpus().length}-core machine ` +
        `(load generator in a separate process). Node ${process.version}.`,
      '',
      table,
      '',
    ].join('\n');
    const file = path.join(import.meta.dirname, 'RESULTS.md');
    const header = existsSync(file) ? '' : '# Benchmark results\n\nNewest entries at the bottom.\n';
    if (header || !(await readFile(file, 'utf8')).endsWith('\n')) await appendFile(file, header);
    await appendFile(file, entry);
  } finally {
    if (server) {
      server.child.kill('SIGTERM');
      await new Promise((r) => server!.child.once('exit', r));
    }
    if (process.env.BENCH_KEEP_DB !== '1') await admin(`drop database if exists ${DB_NAME} with (force)`);
  }
}

await main();

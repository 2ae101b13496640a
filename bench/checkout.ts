/**
 * Checkout benchmark (`npm run bench:checkout`): Agora on PostgreSQL in a child process, many
 * buyers and many SKUs, sandbox payments (`tok_visa`). Every buyer has a filled cart; BENCH_CONCURRENCY
 * buyers (50) check out at once until every cart is done. Prints confirmed orders/s and p50/p95/p99
 * of `POST /v1/checkout`, checks the invariants (no oversell, ledger consistent with the levels, no
 * order without a captured payment and no captured payment without a confirmed order), prints the
 * CPU each process used per checkout and Agora's system calls, and runs
 * pgbench TPC-B on the same server in the same run. Appends nothing: copy the printed block into
 * bench/RESULTS.md.
 *
 * Environment: BENCH_PG_URL (admin URL), BENCH_BUYERS (3000), BENCH_WARMUP (200: buyers who check out
 * first, not measured), BENCH_SKUS (200), BENCH_CONCURRENCY (50),
 * BENCH_PGBENCH_SECONDS (15), BENCH_SERVER_NODE_ARGS (extra node flags for the server), BENCH_POOL_MAX
 * (20: the server's DATABASE_POOL_MAX).
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import {
  benchServerNodeArgs,
  buildBundle,
  cpuProbeMs,
  cpuReport,
  cpuSample,
  drainBackground,
  freePort,
  freshDatabase,
  root,
  startProcess,
} from './lib.js';
import { LeanClient } from './http-client.js';
import { verifyInventory } from '../src/modules/inventory/index.js';

const BUYERS = Number(process.env.BENCH_BUYERS ?? 3_000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 200);
const SKUS = Number(process.env.BENCH_SKUS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const PGBENCH_SECONDS = Number(process.env.BENCH_PGBENCH_SECONDS ?? 15);
// a port nobody listens on: a fixed one could be another server's, which would then be measured
const PORT = await freePort();
const ADMIN = { email: 'bench-admin@example.test', password: 'correct horse battery staple' };

buildBundle();

const databaseUrl = await freshDatabase('agora_bench_checkout');
const env = {
  DATABASE_URL: databaseUrl,
  DATABASE_POOL_MAX: process.env.BENCH_POOL_MAX ?? '20',
  PORT: String(PORT),
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  NODE_ENV: 'production',
  AGORA_PAYMENT_SANDBOX: 'true',
  AGORA_SEED_DEMO: 'false',
  AGORA_RATE_LIMIT: 'false',
  AGORA_RATE_LIMIT_AUTH_MAX: '100000000',
  AGORA_MAX_EVENT_LOOP_DELAY_MS: '0',
  AGORA_ARGON2_MEMORY_KIB: '1024',
  AGORA_ARGON2_TIME_COST: '1',
  AGORA_ADMIN_EMAIL: ADMIN.email,
  AGORA_ADMIN_PASSWORD: ADMIN.password,
  AGORA_DATA_DIR: path.join(root, 'data-bench'),
};
const server = await startProcess(
  [...benchServerNodeArgs(), 'bin/agora.js', 'start'],
  env,
  `http://127.0.0.1:${PORT}`,
);
const url = server.url;

async function call<T>(
  method: string,
  p: string,
  body?: unknown,
  token?: string,
  headers: Record<string, string> = {},
) {
  const res = await fetch(url + p, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : null) as T };
}

async function pool<T>(items: T[], n: number, fn: (item: T, i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}

// ---- set-up through the API: categories, sellers, products with stock, buyers with carts
const admin = (await call<{ accessToken: string }>('POST', '/v1/auth/login', ADMIN)).json.accessToken;
const category = (await call<{ id: string }>('POST', '/v1/categories', { name: 'Bench' }, admin)).json.id;
const sellers = await Promise.all(
  Array.from({ length: 10 }, async (_, i) => {
    const r = await call<{ accessToken: string }>('POST', '/v1/auth/register', {
      email: `seller-${i}-${randomUUID()}@example.test`,
      password: ADMIN.password,
      name: `Seller ${i}`,
      role: 'seller',
    });
    return r.json.accessToken;
  }),
);
const skus: string[] = [];
// Stock for about 80 % of the demand, so the run sells out some SKUs and out_of_stock answers happen too.
// (the warm-up's buyers, two lines each on average, are supplied in full)
const perSku = Math.max(1, Math.floor((BUYERS * 2 * 0.8 + WARMUP * 2) / SKUS));
await pool(
  Array.from({ length: SKUS / 4 }, (_, i) => i),
  10,
  async (i) => {
    const mine = Array.from({ length: 4 }, (_, v) => `BENCH-${i}-${v}`);
    const res = await call(
      'POST',
      '/v1/products',
      {
        title: `Bench product ${i}`,
        brand: 'Bench',
        categoryId: category,
        status: 'published',
        variants: mine.map((sku, v) => ({
          sku,
          title: `V${v}`,
          price: { amount: 1_000 + v * 250, currency: 'USD' },
          initialStock: perSku,
        })),
      },
      sellers[i % sellers.length],
    );
    if (res.status !== 201) throw new Error(`product: ${res.status} ${JSON.stringify(res.json)}`);
    skus.push(...mine);
  },
);
const carts: { token: string; cartId: string }[] = [];
await pool(
  Array.from({ length: BUYERS + WARMUP }, (_, i) => i),
  20,
  async (i) => {
    const r = await call<{ accessToken: string }>('POST', '/v1/auth/register', {
      email: `buyer-${i}-${randomUUID()}@example.test`,
      password: ADMIN.password,
      name: `Buyer ${i}`,
    });
    if (r.status !== 201) throw new Error(`register: ${r.status} ${JSON.stringify(r.json)}`);
    const token = r.json.accessToken;
    const cartId = (await call<{ id: string }>('POST', '/v1/carts', undefined, token)).json.id;
    const lines = 1 + (i % 3);
    for (let l = 0; l < lines; l++) {
      const sku = skus[(i * 7 + l * 13) % skus.length];
      await call('POST', `/v1/carts/${cartId}/items`, { sku, quantity: 1 }, token);
    }
    carts.push({ token, cartId });
  },
);
console.log(`set-up: ${SKUS} SKUs × ${perSku} units, ${BUYERS} + ${WARMUP} buyers with carts`);
console.log(`CPU probe: ${cpuProbeMs()} ms (bench/lib.ts cpuProbeMs, lower is faster)`);

// ---- the run
// Database work per checkout, independent of how loaded the machine is: commits and rows written
// on the bench database (cumulative statistics, read before and after the run has settled).
const dbName = new URL(databaseUrl).pathname.slice(1);
/** Runs `fn` with a connection of its own to the bench database. */
async function onBenchDb<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
const dbStats = () =>
  onBenchDb(async (c) => {
    await c.query('select pg_stat_force_next_flush()');
    const { rows } = await c.query<{ commits: string; written: string }>(
      `select xact_commit as commits, tup_inserted + tup_updated + tup_deleted as written
         from pg_stat_database where datname = $1`,
      [dbName],
    );
    // transactions that wrote (each took a transaction id: the next one to be given out, read
    // without taking one) and the WAL's flushes and bytes; both count the whole server, which
    // nothing else uses during the run
    const wal = await c.query<{ next_xid: string; syncs: string; bytes: string }>(
      `select pg_snapshot_xmax(pg_current_snapshot())::text as next_xid, wal_sync as syncs, wal_bytes as bytes
         from pg_stat_wal`,
    );
    const tables = await c.query<{ name: string; written: string }>(
      `select schemaname || '.' || relname as name, n_tup_ins + n_tup_upd + n_tup_del as written
         from pg_stat_user_tables`,
    );
    return {
      commits: Number(rows[0].commits),
      writing: Number(wal.rows[0].next_xid),
      walSyncs: Number(wal.rows[0].syncs),
      walBytes: Number(wal.rows[0].bytes),
      written: Number(rows[0].written),
      byTable: new Map(tables.rows.map((t) => [t.name, Number(t.written)])),
    };
  });
// The checkouts go through the lean client: it shares the two cores with the server, and fetch's
// CPU per request (~0.8 ms a checkout, a tenth of the run's) would be measured as the server's loss.
const lean = new LeanClient(url, CONCURRENCY);
const shipping = { name: 'Bench', line1: '1 Main St', city: 'Town', postalCode: '1000', country: 'US' };
const checkoutOf = ({ token, cartId }: { token: string; cartId: string }) =>
  lean.request(
    'POST',
    '/v1/checkout',
    ['content-type: application/json', `authorization: Bearer ${token}`, `idempotency-key: ${randomUUID()}`],
    JSON.stringify({
      cartId,
      shippingAddress: shipping,
      payment: { provider: 'sandbox', token: 'tok_visa' },
    }),
  );
// A server in service meets checkouts warm: its connections have prepared and planned the
// checkout's statements (PostgreSQL plans each five times per connection before it keeps a plan)
// and V8 has optimized the path. The first buyers check out for that, and are not measured.
const measured = carts.slice(WARMUP);
await pool(carts.slice(0, WARMUP), CONCURRENCY, async (cart) => {
  const res = await checkoutOf(cart);
  if (res.status !== 201 && res.status !== 409)
    throw new Error(`warm-up checkout: ${res.status} ${res.text}`);
});
await onBenchDb((c) => drainBackground((text, values) => c.query(text, values)));
// Planner statistics, as a database in service has them from autovacuum (and as pgbench's own
// initialisation gives its tables): without them PostgreSQL guesses every table nearly empty, and
// the job queue, thousands of rows within seconds here, is read with plans made for a few rows.
await onBenchDb((c) => c.query('analyze'));
// Idle sessions flush their statistics within 10 s: the set-up's must not count as the run's.
await new Promise((r) => setTimeout(r, 11_000));
const statsBefore = await dbStats();
const who = { Agora: server.child.pid!, 'load generator': process.pid };
const cpuBefore = cpuSample(who);
const latencies: number[] = [];
const outcomes = new Map<number, number>();
const started = performance.now();
await pool(measured, CONCURRENCY, async (cart) => {
  const t0 = performance.now();
  const res = await checkoutOf(cart);
  latencies.push(performance.now() - t0);
  outcomes.set(res.status, (outcomes.get(res.status) ?? 0) + 1);
  if (res.status >= 400 && res.status !== 409 && (outcomes.get(res.status) ?? 0) <= 2)
    console.warn(`checkout answered ${res.status}: ${res.text}`);
});
lean.close();
const seconds = (performance.now() - started) / 1000;
// The CPU and the database work counted are the checkouts' whole cost: until the events are relayed
// and every job they caused is done (emails, deliveries, cache drops), not a fixed time after the
// last answer, which counted more or less of that work as the background kept up or fell behind.
const drainSeconds = await onBenchDb((c) => drainBackground((text, values) => c.query(text, values)));
const cpu = cpuReport(
  cpuBefore,
  cpuSample(who),
  measured.length,
  `checkout (the ${drainSeconds.toFixed(1)} s the background took to finish after the run included)`,
);
const confirmed = outcomes.get(201) ?? 0;
latencies.sort((a, b) => a - b);
const pct = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];

// ---- invariants, straight from the database
const db = new Kysely<unknown>({
  dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: databaseUrl, max: 2 }) }),
});
const mismatches = await verifyInventory(db as never);
const client = new pg.Client({ connectionString: databaseUrl });
await client.connect();
const q = async (text: string) => Number((await client.query<{ n: number }>(text)).rows[0].n);
const negative = await q(
  `select count(*)::int as n from inventory.items where on_hand < 0 or reserved < 0 or on_hand < reserved`,
);
const reservedLeft = await q(`select coalesce(sum(reserved), 0)::int as n from inventory.items`);
const unpaid =
  await q(`select count(*)::int as n from orders.orders o join payments.payments p on p.id = o.payment_id
                         where o.status = 'confirmed' and p.status <> 'captured'`);
const orphanCaptures = await q(`select count(*)::int as n from payments.payments p
                                 where p.status = 'captured' and not exists
                                   (select 1 from orders.orders o where o.payment_id = p.id and o.status = 'confirmed')`);
const soldVsLedger = await q(`select count(*)::int as n from (
    select l.sku, sum(l.quantity) as sold from orders.lines l join orders.orders o on o.id = l.order_id
     where o.status = 'confirmed' group by l.sku) s
    join inventory.items i on i.sku = s.sku where i.on_hand <> ${perSku} - s.sold`);
await client.end();
await db.destroy();
await server.stop();
await new Promise((r) => setTimeout(r, 1_000)); // the server's sessions flush their statistics as they end
const statsAfter = await dbStats();
/** "orders.history 4.0, platform.outbox 6.0, …": rows inserted, updated or deleted per checkout, by table. */
const writtenByTable = () =>
  [...statsAfter.byTable]
    .map(([name, n]) => [name, (n - (statsBefore.byTable.get(name) ?? 0)) / measured.length] as const)
    .filter(([, n]) => n >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name} ${n.toFixed(1)}`)
    .join(', ');

// ---- pgbench TPC-B on the same server, same run
const pgUrl = new URL(databaseUrl);
// the same transport as Agora's: a Unix socket directory given as `?host=`, or TCP
const pgArgs = [
  '-h',
  pgUrl.searchParams.get('host') ?? pgUrl.hostname,
  '-p',
  pgUrl.port || '5432',
  '-U',
  pgUrl.username || 'postgres',
];
const benchDb = new URL(await freshDatabase('agora_bench_pgbench')).pathname.slice(1);
execFileSync('pgbench', [...pgArgs, '-i', '-q', '-s', '10', benchDb], { stdio: 'ignore' });
const pgbenchBefore = await dbStats();
const out = execFileSync(
  'pgbench',
  [...pgArgs, '-c', String(CONCURRENCY), '-j', '2', '-T', String(PGBENCH_SECONDS), benchDb],
  {
    encoding: 'utf8',
  },
);
const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1] ?? 0);
const pgbenchAfter = await dbStats();
const pgbenchTransactions = Number(/number of transactions actually processed: (\d+)/.exec(out)?.[1] ?? 0);
const pgbenchFlushes = (pgbenchAfter.walSyncs - pgbenchBefore.walSyncs) / Math.max(1, pgbenchTransactions);

const ordersPerS = confirmed / seconds;
const lines = [
  `checkout: ${measured.length} checkouts by ${CONCURRENCY} concurrent buyers in ${seconds.toFixed(1)} s`,
  `outcomes: ${[...outcomes].map(([s, n]) => `${s}×${n}`).join(', ')}`,
  `confirmed orders/s: ${ordersPerS.toFixed(1)}; latency p50 ${pct(50).toFixed(1)} ms, p95 ${pct(95).toFixed(1)} ms, p99 ${pct(99).toFixed(1)} ms`,
  `pgbench TPC-B (scale 10, ${CONCURRENCY} clients, ${PGBENCH_SECONDS} s): ${tps.toFixed(0)} tps (${pgbenchFlushes.toFixed(2)} WAL flushes per transaction); orders/s = ${((ordersPerS / tps) * 100).toFixed(0)} % of it`,
  `database work per checkout (all ${measured.length}, events and consumers included): ${((statsAfter.commits - statsBefore.commits) / measured.length).toFixed(1)} commits (${((statsAfter.writing - statsBefore.writing) / measured.length).toFixed(1)} of them writing; ${((statsAfter.walSyncs - statsBefore.walSyncs) / measured.length).toFixed(2)} WAL flushes, ${((statsAfter.walBytes - statsBefore.walBytes) / measured.length / 1024).toFixed(1)} KB of WAL), ${((statsAfter.written - statsBefore.written) / measured.length).toFixed(1)} rows written (${writtenByTable()})`,
  cpu,
  `invariants: ledger mismatches ${mismatches.length}, negative levels ${negative}, reserved left ${reservedLeft}, sold ≠ stock ${soldVsLedger}, confirmed unpaid ${unpaid}, captured without order ${orphanCaptures}`,
];
console.log(`\n${lines.join('\n')}`);
const violations = mismatches.length + negative + reservedLeft + soldVsLedger + unpaid + orphanCaptures;
if (violations > 0) {
  console.error('INVARIANT VIOLATIONS');
  process.exitCode = 1;
}

/**
 * `npm run bench:flash -- --buyers 20000 --units 1000 --concurrency 500`: the flash-sale simulator.
 *
 * For each gate (Redis, then in-process): a fresh PostgreSQL database, Agora in a child process as
 * `npm start` runs it (bin/agora.js, the bundle of the current sources),
 * buyers inserted directly (no 20,000 password hashes; their access tokens signed with the
 * server's key), a product and a sale that starts a few seconds later. A warm-up sale of 100
 * units on another SKU, bought by 2,000 other buyers, runs first (a server meets a sale warm, and
 * none of the sale's tokens is known to it). Then every buyer is released at the same instant, `concurrency` at a time: a buyer reserves one unit;
 * waits in the waiting room when told to; some retry after `out_of_stock`; of those who get a
 * unit, some check out (`POST /v1/checkout`, sandbox card) and the rest abandon the hold, which
 * expires (short TTL) and is sold again in the next wave, until every unit is sold or the waves
 * run out. Prints reservation decisions/s, p50/p95/p99, outcome counts, the sold-out answer p99,
 * the CPU each process used per decision (server, simulator, PostgreSQL, Redis) with the server's
 * system calls, and checks the invariants. Next to it, in the same run: a bare Fastify route, a
 * plain checkout, and pgbench on a single-row update. Appends a dated entry to bench/RESULTS.md.
 *
 * Options: --buyers --units --concurrency --limit (1) --ttl seconds (8) --checkout share (0.7)
 * --retry share (0.3) --waves (6) --gates redis,memory --seconds (10, for the fixed-length runs)
 * --results (bench/RESULTS.md: the file the entry is appended to).
 * Environment: BENCH_PG_URL (admin URL), BENCH_REDIS_URL (redis://127.0.0.1:6379/14),
 * BENCH_SERVER_NODE_ARGS (extra node flags for the server, e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`),
 * BENCH_SERVER_LOG (a file for the server's log lines, level warn).
 *
 * autocannon runs in a worker thread (`workers: 1`): the simulator's heap holds every buyer, and its
 * collections took 6–40 ms each on a loaded machine, which autocannon, in the same heap, counted
 * into the latencies of the answers it was waiting for.
 */
import { execFile } from 'node:child_process';
import { appendFile, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { CompiledQuery, sql } from 'kysely';
import pg from 'pg';
import { Redis } from 'ioredis';
import { migrate } from '../src/app.js';
import { loadConfig, type Config } from '../src/platform/config.js';
import { createRuntime } from '../src/platform/runtime.js';
import { createIdentityModule } from '../src/modules/identity/index.js';
import {
  benchServerNodeArgs,
  buildBundle,
  cpuProbeMs,
  cpuReport,
  cpuSample,
  drainBackground,
  dropDatabase,
  freePort,
  freshDatabase,
  root,
  startProcess,
  threadCpuMs,
  threadReport,
} from './lib.js';
import { LeanClient } from './http-client.js';

const { values: args } = parseArgs({
  options: {
    buyers: { type: 'string', default: '20000' },
    units: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '500' },
    limit: { type: 'string', default: '1' },
    ttl: { type: 'string', default: '8' },
    checkout: { type: 'string', default: '0.7' },
    retry: { type: 'string', default: '0.3' },
    waves: { type: 'string', default: '6' },
    gates: { type: 'string', default: 'redis,memory' },
    seconds: { type: 'string', default: '10' },
    // where the dated entry is appended (A/B runs while iterating need not land in RESULTS.md)
    results: { type: 'string', default: 'bench/RESULTS.md' },
  },
});
const BUYERS = Number(args.buyers);
const UNITS = Number(args.units);
const CONCURRENCY = Number(args.concurrency);
const LIMIT = Number(args.limit);
const TTL_S = Number(args.ttl);
const CHECKOUT_SHARE = Number(args.checkout);
const RETRY_SHARE = Number(args.retry);
const WAVES = Number(args.waves);
const SECONDS = Number(args.seconds);
/** The warm-up sale before the measured one: its buyers (not the sale's) and units. */
const WARM_BUYERS = 2_000;
const WARM_UNITS = 100;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/14';
const SHIPPING = {
  name: 'Bench Buyer',
  line1: '1 Main St',
  city: 'Springfield',
  postalCode: '12345',
  country: 'US',
};

// ---------------------------------------------------------------- HTTP client

// The simulator shares the two cores with the server it measures: its requests go through a lean
// keep-alive client whose cost per request is near autocannon's (see http-client.ts).
const clients = new Map<string, LeanClient>();
const clientFor = (base: string) => {
  let c = clients.get(base);
  if (!c) clients.set(base, (c = new LeanClient(base, CONCURRENCY + 50)));
  return c;
};

interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  ms: number;
  retryAfter: number;
}

async function call(
  base: string,
  method: 'GET' | 'POST',
  url: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const headers: string[] = [];
  if (payload) headers.push('content-type: application/json');
  if (opts.token) headers.push(`authorization: Bearer ${opts.token}`);
  for (const [k, v] of Object.entries(opts.headers ?? {})) headers.push(`${k}: ${v}`);
  const started = performance.now();
  const { status, text, retryAfter } = await clientFor(base).request(method, url, headers, payload);
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status, body, ms: performance.now() - started, retryAfter };
}

async function pool<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

const pct = (sorted: number[], p: number) =>
  sorted.length
    ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 10) / 10
    : 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The first problem body per route and code, printed once, so a failing run says why. */
const problems = new Map<string, unknown>();
function noteProblem(what: string, a: Answer): void {
  const key = `${what} ${a.status} ${String(a.body?.code ?? '')}`;
  if (problems.has(key)) return;
  problems.set(key, a.body);
  console.log(`[problem] ${key}: ${JSON.stringify(a.body).slice(0, 600)}`);
}

// ---------------------------------------------------------------- processes

async function redisReachable(): Promise<boolean> {
  const r = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1_000 });
  try {
    await r.connect();
    await r.flushdb();
    return true;
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

// ---------------------------------------------------------------- the simulation

interface Buyer {
  id: string;
  token: string;
  /** Units held and not yet checked out or abandoned. */
  holds: { cartId: string }[];
  done: boolean;
}

interface Tally {
  decisions: number;
  latencies: number[];
  soldOut: number[];
  /** Latencies of the answers that granted a hold (201). */
  granted: number[];
  outcomes: Record<string, number>;
}

async function reserve(base: string, saleId: string, sku: string, buyer: Buyer, t: Tally): Promise<string> {
  let token: string | undefined;
  for (let attempt = 0; attempt < 200; attempt++) {
    const a = await call(base, 'POST', `/v1/flash-sales/${saleId}/reservations`, {
      token: buyer.token,
      body: { sku, quantity: 1, ...(token ? { queueToken: token } : {}) },
    });
    t.latencies.push(a.ms);
    const code =
      a.status === 201 ? 'reserved' : a.status === 202 ? 'queued' : String(a.body?.code ?? a.status);
    t.outcomes[code] = (t.outcomes[code] ?? 0) + 1;
    if (a.status >= 300 && a.status !== 409) noteProblem('reservation', a);
    if (a.status !== 202) t.decisions++;
    if (a.status === 201) {
      t.granted.push(a.ms);
      buyer.holds.push({ cartId: a.body.cartId });
      return 'reserved';
    }
    if (a.status === 202) {
      token = a.body.queueToken;
      // poll until admitted, then reserve with the token
      for (;;) {
        await sleep(Math.max(50, a.body.pollAfter * 1000));
        const s = await call(base, 'GET', `/v1/flash-sales/${saleId}/queue/${encodeURIComponent(token!)}`, {
          token: buyer.token,
        });
        if (s.status !== 200 || s.body.status === 'admitted') break;
      }
      continue;
    }
    if (a.status === 409) t.soldOut.push(a.ms);
    if (a.status === 429 && a.body?.code === 'rate_limited') {
      await sleep(Math.max(1, a.retryAfter) * 1000);
      continue;
    }
    return code;
  }
  return 'gave_up';
}

async function runGate(gate: 'redis' | 'memory'): Promise<string> {
  const dbName = `agora_bench_flash_${process.pid}_${gate}`;
  const dbUrl = await freshDatabase(dbName);
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: dbUrl,
    DATABASE_POOL_MAX: '20',
    AGORA_SEED_DEMO: 'false',
    AGORA_RATE_LIMIT: 'false',
    AGORA_PAYMENT_SANDBOX: 'true',
    AGORA_MAX_EVENT_LOOP_DELAY_MS: '0', // as in the other benches: measure the path, not the shedding
    AGORA_JOBS_POLL_MS: '200',
    AGORA_FLASH_HOLD_TTL_S: String(TTL_S),
    AGORA_FLASH_SWEEP_MS: '500',
    AGORA_FLASH_MAX_INFLIGHT: String(Math.max(CONCURRENCY * 2, 1000)),
    AGORA_FLASH_QUEUE_SECRET: 'bench-secret-bench-secret',
    AGORA_DATA_DIR: path.join(os.tmpdir(), `agora-bench-${process.pid}`),
    ...(gate === 'redis' ? { REDIS_URL, REDIS_PREFIX: `bench${process.pid}:` } : { REDIS_URL: '' }),
  };
  const config: Config = loadConfig(env, { dotenv: false });
  const rt = await createRuntime(config);
  await migrate(rt);
  const identity = await createIdentityModule(rt);
  const db = rt.database.db;

  // users straight into the tables (identity's, and the recipients notifications records from
  // `user.registered`, as a registration leaves them): the bench measures the sale, not argon2, and
  // an order's email must find its address as it would for a registered buyer
  const userRows = [
    { id: randomUUID(), role: 'admin' },
    { id: randomUUID(), role: 'seller' },
    ...Array.from({ length: BUYERS + WARM_BUYERS }, () => ({ id: randomUUID(), role: 'buyer' })),
  ];
  for (let i = 0; i < userRows.length; i += 5_000) {
    const chunk = userRows.slice(i, i + 5_000);
    await sql`insert into identity.users (id, email, password_hash, name, role)
              values ${sql.join(chunk.map((u) => sql`(${u.id}, ${`${u.id}@bench.test`}, '!', 'Bench', ${u.role})`))}`.execute(
      db,
    );
    await sql`insert into notifications.recipients (user_id, email, name, role)
              values ${sql.join(chunk.map((u) => sql`(${u.id}, ${`${u.id}@bench.test`}, 'Bench', ${u.role})`))}`.execute(
      db,
    );
  }
  const sign = (u: { id: string; role: string }) =>
    identity.tokens.sign({ id: u.id, role: u.role as 'buyer' }, randomUUID());
  const adminToken = await sign(userRows[0]);
  const sellerToken = await sign(userRows[1]);
  const everyBuyer: Buyer[] = [];
  const buyerRows = userRows.slice(2);
  for (let i = 0; i < buyerRows.length; i += 1_000) {
    const chunk = buyerRows.slice(i, i + 1_000);
    const tokens = await Promise.all(chunk.map(sign));
    chunk.forEach((u, j) => everyBuyer.push({ id: u.id, token: tokens[j], holds: [], done: false }));
  }
  // the warm-up's buyers are others than the sale's: none of the sale's tokens is known beforehand
  const warmBuyers = everyBuyer.slice(BUYERS);
  const buyers = everyBuyer.slice(0, BUYERS);

  // what `npm start` runs: the bundle, started by bin/agora.js
  const port = await freePort();
  const server = await startProcess(
    [...benchServerNodeArgs(), 'bin/agora.js', 'start'],
    { ...env, PORT: String(port), HOST: '127.0.0.1' },
    `http://127.0.0.1:${port}`,
  );
  const base = server.url;
  const lines: string[] = [];
  try {
    const category = await call(base, 'POST', '/v1/categories', {
      token: adminToken,
      body: { name: `Deals ${gate}` },
    });
    const sku = `FLASH-${gate.toUpperCase()}-${process.pid}`;
    const plain = `PLAIN-${gate.toUpperCase()}-${process.pid}`;
    const warm = `WARM-${gate.toUpperCase()}-${process.pid}`;
    const extra = 200;
    const PLAIN_STOCK = 100_000;
    const product = await call(base, 'POST', '/v1/products', {
      token: sellerToken,
      body: {
        title: 'Hot console',
        brand: 'Bench',
        categoryId: category.body.id,
        status: 'published',
        variants: [
          { sku, title: 'Hot', price: { amount: 49_900, currency: 'USD' }, initialStock: UNITS + extra },
          {
            sku: plain,
            title: 'Plain',
            price: { amount: 1_000, currency: 'USD' },
            initialStock: PLAIN_STOCK,
          },
          {
            sku: warm,
            title: 'Warm-up',
            price: { amount: 1_000, currency: 'USD' },
            initialStock: WARM_UNITS,
          },
        ],
      },
    });
    if (product.status !== 201) throw new Error(`product: ${product.status} ${JSON.stringify(product.body)}`);
    // A server meets a sale warm: a small sale on another SKU, bought by other buyers, runs first
    // (the route, the gate, the batch and the sold-out answer compiled by the JIT; no sale token known).
    const warmSale = await call(base, 'POST', '/v1/admin/flash-sales', {
      token: adminToken,
      body: {
        name: 'Warm-up sale',
        startsAt: new Date(Date.now() + 1_500).toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        items: [
          {
            sku: warm,
            salePrice: { amount: 500, currency: 'USD' },
            quantity: WARM_UNITS,
            perCustomerLimit: 1,
          },
        ],
      },
    });
    if (warmSale.status !== 201)
      throw new Error(`warm-up sale: ${warmSale.status} ${JSON.stringify(warmSale.body)}`);
    const sale = await call(base, 'POST', '/v1/admin/flash-sales', {
      token: adminToken,
      body: {
        name: 'Bench sale',
        startsAt: new Date(Date.now() + 2_000).toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        items: [
          { sku, salePrice: { amount: 19_900, currency: 'USD' }, quantity: UNITS, perCustomerLimit: LIMIT },
        ],
      },
    });
    if (sale.status !== 201) throw new Error(`sale: ${sale.status} ${JSON.stringify(sale.body)}`);
    const saleId: string = sale.body.id;
    for (;;) {
      const s = await call(base, 'GET', `/v1/flash-sales/${saleId}`);
      if (s.body.state === 'active') break;
      await sleep(100);
    }
    await sleep(1_100); // every process has refreshed its memory of the sale
    const warmTally: Tally = { decisions: 0, latencies: [], soldOut: [], granted: [], outcomes: {} };
    await pool(warmBuyers, CONCURRENCY, async (b) => {
      await reserve(base, warmSale.body.id, warm, b, warmTally);
    });
    await sleep(1_000);

    const tally: Tally = { decisions: 0, latencies: [], soldOut: [], granted: [], outcomes: {} };
    const checkoutMs: number[] = [];
    const checkoutOutcomes: Record<string, number> = {};
    let firstWave = { seconds: 0, decisions: 0, cpu: '' };
    const checkout = async (b: Buyer) => {
      for (const h of b.holds.splice(0)) {
        const a = await call(base, 'POST', '/v1/checkout', {
          token: b.token,
          headers: { 'idempotency-key': randomUUID() },
          body: {
            cartId: h.cartId,
            shippingAddress: SHIPPING,
            payment: { provider: 'sandbox', token: 'tok_visa' },
          },
        });
        checkoutMs.push(a.ms);
        const k =
          a.status < 300 ? String(a.body?.order?.status ?? a.status) : String(a.body?.code ?? a.status);
        checkoutOutcomes[k] = (checkoutOutcomes[k] ?? 0) + 1;
        if (a.status >= 300) noteProblem('checkout', a);
      }
    };

    for (let wave = 1; wave <= WAVES; wave++) {
      const state = (await call(base, 'GET', `/v1/flash-sales/${saleId}`)).body;
      const left = state.items[0].remaining as number;
      if (wave > 1 && left === 0) break;
      // wave 1: every buyer at once; later waves: those who did not get a unit try again
      const crowd = buyers.filter((b) => !b.done);
      const started = performance.now();
      // CLOCK_MONOTONIC in µs, the clock of a --cpu-prof profile's timestamps: the wave's window in it
      const startedUs = process.hrtime.bigint() / 1000n;
      const cpuBefore = cpuSample({ server: server.child.pid!, simulator: process.pid });
      const threadsBefore = threadCpuMs(server.child.pid!);
      const before = tally.decisions;
      const winners: Buyer[] = [];
      await pool(crowd, CONCURRENCY, async (b) => {
        let r = await reserve(base, saleId, sku, b, tally);
        if (r === 'out_of_stock' && Math.random() < RETRY_SHARE)
          r = await reserve(base, saleId, sku, b, tally);
        if (r === 'reserved') winners.push(b);
        if (r === 'limit_exceeded') b.done = true;
      });
      const seconds = (performance.now() - started) / 1000;
      const endedUs = process.hrtime.bigint() / 1000n;
      if (wave === 1) {
        const decisions = tally.decisions - before;
        const cpu = cpuReport(
          cpuBefore,
          cpuSample({ server: server.child.pid!, simulator: process.pid }),
          decisions,
          'decision',
        );
        const threads = threadReport(threadsBefore, threadCpuMs(server.child.pid!), decisions);
        firstWave = { seconds, decisions, cpu: `${cpu}; server threads per decision: ${threads}` };
        console.log(`[${gate}] wave 1: ${firstWave.cpu}; monotonic µs ${startedUs}–${endedUs}`);
      }
      // the last wave checks everything out; before it, some abandon their hold (it expires)
      const last = wave === WAVES;
      const buying = winners.filter(() => last || Math.random() < CHECKOUT_SHARE);
      await pool(buying, 50, async (b) => {
        await checkout(b);
        b.done = true;
      });
      for (const b of winners) if (!buying.includes(b)) b.holds = [];
      console.log(
        `[${gate}] wave ${wave}: ${crowd.length} buyers, ${winners.length} holds, ${buying.length} checked out, ${((tally.decisions - before) / seconds) | 0} decisions/s`,
      );
      // abandoned holds expire, then the sweep gives their units back
      if (winners.length > buying.length) await sleep(TTL_S * 1000 + 1_500);
    }

    // The sold-out answer is measured on a server that has finished the orders' background work
    // (events relayed, emails and other jobs done), so the number is the answer's, not the sum of
    // it and whatever the checkouts left running.
    const drainSeconds = await drainBackground((text, values) =>
      db.executeQuery<{ n: number }>(CompiledQuery.raw(text, values)),
    );

    // the answer for a sold-out sale, under load (autocannon, fixed buyer who holds nothing)
    const idle = buyers.find((b) => !b.done && !b.holds.length) ?? buyers[0];
    const soldOutAt = async (connections: number) =>
      autocannon({
        url: `${base}/v1/flash-sales/${saleId}/reservations`,
        method: 'POST',
        connections,
        workers: 1,
        duration: Math.max(3, Math.round(SECONDS / 2)),
        headers: { authorization: `Bearer ${idle.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ sku, quantity: 1 }),
      });
    // the service time (few connections) and the answer under the full crowd
    const soldOutFew = await soldOutAt(10);
    const soldOutCpuBefore = cpuSample({ server: server.child.pid!, 'load generator': process.pid }, []);
    const soldOut = await soldOutAt(CONCURRENCY);
    const soldOutCpu = cpuReport(
      soldOutCpuBefore,
      cpuSample({ server: server.child.pid!, 'load generator': process.pid }, []),
      soldOut.requests.total,
      'answer',
    );
    console.log(
      `[${gate}] sold out, ${CONCURRENCY} connections: ${Math.round(soldOut.requests.average)} req/s; ${soldOutCpu}`,
    );

    // a plain checkout (ordinary stock, no sale) for comparison: add to cart + checkout, 50 at a time
    const plainBuyers = buyers.slice(0, Math.min(500, buyers.length));
    const plainMs: number[] = [];
    const plainStarted = performance.now();
    const plainOutcomes: Record<string, number> = {};
    await pool(plainBuyers, 50, async (b) => {
      const t0 = performance.now();
      const cart = await call(base, 'POST', '/v1/carts', { token: b.token, body: {} });
      await call(base, 'POST', `/v1/carts/${cart.body.id}/items`, {
        token: b.token,
        body: { sku: plain, quantity: 1 },
      });
      const a = await call(base, 'POST', '/v1/checkout', {
        token: b.token,
        headers: { 'idempotency-key': randomUUID() },
        body: {
          cartId: cart.body.id,
          shippingAddress: SHIPPING,
          payment: { provider: 'sandbox', token: 'tok_visa' },
        },
      });
      plainMs.push(performance.now() - t0);
      const k = a.status < 300 ? String(a.body?.order?.status ?? a.status) : String(a.body?.code ?? a.status);
      plainOutcomes[k] = (plainOutcomes[k] ?? 0) + 1;
      if (a.status >= 300) noteProblem('plain checkout', a);
    });
    const plainSeconds = (performance.now() - plainStarted) / 1000;

    // ---------------------------------------------------------------- invariants (straight SQL)
    await sleep(1_000);
    const one = async <T>(q: ReturnType<typeof sql<T>>) => (await q.execute(db)).rows[0];
    const item = await one(sql<{ allocated: number; remaining: number }>`
      select allocated, remaining from flash_sales.items where sale_id = ${saleId}`);
    const holds = await one(sql<{ converted: number; live: number }>`
      select coalesce(sum(quantity) filter (where status = 'converted'), 0)::int as converted,
             coalesce(sum(quantity) filter (where status in ('held', 'claimed')), 0)::int as live
        from flash_sales.holds where sale_id = ${saleId}`);
    const overLimit = await one(sql<{ n: number }>`
      select count(*)::int as n from (select user_id from flash_sales.holds
        where sale_id = ${saleId} and status in ('held', 'claimed', 'converted')
        group by user_id having sum(quantity) > ${LIMIT}) x`);
    const ledger = await one(sql<{ bad: number }>`
      select count(*)::int as bad from inventory.items i
       where i.on_hand <> (select coalesce(sum(delta_on_hand), 0) from inventory.movements m where m.sku = i.sku)
          or i.reserved <> (select coalesce(sum(delta_reserved), 0) from inventory.movements m where m.sku = i.sku)`);
    const levels = async (s: string) =>
      one(sql<{ on_hand: number; reserved: number }>`
        select on_hand, reserved from inventory.items where sku = ${s}`);
    const stock = await levels(sku);
    const plainStock = await levels(plain);
    const orphanOrders = await one(sql<{ n: number }>`
      select count(*)::int as n from orders.orders o
       where o.status in ('confirmed', 'shipped', 'delivered')
         and not exists (select 1 from payments.payments p where p.order_id = o.id and p.status in ('captured', 'authorized'))`);
    const orphanPayments = await one(sql<{ n: number }>`
      select count(*)::int as n from payments.payments p
       where p.status in ('captured', 'authorized')
         and not exists (select 1 from orders.orders o where o.id = p.order_id and o.status in ('confirmed', 'shipped', 'delivered', 'pending'))`);
    const demandExceeded = BUYERS * LIMIT > UNITS;
    const checks = {
      'sold ≤ offered': holds.converted <= item.allocated,
      'every offered unit sold (demand > supply)':
        !demandExceeded || (holds.converted === item.allocated && item.remaining === 0),
      'no buyer over the limit': overLimit.n === 0,
      'ledger = levels': ledger.bad === 0,
      'stock: on hand = start − sold': stock.on_hand === UNITS + extra - holds.converted,
      'plain stock: on hand = start − sold':
        plainStock.on_hand === PLAIN_STOCK - (plainOutcomes.confirmed ?? 0),
      'no order without payment': orphanOrders.n === 0,
      'no payment without order': orphanPayments.n === 0,
    };

    const sorted = [...tally.latencies].sort((a, b) => a - b);
    const so = [...tally.soldOut].sort((a, b) => a - b);
    const gr = [...tally.granted].sort((a, b) => a - b);
    const co = [...checkoutMs].sort((a, b) => a - b);
    const po = [...plainMs].sort((a, b) => a - b);
    const rate = Math.round(firstWave.decisions / firstWave.seconds);
    lines.push(
      `**Gate: ${gate}.** First wave: ${firstWave.decisions} decisions in ${firstWave.seconds.toFixed(2)} s = **${rate} decisions/s** at ${CONCURRENCY} concurrent buyers (${firstWave.cpu}); all waves, reservation answers: p50 ${pct(sorted, 50)} ms, p95 ${pct(sorted, 95)} ms, p99 ${pct(sorted, 99)} ms.`,
      `Outcomes: ${Object.entries(tally.outcomes)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}. Checkouts of held units: ${Object.entries(checkoutOutcomes)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')} (p50 ${pct(co, 50)} ms, p99 ${pct(co, 99)} ms).`,
      `Answers that granted a hold: p50 ${pct(gr, 50)} ms, p99 ${pct(gr, 99)} ms. Sold-out answers during the waves: p50 ${pct(so, 50)} ms, p99 ${pct(so, 99)} ms. A sold-out sale under autocannon (after the orders' background work finished, ${drainSeconds.toFixed(1)} s): 10 connections ${Math.round(soldOutFew.requests.average)} req/s, p50 ${soldOutFew.latency.p50} ms, **p99 ${soldOutFew.latency.p99} ms**; ${CONCURRENCY} connections ${Math.round(soldOut.requests.average)} req/s, p50 ${soldOut.latency.p50} ms, p99 ${soldOut.latency.p99} ms, ${soldOutCpu} (all answers 409: ${soldOut.non2xx + soldOutFew.non2xx} of ${soldOut.requests.total + soldOutFew.requests.total}).`,
      `Plain checkout (cart + item + checkout, 50 at a time): ${(plainBuyers.length / plainSeconds).toFixed(1)} checkouts/s, p50 ${pct(po, 50)} ms, p99 ${pct(po, 99)} ms (${Object.entries(
        plainOutcomes,
      )
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}).`,
      `Sale: ${item.allocated} allocated, ${holds.converted} sold, ${holds.live} still held, ${item.remaining} remaining. Invariants: ${Object.entries(
        checks,
      )
        .map(([k, ok]) => `${k} ${ok ? '✓' : '✗'}`)
        .join('; ')}.`,
    );
    console.log(lines.join('\n'));
    return lines.join('\n\n');
  } finally {
    clients.get(base)?.close();
    clients.delete(base);
    await server.stop();
    await rt.close();
    await dropDatabase(dbName);
  }
}

interface Bare {
  rps: number;
  p99: number;
  cpu: string;
  /** The same server's route shaped like a sold-out decision (bench/bare-server.ts), its CPU line. */
  shaped: { rps: number; cpu: string };
}

/** A token of the size and form of a buyer's access token (RS256): the shaped route only reads it. */
const SHAPED_TOKEN = [
  Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'k-0192f000', typ: 'JWT' })).toString('base64url'),
  Buffer.from(
    JSON.stringify({
      sub: randomUUID(),
      sid: randomUUID(),
      role: 'buyer',
      iss: 'agora',
      aud: 'agora',
      iat: 1_790_000_000,
      exp: 1_790_000_900,
    }),
  ).toString('base64url'),
  Buffer.alloc(256, 7).toString('base64url'),
].join('.');

async function bare(): Promise<Bare> {
  const port = await freePort();
  const bareServer = await startProcess(
    ['--import', 'tsx', 'bench/bare-server.ts'],
    { PORT: String(port) },
    `http://127.0.0.1:${port}`,
    '/',
  );
  try {
    const before = cpuSample({ server: bareServer.child.pid!, 'load generator': process.pid }, []);
    const r = await autocannon({
      url: `${bareServer.url}/`,
      connections: CONCURRENCY,
      workers: 1,
      duration: SECONDS,
    });
    const cpu = cpuReport(
      before,
      cpuSample({ server: bareServer.child.pid!, 'load generator': process.pid }, []),
      r.requests.total,
      'request',
    );
    const shapedBefore = cpuSample({ server: bareServer.child.pid!, 'load generator': process.pid }, []);
    const s = await autocannon({
      url: `${bareServer.url}/sales/${randomUUID()}/reservations`,
      method: 'POST',
      connections: CONCURRENCY,
      workers: 1,
      duration: Math.max(3, Math.round(SECONDS / 2)),
      headers: { authorization: `Bearer ${SHAPED_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sku: 'FLASH-SKU-1', quantity: 1 }),
    });
    if (s.non2xx !== s.requests.total) throw new Error('the shaped route answered something else than 409');
    const shapedCpu = cpuReport(
      shapedBefore,
      cpuSample({ server: bareServer.child.pid!, 'load generator': process.pid }, []),
      s.requests.total,
      'answer',
    );
    return {
      rps: Math.round(r.requests.average),
      p99: r.latency.p99,
      cpu,
      shaped: { rps: Math.round(s.requests.average), cpu: shapedCpu },
    };
  } finally {
    await bareServer.stop();
  }
}

async function pgbench(): Promise<string> {
  const name = `agora_bench_pgbench_${process.pid}`;
  const url = await freshDatabase(name);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`create table hot (id int primary key, remaining int not null); insert into hot values (1, 1000000000);
                 create table reservation (id bigserial primary key, at timestamptz not null default now())`);
  await c.end();
  const script = path.join(os.tmpdir(), `flash-pgbench-${process.pid}.sql`);
  await writeFile(
    script,
    'begin;\nupdate hot set remaining = remaining - 1 where id = 1 and remaining >= 1;\ninsert into reservation default values;\ncommit;\n',
  );
  try {
    const { stdout } = await promisify(execFile)(
      'pgbench',
      ['-n', '-c', '64', '-j', '2', '-T', String(SECONDS), '-f', script, url],
      { timeout: (SECONDS + 60) * 1000 },
    );
    const tps = /tps = ([\d.]+)/.exec(stdout)?.[1];
    const lat = /latency average = ([\d.]+) ms/.exec(stdout)?.[1];
    return `pgbench, one transaction = update the hot row + insert a reservation, 64 clients: ${tps ? Math.round(Number(tps)) : '?'} tps (latency average ${lat ?? '?'} ms).`;
  } catch (err) {
    return `pgbench could not run (${(err as Error).message.split('\n')[0]}).`;
  } finally {
    await rm(script, { force: true });
    await dropDatabase(name);
  }
}

const gates = (args.gates ?? 'redis,memory').split(',') as ('redis' | 'memory')[];
const sections: string[] = [];
buildBundle();
const baseline = await bare();
console.log(`bare Fastify: ${baseline.rps} req/s, p99 ${baseline.p99} ms; ${baseline.cpu}`);
console.log(`bare Fastify, decision-shaped: ${baseline.shaped.rps} req/s; ${baseline.shaped.cpu}`);
for (const g of gates) {
  if (g === 'redis' && !(await redisReachable())) {
    sections.push('**Gate: redis.** Skipped: Redis not reachable.');
    continue;
  }
  sections.push(await runGate(g));
}
const pgb = await pgbench();
console.log(pgb);
const probeMs = cpuProbeMs();
const load = os
  .loadavg()
  .map((l) => l.toFixed(1))
  .join(' / ');
const entry = `
## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC — flash sale (bench/flash-sale.ts)

Command: \`npm run bench:flash -- --buyers ${BUYERS} --units ${UNITS} --concurrency ${CONCURRENCY}\` (limit ${LIMIT}, hold TTL ${TTL_S} s, after a warm-up sale of ${WARM_UNITS} units to ${WARM_BUYERS} other buyers, ${Math.round(CHECKOUT_SHARE * 100)} % of winners check out per wave, ${Math.round(RETRY_SHARE * 100)} % retry after out_of_stock, up to ${WAVES} waves). Agora on PostgreSQL (same machine) in its own process (\`bin/agora.js start\`, the bundle), \`NODE_ENV=production\`, rate limit off; the simulator in another process (young generation 32 MB, as the server's), its autocannon runs in a worker thread (a heap of their own, so the simulator's garbage collections do not enter autocannon's latencies); 2 CPU cores shared by both; Node ${process.version}; CPU probe ${probeMs} ms (\`cpuProbeMs\` in bench/lib.ts, lower is faster); load average at the end ${load}.
Goals: decisions ≥ 40 % of the bare Fastify route, p99 ≤ 100 ms at ${CONCURRENCY} concurrent buyers, sold-out answer p99 ≤ 5 ms, zero invariant violations.

Bare Fastify route (same run, ${CONCURRENCY} connections, ${SECONDS} s): **${baseline.rps} req/s**, p99 ${baseline.p99} ms (40 % = ${Math.round(baseline.rps * 0.4)}/s); ${baseline.cpu}. The same bare server's route shaped like a sold-out decision (POST with a bearer token of a buyer's token's size and a JSON body checked by a schema, a 409 problem+json of the same form, \`bench/bare-server.ts\`): ${baseline.shaped.rps} req/s; ${baseline.shaped.cpu}.

${sections.join('\n\n')}

${pgb}
`;
await appendFile(path.resolve(root, args.results ?? 'bench/RESULTS.md'), entry);
for (const c of clients.values()) c.close();
process.exit(0);

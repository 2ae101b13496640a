/**
 * Statements per checkout (`npm run bench:checkout-statements`): the database round trips one
 * confirmed checkout costs, events and consumers included, counted in the Agora process (every
 * query a pg client sends) and grouped by kind and table. Unlike timings, these counts do not
 * depend on how loaded the machine is: a change to the checkout path shows here exactly.
 *
 * Agora runs in this process on a fresh PostgreSQL database, requests go through `app.inject`
 * (no sockets), BENCH_CHECKOUTS (300) buyers with 1–3 lines each check out, BENCH_CONCURRENCY
 * (50) at a time, with sandbox payments, and the count runs until the outbox, the consumers and
 * the jobs are idle. Batching shows only under concurrency: BENCH_CONCURRENCY=1 is the worst case.
 *
 * Environment: BENCH_PG_URL (admin URL), BENCH_CHECKOUTS (300), BENCH_CONCURRENCY (50), BENCH_TRACE
 * (1: print every counted statement in order; with BENCH_CHECKOUTS=1 the sequence of one checkout).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createAgora } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';
import { freshDatabase } from './lib.js';

const CHECKOUTS = Number(process.env.BENCH_CHECKOUTS ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
// BENCH_TRACE=1: every counted statement in order, with its connection's backend pid, `→` opening a
// round trip, `+` riding the one open
const TRACE = process.env.BENCH_TRACE === '1';
const ADMIN = { email: 'bench-admin@example.test', password: 'correct horse battery staple' };

/** `select`/`insert into x`/`update x`/… with the first table named, or the statement itself. */
function kindOf(text: string): string {
  const t = text.trim().replace(/\s+/g, ' ');
  const verb = t.split(' ')[0].toLowerCase();
  if (['begin', 'commit', 'rollback', 'savepoint', 'release'].includes(verb)) return verb;
  const table = /(?:from|into|update|join) "?([a-z_]+)"?\."?([a-z_]+)"?/i.exec(t);
  const withCte = verb === 'with' ? ' (cte)' : '';
  return `${verb}${withCte} ${table ? `${table[1]}.${table[2]}` : '?'}`;
}

let counting = false;
/** Connections whose queries are not counted (the settle check's own). */
const uncounted = new WeakSet<pg.Client>();
const counts = new Map<string, number>();
/**
 * Round trips: statements sent while their connection had none in flight. A statement sent while
 * an earlier one on the same connection is unanswered rides the same trip (pipelined).
 */
let roundTrips = 0;
const inFlight = new WeakMap<pg.Client, number>();
// eslint-disable-next-line @typescript-eslint/unbound-method -- applied below with the client as `this`
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const first = args[0] as string | { text?: string };
  const text = typeof first === 'string' ? first : (first?.text ?? '');
  if (!counting || uncounted.has(this) || typeof args[args.length - 1] === 'function')
    return query.apply(this, args);
  const k = kindOf(text);
  counts.set(k, (counts.get(k) ?? 0) + 1);
  const pending = inFlight.get(this) ?? 0;
  if (pending === 0) roundTrips++;
  if (TRACE) {
    const backend = (this as unknown as { processID: number }).processID;
    console.log(`${backend} ${pending === 0 ? '→' : '+'} ${text.trim().replace(/\s+/g, ' ').slice(0, 160)}`);
  }
  inFlight.set(this, pending + 1);
  const done = () => inFlight.set(this, (inFlight.get(this) ?? 1) - 1);
  // A `pg.Query` handed over (db.ts sends named statements so) answers through its callback.
  if (first instanceof pg.Query) {
    const q = first as pg.Query & { callback: (...a: unknown[]) => void };
    const callback = q.callback;
    q.callback = (...a: unknown[]) => {
      done();
      callback(...a);
    };
    return query.apply(this, args);
  }
  const answer = query.apply(this, args) as Promise<unknown>;
  answer.then(done, done);
  return answer;
} as typeof pg.Client.prototype.query;

const databaseUrl = await freshDatabase('agora_bench_statements');
const config = loadConfig(
  {
    DATABASE_URL: databaseUrl,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    REDIS_URL: '',
    AGORA_PAYMENT_SANDBOX: 'true',
    AGORA_SEED_DEMO: 'false',
    AGORA_RATE_LIMIT: 'false',
    AGORA_MAX_EVENT_LOOP_DELAY_MS: '0',
    AGORA_RATE_LIMIT_AUTH_MAX: '100000000',
    AGORA_ARGON2_MEMORY_KIB: '1024',
    AGORA_ARGON2_TIME_COST: '1',
    AGORA_ADMIN_EMAIL: ADMIN.email,
    AGORA_ADMIN_PASSWORD: ADMIN.password,
  },
  { dotenv: false },
);
const agora = await createAgora(config, { migrate: true });
await agora.app.ready();
await agora.startBackground();

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read loosely here
async function call<T = any>(method: string, url: string, body?: unknown, token?: string, headers = {}) {
  const res = await agora.app.inject({
    method: method as 'POST',
    url,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    ...(body !== undefined ? { payload: body as object } : {}),
  });
  return { status: res.statusCode, json: (res.body ? JSON.parse(res.body) : null) as T };
}

const admin = (await call('POST', '/v1/auth/login', ADMIN)).json.accessToken as string;
const category = (await call('POST', '/v1/categories', { name: 'Bench' }, admin)).json.id as string;
const seller = (
  await call('POST', '/v1/auth/register', {
    email: `seller-${randomUUID()}@example.test`,
    password: ADMIN.password,
    name: 'Seller',
    role: 'seller',
  })
).json.accessToken as string;
const skus = Array.from({ length: 8 }, (_, v) => `STMT-${v}`);
const product = await call(
  'POST',
  '/v1/products',
  {
    title: 'Bench product',
    brand: 'Bench',
    categoryId: category,
    status: 'published',
    variants: skus.map((sku, v) => ({
      sku,
      title: `V${v}`,
      price: { amount: 1_000 + v * 250, currency: 'USD' },
      initialStock: CHECKOUTS * 3,
    })),
  },
  seller,
);
if (product.status !== 201) throw new Error(`product: ${product.status}`);
const buyers: { token: string; cartId: string; lines: number }[] = [];
for (let i = 0; i < CHECKOUTS; i++) {
  const token = (
    await call('POST', '/v1/auth/register', {
      email: `buyer-${i}-${randomUUID()}@example.test`,
      password: ADMIN.password,
      name: `Buyer ${i}`,
    })
  ).json.accessToken as string;
  const cartId = (await call('POST', '/v1/carts', undefined, token)).json.id as string;
  const lines = 1 + (i % 3);
  for (let l = 0; l < lines; l++)
    await call('POST', `/v1/carts/${cartId}/items`, { sku: skus[(i + l * 3) % 8], quantity: 1 }, token);
  buyers.push({ token, cartId, lines });
}

/** Nothing left for the background: outbox relayed, no job due or running. */
const checker = new pg.Client({ connectionString: databaseUrl });
uncounted.add(checker);
await checker.connect();
async function idle(): Promise<boolean> {
  const r = await checker.query<{ n: number }>(`select
      (select count(*) from platform.outbox where sent_at is null)
    + (select count(*) from platform.jobs where status = 'pending' and run_at <= now()) as n`);
  return Number(r.rows[0].n) === 0;
}
async function settle() {
  for (let quiet = 0; quiet < 3;) {
    await new Promise((r) => setTimeout(r, 300));
    quiet = (await idle()) ? quiet + 1 : 0;
  }
}

await settle();
const since = new Date();
counting = true;
let confirmed = 0;
let next = 0;
async function checkOutNext(): Promise<void> {
  for (let b = buyers[next++]; b; b = buyers[next++]) await checkOut(b);
}
async function checkOut(b: (typeof buyers)[number]): Promise<void> {
  const res = await call(
    'POST',
    '/v1/checkout',
    {
      cartId: b.cartId,
      shippingAddress: { name: 'Bench', line1: '1 Main St', city: 'Town', postalCode: '1000', country: 'US' },
      payment: { provider: 'sandbox', token: 'tok_visa' },
    },
    b.token,
    { 'idempotency-key': randomUUID() },
  );
  if (res.status === 201) confirmed++;
  else console.warn(`checkout answered ${res.status}: ${JSON.stringify(res.json)}`);
}
await Promise.all(Array.from({ length: CONCURRENCY }, checkOutNext));
const inRequests = new Map(counts);
const requestRoundTrips = roundTrips;
await settle();
counting = false;

const lines = buyers.reduce((n, b) => n + b.lines, 0);
const total = [...counts.values()].reduce((a, b) => a + b, 0);
const requestTotal = [...inRequests.values()].reduce((a, b) => a + b, 0);
console.log(
  `${confirmed} of ${CHECKOUTS} checkouts confirmed (${(lines / CHECKOUTS).toFixed(1)} lines each); per checkout: ` +
    `${(total / CHECKOUTS).toFixed(1)} statements, ${(requestTotal / CHECKOUTS).toFixed(1)} of them while the request ran; ` +
    `${(roundTrips / CHECKOUTS).toFixed(1)} round trips, ${(requestRoundTrips / CHECKOUTS).toFixed(1)} while the request ran`,
);
console.log('| statement | per checkout | in the request |\n| --- | ---: | ---: |');
for (const [k, n] of [...counts].sort((a, b) => b[1] - a[1]))
  console.log(
    `| ${k} | ${(n / CHECKOUTS).toFixed(2)} | ${((inRequests.get(k) ?? 0) / CHECKOUTS).toFixed(2)} |`,
  );

const jobs = await checker.query<{ name: string; n: number; attempts: number }>(
  `select name, count(*)::int as n, sum(attempts)::int as attempts from platform.jobs
    where created_at >= $1 group by name order by 2 desc`,
  [since],
);
console.log('\n| job created during the run | per checkout | runs per job |\n| --- | ---: | ---: |');
for (const j of jobs.rows)
  console.log(`| ${j.name} | ${(j.n / CHECKOUTS).toFixed(2)} | ${(j.attempts / j.n).toFixed(2)} |`);
await checker.end();
await agora.close();
await new Promise((r) => setTimeout(r, 200));
const c = new pg.Client({
  connectionString: process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
});
await c.connect();
await c.query('drop database if exists agora_bench_statements with (force)');
await c.end();

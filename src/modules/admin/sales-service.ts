import type { Cache } from '../../platform/cache.js';
import type { Ctx } from '../../platform/context.js';
import type { DegradedMode } from '../../platform/degraded.js';
import { AppError, ValidationError } from '../../platform/errors.js';
import * as repo from './sales-repository.js';
import type { SalesQuery, SalesReport } from './schemas.js';

export interface SalesDeps {
  cache: Cache;
  degraded: DegradedMode;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Buckets one report may have: a month of hours, a year of days. */
const MAX_BUCKETS = { hour: 31 * 24, day: 366 } as const;
const DEFAULT_SPAN = { hour: 24, day: 30 } as const;
/** How long the last answer to a query is kept to be served while the degraded mode is on. */
const LAST_ANSWER_TTL_S = 86_400;

type Interval = 'hour' | 'day';
type Money = { amount: number; currency: string };

/**
 * The dates a report may name: 1970-01-01 to 9999-01-01 (UTC). Beyond them rounding `to` up to
 * a whole bucket can leave the years PostgreSQL and RFC 3339 can write (9999-12-31T23:59Z would
 * round up to the year 10000): such a date is a 400, not a 500.
 */
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(9999, 0, 1);

/** @throws ValidationError naming `/query/from`, `/query/to` or both when outside EARLIEST–LATEST */
function refuseOutOfRange(q: SalesQuery): void {
  const out = (['from', 'to'] as const).filter((f) => {
    const t = q[f] === undefined ? undefined : Date.parse(q[f]);
    return t !== undefined && !(t >= EARLIEST && t <= LATEST);
  });
  if (out.length)
    throw new ValidationError(
      out.map((f) => ({
        path: `/query/${f}`,
        message: 'must be between 1970-01-01T00:00:00Z and 9999-01-01T00:00:00Z',
      })),
      'The date is out of range',
    );
}

const floorTo = (t: number, step: number) => Math.floor(t / step) * step;
const ceilTo = (t: number, step: number) => Math.ceil(t / step) * step;

/**
 * The report's range in whole UTC buckets: `from` rounded down, `to` rounded up.
 * @throws ValidationError for a range that is empty, reversed or longer than the interval allows,
 * or a date outside 1970-01-01 – 9999-01-01
 */
export function normalizeRange(q: SalesQuery, now = Date.now()) {
  const interval: Interval = q.interval;
  const step = interval === 'hour' ? HOUR_MS : DAY_MS;
  refuseOutOfRange(q);
  const to = ceilTo(q.to ? Date.parse(q.to) : now, step);
  const from = floorTo(q.from ? Date.parse(q.from) : to - DEFAULT_SPAN[interval] * step, step);
  if (from >= to)
    throw new ValidationError([{ path: '/query/from', message: 'must be before to' }], 'The range is empty');
  const buckets = (to - from) / step;
  if (buckets > MAX_BUCKETS[interval])
    throw new ValidationError(
      [{ path: '/query/from', message: `the range may span at most ${MAX_BUCKETS[interval]} ${interval}s` }],
      'The range is too long for the interval',
    );
  return { from: new Date(from), to: new Date(to), interval, step, buckets };
}

function moneyList(byCurrency: Map<string, number>): Money[] {
  return [...byCurrency.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([currency, amount]) => ({ amount, currency }));
}

function addTo(m: Map<string, number>, currency: string, amount: number) {
  m.set(currency, (m.get(currency) ?? 0) + amount);
}

/** Computes the report from the rollups: two queries whatever the range. */
async function compute(ctx: Ctx, q: SalesQuery): Promise<SalesReport> {
  const range = normalizeRange(q);
  const top = q.top;
  const [rows, products] = await Promise.all([
    repo.salesBuckets(ctx.db, { ...range, currency: q.currency }),
    repo.topProducts(ctx.db, { ...range, currency: q.currency, top }),
  ]);
  type Acc = { orders: number; units: number; revenue: Map<string, number>; refunded: Map<string, number> };
  const empty = (): Acc => ({ orders: 0, units: 0, revenue: new Map(), refunded: new Map() });
  const buckets = new Map<number, Acc>();
  for (let t = range.from.getTime(); t < range.to.getTime(); t += range.step) buckets.set(t, empty());
  const totals = empty();
  for (const r of rows) {
    const b = buckets.get(r.start.getTime());
    if (!b) continue;
    for (const acc of [b, totals]) {
      acc.orders += r.orders;
      acc.units += r.units;
      addTo(acc.revenue, r.currency, r.revenue);
      if (r.refunded !== 0) addTo(acc.refunded, r.currency, r.refunded);
    }
  }
  const figures = (a: Acc) => ({
    orders: a.orders,
    units: a.units,
    revenue: moneyList(a.revenue),
    refunded: moneyList(a.refunded),
  });

  const byUnits = new Map<
    string,
    { productId: string; title: string; units: number; revenue: Map<string, number> }
  >();
  const byRevenue: SalesReport['topProducts']['byRevenue'] = [];
  for (const p of products) {
    if (p.rankedBy === 'revenue') {
      byRevenue.push({
        productId: p.productId,
        title: p.title,
        units: p.units,
        revenue: [{ amount: p.revenue, currency: p.currency }],
      });
      continue;
    }
    const u = byUnits.get(p.productId) ?? {
      productId: p.productId,
      title: p.title,
      units: 0,
      revenue: new Map<string, number>(),
    };
    u.units += p.units;
    addTo(u.revenue, p.currency, p.revenue);
    byUnits.set(p.productId, u);
  }
  byRevenue.sort(
    (a, b) =>
      (a.revenue[0].currency < b.revenue[0].currency
        ? -1
        : a.revenue[0].currency > b.revenue[0].currency
          ? 1
          : 0) ||
      b.revenue[0].amount - a.revenue[0].amount ||
      (a.productId < b.productId ? -1 : 1),
  );
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    interval: range.interval,
    buckets: [...buckets.entries()].map(([t, acc]) => ({
      start: new Date(t).toISOString(),
      ...figures(acc),
    })),
    totals: figures(totals),
    topProducts: {
      byUnits: [...byUnits.values()]
        .sort((a, b) => b.units - a.units || (a.productId < b.productId ? -1 : 1))
        .map((u) => ({ ...u, revenue: moneyList(u.revenue) })),
      byRevenue,
    },
    generatedAt: new Date().toISOString(),
    stale: false,
  };
}

const cacheKey = (q: SalesQuery) => {
  const r = normalizeRange(q);
  return `admin:sales:${r.interval}:${r.from.toISOString()}:${r.to.toISOString()}:${q.currency ?? '*'}:${q.top}`;
};

/**
 * The sales report of a range. Every answer is kept (shared cache) as the query's last answer;
 * while the degraded mode is on, that last answer is served (`stale: true`) instead of querying.
 * @throws ValidationError for a bad range; AppError `overloaded` when degraded and never computed
 */
export async function salesReport(ctx: Ctx, deps: SalesDeps, q: SalesQuery): Promise<SalesReport> {
  const key = cacheKey(q);
  if (deps.degraded.active()) {
    const last = await deps.cache.get<SalesReport>(key);
    if (last) return { ...last, stale: true };
    throw new AppError('overloaded', 'Sales analytics are paused while the system is degraded; retry later', {
      retryAfter: Math.ceil((deps.degraded.deferUntil().getTime() - Date.now()) / 1000),
    });
  }
  const report = await compute(ctx, q);
  // kept for the degraded mode only: an answer that cannot be kept is still the right answer
  await deps.cache
    .set(key, report, LAST_ANSWER_TTL_S)
    .catch((err: unknown) => ctx.log.warn({ err: (err as Error).message }, 'sales report not cached'));
  return report;
}

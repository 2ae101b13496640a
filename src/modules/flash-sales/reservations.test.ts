import { sql } from 'kysely';
import { Redis } from 'ioredis';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { databaseModes, startAgora, type TestAgora } from '../../../test/helpers/agora.js';
import { AppError } from '../../platform/errors.js';
import { MemoryGate, RedisGate, type AdmissionGate } from './gate.js';
import { releaseHolds } from './holds.js';
import * as repo from './repository.js';
import { itemKey, Reservations } from './reservations.js';
import { SaleBook } from './sale-book.js';
import { seedActiveSale, tableCart, tableInventory } from './test-support.js';
import { WaitingRoom } from './waiting-room.js';

type GateKind = 'memory' | 'redis' | 'redis-down';

/** The gates this run can test: in-process always; Redis (and Redis gone) when Redis is up. */
const gateKinds = (): GateKind[] => (inject('redisUrl') ? ['memory', 'redis', 'redis-down'] : ['memory']);

const cases = databaseModes().flatMap((mode) => gateKinds().map((gate) => [mode, gate] as const));

describe.each(cases)('flash-sale reservations (%s, %s gate)', (mode, gateKind) => {
  let agora: TestAgora;
  let redis: Redis | null = null;
  let cart: Awaited<ReturnType<typeof tableCart>>;
  let inventory: Awaited<ReturnType<typeof tableInventory>>;
  const prefix = `t${randomBytes(4).toString('hex')}:`;

  const makeGate = (): AdmissionGate => {
    if (gateKind === 'memory') return new MemoryGate();
    return new RedisGate(redis!, prefix, agora.rt.log);
  };

  /** One process's hot path over the test's database, as the module builds it. */
  const makePath = async (opts: { maxInflight?: number; holdTtlMs?: number } = {}) => {
    const db = agora.rt.database.db;
    const book = new SaleBook(db);
    const gate = makeGate();
    const room = new WaitingRoom({
      maxInflight: opts.maxInflight ?? 100_000,
      maxQueue: 100_000,
      admitWindowMs: 10_000,
      secret: Buffer.from('test-secret-test-secret'),
    });
    const path = new Reservations({
      db,
      book,
      gate,
      room,
      cart,
      holdTtlMs: opts.holdTtlMs ?? 600_000,
      batch: { maxBatch: 500, windowMs: 0 },
    });
    /** What the module does on start: memory from the database, gate reconciled. */
    const reconcile = async () => {
      await book.refresh();
      for (const sale of book.open())
        for (const sku of sale.items.keys()) {
          const item = (await repo.remainingOf(db, [sale.id])).find((r) => r.sku === sku)!;
          await gate.reconcile(
            itemKey(sale.id, sku),
            item.remaining,
            await repo.customerUnits(db, sale.id, sku),
            true,
          );
        }
    };
    await reconcile();
    return { path, gate, book, room, reconcile };
  };

  const outcome = async (p: Promise<unknown>): Promise<string> => {
    try {
      const r = (await p) as { reserved?: unknown; queued?: unknown };
      return r.reserved ? 'reserved' : 'queued';
    } catch (err) {
      if (err instanceof AppError) return err.code;
      throw err;
    }
  };

  const count = async (q: ReturnType<typeof sql<{ n: number }>>) =>
    Number((await q.execute(agora.rt.database.db)).rows[0].n);

  beforeAll(async () => {
    agora = await startAgora(mode);
    if (gateKind !== 'memory') {
      // "down": a client of a port where nothing listens, so the gate falls back to memory
      const url = gateKind === 'redis' ? inject('redisUrl')! : 'redis://127.0.0.1:1';
      redis = new Redis(url, {
        lazyConnect: gateKind === 'redis-down',
        maxRetriesPerRequest: 0,
        connectTimeout: 500,
      });
    }
    cart = await tableCart(agora.rt.database.db);
    inventory = await tableInventory(agora.rt.database.db);
  });

  afterAll(async () => {
    redis?.disconnect();
    await agora?.close();
  });

  it('2,000 concurrent requests from 500 buyers for 100 units with a limit of 1 make exactly 100 holds', async () => {
    const { saleId, skus } = await seedActiveSale(agora.rt.database.db, { units: 100, limit: 1 });
    const sku = skus[0];
    const { path } = await makePath();
    const buyers = Array.from({ length: 500 }, () => randomUUID());
    // every buyer sends four requests, all in random order
    const requests = Array.from({ length: 2_000 }, (_, i) => buyers[i % 500]).sort(() => Math.random() - 0.5);
    const results = await Promise.all(
      requests.map((userId) => outcome(path.reserve(saleId, userId, { sku, quantity: 1 }))),
    );
    const tally = results.reduce<Record<string, number>>(
      (acc, r) => ({ ...acc, [r]: (acc[r] ?? 0) + 1 }),
      {},
    );
    expect(tally.reserved).toBe(100);
    expect(['limit_exceeded', 'out_of_stock', 'reserved']).toEqual(
      expect.arrayContaining(Object.keys(tally)),
    );
    expect(tally.reserved + (tally.limit_exceeded ?? 0) + (tally.out_of_stock ?? 0)).toBe(2_000);

    const db = agora.rt.database.db;
    expect(
      await count(
        sql`select count(*) as n from flash_sales.holds where sale_id = ${saleId} and status = 'held'`,
      ),
    ).toBe(100);
    expect(
      await count(sql`select count(distinct user_id) as n from flash_sales.holds where sale_id = ${saleId}`),
    ).toBe(100);
    expect(
      await count(
        sql`select coalesce(max(units), 0) as n from flash_sales.customer_units where sale_id = ${saleId}`,
      ),
    ).toBe(1);
    expect(
      await count(sql`select sum(units) as n from flash_sales.customer_units where sale_id = ${saleId}`),
    ).toBe(100);
    expect(await count(sql`select remaining as n from flash_sales.items where sale_id = ${saleId}`)).toBe(0);
    expect(
      await count(sql`select count(*) as n from ${sql.id('public', cart.table)} where sku = ${sku}`),
    ).toBe(100);
    // coalescing: far fewer transactions than requests reached the database
    expect(path.stats.batches).toBeLessThan(path.stats.calls);
    void db;
  });

  it('answers a sold-out item and a buyer past the limit from the gate, without the database', async () => {
    const { saleId, skus } = await seedActiveSale(agora.rt.database.db, { units: 3, limit: 1 });
    const sku = skus[0];
    const { path } = await makePath();
    const first = randomUUID();
    expect(await outcome(path.reserve(saleId, first, { sku, quantity: 1 }))).toBe('reserved');
    const calls = path.stats.calls;
    expect(await outcome(path.reserve(saleId, first, { sku, quantity: 1 }))).toBe('limit_exceeded');
    expect(path.stats.calls).toBe(calls);
    await Promise.all([randomUUID(), randomUUID()].map((u) => path.reserve(saleId, u, { sku, quantity: 1 })));
    const after = path.stats.calls;
    const late = await Promise.all(
      Array.from({ length: 50 }, () => outcome(path.reserve(saleId, randomUUID(), { sku, quantity: 1 }))),
    );
    expect(new Set(late)).toEqual(new Set(['out_of_stock']));
    expect(path.stats.calls).toBe(after);
  });

  it('a new process on the same database keeps every hold and sells no unit twice', async () => {
    const { saleId, skus } = await seedActiveSale(agora.rt.database.db, { units: 20, limit: 2 });
    const sku = skus[0];
    const buyers = Array.from({ length: 30 }, () => randomUUID());
    const before = await makePath();
    await Promise.all(
      buyers.slice(0, 10).map((u) => outcome(before.path.reserve(saleId, u, { sku, quantity: 1 }))),
    );
    // "restart": a fresh book and gate (shared Redis keeps its keys; memory starts empty) reconciled from the database
    if (redis && gateKind === 'redis') await redis.del(`${prefix}flash:{${itemKey(saleId, sku)}}:r`);
    const after = await makePath();
    const results = await Promise.all(
      [...buyers, ...buyers].map((u) => outcome(after.path.reserve(saleId, u, { sku, quantity: 1 }))),
    );
    expect(results.filter((r) => r === 'reserved')).toHaveLength(10);
    expect(await count(sql`select sum(quantity) as n from flash_sales.holds where sale_id = ${saleId}`)).toBe(
      20,
    );
    expect(
      await count(
        sql`select coalesce(max(units), 0) as n from flash_sales.customer_units where sale_id = ${saleId}`,
      ),
    ).toBeLessThanOrEqual(2);
  });

  it('expired holds are released, their units sold again, and the buyers may buy again', async () => {
    const db = agora.rt.database.db;
    const { saleId, skus } = await seedActiveSale(db, { units: 5, limit: 1 });
    const sku = skus[0];
    const { path } = await makePath();
    const first = Array.from({ length: 5 }, () => randomUUID());
    for (const u of first)
      expect(await outcome(path.reserve(saleId, u, { sku, quantity: 1 }))).toBe('reserved');
    expect(await outcome(path.reserve(saleId, randomUUID(), { sku, quantity: 1 }))).toBe('out_of_stock');

    await sql`update flash_sales.holds set expires_at = now() - interval '1 second' where sale_id = ${saleId} and user_id = ${first[0]}`.execute(
      db,
    );
    const released = await db
      .transaction()
      .execute((trx) => releaseHolds(trx, { inventory }, { expired: true, limit: 100 }, 'expired'));
    expect(released.map((h) => h.userId)).toContain(first[0]);
    // what the module does after a sweep: the gate learns the new counts
    const gate = (path as unknown as { deps: { gate: AdmissionGate } }).deps.gate;
    await gate.reconcile(itemKey(saleId, sku), 1, new Map([[first[0], 0]]));

    const next = randomUUID();
    expect(await outcome(path.reserve(saleId, next, { sku, quantity: 1 }))).toBe('reserved');
    expect(await outcome(path.reserve(saleId, first[0], { sku, quantity: 1 }))).toBe('out_of_stock');
    expect(
      await count(
        sql`select count(*) as n from flash_sales.holds where sale_id = ${saleId} and status = 'held'`,
      ),
    ).toBe(5);
    expect(
      await count(
        sql`select units as n from flash_sales.customer_units where sale_id = ${saleId} and user_id = ${first[0]}`,
      ),
    ).toBe(0);
    expect(
      await count(
        sql`select count(*) as n from platform.jobs where name = 'flash_sales.remove_cart_lines' and payload::text like ${'%' + released[0].id + '%'}`,
      ),
    ).toBe(1);
  });

  it('answers a sold-out item from memory, each refusal naming its item and the quantity asked', async () => {
    const tag = randomBytes(4).toString('hex');
    const { saleId, skus } = await seedActiveSale(agora.rt.database.db, {
      units: 2,
      limit: 2,
      skus: [`FLASH-A-${tag}`, `FLASH-B-${tag}`],
    });
    const { path } = await makePath();
    expect(await outcome(path.reserve(saleId, randomUUID(), { sku: skus[0], quantity: 2 }))).toBe('reserved');
    const lines = (refusal: AppError | undefined) => refusal?.details.lines;
    for (let i = 0; i < 2; i++) {
      expect(path.refusal(saleId, { sku: skus[0], quantity: 1 })?.code).toBe('out_of_stock');
      expect(lines(path.refusal(saleId, { sku: skus[0], quantity: 1 }))).toEqual([
        { sku: skus[0], requested: 1, available: 0 },
      ]);
      expect(lines(path.refusal(saleId, { sku: skus[0], quantity: 2 }))).toEqual([
        { sku: skus[0], requested: 2, available: 0 },
      ]);
    }
    // the other item still has its units: memory does not decide it
    expect(path.refusal(saleId, { sku: skus[1], quantity: 1 })).toBeUndefined();
    expect(path.refusal(saleId, { sku: skus[1], quantity: 3 })?.code).toBe('limit_exceeded');
  });

  it('a sale not yet started or already ended answers sale_not_active', async () => {
    const db = agora.rt.database.db;
    const { saleId, skus } = await seedActiveSale(db, { units: 5, limit: 1 });
    await sql`update flash_sales.sales set state = 'scheduled', starts_at = now() + interval '1 hour', ends_at = now() + interval '2 hours' where id = ${saleId}`.execute(
      db,
    );
    const { path } = await makePath();
    expect(await outcome(path.reserve(saleId, randomUUID(), { sku: skus[0], quantity: 1 }))).toBe(
      'sale_not_active',
    );
    await sql`update flash_sales.sales set state = 'ended', starts_at = now() - interval '2 hours', ends_at = now() - interval '1 hour' where id = ${saleId}`.execute(
      db,
    );
    const later = await makePath();
    expect(await outcome(later.path.reserve(saleId, randomUUID(), { sku: skus[0], quantity: 1 }))).toBe(
      'sale_not_active',
    );
  });

  it('more buyers than the path takes wait in line and are admitted in arrival order', async () => {
    const { saleId, skus } = await seedActiveSale(agora.rt.database.db, { units: 50, limit: 1 });
    const sku = skus[0];
    const { path, room } = await makePath({ maxInflight: 5 });
    const buyers = Array.from({ length: 40 }, () => randomUUID());
    const first = await Promise.all(
      buyers.map((u) => path.reserve(saleId, u, { sku, quantity: 1 }).catch((e: unknown) => e)),
    );
    const queued = first.flatMap((r, i) =>
      r && typeof r === 'object' && 'queued' in r
        ? [{ user: buyers[i], token: (r as { queued: { queueToken: string; position: number } }).queued }]
        : [],
    );
    expect(queued.length).toBeGreaterThan(0);
    expect(queued.map((q) => q.token.position)).toEqual(queued.map((_, i) => i + 1));
    // the first in line is admitted first; with the token, the buyer gets the unit
    const head = queued[0];
    expect(room.status(saleId, head.user, head.token.queueToken).admitted).toBe(true);
    const got = await path.reserve(saleId, head.user, {
      sku,
      quantity: 1,
      queueToken: head.token.queueToken,
    });
    expect('reserved' in got).toBe(true);
    // a token cannot be used by another buyer
    await expect(
      path.reserve(saleId, randomUUID(), { sku, quantity: 1, queueToken: queued.at(-1)!.token.queueToken }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
  });
});

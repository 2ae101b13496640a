import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import { databaseModes, startAgora, type TestAgora } from '../../../test/helpers/agora.js';
import { waitFor } from '../../../test/helpers/events.js';
import { JobRunner, PostponeJob, scheduleJob } from './runner.js';
import { pruneOld } from './retention.js';

describe.each(databaseModes())('job runner (%s)', (mode) => {
  let agora: TestAgora;
  const runners: JobRunner[] = [];
  beforeAll(async () => {
    agora = await startAgora(mode);
  });
  afterAll(async () => {
    await Promise.all(runners.map((r) => r.stop()));
    await agora.close();
  });

  const db = () => agora.rt.database.db;
  function runner(concurrency = 4) {
    const r = new JobRunner(agora.rt.database, agora.rt.log, new Registry(), { pollMs: 5_000, concurrency });
    runners.push(r);
    return r;
  }
  async function statusOf(name: string) {
    const { rows } = await sql<{ status: string; attempts: number; last_error: string | null }>`
      select status, attempts, last_error from platform.jobs where name = ${name} order by id`.execute(db());
    return rows;
  }

  it('runs each job once when several workers share the table', async () => {
    const seen: number[] = [];
    const a = runner(3);
    const b = runner(3);
    for (const r of [a, b])
      r.register<{ n: number }>('test.share', async ({ n }) => {
        await new Promise((res) => setTimeout(res, 2));
        seen.push(n);
      });
    for (let n = 0; n < 40; n++) await scheduleJob(db(), 'test.share', { n });
    await Promise.all([a.start(), b.start()]);
    await waitFor(async () => seen.length >= 40, 10_000, 'all jobs');
    await new Promise((res) => setTimeout(res, 200));
    expect(seen.sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect((await statusOf('test.share')).every((j) => j.status === 'done')).toBe(true);
  });

  it('a postponed job keeps its row, key and attempts, and runs when it comes due', async () => {
    const r = runner();
    let wait = true;
    let runs = 0;
    r.register('test.postpone', async () => {
      if (wait) throw new PostponeJob(new Date(Date.now() + 60_000));
      runs++;
    });
    await scheduleJob(db(), 'test.postpone', {}, new Date(), { key: 'p1', maxAttempts: 1 });
    expect(await r.runDue()).toBe(1);
    expect(await r.runDue()).toBe(0);
    expect(await statusOf('test.postpone')).toEqual([{ status: 'pending', attempts: 0, last_error: null }]);
    // still pending under its key: scheduling it again is a no-op
    expect(await scheduleJob(db(), 'test.postpone', {}, new Date(), { key: 'p1' })).toBe(false);
    wait = false;
    await sql`update platform.jobs set run_at = now() where name = 'test.postpone'`.execute(db());
    expect(await r.runDue()).toBe(1);
    expect(runs).toBe(1);
    expect(await statusOf('test.postpone')).toMatchObject([{ status: 'done', attempts: 1 }]);
  });

  it('dedupes a pending job by key, and accepts the key again once it ran', async () => {
    const r = runner();
    let runs = 0;
    r.register('test.dedupe', async () => {
      runs++;
    });
    const later = new Date(Date.now() + 60_000);
    expect(await scheduleJob(db(), 'test.dedupe', {}, later, { key: 'k1' })).toBe(true);
    expect(await scheduleJob(db(), 'test.dedupe', {}, later, { key: 'k1' })).toBe(false);
    expect(await scheduleJob(db(), 'test.dedupe', {}, later, { key: 'k2' })).toBe(true);
    await sql`update platform.jobs set run_at = now() where name = 'test.dedupe'`.execute(db());
    expect(await r.runDue()).toBe(2);
    expect(runs).toBe(2);
    expect(await scheduleJob(db(), 'test.dedupe', {}, later, { key: 'k1' })).toBe(true);
  });

  it('schedules several jobs in one statement, deduped by key as one at a time would be', async () => {
    const r = runner();
    const seen: unknown[] = [];
    r.register('test.many', async (payload) => {
      seen.push(payload);
    });
    const later = new Date(Date.now() + 60_000);
    expect(await scheduleJob(db(), 'test.many', { n: 0 }, later, { key: 'm0' })).toBe(true);
    const created = await r.scheduleMany(db(), [
      { name: 'test.many', payload: { n: 1 }, key: 'm0', runAt: later }, // pending already
      { name: 'test.many', payload: { n: 2 }, key: 'm2', runAt: later, maxAttempts: 3 },
      { name: 'test.many', payload: { n: 3 }, key: 'm2', runAt: later }, // repeats the one before
      { name: 'test.many', payload: { n: 4 }, runAt: later },
      { name: 'test.many', payload: { n: 5, quote: `it's "quoted" {braced}, \\ back` } },
    ]);
    expect(created).toBe(3);
    expect(await r.scheduleMany(db(), [])).toBe(0);
    const { rows } = await sql<{ payload: unknown; key: string | null; max_attempts: number; due: boolean }>`
      select payload, key, max_attempts, run_at <= now() as due
        from platform.jobs where name = 'test.many' order by id`.execute(db());
    expect(rows).toEqual([
      { payload: { n: 0 }, key: 'm0', max_attempts: 10, due: false },
      { payload: { n: 2 }, key: 'm2', max_attempts: 3, due: false },
      { payload: { n: 4 }, key: null, max_attempts: 10, due: false },
      { payload: { n: 5, quote: `it's "quoted" {braced}, \\ back` }, key: null, max_attempts: 10, due: true },
    ]);
    expect(await r.runDue()).toBe(1);
    expect(seen).toEqual([{ n: 5, quote: `it's "quoted" {braced}, \\ back` }]);
  });

  it('marks a large batch of finished jobs done, and carries a small one in its next claim', async () => {
    const r = runner(12);
    let runs = 0;
    r.register('test.batch', async () => {
      runs++;
    });
    for (let n = 0; n < 12; n++) await scheduleJob(db(), 'test.batch', { n });
    // twelve finished at once: more ids than get one placeholder each
    expect(await r.runDue()).toBe(12);
    expect((await statusOf('test.batch')).map((j) => j.status)).toEqual(Array(12).fill('done'));
    // the background loop: three run, and the claim after them marks them done
    for (let n = 0; n < 3; n++) await scheduleJob(db(), 'test.batch', { n });
    await r.start();
    await waitFor(
      async () => (await statusOf('test.batch')).every((j) => j.status === 'done'),
      10_000,
      'done',
    );
    expect(runs).toBe(15);
  });

  it('retries a failing job with growing delays and marks it failed after maxAttempts', async () => {
    const r = new JobRunner(agora.rt.database, agora.rt.log, new Registry(), {
      pollMs: 5_000,
      concurrency: 1,
    });
    runners.push(r);
    const at: number[] = [];
    r.register(
      'test.flaky',
      async () => {
        at.push(Date.now());
        throw new Error('still broken');
      },
      { backoffMs: (attempt) => 40 * 2 ** attempt },
    );
    await scheduleJob(db(), 'test.flaky', {}, new Date(), { maxAttempts: 4 });
    await r.start();
    await waitFor(async () => (await statusOf('test.flaky'))[0]?.status === 'failed', 10_000, 'failure');
    expect(at).toHaveLength(4);
    const gaps = at.slice(1).map((t, i) => t - at[i]);
    expect(gaps[0]).toBeGreaterThanOrEqual(70);
    expect(gaps[2]).toBeGreaterThan(gaps[0]);
    expect((await statusOf('test.flaky'))[0]).toMatchObject({ attempts: 4, last_error: 'still broken' });
  });

  it('runs a job again when the worker that claimed it died (lease expired)', async () => {
    await scheduleJob(db(), 'test.orphan', { x: 1 });
    // A worker claimed it and vanished: attempts counted, lease already lapsed.
    await sql`update platform.jobs set attempts = 1, locked_by = 'dead-worker', locked_until = now() - interval '1 second'
               where name = 'test.orphan'`.execute(db());
    const r = runner();
    const got: unknown[] = [];
    r.register('test.orphan', async (payload, ctx) => {
      got.push({ payload, attempt: ctx.attempt });
    });
    expect(await r.runDue()).toBe(1);
    expect(got).toEqual([{ payload: { x: 1 }, attempt: 2 }]);
  });

  it('runs a recurring job repeatedly from one row', async () => {
    const r = runner();
    let runs = 0;
    r.every('test.tick', 60, async () => {
      runs++;
    });
    await r.start();
    await waitFor(async () => runs >= 3, 5_000, 'three ticks');
    const rows = await statusOf('test.tick');
    expect(rows).toHaveLength(1);
    expect(rows[0].status).toBe('pending');
  });

  it('prunes delivery bookkeeping older than the retention window', async () => {
    await sql`insert into platform.outbox (event_id, type, source, data, sent_at, created_at)
              values (gen_random_uuid(), 'test.old', '/t', '{}', now() - interval '9 days', now() - interval '9 days'),
                     (gen_random_uuid(), 'test.old', '/t', '{}', null, now() - interval '9 days')`.execute(
      db(),
    );
    await sql`insert into platform.inbox (consumer, event_id, processed_at)
              values ('test.old', gen_random_uuid(), now() - interval '9 days'), ('test.old', gen_random_uuid(), now())`.execute(
      db(),
    );
    const removed = await pruneOld(db(), 7);
    expect(removed.outbox).toBe(1);
    expect(removed.inbox).toBe(1);
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from platform.outbox where type = 'test.old' and sent_at is null`.execute(
      db(),
    );
    expect(rows[0].n).toBe(1);
  });
});

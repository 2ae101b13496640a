import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { sql } from 'kysely';
import amqp from 'amqplib';
import { startAgora, type Mode, type TestAgora } from '../../../test/helpers/agora.js';
import {
  createEffectsTable,
  deleteBrokerTopology,
  effectCounts,
  uniqueAmqpPrefix,
  waitFor,
} from '../../../test/helpers/events.js';
import { databaseModes } from '../../../test/helpers/agora.js';
import { publishEvents, type NewEvent } from './outbox.js';
import { listDeadLetters, replayDeadLetters } from './delivery.js';

type Transport = 'in-process' | 'rabbitmq';
const cases: [Mode, Transport][] = databaseModes().map((m) => [m, 'in-process'] as [Mode, Transport]);
const amqpUrl = inject('amqpUrl');
if (amqpUrl && databaseModes().includes('postgres')) cases.push(['postgres', 'rabbitmq']);

describe.each(cases)('event bus (%s, %s)', (mode, transport) => {
  let agora: TestAgora;
  let table: string;
  let poisonHealed = false;
  /** The attempt numbers the poison event's handler ran with. */
  let poisonAttempts: number[] = [];
  let slowMs = 0;
  const flakyAttempts: number[] = [];
  const batchSizes: number[] = [];
  const keyedCalls = new Map<string, number>();
  /** Event id → whether its effect was visible outside the delivery's transaction in `afterCommit`. */
  const afterCommitSaw = new Map<string, boolean>();

  beforeAll(async () => {
    agora = await startAgora(mode, {
      ...(transport === 'rabbitmq' ? { AMQP_URL: amqpUrl!, AMQP_PREFIX: uniqueAmqpPrefix() } : {}),
      // The safety-net poll is slow on purpose: the tests see NOTIFY wake the relay.
      AGORA_EVENTS_POLL_MS: '5000',
      AGORA_EVENTS_RETRY_BASE_MS: '50',
      AGORA_JOBS_POLL_MS: '5000',
      AGORA_EVENTS_BATCH: '50',
      // Small delivery batches, so stopping the consumers leaves some of a burst undelivered.
      AGORA_EVENTS_PREFETCH: '10',
    });
    const db = agora.rt.database.db;
    table = await createEffectsTable(db);
    agora.bus.subscribe({
      consumer: 'test.effects',
      types: ['test.happened', 'test.poison', 'test.flaky'],
      maxAttempts: 3,
      handle: async (event, ctx) => {
        if (event.type === 'test.flaky') {
          flakyAttempts.push(ctx.attempt);
          if (ctx.attempt < 3) throw new Error('not yet');
        }
        if (event.type === 'test.poison') {
          poisonAttempts.push(ctx.attempt);
          if (!poisonHealed) throw new Error('cannot digest this one');
        }
        if (slowMs) await new Promise((r) => setTimeout(r, slowMs));
        await sql`insert into ${sql.id('public', table)} (consumer, event_id) values ('test.effects', ${event.id})`.execute(
          ctx.trx,
        );
      },
      afterCommit: async (events) => {
        for (const event of events.filter((e) => e.type === 'test.happened'))
          afterCommitSaw.set(event.id, (await appliedCount([event.id])) === 1);
      },
    });
    agora.bus.subscribe({
      consumer: 'test.batched',
      types: ['test.together'],
      handle: async (event, ctx) => {
        await sql`insert into ${sql.id('public', table)} (consumer, event_id) values ('test.batched', ${event.id})`.execute(
          ctx.trx,
        );
      },
      handleBatch: async (events, ctx) => {
        batchSizes.push(events.length);
        for (const event of events)
          await sql`insert into ${sql.id('public', table)} (consumer, event_id) values ('test.batched', ${event.id})`.execute(
            ctx.trx,
          );
      },
    });
    // A consumer whose effect is keyed by the event id (a primary key of its own): no inbox rows.
    await sql`create table ${sql.id('public', `${table}_keyed`)} (event_id uuid primary key)`.execute(db);
    agora.bus.subscribe({
      consumer: 'test.keyed',
      types: ['test.keyed'],
      dedupesItself: true,
      handle: async (event, ctx) => {
        keyedCalls.set(event.id, (keyedCalls.get(event.id) ?? 0) + 1);
        await sql`insert into ${sql.id('public', `${table}_keyed`)} (event_id) values (${event.id})
                  on conflict (event_id) do nothing`.execute(ctx.trx);
      },
    });
    await agora.startBackground();
  });
  afterAll(async () => {
    await agora.bus.stop();
    await deleteBrokerTopology(agora.bus).catch(() => undefined);
    await agora.close();
  });

  const db = () => agora.rt.database.db;

  async function publish(events: NewEvent[], correlationId = 'req-test'): Promise<string[]> {
    return db()
      .transaction()
      .execute((trx) => publishEvents(trx, { source: '/agora/test', correlationId }, events));
  }

  const happened = (n: number, tag = 'x') =>
    Array.from({ length: n }, (_, i) => ({
      type: 'test.happened',
      subject: `${tag}-${i}`,
      data: { i, tag },
    }));

  async function appliedCount(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from ${sql.id('public', table)} where event_id in (${sql.join(ids)})`.execute(
      db(),
    );
    return rows[0].n;
  }

  it('applies an event published in a committed transaction exactly once, woken by NOTIFY', async () => {
    const started = Date.now();
    const [id] = await publish(happened(1, 'once'));
    await waitFor(async () => (await appliedCount([id])) === 1, 4_000, 'the event to be applied');
    // Well under the 5 s poll: the insert trigger's NOTIFY woke the relay (and the job runner).
    expect(Date.now() - started).toBeLessThan(2_500);
    await new Promise((r) => setTimeout(r, 300));
    expect(await appliedCount([id])).toBe(1);
    // relayed: gone from the outbox (the test databases keep a copy, see test/helpers/outbox.ts)
    const left = await sql<{ n: number }>`
      select count(*)::int as n from platform.outbox where event_id = ${id}`.execute(db());
    expect(left.rows[0].n).toBe(0);
    const relayed = await sql<{ n: number }>`
      select count(*)::int as n from test_support.relayed_outbox where event_id = ${id}`.execute(db());
    expect(relayed.rows[0].n).toBe(1);
  });

  // PGlite runs one transaction at a time: one held open would stop the relay too.
  it.skipIf(mode === 'pglite')(
    'applies an event whose transaction commits after later events were relayed',
    async () => {
      let commit!: () => void;
      const held = new Promise<void>((resolve) => (commit = resolve));
      let lateIds: string[] = [];
      const late = db()
        .transaction()
        .execute(async (trx) => {
          lateIds = await publishEvents(trx, { source: '/agora/test' }, happened(1, 'late'));
          await held;
        });
      // rows with higher ids commit and are relayed: the relay's floor moves past the held one
      await waitFor(async () => lateIds.length === 1, 5_000, 'the held transaction to insert');
      for (let round = 0; round < 3; round++) {
        const ids = await publish(happened(5, `after-${round}`));
        await waitFor(async () => (await appliedCount(ids)) === ids.length, 10_000, 'later events');
      }
      commit();
      await late;
      await waitFor(async () => (await appliedCount(lateIds)) === 1, 5_000, 'the late event');
    },
  );

  it("runs the consumer's afterCommit with the events it applied, once their transaction committed", async () => {
    const ids = await publish(happened(4, 'after-commit'));
    await waitFor(async () => ids.every((id) => afterCommitSaw.has(id)), 10_000, 'afterCommit');
    expect(ids.map((id) => afterCommitSaw.get(id))).toEqual(ids.map(() => true));
  });

  it('never publishes an event from a rolled-back transaction', async () => {
    let doomed: string[] = [];
    await expect(
      db()
        .transaction()
        .execute(async (trx) => {
          doomed = await publishEvents(trx, { source: '/agora/test' }, happened(1, 'doomed'));
          throw new Error('business rule failed');
        }),
    ).rejects.toThrow('business rule failed');
    const marker = await publish(happened(1, 'marker'));
    await waitFor(async () => (await appliedCount(marker)) === 1, 5_000, 'the marker event');
    expect(await appliedCount(doomed)).toBe(0);
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from platform.outbox where event_id = ${doomed[0]}`.execute(db());
    expect(rows[0].n).toBe(0);
  });

  it('loses and duplicates nothing when consumers stop mid-stream and start again', async () => {
    slowMs = 5;
    const ids = [...(await publish(happened(60, 'a'))), ...(await publish(happened(60, 'b')))];
    await waitFor(async () => (await appliedCount(ids)) >= 10, 10_000, 'some events to be applied');
    await agora.bus.stop();
    await agora.jobs.stop();
    const midway = await appliedCount(ids);
    expect(midway).toBeLessThan(ids.length);
    const more = await publish(happened(30, 'c'));
    slowMs = 0;
    await agora.jobs.start();
    await agora.bus.start();
    const all = [...ids, ...more];
    await waitFor(async () => (await appliedCount(all)) === all.length, 20_000, 'every event to be applied');
    expect(await appliedCount(all)).toBe(all.length);
  });

  it('applies nothing twice when every event is delivered again', async () => {
    const ids = await publish(happened(20, 'again'));
    await waitFor(async () => (await appliedCount(ids)) === ids.length, 10_000, 'first delivery');
    // Force a second delivery of the same events, as a relay crash before its commit would: the
    // relayed rows are put back in the outbox.
    await sql`insert into platform.outbox (event_id, type, source, subject, data, correlation_id, created_at)
              select event_id, type, source, subject, data, correlation_id, created_at
                from test_support.relayed_outbox where event_id in (${sql.join(ids)})`.execute(db());
    await publish(happened(1, 'nudge'));
    await waitFor(
      async () => {
        const { rows } = await sql<{ n: number }>`
          select count(*)::int as n from platform.outbox where sent_at is null`.execute(db());
        return rows[0].n === 0;
      },
      10_000,
      'the redelivery to be relayed',
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(await appliedCount(ids)).toBe(ids.length);
    const counts = await effectCounts(db(), table);
    expect(counts.total).toBe(counts.distinct);
  });

  it('writes no inbox row for a consumer that dedupes itself, and its redelivery changes nothing', async () => {
    const ids = await publish(
      Array.from({ length: 5 }, (_, i) => ({ type: 'test.keyed', subject: `k-${i}`, data: { i } })),
    );
    const keyedRows = async () => {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from ${sql.id('public', `${table}_keyed`)}
         where event_id in (${sql.join(ids)})`.execute(db());
      return rows[0].n;
    };
    await waitFor(async () => (await keyedRows()) === ids.length, 10_000, 'first delivery');
    const { rows: inbox } = await sql<{ n: number }>`
      select count(*)::int as n from platform.inbox where consumer = 'test.keyed'`.execute(db());
    expect(inbox[0].n).toBe(0);
    // Delivered again, as after a relay crash: the handler runs again, and its key absorbs it.
    await sql`insert into platform.outbox (event_id, type, source, subject, data, correlation_id, created_at)
              select event_id, type, source, subject, data, correlation_id, created_at
                from test_support.relayed_outbox where event_id in (${sql.join(ids)})`.execute(db());
    await publish(happened(1, 'keyed-nudge'));
    await waitFor(
      async () => ids.every((id) => (keyedCalls.get(id) ?? 0) >= 2),
      10_000,
      'the redelivery to reach the handler',
    );
    expect(await keyedRows()).toBe(ids.length);
  });

  it('dead-letters a poison event after maxAttempts and replays it on demand', async () => {
    poisonAttempts = [];
    const [id] = await publish([{ type: 'test.poison', data: { bad: true } }]);
    await waitFor(
      async () => (await listDeadLetters(db())).some((d) => d.eventId === id),
      15_000,
      'the dead letter',
    );
    // three attempts, the last one 3 (an attempt of a first delivery batched with other events may
    // run the handler twice: together, then alone under a savepoint once the batch failed)
    expect([...new Set(poisonAttempts)]).toEqual([1, 2, 3]);
    const letter = (await listDeadLetters(db())).find((d) => d.eventId === id)!;
    expect(letter).toMatchObject({ consumer: 'test.effects', type: 'test.poison', attempts: 3 });
    expect(letter.error).toContain('cannot digest');
    expect(await appliedCount([id])).toBe(0);

    poisonHealed = true;
    expect(await replayDeadLetters(db(), { id: letter.id })).toEqual([letter.id]);
    await waitFor(async () => (await appliedCount([id])) === 1, 10_000, 'the replayed event');
    expect((await listDeadLetters(db())).some((d) => d.id === letter.id)).toBe(false);
    // A second replay of the same letter finds nothing to do.
    expect(await replayDeadLetters(db(), { id: letter.id })).toEqual([]);
  });

  it('retries a failing event of a batch on its own, counting its attempts, and applies the rest once', async () => {
    flakyAttempts.length = 0;
    const ids = await publish([...happened(4, 'batch'), { type: 'test.flaky', data: {} }]);
    await waitFor(async () => (await appliedCount(ids)) === ids.length, 15_000, 'the whole batch');
    // A batch whose handler throws is redone with a savepoint per event: attempt 1 may run twice.
    expect([...new Set(flakyAttempts)]).toEqual([1, 2, 3]);
    const counts = await effectCounts(db(), table);
    expect(counts.total).toBe(counts.distinct);
    expect((await listDeadLetters(db())).some((d) => ids.includes(d.eventId!))).toBe(false);
  });

  it("hands events that arrive together to the consumer's batch handler, each applied once", async () => {
    batchSizes.length = 0;
    const ids = await publish(
      Array.from({ length: 6 }, (_, i) => ({ type: 'test.together', subject: `t-${i}`, data: { i } })),
    );
    await waitFor(async () => (await appliedCount(ids)) === ids.length, 10_000, 'the batch');
    expect(batchSizes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(ids.length);
    if (transport === 'in-process') expect(batchSizes).toEqual([6]);
    const counts = await effectCounts(db(), table);
    expect(counts.total).toBe(counts.distinct);
  });

  it('counts relayed events and reports outbox lag in /metrics', async () => {
    const res = await agora.request({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    const relayed = /agora_events_relayed_total (\d+)/.exec(res.body);
    expect(Number(relayed?.[1])).toBeGreaterThan(100);
    expect(res.body).toMatch(/agora_outbox_lag_seconds \d/);
    expect(res.body).toMatch(/agora_events_consumed_total\{consumer="test.effects",outcome="applied"\}/);
  });

  if (transport === 'rabbitmq') {
    it('loses and duplicates nothing when the broker connection drops mid-stream', async () => {
      slowMs = 3;
      const first = await publish(happened(80, 'd'));
      await waitFor(async () => (await appliedCount(first)) >= 5, 10_000, 'some events to be applied');
      agora.bus.broker!.severConnection();
      const second = await publish(happened(80, 'e'));
      slowMs = 0;
      const all = [...first, ...second];
      await waitFor(
        async () => (await appliedCount(all)) === all.length,
        25_000,
        'every event after reconnect',
      );
      const ready = await agora.request({ method: 'GET', url: '/readyz' });
      expect(ready.json()).toMatchObject({ status: 'ready', checks: { broker: 'ok' } });
      const counts = await effectCounts(db(), table);
      expect(counts.total).toBe(counts.distinct);
    });

    it('dead-letters a message that is not a CloudEvent instead of retrying it', async () => {
      const broker = agora.bus.broker!;
      const conn = await amqp.connect(amqpUrl!, { timeout: 2_000 });
      try {
        const ch = await conn.createConfirmChannel();
        ch.sendToQueue(broker.queueOf('test.effects'), Buffer.from('{not json'), { persistent: true });
        await ch.waitForConfirms();
      } finally {
        await conn.close();
      }
      await waitFor(
        async () =>
          (await listDeadLetters(db())).some(
            (d) => d.eventId === null && d.error.startsWith('unreadable message'),
          ),
        10_000,
        'the unreadable message in the dead letters',
      );
      const letter = (await listDeadLetters(db())).find((d) => d.eventId === null)!;
      // Nothing to deliver: it stays listed for a person to look at.
      expect(await replayDeadLetters(db(), { id: letter.id })).toEqual([]);
    });

    it('reports the broker as not ready while it is not connected', async () => {
      await agora.bus.stop();
      const res = await agora.request({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json().checks.broker).toMatch(/unreachable/);
      await agora.bus.start();
      await waitFor(
        async () => (await agora.request({ method: 'GET', url: '/readyz' })).statusCode === 200,
        5_000,
        'readiness',
      );
    });
  }
});

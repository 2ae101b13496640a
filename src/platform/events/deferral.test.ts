import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import { databaseModes, startAgora, type TestAgora } from '../../../test/helpers/agora.js';
import type { DegradedMode } from '../degraded.js';
import { JobRunner } from '../jobs/runner.js';
import { Deferral, DEFERRED_JOB } from './deferral.js';
import type { CloudEvent } from './outbox.js';

const event = (): CloudEvent => ({
  specversion: '1.0',
  id: randomUUID(),
  source: '/agora/test',
  type: 'test.happened',
  time: new Date().toISOString(),
  datacontenttype: 'application/json',
  data: {},
});

describe.each(databaseModes())('deferral of non-critical deliveries (%s)', (mode) => {
  let agora: TestAgora;
  beforeAll(async () => {
    agora = await startAgora(mode);
  });
  afterAll(() => agora.close());

  it('hands a batch to the batch handler, or postpones each of its events while degraded', async () => {
    let degraded = false;
    const switchable = {
      active: () => degraded,
      deferUntil: () => new Date(Date.now() + 60_000),
    } as unknown as DegradedMode;
    const db = agora.rt.database.db;
    const jobs = new JobRunner(agora.rt.database, agora.rt.log, new Registry(), {
      pollMs: 5_000,
      concurrency: 1,
    });
    const deferral = new Deferral(db, jobs, switchable, agora.rt.log, 5_000);
    const batches: string[][] = [];
    const handled: string[] = [];
    const sub = deferral.wrap({
      consumer: 'test.deferrable',
      types: ['test.happened'],
      handle: async (e) => {
        handled.push(e.id);
      },
      handleBatch: async (events) => {
        batches.push(events.map((e) => e.id));
      },
    });
    const deliverBatch = (events: CloudEvent[]) =>
      db.transaction().execute((trx) => sub.handleBatch!(events, { trx, log: agora.rt.log, attempt: 1 }));
    const postponed = async () =>
      (
        await sql<{ event_id: string }>`
          select payload->'event'->>'id' as event_id from platform.jobs
           where name = ${DEFERRED_JOB} and payload->>'consumer' = 'test.deferrable' order by id`.execute(db)
      ).rows.map((r) => r.event_id);

    const calm = [event(), event()];
    await deliverBatch(calm);
    expect(batches).toEqual([calm.map((e) => e.id)]);
    expect(await postponed()).toEqual([]);

    degraded = true;
    const busy = [event(), event(), event()];
    await deliverBatch(busy);
    expect(batches).toHaveLength(1);
    expect(handled).toEqual([]);
    expect(await postponed()).toEqual(busy.map((e) => e.id));
  });
});

import { sql } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import { scoped, type AnyDb } from '../db.js';
import { prepared } from '../prepared.js';
import { scheduleJob, withTimeout } from '../jobs/runner.js';
import type { Subscription } from './bus.js';
import type { CloudEvent } from './outbox.js';
import type { BusTables } from './tables.js';
import { consumed } from '../tracing.js';

/** The job that runs one event through one consumer (in-process delivery and DLQ replays). */
export const DELIVER_JOB = 'events.deliver';

/** One event (a retry, a dead-letter replay) or a relay batch's events for one consumer. */
export interface DeliverJobPayload {
  consumer: string;
  event?: CloudEvent;
  events?: CloudEvent[];
  /** Attempts the event had in the batch it failed in, before this job. */
  priorAttempts?: number;
}

export type DeliveryOutcome = 'applied' | 'duplicate';

/**
 * Runs `sub.handle` in a transaction that first records (consumer, event id) in the inbox. An
 * event already in the inbox is skipped, so redelivery applies nothing twice; a handler that throws
 * rolls its inbox row back with everything else, so the retry runs it again.
 */
export async function deliver(
  db: AnyDb,
  sub: Subscription,
  event: CloudEvent,
  attempt: number,
  log: FastifyBaseLogger,
  timeoutMs: number,
): Promise<DeliveryOutcome> {
  return consumed(sub.consumer, [event], async () => {
    const outcome = await db.transaction().execute(async (trx) => {
      if ((await recordInInbox(trx, sub, [event.id])).size === 0) return 'duplicate' as const;
      const child = log.child({ consumer: sub.consumer, eventId: event.id, type: event.type, attempt });
      await withTimeout(
        sub.handle(event, { trx, log: child, attempt }),
        timeoutMs,
        `handler ${sub.consumer}`,
      );
      return 'applied' as const;
    });
    if (outcome === 'applied') await afterCommit(sub, [event], log);
    return outcome;
  });
}

/** Runs the consumer's `afterCommit` with the events a committed transaction applied. */
async function afterCommit(sub: Subscription, applied: CloudEvent[], log: FastifyBaseLogger): Promise<void> {
  if (!sub.afterCommit || applied.length === 0) return;
  try {
    await sub.afterCommit(applied);
  } catch (err) {
    log.warn({ err, consumer: sub.consumer }, 'after-commit work of a consumer failed');
  }
}

/** The events of `items` whose outcome is `applied`. */
const appliedOf = (items: BatchItem[], outcomes: (DeliveryOutcome | Error)[]): CloudEvent[] =>
  items.flatMap((item, i) => (outcomes[i] === 'applied' ? [item.event] : []));

/**
 * Records (consumer, event id) in the inbox for each of `eventIds`; returns the ids that were not
 * there yet (the others are redeliveries). A consumer that `dedupesItself` has no inbox rows: every
 * delivery is fresh to it.
 */
async function recordInInbox(trx: AnyDb, sub: Subscription, eventIds: string[]): Promise<Set<string>> {
  if (sub.dedupesItself) return new Set(eventIds);
  const rows = await recordEvents.execute(trx, { consumer: sub.consumer, eventIds });
  return new Set(rows.map((r) => r.event_id));
}

/** The inbox rows of a consumer's events, one text for any number: the ids of those not there yet. */
const recordEvents = prepared(
  (db, v: { consumer: string; eventIds: string[] }) =>
    sql<{ event_id: string }>`
      insert into platform.inbox (consumer, event_id)
      select ${v.consumer}, unnest(${v.eventIds}::uuid[])
      on conflict (consumer, event_id) do nothing
      returning event_id`,
);

/** Keeps an event that exhausted its attempts (or could not be read) for inspection and replay. */
export async function deadLetter(
  db: AnyDb,
  entry: { consumer: string; eventId: string | null; event: unknown; error: string; attempts: number },
): Promise<void> {
  await scoped<BusTables>(db)
    .insertInto('platform.dead_letters')
    .values({
      consumer: entry.consumer,
      event_id: entry.eventId,
      event: JSON.stringify(entry.event),
      error: entry.error.slice(0, 2_000),
      attempts: entry.attempts,
      replayed_at: null,
    })
    .execute();
}

export interface DeadLetter {
  id: number;
  consumer: string;
  eventId: string | null;
  type: string | null;
  error: string;
  attempts: number;
  createdAt: Date;
}

/** Dead letters not yet replayed, oldest first. */
export async function listDeadLetters(db: AnyDb, limit = 100): Promise<DeadLetter[]> {
  const rows = await scoped<BusTables>(db)
    .selectFrom('platform.dead_letters')
    .select([
      'id',
      'consumer',
      'event_id',
      'error',
      'attempts',
      'created_at',
      sql<string | null>`event->>'type'`.as('type'),
    ])
    .where('replayed_at', 'is', null)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    consumer: r.consumer,
    eventId: r.event_id,
    type: r.type,
    error: r.error,
    attempts: r.attempts,
    createdAt: r.created_at,
  }));
}

/**
 * Sends dead letters back to their consumer as fresh `events.deliver` jobs, run by whichever worker
 * has that consumer; the inbox still guarantees a single effect. Letters without a readable event
 * cannot be replayed and stay listed. Returns the ids replayed.
 */
export async function replayDeadLetters(db: AnyDb, which: { id?: number; all?: boolean }): Promise<number[]> {
  return db.transaction().execute(async (trx) => {
    let q = scoped<BusTables>(trx)
      .selectFrom('platform.dead_letters')
      .select(['id', 'consumer', 'event'])
      .where('replayed_at', 'is', null)
      .where('event_id', 'is not', null)
      .orderBy('id')
      .forUpdate()
      .skipLocked();
    if (!which.all) q = q.where('id', '=', which.id ?? -1);
    const rows = await q.execute();
    for (const row of rows) {
      const event = (typeof row.event === 'string' ? JSON.parse(row.event) : row.event) as CloudEvent;
      const payload: DeliverJobPayload = { consumer: row.consumer, event };
      await scheduleJob(trx, DELIVER_JOB, payload, new Date(), { maxAttempts: 1_000 });
    }
    if (rows.length > 0)
      await scoped<BusTables>(trx)
        .updateTable('platform.dead_letters')
        .set({ replayed_at: new Date() })
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
    return rows.map((r) => r.id);
  });
}

export interface BatchItem {
  event: CloudEvent;
  attempt: number;
}

/**
 * Delivers several events to one consumer in one transaction, each under its own savepoint: one
 * commit (one WAL flush) for the batch instead of one per event, while a failing event rolls back
 * only its own inbox row and effects. Returns, per item, its outcome or the error it raised; if the
 * commit itself fails, every item carries that error and is retried.
 */
export async function deliverBatch(
  db: AnyDb,
  sub: Subscription,
  items: BatchItem[],
  log: FastifyBaseLogger,
  timeoutMs: number,
): Promise<(DeliveryOutcome | Error)[]> {
  if (items.length === 1) return deliverOne(db, sub, items[0], log, timeoutMs);
  return consumed(
    sub.consumer,
    items.map((i) => i.event),
    () => deliverSeveral(db, sub, items, log, timeoutMs),
  );
}

async function deliverOne(
  db: AnyDb,
  sub: Subscription,
  item: BatchItem,
  log: FastifyBaseLogger,
  timeoutMs: number,
): Promise<(DeliveryOutcome | Error)[]> {
  try {
    return [await deliver(db, sub, item.event, item.attempt, log, timeoutMs)];
  } catch (err) {
    return [err instanceof Error ? err : new Error(String(err))];
  }
}

async function deliverSeveral(
  db: AnyDb,
  sub: Subscription,
  items: BatchItem[],
  log: FastifyBaseLogger,
  timeoutMs: number,
): Promise<(DeliveryOutcome | Error)[]> {
  // Fast path for first deliveries: one inbox statement, the handlers, one commit. If any handler
  // throws, the whole batch is rolled back and redone below with a savepoint per event.
  if (items.every((i) => i.attempt === 1)) {
    const fast = await deliverTogether(db, sub, items, log, timeoutMs).catch(() => null);
    if (fast) {
      await afterCommit(sub, appliedOf(items, fast), log);
      return fast;
    }
  }
  const trx = await db.startTransaction().execute();
  const results: (DeliveryOutcome | Error)[] = [];
  try {
    for (const [i, { event, attempt }] of items.entries()) {
      const name = `d${i}`;
      const sp = await trx.savepoint(name).execute();
      try {
        const fresh = (await recordInInbox(sp, sub, [event.id])).size > 0;
        if (fresh) {
          const child = log.child({ consumer: sub.consumer, eventId: event.id, type: event.type, attempt });
          await withTimeout(
            sub.handle(event, { trx: sp, log: child, attempt }),
            timeoutMs,
            `handler ${sub.consumer}`,
          );
        }
        await sp.releaseSavepoint(name).execute();
        results.push(fresh ? 'applied' : 'duplicate');
      } catch (err) {
        await sp.rollbackToSavepoint(name).execute();
        results.push(err instanceof Error ? err : new Error(String(err)));
      }
    }
    await trx.commit().execute();
  } catch (err) {
    await trx
      .rollback()
      .execute()
      .catch(() => undefined);
    const error = err instanceof Error ? err : new Error(String(err));
    return items.map(() => error);
  }
  await afterCommit(sub, appliedOf(items, results), log);
  return results;
}

async function deliverTogether(
  db: AnyDb,
  sub: Subscription,
  items: BatchItem[],
  log: FastifyBaseLogger,
  timeoutMs: number,
): Promise<DeliveryOutcome[]> {
  return db.transaction().execute(async (trx) => {
    const fresh = await recordInInbox(
      trx,
      sub,
      items.map((i) => i.event.id),
    );
    const outcomes: DeliveryOutcome[] = [];
    const applied: BatchItem[] = [];
    for (const item of items) {
      // The same event twice in one batch (a redelivery) is applied for its first copy only.
      const first = fresh.delete(item.event.id);
      outcomes.push(first ? 'applied' : 'duplicate');
      if (first) applied.push(item);
    }
    if (sub.handleBatch && applied.length > 0) {
      const child = log.child({ consumer: sub.consumer, events: applied.length, attempt: 1 });
      await withTimeout(
        sub.handleBatch(
          applied.map((i) => i.event),
          { trx, log: child, attempt: 1 },
        ),
        timeoutMs,
        `handler ${sub.consumer}`,
      );
      return outcomes;
    }
    for (const { event, attempt } of applied) {
      const child = log.child({ consumer: sub.consumer, eventId: event.id, type: event.type, attempt });
      await withTimeout(
        sub.handle(event, { trx, log: child, attempt }),
        timeoutMs,
        `handler ${sub.consumer}`,
      );
    }
    return outcomes;
  });
}

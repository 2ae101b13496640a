import { sql, type RawBuilder } from 'kysely';
import type { AnyDb } from '../db.js';
import type { JobRunner } from './runner.js';

export const RETENTION_JOB = 'platform.retention';

/**
 * Deletes delivery bookkeeping older than `days`: inbox rows, finished jobs, outbox rows marked
 * sent (the relay deletes what it relays; earlier versions marked the rows instead), replayed dead
 * letters and answered idempotency keys (plus what modules add: finished sagas). An inbox row older
 * than the broker's longest possible redelivery delay protects nothing any more, so the window only
 * has to exceed the retry schedule.
 */
/** Prunes one module's finished records older than `days`; returns how many rows it removed. */
export type Pruner = (db: AnyDb, days: number) => Promise<number>;

export async function pruneOld(
  db: AnyDb,
  days: number,
  extra: ReadonlyMap<string, Pruner> = new Map(),
): Promise<Record<string, number>> {
  const cutoff = sql`now() - ${days} * interval '1 day'`;
  // Counted through a CTE: PGlite does not report affected rows for raw statements.
  const count = async (deleting: RawBuilder<unknown>) => {
    const { rows } = await sql<{
      n: number;
    }>`with d as (${deleting} returning 1) select count(*)::int as n from d`.execute(db);
    return rows[0]?.n ?? 0;
  };
  const removed: Record<string, number> = {
    outbox: await count(sql`delete from platform.outbox where sent_at is not null and sent_at < ${cutoff}`),
    inbox: await count(sql`delete from platform.inbox where processed_at < ${cutoff}`),
    jobs: await count(sql`delete from platform.jobs where status <> 'pending' and finished_at < ${cutoff}`),
    deadLetters: await count(sql`delete from platform.dead_letters where replayed_at < ${cutoff}`),
    idempotencyKeys: await count(
      sql`delete from platform.idempotency_keys where state = 'done' and finished_at < ${cutoff}`,
    ),
  };
  for (const [name, prune] of extra) removed[name] = await prune(db, days);
  return removed;
}

/** Modules add what they prune (finished sagas, ...) before the job runner starts. */
export interface Retention {
  add(name: string, prune: Pruner): void;
}

/** Runs `pruneOld` hourly on one of the workers, with the pruners modules add. */
export function registerRetention(jobs: JobRunner, days: number): Retention {
  const extra = new Map<string, Pruner>();
  jobs.every(RETENTION_JOB, 3_600_000, async (_payload, ctx) => {
    const removed = await pruneOld(ctx.db, days, extra);
    ctx.log.info({ removed, days }, 'retention: pruned delivery bookkeeping');
  });
  return {
    add(name, prune) {
      if (extra.has(name)) throw new Error(`pruner "${name}" is already added`);
      extra.set(name, prune);
    },
  };
}

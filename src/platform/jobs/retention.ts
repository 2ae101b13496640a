import { sql } from 'kysely';
import type { AnyDb } from '../db.js';
import type { JobRunner } from './runner.js';

export const RETENTION_JOB = 'platform.retention';

/**
 * Deletes delivery bookkeeping older than `days`: relayed outbox rows, inbox rows, finished jobs and
 * replayed dead letters. An inbox row older than the broker's longest possible redelivery delay
 * protects nothing any more, so the window only has to exceed the retry schedule.
 */
export async function pruneOld(db: AnyDb, days: number): Promise<Record<string, number>> {
  const cutoff = sql`now() - ${days} * interval '1 day'`;
  const outbox =
    await sql`delete from platform.outbox where sent_at is not null and sent_at < ${cutoff}`.execute(db);
  const inbox = await sql`delete from platform.inbox where processed_at < ${cutoff}`.execute(db);
  const jobs =
    await sql`delete from platform.jobs where status <> 'pending' and finished_at < ${cutoff}`.execute(db);
  const dead = await sql`delete from platform.dead_letters where replayed_at < ${cutoff}`.execute(db);
  return {
    outbox: Number(outbox.numAffectedRows ?? 0),
    inbox: Number(inbox.numAffectedRows ?? 0),
    jobs: Number(jobs.numAffectedRows ?? 0),
    deadLetters: Number(dead.numAffectedRows ?? 0),
  };
}

/** Runs `pruneOld` hourly on one of the workers. */
export function registerRetention(jobs: JobRunner, days: number): void {
  jobs.every(RETENTION_JOB, 3_600_000, async (_payload, ctx) => {
    const removed = await pruneOld(ctx.db, days);
    ctx.log.info({ removed, days }, 'retention: pruned delivery bookkeeping');
  });
}

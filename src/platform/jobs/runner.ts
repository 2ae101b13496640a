import { sql, type Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import { Counter, type Registry } from 'prom-client';
import { scoped, type AnyDb, type Database } from '../db.js';
import { prepared } from '../prepared.js';
import type { Logger } from '../logger.js';
import { Signal } from '../signal.js';
import type { BusTables } from '../events/tables.js';
import { contextOf, currentTraceparent, SpanKind, traced } from '../tracing.js';

export interface JobContext {
  db: AnyDb;
  log: Logger;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
  jobId: number;
}

export type JobHandler<P = unknown> = (payload: P, ctx: JobContext) => Promise<void>;

export interface ScheduleOptions {
  /** A pending job with the same name and key makes this call a no-op (dedupe). */
  key?: string;
  /** Runs before the job is marked failed (default 10). */
  maxAttempts?: number;
}

export interface RegisterOptions {
  /** Delay before retry number `attempt` (1 = after the first failure). */
  backoffMs?: (attempt: number) => number;
}

export interface JobRunnerOptions {
  /** Safety-net poll when nothing is due and no NOTIFY arrived. */
  pollMs: number;
  /** Jobs run at once by this worker. */
  concurrency: number;
  /** How long a claim holds a job; a crashed worker's jobs are claimable again after it. */
  leaseMs?: number;
}

interface Registered {
  handler: JobHandler;
  backoffMs: (attempt: number) => number;
  /** Recurring jobs are one row that is moved forward after each run. */
  everyMs?: number;
}

interface ClaimedJob {
  id: number;
  name: string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
  traceparent: string | null;
}

const untraced = <T>(_name: string, _kind: unknown, _attributes: unknown, work: () => Promise<T>) => work();

/** The key of a recurring job's one pending row (`every`). */
export const RECURRING_KEY = '@every';

/**
 * Thrown by a handler that chooses not to run now (for example while the degraded mode defers
 * non-critical work): the job keeps its row, key and attempts and runs again at `until`.
 */
export class PostponeJob extends Error {
  constructor(readonly until: Date) {
    super(`postponed until ${until.toISOString()}`);
    this.name = 'PostponeJob';
  }
}

/** Exponential backoff from `baseMs`, capped at an hour, with ±20 % jitter so retries spread out. */
export function exponentialBackoff(baseMs: number, capMs = 3_600_000) {
  return (attempt: number) => {
    const raw = Math.min(capMs, baseMs * 2 ** (attempt - 1));
    return Math.round(raw * (0.8 + Math.random() * 0.4));
  };
}

/**
 * Records a job in `db`, which may be the caller's transaction: the job exists if and only if the
 * caller's change commits. Returns false when a pending job with the same name and key exists.
 */
const insertJob = prepared(
  (
    db,
    v: {
      name: string;
      key: string | null;
      payload: string;
      runAt: Date;
      maxAttempts: number;
      traceparent: string | null;
    },
  ) =>
    scoped<BusTables>(db)
      .insertInto('platform.jobs')
      .values({
        name: v.name,
        key: v.key,
        payload: v.payload,
        run_at: v.runAt,
        max_attempts: v.maxAttempts,
        locked_until: null,
        locked_by: null,
        last_error: null,
        finished_at: null,
        traceparent: v.traceparent,
      })
      // the arbiter index's predicate as a literal (not a parameter): the statement can be prepared
      .onConflict((oc) =>
        oc
          .columns(['name', 'key'])
          .where(sql<boolean>`status = 'pending'`)
          .doNothing(),
      )
      .returning('id'),
);

export async function scheduleJob(
  db: AnyDb,
  name: string,
  payload: unknown,
  runAt: Date = new Date(),
  opts: ScheduleOptions = {},
): Promise<boolean> {
  const inserted = await insertJob.executeTakeFirst(db, {
    name,
    key: opts.key ?? null,
    payload: JSON.stringify(payload ?? {}),
    runAt,
    maxAttempts: opts.maxAttempts ?? 10,
    traceparent: currentTraceparent() ?? null,
  });
  return inserted !== undefined;
}

/** One job of `scheduleJobs`. */
export interface JobToSchedule extends ScheduleOptions {
  name: string;
  payload: unknown;
  /** Now when absent. */
  runAt?: Date;
}

const insertJobRows = prepared(
  (
    db,
    v: {
      names: string[];
      keys: (string | null)[];
      payloads: string[];
      runAts: string[];
      maxAttempts: number[];
      traceparent: string | null;
    },
  ) =>
    scoped<BusTables>(db)
      .insertInto('platform.jobs')
      .columns(['name', 'key', 'payload', 'run_at', 'max_attempts', 'traceparent'])
      .expression(
        sql`select *, ${v.traceparent}::text from unnest(${v.names}::text[], ${v.keys}::text[], ${v.payloads}::jsonb[],
              ${v.runAts}::timestamptz[], ${v.maxAttempts}::int[])`,
      )
      .onConflict((oc) =>
        oc
          .columns(['name', 'key'])
          .where(sql<boolean>`status = 'pending'`)
          .doNothing(),
      )
      .returning('id'),
);

/**
 * `scheduleJob` for several jobs in one statement (a consumer's batch of events, say). Returns how
 * many were created: a job whose key is pending already, or repeats an earlier one of `jobs`, is
 * skipped as `scheduleJob` skips it.
 */
export async function scheduleJobs(db: AnyDb, jobs: JobToSchedule[]): Promise<number> {
  if (jobs.length === 0) return 0;
  const now = new Date().toISOString();
  const rows = await insertJobRows.execute(db, {
    names: jobs.map((j) => j.name),
    keys: jobs.map((j) => j.key ?? null),
    payloads: jobs.map((j) => JSON.stringify(j.payload ?? {})),
    runAts: jobs.map((j) => (j.runAt ? j.runAt.toISOString() : now)),
    maxAttempts: jobs.map((j) => j.maxAttempts ?? 10),
    traceparent: currentTraceparent() ?? null,
  });
  return rows.length;
}

/**
 * Runs jobs from `platform.jobs`: claimed with FOR UPDATE SKIP LOCKED under a lease, so several
 * workers share the table safely and a crashed worker's jobs run again (at least once). Woken by
 * NOTIFY on insert, and by a slow poll as a safety net.
 */
export class JobRunner {
  private readonly handlers = new Map<string, Registered>();
  private readonly workerId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly leaseMs: number;
  private readonly completed: Counter<'name' | 'outcome'>;
  private running = false;
  private loop: Promise<void> | null = null;
  /** NOTIFY, a new due job or a finished one: claim again now. */
  private readonly signal = new Signal();
  private unlisten: (() => Promise<void>) | null = null;
  /**
   * Jobs that finished and are not yet marked done: the next claim marks them in the same
   * statement (a finished job wakes the loop, which claims again at once), so a job costs one
   * statement less. A crash before that runs them again, as a crash just before the mark did.
   */
  private readonly finished: number[] = [];

  constructor(
    private readonly database: Database,
    private readonly log: Logger,
    metrics: Registry,
    private readonly opts: JobRunnerOptions,
  ) {
    this.leaseMs = opts.leaseMs ?? 300_000;
    this.completed = new Counter({
      name: 'agora_jobs_completed_total',
      help: 'Job runs by name and outcome (done, retry, failed, postponed)',
      labelNames: ['name', 'outcome'],
      registers: [metrics],
    });
  }

  register<P>(name: string, handler: JobHandler<P>, opts: RegisterOptions = {}): void {
    if (this.handlers.has(name)) throw new Error(`job "${name}" is already registered`);
    this.handlers.set(name, {
      handler: handler as JobHandler,
      backoffMs: opts.backoffMs ?? exponentialBackoff(1_000),
    });
  }

  /** A job that runs every `intervalMs` on one of the workers (not on each). */
  every(name: string, intervalMs: number, handler: JobHandler<Record<string, never>>): void {
    this.register(name, handler);
    this.handlers.get(name)!.everyMs = intervalMs;
  }

  /** See `scheduleJob`. Wakes this runner when the job is due now and `db` is not a transaction. */
  async schedule(
    db: AnyDb,
    name: string,
    payload: unknown,
    runAt: Date = new Date(),
    opts: ScheduleOptions = {},
  ): Promise<boolean> {
    const created = await scheduleJob(db, name, payload, runAt, opts);
    if (created && !db.isTransaction && runAt.getTime() <= Date.now()) this.wake();
    return created;
  }

  /** See `scheduleJobs`. Wakes this runner as `schedule` does. */
  async scheduleMany(db: AnyDb, jobs: JobToSchedule[]): Promise<number> {
    const created = await scheduleJobs(db, jobs);
    const now = Date.now();
    if (created > 0 && !db.isTransaction && jobs.some((j) => (j.runAt?.getTime() ?? now) <= now)) this.wake();
    return created;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    for (const [name, r] of this.handlers) {
      if (r.everyMs !== undefined)
        await scheduleJob(this.database.db, name, {}, new Date(), { key: RECURRING_KEY });
    }
    this.unlisten = await this.database.listen('agora_jobs', () => this.wake());
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake();
    await this.unlisten?.();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
    await this.markFinished();
  }

  /** Marks the finished jobs done now (when no claim is coming to carry them). */
  private async markFinished(): Promise<void> {
    const ids = this.finished.splice(0);
    if (!ids.length) return;
    try {
      await doneUpdate(ids).execute(this.database.db);
    } catch (err) {
      this.finished.unshift(...ids);
      throw err;
    }
  }

  wake(): void {
    this.signal.notify();
  }

  /** Claims and runs what is due now, up to the concurrency limit; resolves when those finished. */
  async runDue(): Promise<number> {
    const jobs = await this.claim(this.opts.concurrency);
    await Promise.all(jobs.map((job) => this.execute(job)));
    await this.markFinished();
    return jobs.length;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let claimed = 0;
      try {
        const free = this.opts.concurrency - this.inFlight.size;
        if (free > 0) {
          const jobs = await this.claim(free);
          claimed = jobs.length;
          for (const job of jobs) {
            const p = this.execute(job).finally(() => {
              this.inFlight.delete(p);
              this.wake();
            });
            this.inFlight.add(p);
          }
        }
        if (claimed > 0) continue;
        if (free <= 0) await this.markFinished();
        await this.signal.wait(
          this.inFlight.size >= this.opts.concurrency ? this.opts.pollMs : await this.untilNextDue(),
        );
      } catch (err) {
        this.log.error({ err }, 'job runner: claiming failed; retrying');
        await this.signal.wait(this.opts.pollMs);
      }
    }
  }

  /**
   * The job names this runner takes, written into the statement as literals (names are the code's
   * own, registered before start): as an array parameter PostgreSQL's plan for any names was dearer
   * than the one for these, so the claim was planned afresh every time (see `claim`).
   */
  private get nameList() {
    return sql.join([...this.handlers.keys()].map((name) => sql.lit(name)));
  }

  /**
   * Claims up to `limit` due jobs, and marks the finished ones done in the same statement. The
   * claimed ids reach the UPDATE as an array, so they are found by primary key whatever the
   * planner thinks of the table (see the outbox relay's claim).
   *
   * The statement's text has one form per limit and per number of finished ids (up to FEW_IDS;
   * more are rare and go as one array), and the names as literals, so that PostgreSQL plans each
   * form once per connection and reuses the plan: with the limit as a parameter, a plan made for
   * any limit reads a tenth of the queue, with the ids or the names as one array, a plan is made
   * for any ten of them; each cost more than a plan made for the actual values, so PostgreSQL
   * planned the statement afresh on every claim.
   */
  private async claim(limit: number): Promise<ClaimedJob[]> {
    if (this.handlers.size === 0 || limit <= 0) return [];
    const ids = this.finished.splice(0);
    try {
      const { rows } = await sql<ClaimedJob>`
        ${ids.length ? sql`with done as (${doneUpdate(ids)})` : sql``}
        update platform.jobs as j
           set attempts = j.attempts + 1,
               locked_until = now() + ${this.leaseMs} * interval '1 millisecond',
               locked_by = ${this.workerId}
         where j.id = any(array(
           select id from platform.jobs
            where status = 'pending' and run_at <= now()
              and (locked_until is null or locked_until < now())
              and name in (${this.nameList})
            order by run_at, id
            limit ${sql.lit(limit)}
            for update skip locked))
        returning j.id, j.name, j.payload, j.attempts, j.max_attempts, j.traceparent`.execute(
        this.database.db,
      );
      return rows;
    } catch (err) {
      this.finished.unshift(...ids);
      throw err;
    }
  }

  /** Milliseconds until the next job of ours is due (or its lease lapses), capped by the poll. */
  private async untilNextDue(): Promise<number> {
    const { rows } = await sql<{ wait_ms: number | null }>`
      select (extract(epoch from min(greatest(run_at, coalesce(locked_until, run_at))) - now()) * 1000)::float8 as wait_ms
        from platform.jobs
       where status = 'pending' and name in (${this.nameList})`.execute(this.database.db);
    const wait = rows[0]?.wait_ms;
    return wait === null || wait === undefined
      ? this.opts.pollMs
      : Math.max(5, Math.min(this.opts.pollMs, wait));
  }

  private async execute(job: ClaimedJob): Promise<void> {
    const registered = this.handlers.get(job.name);
    if (!registered) return;
    const db = scoped<BusTables>(this.database.db);
    const log = this.log.child({ job: job.name, jobId: job.id, attempt: job.attempts });
    try {
      // the job's run continues the trace of whatever scheduled it; recurring sweeps (every second
      // or so, mostly finding nothing) are not traced
      const run = registered.everyMs === undefined ? traced : untraced;
      await run(
        `job ${job.name}`,
        SpanKind.CONSUMER,
        { 'agora.job.id': job.id, 'agora.job.attempt': job.attempts },
        () =>
          withTimeout(
            registered.handler(job.payload, {
              db: this.database.db,
              log,
              attempt: job.attempts,
              maxAttempts: job.max_attempts,
              jobId: job.id,
            }),
            this.leaseMs / 2,
          ),
        contextOf(job.traceparent ?? undefined),
      );
      if (registered.everyMs !== undefined) await this.reschedule(db, job.id, registered.everyMs, null);
      else this.finished.push(job.id);
      this.completed.inc({ name: job.name, outcome: 'done' });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof PostponeJob) {
        await db
          .updateTable('platform.jobs')
          .set({ run_at: err.until, attempts: sql<number>`greatest(attempts - 1, 0)`, locked_until: null })
          .where('id', '=', job.id)
          .execute();
        this.completed.inc({ name: job.name, outcome: 'postponed' });
      } else if (registered.everyMs !== undefined) {
        log.error({ err }, 'recurring job failed; it runs again at its next interval');
        await this.reschedule(db, job.id, registered.everyMs, message);
        this.completed.inc({ name: job.name, outcome: 'retry' });
      } else if (job.attempts >= job.max_attempts) {
        log.error({ err }, 'job failed for good');
        await db
          .updateTable('platform.jobs')
          .set({ status: 'failed', finished_at: new Date(), locked_until: null, last_error: message })
          .where('id', '=', job.id)
          .execute();
        this.completed.inc({ name: job.name, outcome: 'failed' });
      } else {
        const delay = registered.backoffMs(job.attempts);
        log.warn({ err: message, retryInMs: delay }, 'job failed; will retry');
        await db
          .updateTable('platform.jobs')
          .set({ run_at: new Date(Date.now() + delay), locked_until: null, last_error: message })
          .where('id', '=', job.id)
          .execute();
        this.completed.inc({ name: job.name, outcome: 'retry' });
      }
    }
  }

  private async reschedule(db: Kysely<BusTables>, id: number, everyMs: number, error: string | null) {
    await db
      .updateTable('platform.jobs')
      .set({ run_at: new Date(Date.now() + everyMs), attempts: 0, locked_until: null, last_error: error })
      .where('id', '=', id)
      .execute();
  }
}

/** Up to this many finished ids are written one placeholder each (see `claim`); more, as one array. */
const FEW_IDS = 8;

/** Marks jobs done (a finished job still holds its lease, so no claim can take it meanwhile). */
function doneUpdate(ids: number[]) {
  return sql`update platform.jobs
                set status = 'done', finished_at = now(), locked_until = null, last_error = null
              where id ${ids.length <= FEW_IDS ? sql`in (${sql.join(ids)})` : sql`= any(${ids}::bigint[])`}`;
}

/** Rejects when `p` has not settled within `ms`; the work itself is not cancelled. */
export function withTimeout<T>(p: Promise<T>, ms: number, what = 'operation'): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

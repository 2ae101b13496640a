import { sql, type Kysely } from 'kysely';

/**
 * The due-jobs index in the claim's order, `(run_at, id)`: a claim (`order by run_at, id limit n`)
 * then reads its n rows off the index and stops. On `(run_at)` alone, a plan had to sort every due
 * row; when the planner misjudged the queue (its statistics are from when the table was small,
 * and a queue grows and drains in seconds) it chose to fetch every pending row of the runner's job
 * names through the `(name, key)` index and sort them, so a backlog made each claim slower and the
 * backlog longer (0.55 ms and ~220 buffers a claim in the checkout benchmark, a third of all the
 * buffers PostgreSQL read there).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`drop index platform.jobs_due_idx`.execute(db);
  await sql`create index jobs_due_idx on platform.jobs (run_at, id) where status = 'pending'`.execute(db);
}

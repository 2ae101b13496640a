import { sql, type Kysely } from 'kysely';

/**
 * The W3C `traceparent` of the request (or job, or event) that published an event or scheduled a
 * job, when tracing is on (platform/tracing.ts): its consumers and the job's run continue that
 * trace across the outbox, the broker and the job queue. Null with tracing off.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table platform.outbox add column traceparent text`.execute(db);
  await sql`alter table platform.jobs add column traceparent text`.execute(db);
}

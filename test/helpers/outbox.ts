import { sql, type Kysely } from 'kysely';
import type { CloudEvent } from '../../src/platform/events/outbox.js';
import type { TestAgora } from './agora.js';

/**
 * Delivers the outbox events recorded after `afterId` whose type is in `types` to `handle`, each
 * in its own transaction, in order, as the event bus will. Returns the last outbox id read.
 */
export async function deliverOutbox(
  agora: TestAgora,
  afterId: number,
  types: string[],
  handle: (event: CloudEvent, ctx: { trx: never }) => Promise<void>,
): Promise<number> {
  const db = agora.rt.database.db;
  const rows = await db
    .selectFrom('platform.outbox')
    .select(['id', 'event_id', 'type', 'source', 'subject', 'data', 'correlation_id', 'created_at'])
    .where('id', '>', afterId)
    .orderBy('id')
    .execute();
  let last = afterId;
  for (const row of rows) {
    last = Number(row.id);
    if (!types.includes(row.type)) continue;
    const event: CloudEvent = {
      specversion: '1.0',
      id: row.event_id,
      source: row.source,
      type: row.type,
      time: new Date(row.created_at).toISOString(),
      subject: row.subject ?? undefined,
      datacontenttype: 'application/json',
      data: typeof row.data === 'string' ? JSON.parse(row.data) : row.data,
      correlationid: row.correlation_id ?? undefined,
    };
    await db.transaction().execute((trx) => handle(event, { trx: trx as never }));
  }
  return last;
}

/**
 * The relay deletes the outbox rows it hands on, so a test that asserts what a change published
 * would race it. The test databases (the PostgreSQL template and the PGlite dump, see
 * global-setup.ts) keep a copy of every deleted outbox row in `test_support.relayed_outbox`;
 * `recordedEvents` reads both tables: every event recorded so far, relayed or not.
 */
export async function keepRelayedEvents(db: Kysely<unknown>): Promise<void> {
  await sql`create schema test_support`.execute(db);
  await sql`create table test_support.relayed_outbox (like platform.outbox)`.execute(db);
  await sql`
    create function test_support.keep_relayed() returns trigger language plpgsql as $$
    begin
      insert into test_support.relayed_outbox select old.*;
      return old;
    end $$`.execute(db);
  await sql`
    create trigger keep_relayed after delete on platform.outbox
    for each row execute function test_support.keep_relayed()`.execute(db);
}

/** Every outbox event recorded so far, relayed or not (a FROM item; columns as platform.outbox). */
export const recordedEvents = sql`(select * from platform.outbox
  union all select * from test_support.relayed_outbox) as recorded`;

import { v7 as uuidv7 } from 'uuid';
import type { Transaction } from 'kysely';
import { scoped } from '../db.js';

/** A CloudEvents 1.0 envelope, as it leaves the outbox. */
export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  subject?: string;
  datacontenttype: 'application/json';
  data: T;
  correlationid?: string;
}

export interface NewEvent<T = unknown> {
  type: string;
  subject?: string;
  data: T;
}

interface OutboxTables {
  'platform.outbox': {
    event_id: string;
    type: string;
    source: string;
    subject: string | null;
    data: string;
    correlation_id: string | null;
  };
}

/**
 * Records events in the same transaction as the state change that caused them (transactional
 * outbox): they exist if and only if the change committed, and leave the database after commit.
 * The signature takes a Transaction so a caller cannot publish outside one.
 */
export async function publishEvents(
  trx: Transaction<any>, // eslint-disable-line @typescript-eslint/no-explicit-any
  meta: { source: string; correlationId?: string },
  events: NewEvent[],
): Promise<string[]> {
  if (events.length === 0) return [];
  const rows = events.map((e) => ({
    event_id: uuidv7(),
    type: e.type,
    source: meta.source,
    subject: e.subject ?? null,
    data: JSON.stringify(e.data),
    correlation_id: meta.correlationId ?? null,
  }));
  await scoped<OutboxTables>(trx).insertInto('platform.outbox').values(rows).execute();
  return rows.map((r) => r.event_id);
}

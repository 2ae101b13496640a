import { uuidv7 } from '../ids.js';
import { sql, type RawBuilder, type Transaction } from 'kysely';
import { scoped } from '../db.js';
import { currentTraceparent } from '../tracing.js';

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
  /** CloudEvents' distributed tracing extension: the publisher's W3C trace context (tracing on). */
  traceparent?: string;
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
    traceparent: string | null;
  };
}

type OutboxRow = OutboxTables['platform.outbox'];
type AnyTransaction = Transaction<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Events published in a transaction that collects them (`collectEvents`), not yet written. */
const collected = new WeakMap<AnyTransaction, OutboxRow[]>();

/**
 * Records events in the same transaction as the state change that caused them (transactional
 * outbox): they exist if and only if the change committed, and leave the database after commit.
 * The signature takes a Transaction so a caller cannot publish outside one. In a transaction
 * that collects its events, they are written later in the same transaction (`collectEvents`).
 */
export async function publishEvents(
  trx: AnyTransaction,
  meta: { source: string; correlationId?: string },
  events: NewEvent[],
): Promise<string[]> {
  if (events.length === 0) return [];
  const traceparent = currentTraceparent() ?? null;
  const rows = events.map((e) => ({
    event_id: uuidv7(),
    type: e.type,
    source: meta.source,
    subject: e.subject ?? null,
    data: JSON.stringify(e.data),
    correlation_id: meta.correlationId ?? null,
    traceparent,
  }));
  const pending = collected.get(trx);
  if (pending) pending.push(...rows);
  else await insertRows(trx, rows);
  return rows.map((r) => r.event_id);
}

function insertRows(trx: AnyTransaction, rows: OutboxRow[]) {
  return scoped<OutboxTables>(trx).insertInto('platform.outbox').values(rows).execute();
}

/**
 * Runs `fn` with the events published in `trx` collected instead of written by one insert per
 * publish: the statement that ends the transaction writes them (`collectedEventsCte`), or else
 * one insert after `fn` does. A path that publishes several events per transaction (the
 * checkout saga) saves a round trip per event. If `fn` throws, the transaction is rolling back
 * and so are its events.
 */
export async function collectEvents<T>(trx: AnyTransaction, fn: () => Promise<T>): Promise<T> {
  if (collected.has(trx)) return fn();
  collected.set(trx, []);
  try {
    const result = await fn();
    const rest = collected.get(trx) ?? [];
    if (rest.length > 0) await insertRows(trx, rest);
    return result;
  } finally {
    collected.delete(trx);
  }
}

/**
 * The `with` clause of the caller's statement: its own `ctes` (`name as (...)` each) and, ahead of
 * them, an insert into the outbox of the events collected so far in `trx`, which are then no
 * longer collected. An empty fragment when there is nothing to put in it. The statement must run
 * in `trx`.
 */
export function collectedEventsCte(
  trx: AnyTransaction,
  ctes: RawBuilder<unknown>[] = [],
): RawBuilder<unknown> {
  const rows = collected.get(trx);
  const all = [...ctes];
  if (rows && rows.length > 0) {
    collected.set(trx, []);
    const values = rows.map(
      (r) =>
        sql`(${r.event_id}, ${r.type}, ${r.source}, ${r.subject}, ${r.data}, ${r.correlation_id}, ${r.traceparent})`,
    );
    all.unshift(sql`published_events as (
    insert into platform.outbox (event_id, type, source, subject, data, correlation_id, traceparent)
    values ${sql.join(values)})`);
  }
  return all.length ? sql`with ${sql.join(all, sql`, `)} ` : sql``;
}

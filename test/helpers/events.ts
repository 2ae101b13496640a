import amqp from 'amqplib';
import { sql } from 'kysely';
import { randomBytes } from 'node:crypto';
import type { AnyDb } from '../../src/platform/db.js';
import type { AgoraEventBus } from '../../src/platform/events/event-bus.js';
import { TEST_AMQP_URL } from './services.js';

/** A broker prefix no other test file (or engineer) uses, so exchanges and queues never collide. */
export function uniqueAmqpPrefix(): string {
  return `t${randomBytes(5).toString('hex')}`;
}

/** Deletes the exchange and queues a test's bus declared. */
export async function deleteBrokerTopology(bus: AgoraEventBus): Promise<void> {
  const broker = bus.broker;
  if (!broker) return;
  const conn = await amqp.connect(TEST_AMQP_URL, { timeout: 2_000 });
  try {
    const ch = await conn.createChannel();
    for (const q of broker.queueNames()) await ch.deleteQueue(q);
    await ch.deleteExchange(broker.exchange);
  } finally {
    await conn.close();
  }
}

/** Polls `check` until it returns true, or fails after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs = 15_000, what = 'condition') {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A table of applied effects, to count how often each event changed state. */
export async function createEffectsTable(db: AnyDb): Promise<string> {
  const table = `effects_${randomBytes(4).toString('hex')}`;
  await sql`create table ${sql.id('public', table)} (consumer text not null, event_id uuid not null)`.execute(
    db,
  );
  return table;
}

export async function effectCounts(db: AnyDb, table: string) {
  const { rows } = await sql<{ total: number; distinct: number }>`
    select count(*)::int as total, count(distinct (consumer, event_id))::int as distinct
      from ${sql.id('public', table)}`.execute(db);
  return rows[0];
}

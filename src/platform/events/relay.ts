import { sql } from 'kysely';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { AnyDb, Database, Transaction } from '../db.js';
import type { Logger } from '../logger.js';
import { Signal } from '../signal.js';
import type { CloudEvent } from './outbox.js';

/**
 * How often a relay lane claims from the start of the outbox rather than from its floor (see
 * `OutboxRelay`): the longest a row committed late, below rows already relayed, waits.
 */
const FULL_SCAN_MS = 1_000;

/** Where relayed events go: RabbitMQ, or this process's consumers (through the job table). */
export interface Transport {
  /**
   * Hands the events on durably. It runs inside the relay's transaction, which takes them out of
   * the outbox only after this resolves, so a failure or crash here means they are relayed again.
   */
  publish(events: CloudEvent[], trx: Transaction<any>): Promise<void>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

interface OutboxRow {
  id: number;
  event_id: string;
  type: string;
  source: string;
  subject: string | null;
  data: unknown;
  correlation_id: string | null;
  traceparent: string | null;
  created_at: Date | string;
}

/** The CloudEvents 1.0 envelope of an outbox row. */
export function toCloudEvent(row: OutboxRow): CloudEvent {
  return {
    specversion: '1.0',
    id: row.event_id,
    source: row.source,
    type: row.type,
    time: new Date(row.created_at).toISOString(),
    ...(row.subject !== null ? { subject: row.subject } : {}),
    datacontenttype: 'application/json',
    data: typeof row.data === 'string' ? (JSON.parse(row.data) as unknown) : row.data,
    ...(row.correlation_id !== null ? { correlationid: row.correlation_id } : {}),
    ...(row.traceparent !== null ? { traceparent: row.traceparent } : {}),
  };
}

export interface RelayOptions {
  batchSize: number;
  /** Safety-net poll; NOTIFY on insert wakes the relay at once. */
  pollMs: number;
  /**
   * Batches in flight at once (default 1). With more than one, the next batch is claimed while the
   * previous one waits for the broker's confirms; SKIP LOCKED keeps the batches disjoint.
   */
  lanes?: number;
}

/**
 * Moves committed outbox rows to the transport, oldest first, in batches. Rows are claimed with
 * FOR UPDATE SKIP LOCKED, so several relays (processes) share the work without sending a row twice
 * in the normal case; after a crash a row may be sent again, which consumers' inboxes absorb.
 *
 * A relayed row is deleted, by the statement that claims it: one statement per batch, and each
 * event costs PostgreSQL an insert and a delete. Marking rows sent instead wrote a second version of
 * every row with two index entries (`sent_at` is in both partial indexes, so the update cannot be
 * HOT), and the retention job deleted it later. What was published is the broker's (or the
 * consumers' jobs') to keep. Rows with `sent_at` set come from versions that kept them; the
 * retention job removes them.
 *
 * A claim reads the unsent-rows index in id order, and a deleted row's entry stays there until
 * vacuum (the index's last page changes with every insert, so scans cannot mark entries dead as
 * they pass). From the outbox's start, each claim walked every row relayed since the last vacuum:
 * ~8,000 buffers a claim in the checkout benchmark, half of everything PostgreSQL read. So a lane
 * claims from its floor, the lowest id of its last batch: every row below it was relayed, or
 * belongs to a transaction that committed after rows above it were claimed. Those are found by a
 * claim from the start, which a lane makes at least every FULL_SCAN_MS, and whenever a claim from
 * its floor finds nothing (a late commit's NOTIFY wakes a lane that finds nothing above it).
 *
 * The claimed ids reach the DELETE as an array (`id = any(array(select …))`): the subquery runs
 * once, and the rows are found by primary key. Written `id in (select …)`, PostgreSQL could plan
 * (and did, with a queue's statistics) a semi join that walked the whole primary key, every
 * deleted row's entry included, on each claim.
 */
export class OutboxRelay {
  private running = false;
  private loops: Promise<void>[] = [];
  /** Lane 0 wakes on NOTIFY and on the poll; the others only while a backlog lasts. */
  private signals: Signal[] = [];
  /** Per lane: the id its claims start from, and when it last claimed from the start. */
  private floors: { id: number; fullAt: number }[] = [];
  private unlisten: (() => Promise<void>) | null = null;
  private readonly relayed: Counter;

  constructor(
    private readonly database: Database,
    private readonly transport: Transport,
    private readonly log: Logger,
    metrics: Registry,
    private readonly opts: RelayOptions,
  ) {
    this.relayed = new Counter({
      name: 'agora_events_relayed_total',
      help: 'Events moved from the outbox to the broker or in-process consumers',
      registers: [metrics],
    });
    const db = database.db;
    new Gauge({
      name: 'agora_outbox_lag_seconds',
      help: 'Age of the oldest event not yet relayed (0 when the outbox is drained)',
      registers: [metrics],
      async collect() {
        this.set(await outboxLagSeconds(db));
      },
    });
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.unlisten = await this.database.listen('agora_outbox', () => this.wake());
    this.signals = Array.from({ length: Math.max(1, this.opts.lanes ?? 1) }, () => new Signal());
    this.floors = this.signals.map(() => ({ id: 0, fullAt: 0 }));
    this.loops = this.signals.map((_, lane) => this.run(lane));
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const signal of this.signals) signal.notify();
    await this.unlisten?.();
    await Promise.all(this.loops);
    this.loops = [];
  }

  wake(): void {
    this.signals[0]?.notify();
  }

  /**
   * Relays one batch; returns how many events left. A failed publish rolls the deletion back.
   * `lane` names whose floor the claim starts from; without it, the claim starts at the outbox's
   * start.
   */
  async relayOnce(lane?: number): Promise<number> {
    const floor = lane === undefined ? undefined : this.floors[lane];
    if (!floor) return (await this.claimFrom(0)).count;
    const started = Date.now();
    const full = started - floor.fullAt >= FULL_SCAN_MS;
    let { count, lowest } = await this.claimFrom(full ? 0 : floor.id);
    // nothing above the floor: a late commit below it may be what woke the lane
    if (count === 0 && !full) ({ count, lowest } = await this.claimFrom(0));
    if (full || count === 0) floor.fullAt = started;
    // rows above the lowest that another lane held (SKIP LOCKED) stay at or above the floor
    if (count > 0) floor.id = lowest;
    return count;
  }

  /** Claims, relays and deletes one batch of ids `from` and up; `lowest` is the batch's first id. */
  private async claimFrom(from: number): Promise<{ count: number; lowest: number }> {
    const batch = await this.database.db.transaction().execute(async (trx) => {
      const { rows } = await sql<OutboxRow>`
        delete from platform.outbox
         where id = any(array(select id from platform.outbox
                               where sent_at is null and id >= ${from}
                               order by id
                               limit ${this.opts.batchSize}
                               for update skip locked))
        returning id, event_id, type, source, subject, data, correlation_id, traceparent, created_at`.execute(
        trx,
      );
      if (rows.length === 0) return { count: 0, lowest: 0 };
      rows.sort((a, b) => Number(a.id) - Number(b.id)); // RETURNING has no order of its own
      await this.transport.publish(rows.map(toCloudEvent), trx);
      return { count: rows.length, lowest: Number(rows[0].id) };
    });
    this.relayed.inc(batch.count);
    return batch;
  }

  /**
   * Lane 0 relays whatever NOTIFY or the poll finds. A full batch means a backlog: it wakes the
   * other lanes, which relay while their batches come back full, then sleep until the next
   * backlog. Waking every lane on every NOTIFY would split small bursts into smaller batches.
   */
  private async run(lane: number): Promise<void> {
    const signal = this.signals[lane];
    let failures = 0;
    while (this.running) {
      try {
        const n = await this.relayOnce(lane);
        failures = 0;
        if (n === this.opts.batchSize) {
          for (const other of this.signals) if (other !== signal) other.notify();
          continue;
        }
        await signal.wait(lane === 0 ? this.opts.pollMs : Infinity);
      } catch (err) {
        failures++;
        const delay = Math.min(this.opts.pollMs * 4, 100 * 2 ** failures);
        this.log.warn({ err: (err as Error).message, retryInMs: delay }, 'outbox relay failed; retrying');
        await signal.wait(delay);
      }
    }
  }
}

export async function outboxLagSeconds(db: AnyDb): Promise<number> {
  const { rows } = await sql<{ lag: number | null }>`
    select extract(epoch from now() - min(created_at))::float8 as lag
      from platform.outbox where sent_at is null`.execute(db);
  return Math.max(0, rows[0]?.lag ?? 0);
}

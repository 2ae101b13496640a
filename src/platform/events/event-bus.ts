import { Counter, type Registry } from 'prom-client';
import { scoped, type AnyDb, type Database } from '../db.js';
import type { Logger } from '../logger.js';
import type { DegradedMode } from '../degraded.js';
import type { JobRunner } from '../jobs/runner.js';
import { AmqpTransport } from './amqp.js';
import type { EventBus, Subscription } from './bus.js';
import { Deferral } from './deferral.js';
import { DELIVER_JOB, deadLetter, deliverBatch, type DeliverJobPayload } from './delivery.js';
import type { CloudEvent } from './outbox.js';
import { OutboxRelay, type Transport } from './relay.js';
import type { BusTables } from './tables.js';

export interface EventBusOptions {
  /** RabbitMQ; without it events are dispatched in process. */
  amqpUrl?: string;
  amqpPrefix: string;
  prefetch: number;
  consumerConcurrency: number;
  batchSize: number;
  /** Relay batches in flight at once (see RelayOptions.lanes). */
  relayLanes?: number;
  pollMs: number;
  retryBaseMs: number;
  handlerTimeoutMs: number;
  brokerTimeoutMs: number;
  /** Postpones the deliveries of `deferWhileDegraded` subscriptions while it is active. */
  degraded?: DegradedMode;
}

const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * The event bus: the outbox relay plus the consumers. With RabbitMQ, the relay publishes to the
 * broker and each consumer reads its own queue; without it, the relay turns each batch of events
 * into one `events.deliver` job per interested consumer, in the same transaction that marks them
 * sent, and the job runner delivers them (with its own retry and backoff). Dead-letter replays
 * always travel as jobs, so the CLI needs only the database.
 */
export class AgoraEventBus implements EventBus {
  private readonly subs = new Map<string, Subscription>();
  private readonly relay: OutboxRelay;
  private readonly amqp: AmqpTransport | null;
  private readonly consumed: Counter<'consumer' | 'outcome'>;
  private readonly deferral: Deferral | null;
  private started = false;

  constructor(
    private readonly database: Database,
    private readonly jobs: JobRunner,
    private readonly log: Logger,
    metrics: Registry,
    private readonly opts: EventBusOptions,
  ) {
    this.consumed = new Counter({
      name: 'agora_events_consumed_total',
      help: 'Event deliveries by consumer and outcome (applied, duplicate, retry, dead_lettered)',
      labelNames: ['consumer', 'outcome'],
      registers: [metrics],
    });
    this.amqp = opts.amqpUrl
      ? new AmqpTransport(database.db, () => [...this.subs.values()], log, this.consumed, {
          url: opts.amqpUrl,
          prefix: opts.amqpPrefix,
          prefetch: opts.prefetch,
          concurrency: opts.consumerConcurrency,
          retryBaseMs: opts.retryBaseMs,
          handlerTimeoutMs: opts.handlerTimeoutMs,
          timeoutMs: opts.brokerTimeoutMs,
        })
      : null;
    const transport: Transport = this.amqp ?? {
      publish: (events, trx) => this.enqueueDeliveries(events, trx),
    };
    this.relay = new OutboxRelay(database, transport, log, metrics, {
      batchSize: opts.batchSize,
      pollMs: opts.pollMs,
      lanes: opts.relayLanes,
    });
    this.deferral = opts.degraded
      ? new Deferral(database.db, jobs, opts.degraded, log, opts.handlerTimeoutMs)
      : null;
    jobs.register<DeliverJobPayload>(
      DELIVER_JOB,
      (payload, ctx) => this.runDeliverJob(payload, ctx.attempt),
      { backoffMs: (attempt) => this.backoffMs(attempt) },
    );
  }

  get mode(): 'rabbitmq' | 'in-process' {
    return this.amqp ? 'rabbitmq' : 'in-process';
  }

  /** The RabbitMQ transport, when in use (readiness, failure tests). */
  get broker(): AmqpTransport | null {
    return this.amqp;
  }

  subscribe(subscription: Subscription): void {
    if (this.started) throw new Error('subscribe before the bus starts');
    if (this.subs.has(subscription.consumer))
      throw new Error(`consumer "${subscription.consumer}" is already subscribed`);
    if (!/^[a-z0-9][a-z0-9._-]{0,100}$/.test(subscription.consumer))
      throw new Error(`consumer name "${subscription.consumer}" must be lower-case letters, digits, . _ -`);
    this.subs.set(
      subscription.consumer,
      subscription.deferWhileDegraded && this.deferral ? this.deferral.wrap(subscription) : subscription,
    );
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.amqp?.start(true);
    await this.relay.start();
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.relay.stop();
    await this.amqp?.stop();
  }

  /** Relays one batch now (tests, benchmarks). */
  relayOnce(): Promise<number> {
    return this.relay.relayOnce();
  }

  async ping(): Promise<void> {
    if (this.amqp) await this.amqp.ping();
  }

  private backoffMs(attempt: number): number {
    return Math.min(3_600_000, this.opts.retryBaseMs * 2 ** (attempt - 1));
  }

  /**
   * One job per interested consumer and relay batch (at most `prefetch` events each), not one per
   * event and consumer: the consumer then applies the batch in one transaction (one commit), which
   * keeps a burst of business events from costing the database several commits per event.
   */
  private async enqueueDeliveries(events: CloudEvent[], trx: AnyDb): Promise<void> {
    const rows = [];
    for (const sub of this.subs.values()) {
      const mine = events.filter((e) => sub.types.includes(e.type));
      for (let i = 0; i < mine.length; i += this.opts.prefetch) {
        const payload: DeliverJobPayload = {
          consumer: sub.consumer,
          events: mine.slice(i, i + this.opts.prefetch),
        };
        rows.push(deliveryJobRow(payload, new Date()));
      }
    }
    if (rows.length > 0) await scoped<BusTables>(trx).insertInto('platform.jobs').values(rows).execute();
  }

  /**
   * Delivers a job's events to its consumer in one transaction (a savepoint per event when one
   * fails). A single event that fails is retried by the job runner (its backoff); in a batch, each
   * failed event leaves as a job of its own carrying its attempts, so the others are not redone.
   */
  private async runDeliverJob(payload: DeliverJobPayload, jobAttempt: number): Promise<void> {
    const sub = this.subs.get(payload.consumer);
    if (!sub) throw new Error(`no consumer "${payload.consumer}" is subscribed in this process`);
    const maxAttempts = sub.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    const attempt = (payload.priorAttempts ?? 0) + jobAttempt;
    const events = payload.events ?? (payload.event ? [payload.event] : []);
    const results = await deliverBatch(
      this.database.db,
      sub,
      events.map((event) => ({ event, attempt })),
      this.log,
      this.opts.handlerTimeoutMs,
    );
    const failed: { event: CloudEvent; error: Error }[] = [];
    results.forEach((r, i) => {
      if (r instanceof Error) failed.push({ event: events[i], error: r });
      else this.consumed.inc({ consumer: sub.consumer, outcome: r });
    });
    if (failed.length === 0) return;
    if (attempt < maxAttempts && events.length === 1) {
      this.consumed.inc({ consumer: sub.consumer, outcome: 'retry' });
      throw failed[0].error;
    }
    await this.database.db.transaction().execute(async (trx) => {
      const retries = [];
      for (const { event, error } of failed) {
        if (attempt < maxAttempts) {
          this.consumed.inc({ consumer: sub.consumer, outcome: 'retry' });
          const retry: DeliverJobPayload = { consumer: sub.consumer, event, priorAttempts: attempt };
          retries.push(deliveryJobRow(retry, new Date(Date.now() + this.backoffMs(attempt))));
          continue;
        }
        this.log.error(
          { err: error.message, consumer: sub.consumer, eventId: event.id, attempt },
          'handler failed for good; dead-lettered',
        );
        await deadLetter(trx, {
          consumer: sub.consumer,
          eventId: event.id,
          event,
          error: error.message,
          attempts: attempt,
        });
        this.consumed.inc({ consumer: sub.consumer, outcome: 'dead_lettered' });
      }
      if (retries.length > 0)
        await scoped<BusTables>(trx).insertInto('platform.jobs').values(retries).execute();
    });
  }
}

function deliveryJobRow(payload: DeliverJobPayload, runAt: Date) {
  return {
    name: DELIVER_JOB,
    key: null,
    payload: JSON.stringify(payload),
    run_at: runAt,
    // The handler decides when to give up (its maxAttempts); this is only a ceiling.
    max_attempts: 1_000,
    locked_until: null,
    locked_by: null,
    last_error: null,
    finished_at: null,
  };
}

import amqp, {
  type Channel,
  type ChannelModel,
  type ConfirmChannel,
  type ConsumeMessage,
  type RecoveringChannelModel,
} from 'amqplib';
import type { Counter } from 'prom-client';
import type { AnyDb } from '../db.js';
import type { Logger } from '../logger.js';
import { withTimeout } from '../jobs/runner.js';
import type { Subscription } from './bus.js';
import { deadLetter, deliverBatch } from './delivery.js';
import type { CloudEvent } from './outbox.js';
import type { Transport } from './relay.js';

export interface AmqpOptions {
  url: string;
  /** Names the exchange (`<prefix>.events`) and every queue (`<prefix>.<consumer>`). */
  prefix: string;
  prefetch: number;
  /** Delivery transactions in progress at once per consumer (each holds a pooled connection). */
  concurrency: number;
  retryBaseMs: number;
  handlerTimeoutMs: number;
  /** Ceiling for connecting, confirms and other broker round trips. */
  timeoutMs: number;
}

const ATTEMPT_HEADER = 'x-agora-attempt';
/** Most deliveries applied in one transaction. */
const MAX_BATCH = 50;

interface Pending {
  msg: ConsumeMessage;
  event: CloudEvent;
  attempt: number;
}

/** Messages of one consumer channel that arrived together, delivered in one transaction. */
interface Buffer_ {
  items: Pending[];
  /** Transactions in progress for this consumer. */
  active: number;
}

/**
 * RabbitMQ transport: a durable topic exchange, one durable queue per consumer bound to its event
 * types, persistent messages with publisher confirms, and delayed retry through per-delay retry
 * queues whose expired messages dead-letter back to the consumer's queue.
 *
 * amqplib's recovering connection reconnects with backoff after the broker or network drops it and
 * runs `setup` again on each new connection, which re-declares the topology and the consumers.
 */
export class AmqpTransport implements Transport {
  private conn: RecoveringChannelModel | null = null;
  private model: ChannelModel | null = null;
  private pub: ConfirmChannel | null = null;
  private readonly consumers: { channel: Channel; tag: string }[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private stopping = false;
  private consume = false;

  constructor(
    private readonly db: AnyDb,
    private readonly subscriptions: () => Subscription[],
    private readonly log: Logger,
    private readonly consumed: Counter<'consumer' | 'outcome'>,
    private readonly opts: AmqpOptions,
  ) {}

  get exchange(): string {
    return `${this.opts.prefix}.events`;
  }

  queueOf(consumer: string): string {
    return `${this.opts.prefix}.${consumer}`;
  }

  /** Every queue this transport declares for its consumers (operations, test clean-up). */
  queueNames(): string[] {
    return this.subscriptions().flatMap((sub) => [
      this.queueOf(sub.consumer),
      ...Array.from({ length: (sub.maxAttempts ?? 5) - 1 }, (_, i) => this.retryQueueOf(sub.consumer, i + 1)),
    ]);
  }

  /** Connects (waiting at most `timeoutMs` for the first connection) and, with `consume`, starts consumers. */
  async start(consume: boolean): Promise<void> {
    this.stopping = false;
    this.consume = consume;
    const conn = await amqp.connect(this.opts.url, {
      timeout: this.opts.timeoutMs,
      recovery: {
        initialDelay: 200,
        maxDelay: 10_000,
        waitForConnect: false,
        setup: (model: ChannelModel) => this.setup(model),
      },
    });
    this.conn = conn;
    conn.on('disconnect', (err: Error) => {
      this.model = null;
      this.pub = null;
      this.consumers.length = 0;
      this.log.warn({ err: err.message }, 'broker connection lost; reconnecting');
    });
    conn.on('connect', () => this.log.info('broker connected'));
    conn.on('error', (err: Error) => this.log.warn({ err: err.message }, 'broker connection error'));
    try {
      await withTimeout(conn.waitForConnect(), this.opts.timeoutMs, 'broker connect');
    } catch (err) {
      await conn.close().catch(() => undefined);
      this.conn = null;
      throw err;
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    // Stop taking new deliveries, let the ones running finish, then close.
    const t = this.opts.timeoutMs;
    await Promise.allSettled(this.consumers.map((c) => withTimeout(c.channel.cancel(c.tag), t, 'cancel')));
    await withTimeout(Promise.allSettled([...this.inFlight]), this.opts.handlerTimeoutMs, 'draining').catch(
      () => undefined,
    );
    if (this.conn) await withTimeout(this.conn.close(), t, 'broker close').catch(() => undefined);
    this.conn = null;
    this.model = null;
    this.pub = null;
  }

  /** For /readyz: a live connection and publishing channel. */
  async ping(): Promise<void> {
    if (!this.model || !this.pub) throw new Error('not connected to the broker');
    await withTimeout(this.pub.checkExchange(this.exchange), this.opts.timeoutMs, 'broker ping');
  }

  /** Destroys the socket under the current connection, as a network failure would (failure tests). */
  severConnection(): void {
    const stream = (
      this.model?.connection as unknown as { stream?: { destroy(err?: Error): void } } | undefined
    )?.stream;
    stream?.destroy(new Error('connection severed'));
  }

  async publish(events: CloudEvent[]): Promise<void> {
    const pub = this.pub;
    if (!pub) throw new Error('not connected to the broker');
    for (const event of events) {
      pub.publish(this.exchange, event.type, Buffer.from(JSON.stringify(event)), {
        persistent: true,
        messageId: event.id,
        type: event.type,
        contentType: 'application/cloudevents+json',
        timestamp: Math.floor(Date.parse(event.time) / 1000),
        ...(event.correlationid ? { correlationId: event.correlationid } : {}),
      });
    }
    await withTimeout(pub.waitForConfirms(), this.opts.timeoutMs, 'publisher confirms');
  }

  private retryDelayMs(attempt: number): number {
    return Math.min(3_600_000, this.opts.retryBaseMs * 2 ** (attempt - 1));
  }

  /** One queue per delay; the delay is in its name because queue arguments cannot change later. */
  private retryQueueOf(consumer: string, attempt: number): string {
    return `${this.queueOf(consumer)}.retry.${this.retryDelayMs(attempt)}ms`;
  }

  private async setup(model: ChannelModel): Promise<void> {
    const pub = await model.createConfirmChannel();
    pub.on('error', (err: Error) => this.log.warn({ err: err.message }, 'broker publish channel error'));
    await pub.assertExchange(this.exchange, 'topic', { durable: true });
    const consumers: { channel: Channel; tag: string }[] = [];
    if (this.consume) {
      for (const sub of this.subscriptions()) {
        const ch = await model.createChannel();
        // A channel the broker closes (while the connection lives) would silently stop its consumer:
        // drop the connection instead, so recovery rebuilds everything.
        ch.on('error', (err: Error) =>
          this.log.warn({ err: err.message, consumer: sub.consumer }, 'consumer channel error'),
        );
        ch.on('close', () => {
          if (!this.stopping && this.model === model) void model.close().catch(() => undefined);
        });
        await ch.prefetch(this.opts.prefetch);
        const queue = this.queueOf(sub.consumer);
        await ch.assertQueue(queue, { durable: true });
        for (const type of sub.types) await ch.bindQueue(queue, this.exchange, type);
        for (let attempt = 1; attempt < (sub.maxAttempts ?? 5); attempt++) {
          await ch.assertQueue(this.retryQueueOf(sub.consumer, attempt), {
            durable: true,
            messageTtl: this.retryDelayMs(attempt),
            deadLetterExchange: '',
            deadLetterRoutingKey: queue,
          });
        }
        const buffer: Buffer_ = { items: [], active: 0 };
        const { consumerTag } = await ch.consume(queue, (msg) => {
          if (!msg) return;
          const p = this.onMessage(ch, pub, sub, msg, buffer).finally(() => this.inFlight.delete(p));
          this.inFlight.add(p);
        });
        consumers.push({ channel: ch, tag: consumerTag });
      }
    }
    this.model = model;
    this.pub = pub;
    this.consumers.splice(0, this.consumers.length, ...consumers);
  }

  private async onMessage(
    ch: Channel,
    pub: ConfirmChannel,
    sub: Subscription,
    msg: ConsumeMessage,
    buffer: Buffer_,
  ): Promise<void> {
    const attempt = Number((msg.properties.headers ?? {})[ATTEMPT_HEADER] ?? 1) || 1;
    let event: CloudEvent;
    try {
      event = JSON.parse(msg.content.toString('utf8')) as CloudEvent;
      if (typeof event.id !== 'string' || typeof event.type !== 'string') throw new Error('not a CloudEvent');
    } catch (err) {
      await this.settle(ch, msg, async () => {
        await deadLetter(this.db, {
          consumer: sub.consumer,
          eventId: null,
          event: { raw: msg.content.toString('utf8').slice(0, 10_000) },
          error: `unreadable message: ${(err as Error).message}`,
          attempts: attempt,
        });
        this.consumed.inc({ consumer: sub.consumer, outcome: 'dead_lettered' });
      });
      return;
    }
    buffer.items.push({ msg, event, attempt });
    if (buffer.active >= this.opts.concurrency) return;
    buffer.active++;
    try {
      // Whatever arrives in the same turn of the event loop joins the batch: no added wait.
      await new Promise((r) => setImmediate(r));
      while (buffer.items.length > 0) await this.deliverAll(ch, pub, sub, buffer.items.splice(0, MAX_BATCH));
    } finally {
      buffer.active--;
    }
  }

  private async deliverAll(
    ch: Channel,
    pub: ConfirmChannel,
    sub: Subscription,
    batch: Pending[],
  ): Promise<void> {
    const results = await deliverBatch(this.db, sub, batch, this.log, this.opts.handlerTimeoutMs);
    await Promise.all(
      batch.map(async (item, i) => {
        const result = results[i];
        if (!(result instanceof Error)) {
          this.consumed.inc({ consumer: sub.consumer, outcome: result });
          safeAck(ch, item.msg);
          return;
        }
        await this.retryOrDeadLetter(ch, pub, sub, item, result.message);
      }),
    );
  }

  private async retryOrDeadLetter(
    ch: Channel,
    pub: ConfirmChannel,
    sub: Subscription,
    { msg, event, attempt }: Pending,
    error: string,
  ): Promise<void> {
    const maxAttempts = sub.maxAttempts ?? 5;
    await this.settle(ch, msg, async () => {
      if (attempt < maxAttempts) {
        this.log.warn(
          { err: error, consumer: sub.consumer, eventId: event.id, attempt },
          'handler failed; retrying later',
        );
        pub.sendToQueue(this.retryQueueOf(sub.consumer, attempt), msg.content, {
          ...msg.properties,
          persistent: true,
          headers: { ...(msg.properties.headers ?? {}), [ATTEMPT_HEADER]: attempt + 1 },
        });
        await withTimeout(pub.waitForConfirms(), this.opts.timeoutMs, 'publisher confirms');
        this.consumed.inc({ consumer: sub.consumer, outcome: 'retry' });
      } else {
        this.log.error(
          { err: error, consumer: sub.consumer, eventId: event.id, attempt },
          'handler failed for good; dead-lettered',
        );
        await deadLetter(this.db, {
          consumer: sub.consumer,
          eventId: event.id,
          event,
          error,
          attempts: attempt,
        });
        this.consumed.inc({ consumer: sub.consumer, outcome: 'dead_lettered' });
      }
    });
  }

  /**
   * Acks after `action` (scheduling a retry or dead-lettering) succeeded. If it failed (database or
   * broker trouble), the message goes back to the queue after a pause rather than being lost.
   */
  private async settle(ch: Channel, msg: ConsumeMessage, action: () => Promise<void>): Promise<void> {
    try {
      await action();
      safeAck(ch, msg);
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'could not settle a failed delivery; requeueing');
      await new Promise((r) => setTimeout(r, 1_000));
      try {
        ch.nack(msg, false, true);
      } catch {
        // The channel is gone; the broker redelivers unacked messages on its own.
      }
    }
  }
}

function safeAck(ch: Channel, msg: ConsumeMessage): void {
  try {
    ch.ack(msg);
  } catch {
    // The channel closed under us: the broker redelivers, and the inbox makes that harmless.
  }
}

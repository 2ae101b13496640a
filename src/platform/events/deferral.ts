import type { AnyDb } from '../db.js';
import type { DegradedMode } from '../degraded.js';
import type { Logger } from '../logger.js';
import {
  exponentialBackoff,
  PostponeJob,
  scheduleJob,
  type JobContext,
  type JobRunner,
} from '../jobs/runner.js';
import type { Subscription } from './bus.js';
import { deliver } from './delivery.js';
import type { CloudEvent } from './outbox.js';

/** The job that carries a delivery postponed by the degraded mode. */
export const DEFERRED_JOB = 'events.deferred';

export interface DeferredJobPayload {
  consumer: string;
  event: CloudEvent;
}

/** Attempts of a deferred delivery whose handler fails once it runs (then the job is kept as failed). */
const DEFERRED_MAX_ATTEMPTS = 25;

/**
 * The inbox key of a deferred delivery. The original delivery recorded the consumer's own inbox
 * row together with the job, so the deferred run needs a key of its own to be applied once.
 */
export const deferredInboxKey = (consumer: string) => `${consumer}~deferred`;

/**
 * Postpones the deliveries of non-critical subscriptions (`deferWhileDegraded`) while the degraded
 * mode is active. A postponed event is not lost and not retried against a limit: the delivery's
 * transaction records it in the consumer's inbox and schedules an `events.deferred` job with the
 * event, atomically; the job runs after `deferMs`, postpones itself again (PostponeJob) while the
 * mode is still active, and otherwise runs the handler in a transaction guarded by an inbox row of its own.
 */
export class Deferral {
  private readonly subs = new Map<string, Subscription>();

  constructor(
    private readonly db: AnyDb,
    jobs: JobRunner,
    private readonly degraded: DegradedMode,
    private readonly log: Logger,
    private readonly handlerTimeoutMs: number,
  ) {
    jobs.register<DeferredJobPayload>(DEFERRED_JOB, (payload, ctx) => this.run(payload, ctx), {
      backoffMs: exponentialBackoff(1_000, 600_000),
    });
  }

  /** The subscription whose handler postpones its events while the degraded mode is active. */
  wrap(sub: Subscription): Subscription {
    this.subs.set(sub.consumer, sub);
    const handle: Subscription['handle'] = async (event, ctx) => {
      if (!this.degraded.active()) return sub.handle(event, ctx);
      await scheduleJob(
        ctx.trx,
        DEFERRED_JOB,
        { consumer: sub.consumer, event },
        this.degraded.deferUntil(),
        {
          maxAttempts: DEFERRED_MAX_ATTEMPTS,
        },
      );
      ctx.log.debug({ eventId: event.id }, 'degraded mode: delivery postponed');
    };
    const handleBatch = sub.handleBatch;
    return {
      ...sub,
      handle,
      // A batch goes to the subscription's own batch handler, unless its events are to wait: then
      // each is postponed in turn.
      handleBatch: handleBatch
        ? async (events, ctx) => {
            if (!this.degraded.active()) return handleBatch(events, ctx);
            for (const event of events) await handle(event, ctx);
          }
        : undefined,
    };
  }

  private async run(payload: DeferredJobPayload, ctx: JobContext): Promise<void> {
    const sub = this.subs.get(payload.consumer);
    if (!sub) throw new Error(`no deferrable consumer "${payload.consumer}" is subscribed in this process`);
    // postponing is not a failure: the job keeps its attempts
    if (this.degraded.active()) throw new PostponeJob(this.degraded.deferUntil());
    await deliver(
      this.db,
      { ...sub, consumer: deferredInboxKey(sub.consumer) },
      payload.event,
      ctx.attempt,
      this.log,
      this.handlerTimeoutMs,
    );
  }
}

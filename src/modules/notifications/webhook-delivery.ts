import CircuitBreaker from 'opossum';
import { createHmac } from 'node:crypto';
import type { JobContext } from '../../platform/jobs/runner.js';
import { postJson } from './outbound.js';
import * as repo from './repository.js';

export const WEBHOOK_JOB = 'notifications.webhook';

export interface WebhookJobPayload {
  deliveryId: string;
}

export interface WebhookSenderOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  /** How long an open circuit stays open before one trial request. */
  breakerResetMs: number;
}

/** `t=<unix>,v1=<hex>`: HMAC-SHA256 over `<t>.<body>`, as the inbound inventory webhook expects. */
export function signature(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

class HttpStatusError extends Error {
  constructor(readonly status: number) {
    super(`endpoint answered HTTP ${status}`);
  }
}

interface SendArgs {
  url: string;
  body: string;
  headers: Record<string, string>;
}

/**
 * Delivers webhook deliveries as jobs: one signed POST per run, every attempt recorded; a failure
 * throws so the job runner retries with exponential backoff and jitter, until the last attempt
 * marks the delivery failed. One circuit breaker per endpoint stops hammering an endpoint that keeps
 * failing (attempts during an open circuit are recorded and retried later like any failure).
 */
export class WebhookSender {
  private readonly breakers = new Map<string, CircuitBreaker<[SendArgs], number>>();

  constructor(private readonly opts: WebhookSenderOptions) {}

  private breakerFor(webhookId: string): CircuitBreaker<[SendArgs], number> {
    let breaker = this.breakers.get(webhookId);
    if (!breaker) {
      breaker = new CircuitBreaker(
        async (a: SendArgs) => {
          const res = await postJson(a.url, a.body, a.headers, this.opts);
          if (res.status < 200 || res.status >= 300) throw new HttpStatusError(res.status);
          return res.status;
        },
        {
          timeout: false, // postJson has its own timeout
          errorThresholdPercentage: 50,
          volumeThreshold: 5,
          resetTimeout: this.opts.breakerResetMs,
        },
      );
      this.breakers.set(webhookId, breaker);
    }
    return breaker;
  }

  async run(payload: WebhookJobPayload, ctx: JobContext): Promise<void> {
    const delivery = await repo.findDelivery(ctx.db, payload.deliveryId);
    if (!delivery || delivery.status !== 'pending') return;
    const hook = await repo.findWebhook(ctx.db, delivery.webhook_id);
    if (!hook || hook.deleted_at) return;
    const t = Math.floor(Date.now() / 1000);
    const started = performance.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      statusCode = await this.breakerFor(hook.id).fire({
        url: hook.url,
        body: delivery.payload,
        headers: {
          'user-agent': 'Agora-Webhooks/1',
          'x-agora-signature': signature(hook.secret, delivery.payload, t),
          'x-agora-event-id': delivery.event_id,
          'x-agora-event-type': delivery.event_type,
          'x-agora-delivery-id': delivery.id,
        },
      });
    } catch (err) {
      statusCode = err instanceof HttpStatusError ? err.status : null;
      error = err instanceof Error ? err.message : String(err);
    }
    const durationMs = Math.round(performance.now() - started);
    const last = ctx.attempt >= ctx.maxAttempts;
    const status = error === null ? 'succeeded' : last ? 'failed' : 'pending';
    await repo.recordAttempt(
      ctx.db,
      { deliveryId: delivery.id, attempt: ctx.attempt, statusCode, error, durationMs },
      status,
    );
    if (status === 'pending') throw new Error(error ?? 'delivery failed');
  }

  shutdown(): void {
    for (const b of this.breakers.values()) b.shutdown();
  }
}

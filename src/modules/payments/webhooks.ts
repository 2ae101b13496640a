import type { AnyDb } from '../../platform/db.js';
import { isUuid } from '../../platform/ids.js';
import type { JobRunner } from '../../platform/jobs/runner.js';
import {
  WebhookSignatureError,
  type PaymentProvider,
  type ProviderEvent,
  type ProviderName,
} from './provider.js';
import { BadWebhookSignatureError } from './errors.js';
import * as repo from './repository.js';
import { VOID_JOB, type PaymentListener, type PaymentService } from './service.js';
import { publishEvents } from '../../platform/events/outbox.js';
import { PAYMENTS_SOURCE } from './events.js';

export interface WebhookAnswer {
  received: true;
  duplicate: boolean;
}

/**
 * Verifies a provider's webhook and applies it once (the event id is recorded with the change).
 * A provider saying a payment is authorized moves it on and tells orders, which completes the
 * checkout through its one entry point; a late authorization of a payment we already gave up on
 * (voided, failed) is voided, never turned into an order.
 * @throws BadWebhookSignatureError
 */
export async function receiveWebhook(
  deps: { db: AnyDb; jobs: JobRunner; service: PaymentService },
  provider: PaymentProvider,
  rawBody: Buffer,
  headers: Record<string, string | string[] | undefined>,
  correlationId: string,
): Promise<WebhookAnswer> {
  let event: ProviderEvent;
  try {
    event = provider.parseWebhook(rawBody, headers);
  } catch (err) {
    if (err instanceof WebhookSignatureError) throw new BadWebhookSignatureError(err.message);
    throw err;
  }
  return applyProviderEvent(deps, provider.name, event, correlationId);
}

/**
 * Applies a verified provider event once (its id is recorded with the change): a webhook's, or
 * the sandbox's own report of a customer's 3-D Secure step (`sandbox-routes.ts`).
 */
export async function applyProviderEvent(
  deps: { db: AnyDb; jobs: JobRunner; service: PaymentService },
  providerName: ProviderName,
  event: ProviderEvent,
  correlationId: string,
): Promise<WebhookAnswer> {
  return deps.db.transaction().execute(async (trx) => {
    const payment =
      (event.providerRef ? await repo.findByProviderRef(trx, providerName, event.providerRef) : undefined) ??
      (event.metadata.paymentId && isUuid(event.metadata.paymentId)
        ? await repo.findPayment(trx, event.metadata.paymentId)
        : undefined);
    const fresh = await repo.recordWebhookEvent(trx, {
      provider: providerName,
      eventId: event.id,
      type: event.type,
      paymentId: payment?.id ?? null,
    });
    if (!fresh) return { received: true, duplicate: true };
    if (!payment || !event.outcome) return { received: true, duplicate: false };
    const tell: PaymentListener = deps.service.listener ?? (async () => undefined);
    const data = (row: repo.PaymentRow, reason?: string) => ({
      paymentId: row.id,
      orderId: row.order_id,
      provider: row.provider,
      amount: { amount: row.amount, currency: row.currency },
      ...(reason ? { reason } : {}),
    });
    const emit = (type: string, row: repo.PaymentRow, reason?: string) =>
      publishEvents(trx, { source: PAYMENTS_SOURCE, correlationId }, [
        { type, subject: row.id, data: data(row, reason) },
      ]);
    const update = (row: repo.PaymentRow) =>
      tell(
        trx,
        { paymentId: row.id, orderId: row.order_id, cartId: row.cart_id, status: row.status },
        correlationId,
      );

    switch (event.outcome) {
      case 'authorized': {
        const row = await repo.transition(trx, payment.id, 'authorized', {
          provider_ref: event.providerRef || payment.provider_ref,
          token: null,
        });
        if (row) {
          await emit('payment.authorized', row);
          await update(row);
        } else if (['voiding', 'voided', 'failed'].includes(payment.status)) {
          // A late success for a checkout that was already compensated: release it.
          await deps.jobs.schedule(trx, VOID_JOB, { paymentId: payment.id, late: true }, new Date(), {
            key: `${payment.id}:late`,
            maxAttempts: 50,
          });
        }
        break;
      }
      case 'failed': {
        const row = await repo.transition(trx, payment.id, 'failed', {
          failure_code: event.reason ?? 'failed',
          token: null,
        });
        if (row) {
          await emit('payment.failed', row, event.reason);
          await update(row);
        }
        break;
      }
      case 'canceled': {
        const row = await repo.transition(trx, payment.id, 'voided', { token: null });
        if (row) {
          await emit('payment.voided', row);
          await update(row);
        }
        break;
      }
      case 'captured':
      case 'refunded':
        // Our own captures and refunds are recorded when we make them; these confirm them.
        break;
    }
    return { received: true, duplicate: false };
  });
}

import type { Transaction } from 'kysely';
import { uuidv7 } from '../../platform/ids.js';
import type { AnyDb } from '../../platform/db.js';
import { ConflictError, NotFoundError } from '../../platform/errors.js';
import { publishEvents } from '../../platform/events/outbox.js';
import type { JobContext, JobRunner } from '../../platform/jobs/runner.js';
import { PAYMENTS_SOURCE, type PaymentEventData, type PaymentEventType } from './events.js';
import { GatewayError, type Attempt, type PaymentGateway } from './gateway.js';
import { ProviderRejectedError, type Money, type ProviderName } from './provider.js';
import * as repo from './repository.js';
import type { PaymentStatus } from './tables.js';

type Trx = Transaction<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const VOID_JOB = 'payments.void';
export const REFUND_JOB = 'payments.refund';

/** What an authorization needs; orders keeps it in memory and `authorizationOf` rebuilds it. */
export interface AuthorizeRequest {
  paymentId: string;
  orderId: string;
  cartId: string;
  provider: ProviderName;
  amount: Money;
  idempotencyKey: string;
  token: string;
}

export type AuthorizeOutcome = { provider: ProviderName; attempts: Attempt[] } & (
  | { kind: 'authorized'; providerRef: string }
  | { kind: 'requires_action'; providerRef: string; clientSecret: string | null }
  | { kind: 'declined'; providerRef: string | null; code: string }
  /** `definite`: nothing can have been authorized. Otherwise the authorization must be voided. */
  | { kind: 'unavailable'; definite: boolean; reason: string }
);

export type CaptureOutcome = { attempts: Attempt[] } & (
  | { kind: 'captured' }
  /** The provider refused for good (the authorization expired or was released). */
  | { kind: 'rejected'; reason: string }
  | { kind: 'unavailable'; reason: string }
);

export interface PaymentView {
  id: string;
  orderId: string;
  provider: ProviderName;
  status: PaymentStatus;
  amount: Money;
  captured: Money;
  refunded: Money;
  providerRef: string | null;
  failureCode: string | null;
}

/** What a provider webhook changed, told to the orders module (see `PaymentListener`). */
export interface PaymentUpdate {
  paymentId: string;
  orderId: string;
  cartId: string;
  status: PaymentStatus;
}

/** Implemented by orders: called in the webhook's transaction after a payment changed. */
export type PaymentListener = (trx: Trx, update: PaymentUpdate, correlationId: string) => Promise<void>;

/** A refund the provider refused for good: nothing was paid back (see `RefundFailureListener`). */
export interface RefundFailure {
  paymentId: string;
  orderId: string;
  refundId: string;
  /** The key the refund was requested with (`requestRefund`'s `key`). */
  key: string;
  amount: Money;
  reason: string;
  /** What the provider said. */
  error: string;
}

/** Implemented by orders: called in the transaction that records a refund as failed. */
export type RefundFailureListener = (trx: Trx, failure: RefundFailure) => Promise<void>;

/** A refund as `requestRefund` answers it; `created` is false when its key was used before. */
export interface RequestedRefund {
  refundId: string;
  amount: Money;
  reason: string;
  created: boolean;
}

function refundOf(
  row: { id: string; amount: number; currency: string; reason: string },
  created: boolean,
): RequestedRefund {
  return {
    refundId: row.id,
    amount: { amount: Number(row.amount), currency: row.currency },
    reason: row.reason,
    created,
  };
}

export function viewOf(row: repo.PaymentRow): PaymentView {
  const money = (amount: number) => ({ amount, currency: row.currency });
  return {
    id: row.id,
    orderId: row.order_id,
    provider: row.provider,
    status: row.status,
    amount: money(row.amount),
    captured: money(row.captured_amount),
    refunded: money(row.refunded_amount),
    providerRef: row.provider_ref,
    failureCode: row.failure_code,
  };
}

async function publish(
  trx: Trx,
  correlationId: string | undefined,
  type: PaymentEventType,
  row: repo.PaymentRow,
  extra: Partial<PaymentEventData> = {},
) {
  const data: PaymentEventData = {
    paymentId: row.id,
    orderId: row.order_id,
    provider: row.provider,
    amount: { amount: row.amount, currency: row.currency },
    ...extra,
  };
  await publishEvents(trx, { source: PAYMENTS_SOURCE, correlationId }, [{ type, subject: row.id, data }]);
}

/**
 * The payment use cases orders drives. Provider calls (`authorize`, `capture`) hold no database
 * connection; their answers are recorded by the caller's next transaction (`record*`), so a
 * checkout spends no extra commit per provider call. Voids and refunds are durable jobs.
 */
export class PaymentService {
  constructor(
    private readonly db: AnyDb,
    private readonly gateway: PaymentGateway,
    private readonly jobs: JobRunner,
  ) {}

  listener: PaymentListener | null = null;
  refundFailureListener: RefundFailureListener | null = null;

  /** Records a pending payment in the caller's transaction. Idempotent per idempotency key. */
  async open(trx: Trx, req: AuthorizeRequest): Promise<void> {
    if (!this.gateway.has(req.provider)) throw new NotFoundError('Payment provider');
    await repo.insertPayment(trx, {
      id: req.paymentId,
      orderId: req.orderId,
      cartId: req.cartId,
      provider: req.provider,
      amount: req.amount.amount,
      currency: req.amount.currency,
      idempotencyKey: req.idempotencyKey,
      token: req.token,
    });
  }

  /** The authorization request of a recorded payment (recovery replays it with the same key). */
  async authorizationOf(db: AnyDb, paymentId: string): Promise<AuthorizeRequest | null> {
    const row = await repo.findPayment(db, paymentId);
    if (!row?.token) return null;
    return {
      paymentId: row.id,
      orderId: row.order_id,
      cartId: row.cart_id,
      provider: row.requested_provider,
      amount: { amount: row.amount, currency: row.currency },
      idempotencyKey: row.idempotency_key,
      token: row.token,
    };
  }

  /** Asks the provider (or the fallback) to authorize. Never throws for provider trouble. */
  async authorize(req: AuthorizeRequest): Promise<AuthorizeOutcome> {
    try {
      const { value, provider, attempts } = await this.gateway.authorize(req.provider, {
        amount: req.amount,
        token: req.token,
        idempotencyKey: req.idempotencyKey,
        metadata: { paymentId: req.paymentId, orderId: req.orderId, cartId: req.cartId },
      });
      switch (value.status) {
        case 'authorized':
          return { kind: 'authorized', provider, attempts, providerRef: value.providerRef };
        case 'requires_action':
          return {
            kind: 'requires_action',
            provider,
            attempts,
            providerRef: value.providerRef,
            clientSecret: value.clientSecret,
          };
        case 'declined':
          return {
            kind: 'declined',
            provider,
            attempts,
            providerRef: value.providerRef,
            code: value.declineCode,
          };
        case 'canceled':
          return { kind: 'unavailable', provider, attempts, definite: true, reason: 'canceled' };
      }
    } catch (err) {
      if (!(err instanceof GatewayError)) throw err;
      const unavailable = err.unavailable;
      return {
        kind: 'unavailable',
        provider: err.provider,
        attempts: err.attempts,
        // A refusal (4xx) authorized nothing.
        definite: unavailable ? unavailable.definite : true,
        reason: unavailable ? unavailable.kind : 'rejected',
      };
    }
  }

  /**
   * Records an authorization's answer: status, attempts, event; an answer that may have left an
   * authorization behind (timeout) schedules its void. Returns the payment's status afterwards.
   */
  async recordAuthorization(
    trx: Trx,
    paymentId: string,
    outcome: AuthorizeOutcome,
    correlationId?: string,
  ): Promise<{ status: PaymentStatus; failureCode: string | null }> {
    const { attempts } = outcome;
    let row: repo.PaymentRow | undefined;
    switch (outcome.kind) {
      case 'authorized':
        row = await repo.transition(
          trx,
          paymentId,
          'authorized',
          {
            provider: outcome.provider,
            provider_ref: outcome.providerRef,
            token: null,
          },
          attempts,
        );
        if (row) await publish(trx, correlationId, 'payment.authorized', row);
        break;
      case 'requires_action':
        row = await repo.transition(
          trx,
          paymentId,
          'requires_action',
          {
            provider: outcome.provider,
            provider_ref: outcome.providerRef,
          },
          attempts,
        );
        break;
      case 'declined':
        row = await repo.transition(
          trx,
          paymentId,
          'failed',
          {
            provider: outcome.provider,
            provider_ref: outcome.providerRef,
            failure_code: outcome.code,
            token: null,
          },
          attempts,
        );
        if (row) await publish(trx, correlationId, 'payment.failed', row, { reason: outcome.code });
        break;
      case 'unavailable':
        if (outcome.definite) {
          row = await repo.transition(
            trx,
            paymentId,
            'failed',
            {
              provider: outcome.provider,
              failure_code: `provider_${outcome.reason}`,
              token: null,
            },
            attempts,
          );
          if (row) await publish(trx, correlationId, 'payment.failed', row, { reason: outcome.reason });
        } else {
          row = await repo.transition(
            trx,
            paymentId,
            'voiding',
            {
              provider: outcome.provider,
              failure_code: `provider_${outcome.reason}`,
            },
            attempts,
          );
          if (row) {
            await publish(trx, correlationId, 'payment.failed', row, { reason: outcome.reason });
            await this.jobs.schedule(trx, VOID_JOB, { paymentId }, new Date(), {
              key: paymentId,
              maxAttempts: 50,
            });
          }
        }
        break;
    }
    const final = row ?? (await repo.findPayment(trx, paymentId))!;
    return { status: final.status, failureCode: final.failure_code };
  }

  /** Captures an authorized payment in full. Never throws for provider trouble. */
  async capture(p: {
    paymentId: string;
    provider: ProviderName;
    providerRef: string;
    amount: Money;
  }): Promise<CaptureOutcome> {
    const idempotencyKey = `${p.paymentId}:capture`;
    try {
      const { attempts } = await this.gateway.call(p.provider, 'capture', idempotencyKey, (provider) =>
        provider.capture({ providerRef: p.providerRef, amount: p.amount, idempotencyKey }),
      );
      return { kind: 'captured', attempts };
    } catch (err) {
      if (!(err instanceof GatewayError)) throw err;
      return err.cause instanceof ProviderRejectedError
        ? { kind: 'rejected', reason: err.cause.code, attempts: err.attempts }
        : { kind: 'unavailable', reason: err.message, attempts: err.attempts };
    }
  }

  /** Records a capture's answer. Returns the status afterwards. */
  async recordCapture(
    trx: Trx,
    paymentId: string,
    outcome: CaptureOutcome,
    correlationId?: string,
  ): Promise<void> {
    if (outcome.kind !== 'captured') return repo.insertAttempts(trx, paymentId, outcome.attempts);
    const row = await repo.capture(trx, paymentId, outcome.attempts);
    if (row) await publish(trx, correlationId, 'payment.captured', row);
  }

  /**
   * Releases an authorization: marks the payment `voiding` and schedules the void job, in the
   * caller's transaction. A payment that holds nothing (failed, voided) is left as it is.
   */
  async requestVoid(trx: Trx, paymentId: string): Promise<void> {
    const row = await repo.transition(trx, paymentId, 'voiding');
    if (row)
      await this.jobs.schedule(trx, VOID_JOB, { paymentId }, new Date(), { key: paymentId, maxAttempts: 50 });
  }

  /** The void job: calls the provider until the authorization is released. @throws to retry */
  async runVoid(payload: { paymentId: string; late?: boolean }, ctx: Pick<JobContext, 'db'>): Promise<void> {
    const row = await repo.findPayment(ctx.db, payload.paymentId);
    if (!row) return;
    if (row.status !== 'voiding' && !payload.late) return;
    // A late void is a new request to the provider: the first void's key would replay its answer.
    const idempotencyKey = payload.late ? `${row.id}:void-late` : `${row.id}:void`;
    const authorize = {
      amount: { amount: row.amount, currency: row.currency },
      token: row.token ?? '',
      idempotencyKey: row.idempotency_key,
      metadata: { paymentId: row.id, orderId: row.order_id, cartId: row.cart_id },
    };
    let attempts: Attempt[];
    let failure: Error | null = null;
    try {
      ({ attempts } = await this.gateway.call(row.provider, 'void', idempotencyKey, (p) =>
        p.void({
          providerRef: row.provider_ref,
          authorizeKey: row.idempotency_key,
          authorize,
          idempotencyKey,
        }),
      ));
    } catch (err) {
      if (!(err instanceof GatewayError)) throw err;
      attempts = err.attempts;
      failure = err;
    }
    await this.db.transaction().execute(async (trx) => {
      await repo.insertAttempts(trx, row.id, attempts);
      if (failure) return;
      const voided = await repo.transition(trx, row.id, 'voided', { token: null });
      if (voided) await publish(trx, undefined, 'payment.voided', voided);
    });
    if (failure) throw failure;
  }

  /** The refund recorded under `key`, or null. */
  async refundByKey(db: AnyDb, key: string): Promise<RequestedRefund | null> {
    const row = await repo.findRefundByKey(db, key);
    return row ? refundOf(row, false) : null;
  }

  /**
   * Refunds `amount` (default: all that is left) of a captured payment: the amount is reserved at
   * once (no two refunds can exceed the capture) and the refund job pays it back. Idempotent per
   * `key`: a key already used answers its refund with `created: false` and reserves nothing, so the
   * caller must count only a created refund.
   * @throws ConflictError when the payment has nothing (or not that much) left to refund, or when a
   * concurrent transaction recorded a refund with the same key first (the caller's transaction
   * must roll back: the reservation it made is undone with it)
   */
  async requestRefund(
    trx: Trx,
    input: { paymentId: string; amount?: number; reason: string; key: string },
  ): Promise<RequestedRefund> {
    const existing = await repo.findRefundByKey(trx, input.key);
    if (existing) return refundOf(existing, false);
    return this.requestNewRefund(trx, input);
  }

  /**
   * `requestRefund` for a caller that has just looked `key` up itself (`refundByKey`) in this
   * transaction, under a lock every refund with that key takes first: the key is new, and is not
   * looked up a second time. The answer is always `created`.
   * @throws ConflictError as `requestRefund` (a refund recorded with the key meanwhile is one)
   */
  async requestNewRefund(
    trx: Trx,
    input: { paymentId: string; amount?: number; reason: string; key: string },
  ): Promise<RequestedRefund> {
    const payment = await repo.findPayment(trx, input.paymentId);
    if (!payment) throw new NotFoundError('Payment');
    const amount = input.amount ?? payment.captured_amount - payment.refunded_amount;
    const reserved = amount > 0 ? await repo.reserveRefund(trx, input.paymentId, amount) : undefined;
    if (!reserved)
      throw new ConflictError('The payment has not that much captured money left to refund', {
        refundable: { amount: payment.captured_amount - payment.refunded_amount, currency: payment.currency },
      });
    const refundId = uuidv7();
    const inserted = await repo.insertRefund(trx, {
      id: refundId,
      paymentId: input.paymentId,
      key: input.key,
      amount,
      currency: payment.currency,
      reason: input.reason,
    });
    // Another transaction recorded this key meanwhile: its refund counts, ours must not.
    if (!inserted)
      throw new ConflictError('A refund with this key is being recorded; retry', { retryAfter: 1 });
    await this.jobs.schedule(trx, REFUND_JOB, { refundId }, new Date(), { key: refundId, maxAttempts: 50 });
    return { refundId, amount: { amount, currency: payment.currency }, reason: input.reason, created: true };
  }

  /** The refund job. @throws to retry while the provider is unavailable */
  async runRefund(payload: { refundId: string }, ctx: Pick<JobContext, 'db'>): Promise<void> {
    const refund = await repo.findRefund(ctx.db, payload.refundId);
    if (!refund || refund.status !== 'pending') return;
    const payment = (await repo.findPayment(ctx.db, refund.payment_id))!;
    const money = { amount: refund.amount, currency: refund.currency };
    try {
      const { value, attempts } = await this.gateway.call(payment.provider, 'refund', refund.id, (p) =>
        p.refund({ providerRef: payment.provider_ref!, amount: money, idempotencyKey: refund.id }),
      );
      await this.db.transaction().execute(async (trx) => {
        await repo.insertAttempts(trx, payment.id, attempts);
        if (await repo.finishRefund(trx, refund.id, 'succeeded', { providerRef: value.refundRef }))
          await publish(trx, undefined, 'payment.refunded', payment, {
            amount: money,
            reason: refund.reason,
          });
      });
    } catch (err) {
      if (!(err instanceof GatewayError)) throw err;
      const final = err.cause instanceof ProviderRejectedError;
      await this.db.transaction().execute(async (trx) => {
        await repo.insertAttempts(trx, payment.id, err.attempts);
        if (final && (await repo.finishRefund(trx, refund.id, 'failed', { error: err.message }))) {
          await repo.unreserveRefund(trx, payment.id, refund.amount);
          // the order counted this refund when it was asked for: it learns, with the failure, that
          // nothing was paid back
          await this.refundFailureListener?.(trx, {
            paymentId: payment.id,
            orderId: payment.order_id,
            refundId: refund.id,
            key: refund.key,
            amount: money,
            reason: refund.reason,
            error: err.message,
          });
        }
      });
      if (!final) throw err;
    }
  }

  async get(db: AnyDb, paymentId: string): Promise<PaymentView | null> {
    const row = await repo.findPayment(db, paymentId);
    return row ? viewOf(row) : null;
  }
}

import { randomUUID } from 'node:crypto';
import { uuidv7 } from '../../../platform/ids.js';
import { AppError, NotFoundError, ValidationError } from '../../../platform/errors.js';
import { collectEvents } from '../../../platform/events/outbox.js';
import type { Logger } from '../../../platform/logger.js';
import type { ProviderName } from '../../payments/index.js';
import { CartAlreadyCheckedOutError, CheckoutInProgressError } from '../errors.js';
import { completedOrderOut } from '../presenters.js';
import type { Order } from '../schemas.js';
import type { ShippingAddress } from '../tables.js';
import { authorizePayment } from '../steps/authorize-payment.js';
import { capturePayment } from '../steps/capture-payment.js';
import { closeCart } from '../steps/close-cart.js';
import { commitStock } from '../steps/commit-stock.js';
import { confirmOrder } from '../steps/confirm-order.js';
import { createOrder } from '../steps/create-order.js';
import { loadCart } from '../steps/load-cart.js';
import { reserveStock } from '../steps/reserve-stock.js';
import { compensate, drive, SagaExistsError, type DriveResult } from './runner.js';
import * as sagas from './saga-repository.js';
import type { CheckoutDeps, SagaRecord, Step, StepCtx, Trx } from './types.js';

/** The checkout, top to bottom. Each step is one file with its `run` and its `compensate`. */
export const CHECKOUT_FLOW: readonly Step[] = [
  loadCart, //          cart.forCheckout: locked, owned, open, priced
  reserveStock, //      inventory.reserve (all or nothing) + flash-sale holds claimed
  createOrder, //       order pending, order.placed, payment recorded
  authorizePayment, //  provider, with the idempotency key            (remote)
  confirmOrder, //      order confirmed, order.confirmed
  capturePayment, //    provider                                      (remote)
  commitStock, //       inventory.commit + holds converted
  closeCart, //         cart checked out
];

export interface StartCheckout {
  userId: string;
  /** The client's Idempotency-Key, namespaced by user; passed on to the payment provider. */
  idempotencyKey: string;
  shippingAddress: ShippingAddress;
  payment: { provider: string; token: string };
  correlationId: string;
  /**
   * Runs in the transaction that completes the checkout (confirmed and captured), with the order
   * as its buyer sees it: the caller records its answer there, committed with the order.
   */
  onCompleted?: (trx: Trx, order: Order) => Promise<void>;
}

export interface CheckoutResult {
  /** confirmed: paid (or captured later by recovery); pending: waiting for the provider's webhook. */
  kind: 'confirmed' | 'pending';
  orderId: string;
  clientSecret: string | null;
}

/** Recovery gave up driving a checkout forward. */
export class CheckoutAbandonedError extends AppError {
  constructor() {
    super('conflict', 'The checkout could not be completed and was cancelled; nothing was charged');
  }
}

/** The buyer (or an admin) cancelled the checkout before its payment completed. */
export class CheckoutCancelledError extends AppError {
  constructor(reason: string) {
    super('conflict', `The checkout was cancelled before its payment completed: ${reason}`);
  }
}

export class Checkout {
  constructor(
    private readonly deps: CheckoutDeps,
    private readonly opts: { maxAttempts: number; log: Logger },
  ) {}

  private ctx(saga: SagaRecord, over: Partial<StepCtx> = {}): StepCtx {
    return {
      saga,
      deps: this.deps,
      correlationId: '',
      token: null,
      resuming: false,
      expired: false,
      ...over,
    };
  }

  private result(saga: SagaRecord, r: DriveResult): CheckoutResult {
    return {
      kind: r.kind === 'parked' ? 'pending' : 'confirmed',
      orderId: saga.orderId,
      clientSecret: saga.state.clientSecret ?? null,
    };
  }

  /**
   * The one entry point that completes the checkout of a cart. The storefront's call starts it
   * (or, with the same Idempotency-Key after a crash, resumes it); a provider webhook and the
   * recovery job resume it. A cart has at most one live saga and so at most one order.
   * @throws AppError (the checkout failed and was compensated: 409 out_of_stock, 402, 503, ...)
   */
  async completeCheckout(cartId: string, trigger: { start: StartCheckout }): Promise<CheckoutResult>;
  async completeCheckout(
    cartId: string,
    trigger: { resume: { correlationId: string } },
  ): Promise<CheckoutResult | null>;
  async completeCheckout(
    cartId: string,
    trigger: { start: StartCheckout } | { resume: { correlationId: string } },
  ): Promise<CheckoutResult | null> {
    if ('resume' in trigger) return this.resume(cartId, trigger.resume.correlationId);
    const start = trigger.start;
    const provider = start.payment.provider;
    if (!this.deps.payments.providers.includes(provider as ProviderName))
      throw new ValidationError([
        { path: '/body/payment/provider', message: 'is not an available payment provider' },
      ]);
    const saga: SagaRecord = {
      id: uuidv7(),
      cartId,
      userId: start.userId,
      orderId: uuidv7(),
      idempotencyKey: start.idempotencyKey,
      status: 'running',
      step: '',
      state: {},
      input: {
        shippingAddress: start.shippingAddress,
        provider: provider as ProviderName,
        country: start.shippingAddress.country,
      },
      attempts: 0,
      leaseOwner: randomUUID(),
    };
    try {
      const answer = start.onCompleted;
      const ctx = this.ctx(saga, {
        correlationId: start.correlationId,
        token: start.payment.token,
        onCompleted: answer
          ? async (trx) => {
              const order = completedOrderOut(saga);
              if (order) await answer(trx, order);
            }
          : undefined,
      });
      return this.result(saga, await drive(CHECKOUT_FLOW, ctx, { isNew: true }));
    } catch (err) {
      if (!(err instanceof SagaExistsError)) throw err;
    }
    const live = await sagas.liveSagaOfCart(this.deps.db, cartId);
    if (!live) throw new CheckoutInProgressError('');
    if (live.userId !== start.userId) throw new NotFoundError('Cart');
    if (live.status === 'completed') {
      if (live.idempotencyKey === start.idempotencyKey)
        return { kind: 'confirmed', orderId: live.orderId, clientSecret: null };
      throw new CartAlreadyCheckedOutError(live.orderId);
    }
    if (live.idempotencyKey === start.idempotencyKey) {
      // The same request again after its first run died: carry on where it stopped.
      const resumed = await this.resume(cartId, start.correlationId);
      if (resumed) return resumed;
    }
    throw new CheckoutInProgressError(live.orderId);
  }

  private async resume(cartId: string, correlationId: string): Promise<CheckoutResult | null> {
    const taken = await sagas.takeForResume(this.deps.db, cartId, randomUUID(), this.deps.leaseMs);
    if (taken === 'busy') return null;
    if (!taken) return null;
    const r = await drive(CHECKOUT_FLOW, this.ctx(taken, { correlationId, resuming: true }), {
      isNew: false,
    });
    return this.result(taken, r);
  }

  /**
   * The webhook path: resumes a cart's saga that waits for its payment. @throws Error while another
   * process drives the saga (the job retries)
   */
  async resumeFromWebhook(cartId: string, correlationId: string): Promise<void> {
    const taken = await sagas.takeForResume(this.deps.db, cartId, randomUUID(), this.deps.leaseMs);
    if (taken === 'busy') throw new Error(`the checkout of cart ${cartId} is being driven; retrying`);
    if (!taken) return;
    await this.runQuietly(taken, { correlationId, resuming: true });
  }

  /**
   * Recovery: sagas nobody drives (lease lapsed, or a payment awaited past its time) are resumed
   * forward, or compensated once they used up their attempts. Afterwards each order is either
   * confirmed and paid, or cancelled with its stock released and its payment voided.
   */
  async recover(limit = 50): Promise<number> {
    const stuck = await sagas.claimStuck(this.deps.db, randomUUID(), this.deps.leaseMs, limit);
    for (const saga of stuck) {
      if (saga.attempts > this.opts.maxAttempts) {
        const ctx = this.ctx(saga, { correlationId: `recovery:${saga.id}`, resuming: true });
        await this.deps.db
          .transaction()
          .execute((trx) => compensate(CHECKOUT_FLOW, ctx, trx, saga.step, new CheckoutAbandonedError()));
        continue;
      }
      await this.runQuietly(saga, {
        correlationId: `recovery:${saga.id}`,
        resuming: true,
        expired: saga.wasAwaiting,
      });
    }
    return stuck.length;
  }

  /**
   * The buyer gives up a checkout that waits for the customer's payment action (3-D Secure), in
   * the caller's transaction (which holds the order's lock). Its parked saga is taken over as a
   * resume takes it, so of this cancel, a completion (webhook, `completeCheckout`) and recovery
   * exactly one gets it, and compensated as a payment that failed is: the authorization released
   * at the provider (`requestVoid`: voiding and a durable void job; Stripe's PaymentIntent is
   * cancelled), the reserved stock and flash-sale holds released, the order cancelled with
   * `reason`, `order.cancelled`, and the saga failed, so its cart takes a new checkout at once.
   * The saga's save is the transaction's last statement (the lease is checked in it).
   * Returns false, having changed nothing, when the saga is not parked: a completion is driving
   * it (it ends confirmed and paid, or compensated) or it has finished.
   */
  async abandon(
    trx: Trx,
    order: { id: string; cartId: string },
    reason: string,
    correlationId: string,
  ): Promise<boolean> {
    const saga = await sagas.takeParked(trx, order.cartId, order.id, randomUUID(), this.deps.leaseMs);
    if (!saga) return false;
    const ctx = this.ctx(saga, { correlationId, resuming: true, cancelReason: reason });
    // A parked saga called the provider: its authorization is compensated as well.
    await collectEvents(trx, () =>
      compensate(CHECKOUT_FLOW, ctx, trx, 'authorize-payment', new CheckoutCancelledError(reason)),
    );
    return true;
  }

  private async runQuietly(saga: SagaRecord, over: Partial<StepCtx>): Promise<void> {
    try {
      await drive(CHECKOUT_FLOW, this.ctx(saga, over), { isNew: false });
    } catch (err) {
      if (err instanceof AppError) return; // the checkout failed and was compensated
      this.opts.log.warn({ err, sagaId: saga.id }, 'checkout saga stopped; recovery retries it');
    }
  }
}

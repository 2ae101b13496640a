import {
  PaymentDeclinedError,
  PaymentUnavailableError,
  type AuthorizeOutcome,
} from '../../payments/index.js';
import type { PaymentStatus } from '../../payments/index.js';
import type { RemoteStep, StepCtx, Verdict } from '../saga/types.js';

type Result =
  | { fresh: AuthorizeOutcome }
  | { known: PaymentStatus; failureCode: string | null; providerRef: string | null };

function verdictOf(status: PaymentStatus, failureCode: string | null, expired: boolean): Verdict {
  switch (status) {
    case 'authorized':
    case 'captured':
      return { kind: 'ok' };
    case 'requires_action':
    case 'pending':
      return expired
        ? { kind: 'fail', error: new PaymentDeclinedError('authentication_not_completed') }
        : { kind: 'park' };
    case 'failed':
      return {
        kind: 'fail',
        error:
          failureCode?.startsWith('provider_') || failureCode === null
            ? new PaymentUnavailableError(failureCode ?? 'unavailable')
            : new PaymentDeclinedError(failureCode),
      };
    case 'voiding':
    case 'voided':
    case 'partially_refunded':
    case 'refunded':
      return { kind: 'fail', error: new PaymentUnavailableError(failureCode ?? status) };
  }
}

/**
 * Authorizes the order's total with the checkout's idempotency key (a replay by recovery returns
 * the provider's first answer instead of charging twice). A decline fails the checkout (402), an
 * outage too (503; an authorization that may exist behind a timeout is voided by a job), customer
 * action (3-D Secure) parks the saga until the provider's webhook.
 */
export const authorizePayment: RemoteStep<Result> = {
  name: 'authorize-payment',
  remote: true,
  async call(ctx: StepCtx): Promise<Result> {
    const { saga, deps } = ctx;
    const service = deps.payments.service;
    const paymentId = saga.state.paymentId!;
    if (ctx.resuming) {
      const payment = await service.get(deps.db, paymentId);
      if (payment && payment.status !== 'pending')
        return { known: payment.status, failureCode: payment.failureCode, providerRef: payment.providerRef };
      const request = await service.authorizationOf(deps.db, paymentId);
      if (!request) return { known: 'failed', failureCode: 'provider_lost', providerRef: null };
      return { fresh: await service.authorize(request) };
    }
    return {
      fresh: await service.authorize({
        paymentId,
        orderId: saga.orderId,
        cartId: saga.cartId,
        provider: saga.input.provider,
        amount: saga.state.cart!.totals.total,
        idempotencyKey: saga.idempotencyKey,
        token: ctx.token!,
      }),
    };
  },
  async apply(ctx, trx, result) {
    const { saga, deps } = ctx;
    if ('known' in result) {
      saga.state.paymentStatus = result.known;
      saga.state.providerRef = result.providerRef;
      return verdictOf(result.known, result.failureCode, ctx.expired);
    }
    const outcome = result.fresh;
    const recorded = await deps.payments.service.recordAuthorization(
      trx,
      saga.state.paymentId!,
      outcome,
      ctx.correlationId,
    );
    saga.state.paymentStatus = recorded.status;
    saga.state.provider = outcome.provider;
    if (outcome.kind === 'authorized' || outcome.kind === 'requires_action')
      saga.state.providerRef = outcome.providerRef;
    if (outcome.kind === 'requires_action') saga.state.clientSecret = outcome.clientSecret;
    return verdictOf(recorded.status, recorded.failureCode, ctx.expired);
  },
  async compensate(ctx, trx) {
    // Releases whatever the provider may hold; a payment that holds nothing is left alone.
    if (ctx.saga.state.paymentId) await ctx.deps.payments.service.requestVoid(trx, ctx.saga.state.paymentId);
  },
};

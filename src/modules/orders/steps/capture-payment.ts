import { PaymentUnavailableError, type CaptureOutcome } from '../../payments/index.js';
import type { RemoteStep } from '../saga/types.js';

type Result = { fresh: CaptureOutcome } | { known: 'captured' };

/**
 * Captures the authorized total. An outage defers it (the order stays confirmed and recovery
 * captures later); a refusal (the authorization expired or was released) fails the checkout.
 */
export const capturePayment: RemoteStep<Result> = {
  name: 'capture-payment',
  remote: true,
  async call(ctx) {
    const { saga, deps } = ctx;
    const service = deps.payments.service;
    let provider = saga.state.provider;
    let providerRef = saga.state.providerRef ?? null;
    if (ctx.resuming || !provider || !providerRef) {
      const payment = (await service.get(deps.db, saga.state.paymentId!))!;
      if (payment.status === 'captured') return { known: 'captured' };
      provider = payment.provider;
      providerRef = payment.providerRef;
    }
    return {
      fresh: await service.capture({
        paymentId: saga.state.paymentId!,
        provider,
        providerRef: providerRef!,
        amount: saga.state.cart!.totals.total,
      }),
    };
  },
  async apply(ctx, trx, result) {
    if ('known' in result) return { kind: 'ok' };
    const outcome = result.fresh;
    await ctx.deps.payments.service.recordCapture(trx, ctx.saga.state.paymentId!, outcome, ctx.correlationId);
    switch (outcome.kind) {
      case 'captured':
        ctx.saga.state.paymentStatus = 'captured';
        return { kind: 'ok' };
      case 'unavailable':
        return { kind: 'defer', reason: outcome.reason };
      case 'rejected':
        return { kind: 'fail', error: new PaymentUnavailableError(`capture_${outcome.reason}`) };
    }
  },
  async compensate(ctx, trx) {
    const { saga, deps } = ctx;
    const payment = await deps.payments.service.get(trx, saga.state.paymentId!);
    if (payment && (payment.status === 'captured' || payment.status === 'partially_refunded'))
      await deps.payments.service.requestRefund(trx, {
        paymentId: payment.id,
        reason: 'checkout failed',
        key: `${saga.orderId}:checkout-compensation`,
      });
  },
};

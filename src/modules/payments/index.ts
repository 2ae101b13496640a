/**
 * Payments: one provider interface (sandbox, Stripe) behind a gateway with timeouts, retries, a
 * circuit breaker per provider and a fallback provider; payment records (provider references and
 * state, never card data), every provider call attempt, and verified provider webhooks.
 * Used by orders only.
 */
import type { Runtime } from '../../platform/runtime.js';
import { exponentialBackoff, type JobRunner } from '../../platform/jobs/runner.js';
import { PaymentGateway } from './gateway.js';
import type { PaymentProvider, ProviderName } from './provider.js';
import { paymentRoutes } from './routes.js';
import { SandboxProvider } from './sandbox.js';
import { sandboxRecords } from './sandbox-records.js';
import { sandboxRoutes } from './sandbox-routes.js';
import {
  PaymentService,
  REFUND_JOB,
  VOID_JOB,
  type PaymentListener,
  type RefundFailureListener,
} from './service.js';

export { paymentsMigrations } from './migrations/index.js';
export { PaymentDeclinedError, PaymentUnavailableError } from './errors.js';
export { PAYMENT_TRANSITIONS } from './state.js';
export { SandboxProvider, type SandboxAuthentication, type SandboxPayment } from './sandbox.js';
export type { PaymentStatus } from './tables.js';
export type { Money, ProviderName } from './provider.js';
export type { PaymentsEvents, PaymentEventData } from './events.js';
export type {
  AuthorizeOutcome,
  AuthorizeRequest,
  CaptureOutcome,
  PaymentListener,
  PaymentUpdate,
  PaymentView,
  RefundFailure,
  RefundFailureListener,
  RequestedRefund,
} from './service.js';

export interface PaymentsModule {
  routes(): ReturnType<typeof paymentRoutes>;
  /** The use cases orders drives (open, authorize, record, capture, void, refund, get). */
  service: PaymentService;
  /** Providers that take payments here. */
  providers: ProviderName[];
  /** The built-in sandbox, when enabled (tests and the demo play the provider's side with it). */
  sandbox: SandboxProvider | null;
  /** Orders listens here for what provider webhooks change (set once, by the composition root). */
  onPaymentUpdate(listener: PaymentListener): void;
  /** Orders listens here for refunds the provider refused for good (set once, by the composition root). */
  onRefundFailure(listener: RefundFailureListener): void;
  /** Whether `provider`'s circuit is open now. */
  circuitOpen(provider: ProviderName): boolean;
  close(): void;
}

export async function createPaymentsModule(rt: Runtime, deps: { jobs: JobRunner }): Promise<PaymentsModule> {
  const { config } = rt;
  const providers = new Map<ProviderName, PaymentProvider>();
  const sandboxOn = config.AGORA_PAYMENT_SANDBOX ?? config.NODE_ENV !== 'production';
  const sandbox = sandboxOn
    ? new SandboxProvider({
        slowMs: config.AGORA_PAYMENT_TIMEOUT_MS * 2,
        webhookSecret: config.AGORA_SANDBOX_WEBHOOK_SECRET,
        // its books outside the process: what this module records (`agora worker` voids and
        // refunds what `agora start` authorized; a restart forgets nothing)
        records: sandboxRecords(rt.database.db),
      })
    : null;
  if (sandbox) providers.set('sandbox', sandbox);
  if (config.STRIPE_SECRET_KEY && config.STRIPE_WEBHOOK_SECRET) {
    // the Stripe SDK is loaded only when configured (about 130 ms of every start otherwise)
    const { StripeProvider } = await import('./stripe.js');
    providers.set(
      'stripe',
      new StripeProvider({
        secretKey: config.STRIPE_SECRET_KEY,
        webhookSecret: config.STRIPE_WEBHOOK_SECRET,
        timeoutMs: config.AGORA_PAYMENT_TIMEOUT_MS,
        apiUrl: config.STRIPE_API_URL,
      }),
    );
  }
  const gateway = new PaymentGateway(
    providers,
    {
      timeoutMs: config.AGORA_PAYMENT_TIMEOUT_MS,
      retries: config.AGORA_PAYMENT_RETRIES,
      retryBaseMs: config.AGORA_PAYMENT_RETRY_BASE_MS,
      breakerThreshold: config.AGORA_PAYMENT_BREAKER_THRESHOLD,
      breakerErrorPercent: config.AGORA_PAYMENT_BREAKER_ERROR_PERCENT,
      breakerResetMs: config.AGORA_PAYMENT_BREAKER_RESET_MS,
      fallback: config.AGORA_PAYMENT_FALLBACK_PROVIDER,
    },
    rt.log,
  );
  const db = rt.database.db;
  const service = new PaymentService(db, gateway, deps.jobs);
  const retry = { backoffMs: exponentialBackoff(config.AGORA_PAYMENT_RETRY_BASE_MS * 5, 300_000) };
  deps.jobs.register<{ paymentId: string; late?: boolean }>(
    VOID_JOB,
    (p, ctx) => service.runVoid(p, ctx),
    retry,
  );
  deps.jobs.register<{ refundId: string }>(REFUND_JOB, (p, ctx) => service.runRefund(p, ctx), retry);
  const webhookRoutes = paymentRoutes({ db, jobs: deps.jobs, gateway, service });
  return {
    routes: () =>
      sandbox
        ? async (app) => {
            await app.register(webhookRoutes);
            // the customer's side of 3-D Secure exists only for the sandbox (Stripe's is Stripe.js)
            await app.register(sandboxRoutes({ db, jobs: deps.jobs, service, sandbox }));
          }
        : webhookRoutes,
    service,
    providers: [...providers.keys()],
    sandbox,
    onPaymentUpdate(listener) {
      service.listener = listener;
    },
    onRefundFailure(listener) {
      service.refundFailureListener = listener;
    },
    circuitOpen: (provider) => gateway.isOpen(provider),
    close: () => gateway.shutdown(),
  };
}

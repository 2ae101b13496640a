import Stripe from 'stripe';
import {
  ProviderRejectedError,
  ProviderUnavailableError,
  WebhookSignatureError,
  type AuthorizeInput,
  type AuthorizeResult,
  type CaptureInput,
  type PaymentProvider,
  type ProviderEvent,
  type RefundInput,
  type VoidInput,
} from './provider.js';

export interface StripeOptions {
  secretKey: string;
  webhookSecret: string;
  timeoutMs: number;
  /** Another API base (a local stand-in in tests); default api.stripe.com. */
  apiUrl?: string;
}

/**
 * Stripe on its official SDK: PaymentIntents confirmed at once with manual capture (authorize now,
 * capture after the order is confirmed), an idempotency key on every call, the SDK's own timeout,
 * and no SDK retries (the gateway retries, and records each attempt). Webhooks are verified with
 * `stripe.webhooks.constructEvent`.
 */
export class StripeProvider implements PaymentProvider {
  readonly name = 'stripe' as const;
  private readonly stripe: Stripe;

  constructor(private readonly opts: StripeOptions) {
    const base = opts.apiUrl ? new URL(opts.apiUrl) : null;
    this.stripe = new Stripe(opts.secretKey, {
      timeout: opts.timeoutMs,
      maxNetworkRetries: 0,
      telemetry: false,
      ...(base
        ? {
            host: base.hostname,
            port: base.port || (base.protocol === 'https:' ? 443 : 80),
            protocol: base.protocol === 'https:' ? 'https' : 'http',
          }
        : {}),
    });
  }

  async authorize(input: AuthorizeInput): Promise<AuthorizeResult> {
    try {
      const intent = await this.stripe.paymentIntents.create(this.intentParams(input), {
        idempotencyKey: input.idempotencyKey,
      });
      return resultOf(intent);
    } catch (err) {
      if (err instanceof Stripe.errors.StripeCardError) {
        const raw = err.raw as { payment_intent?: { id?: string } } | undefined;
        return {
          status: 'declined',
          providerRef: raw?.payment_intent?.id ?? null,
          declineCode: err.decline_code || err.code || 'card_declined',
        };
      }
      throw translate(err);
    }
  }

  private intentParams(input: AuthorizeInput): Stripe.PaymentIntentCreateParams {
    const card = input.token.startsWith('pm_')
      ? { payment_method: input.token }
      : { payment_method_data: { type: 'card' as const, card: { token: input.token } } };
    return {
      amount: input.amount.amount,
      currency: input.amount.currency.toLowerCase(),
      capture_method: 'manual',
      confirm: true,
      // cards only, no redirects: a 3-D Secure challenge comes back as requires_action
      automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
      metadata: { ...input.metadata },
      // `payment_method_data[card][token]` (a `tok_` from Stripe.js) is accepted by the API but not typed by the SDK
      ...card,
    };
  }

  async capture(input: CaptureInput): Promise<void> {
    try {
      await this.stripe.paymentIntents.capture(
        input.providerRef,
        { amount_to_capture: input.amount.amount },
        { idempotencyKey: input.idempotencyKey },
      );
    } catch (err) {
      throw translate(err);
    }
  }

  async void(input: VoidInput): Promise<void> {
    try {
      let ref = input.providerRef;
      if (!ref) {
        // The authorization's answer never arrived: replaying it with its idempotency key returns
        // the intent Stripe made (or makes it now), which is then cancelled.
        const intent = await this.stripe.paymentIntents.create(this.intentParams(input.authorize), {
          idempotencyKey: input.authorizeKey,
        });
        ref = intent.id;
        if (intent.status === 'canceled' || intent.status === 'requires_payment_method') return;
      }
      await this.stripe.paymentIntents.cancel(ref, {}, { idempotencyKey: input.idempotencyKey });
    } catch (err) {
      if (err instanceof Stripe.errors.StripeCardError) return; // declined on replay: nothing held
      if (
        err instanceof Stripe.errors.StripeInvalidRequestError &&
        err.code === 'payment_intent_unexpected_state'
      ) {
        // already cancelled (or never authorized): nothing to release
        return;
      }
      throw translate(err);
    }
  }

  async refund(input: RefundInput): Promise<{ refundRef: string }> {
    try {
      const refund = await this.stripe.refunds.create(
        { payment_intent: input.providerRef, amount: input.amount.amount },
        { idempotencyKey: input.idempotencyKey },
      );
      return { refundRef: refund.id };
    } catch (err) {
      throw translate(err);
    }
  }

  parseWebhook(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): ProviderEvent {
    const signature = headers['stripe-signature'];
    if (typeof signature !== 'string') throw new WebhookSignatureError('Stripe-Signature is missing');
    let event: Stripe.Event;
    try {
      event = this.stripe.webhooks.constructEvent(rawBody, signature, this.opts.webhookSecret);
    } catch {
      throw new WebhookSignatureError();
    }
    const object = event.data.object as {
      id?: string;
      object?: string;
      payment_intent?: string | { id: string } | null;
      metadata?: Record<string, string>;
      amount_refunded?: number;
      last_payment_error?: { code?: string; decline_code?: string } | null;
    };
    const intentId =
      object.object === 'payment_intent'
        ? object.id
        : typeof object.payment_intent === 'string'
          ? object.payment_intent
          : object.payment_intent?.id;
    const outcomes: Record<string, ProviderEvent['outcome']> = {
      'payment_intent.amount_capturable_updated': 'authorized',
      'payment_intent.payment_failed': 'failed',
      'payment_intent.canceled': 'canceled',
      'payment_intent.succeeded': 'captured',
      'charge.refunded': 'refunded',
    };
    return {
      id: event.id,
      type: event.type,
      providerRef: intentId ?? '',
      outcome: intentId ? (outcomes[event.type] ?? null) : null,
      amountRefunded: event.type === 'charge.refunded' ? object.amount_refunded : undefined,
      metadata: object.object === 'payment_intent' ? (object.metadata ?? {}) : {},
      reason: object.last_payment_error?.decline_code ?? object.last_payment_error?.code,
    };
  }
}

function resultOf(intent: Stripe.PaymentIntent): AuthorizeResult {
  switch (intent.status) {
    case 'requires_capture':
      return { status: 'authorized', providerRef: intent.id };
    case 'requires_action':
    case 'processing':
      return { status: 'requires_action', providerRef: intent.id, clientSecret: intent.client_secret };
    case 'canceled':
      return { status: 'canceled', providerRef: intent.id };
    case 'requires_payment_method':
      return {
        status: 'declined',
        providerRef: intent.id,
        declineCode:
          intent.last_payment_error?.decline_code ?? intent.last_payment_error?.code ?? 'card_declined',
      };
    case 'requires_confirmation':
    case 'succeeded':
      break;
  }
  // requires_confirmation / succeeded cannot come out of a confirmed manual-capture create
  throw new ProviderRejectedError(
    `stripe: unexpected PaymentIntent status ${String(intent.status)}`,
    'unexpected_state',
  );
}

/** Stripe's errors in our terms: outages (maybe processed) vs. definitive refusals. */
function translate(err: unknown): Error {
  if (err instanceof Stripe.errors.StripeConnectionError)
    return new ProviderUnavailableError(`stripe: ${err.message}`, false);
  if (err instanceof Stripe.errors.StripeRateLimitError)
    return new ProviderUnavailableError(`stripe: ${err.message}`, true);
  if (err instanceof Stripe.errors.StripeError) {
    const status = err.statusCode ?? 500;
    if (status >= 500 || err instanceof Stripe.errors.StripeIdempotencyError)
      return new ProviderUnavailableError(`stripe: ${err.message}`, false);
    return new ProviderRejectedError(`stripe: ${err.message}`, err.code ?? err.type);
  }
  return err instanceof Error ? err : new Error(String(err));
}

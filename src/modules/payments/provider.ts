/**
 * The one interface every payment provider implements. Providers hold no card data: the client
 * tokenizes the card with the provider and sends us the token; we keep provider references only.
 */
export interface Money {
  amount: number;
  currency: string;
}

export type ProviderName = 'sandbox' | 'stripe';
export const PROVIDER_NAMES: readonly ProviderName[] = ['sandbox', 'stripe'];

export interface AuthorizeInput {
  amount: Money;
  /** The provider's card/payment-method token from the client. */
  token: string;
  /** Sent to the provider: a replay with the same key returns the first answer. */
  idempotencyKey: string;
  /** Our references, stored at the provider (Stripe metadata) so its webhooks can be matched. */
  metadata: { paymentId: string; orderId: string; cartId: string };
}

export type AuthorizeResult =
  | { status: 'authorized'; providerRef: string }
  /** The customer must act (3-D Secure); the provider's webhook reports the outcome. */
  | { status: 'requires_action'; providerRef: string; clientSecret: string | null }
  | { status: 'declined'; providerRef: string | null; declineCode: string }
  /** The authorization was cancelled at the provider before it completed (a void won the race). */
  | { status: 'canceled'; providerRef: string | null };

export interface CaptureInput {
  providerRef: string;
  amount: Money;
  idempotencyKey: string;
}

export interface VoidInput {
  /** Unknown when the authorization's answer never arrived (timeout). */
  providerRef: string | null;
  /** The authorization's idempotency key, which finds it when the reference is unknown. */
  authorizeKey: string;
  /** The original authorization request, for providers that find it by replaying it. */
  authorize: AuthorizeInput;
  idempotencyKey: string;
}

export interface RefundInput {
  providerRef: string;
  amount: Money;
  idempotencyKey: string;
}

/** A provider event, verified, in our terms. */
export interface ProviderEvent {
  /** The provider's event id: each is applied once. */
  id: string;
  /** The provider's own type (`payment_intent.succeeded`). */
  type: string;
  providerRef: string;
  /** What the event says happened to the payment; null when it does not concern us. */
  outcome: 'authorized' | 'failed' | 'canceled' | 'captured' | 'refunded' | null;
  /** Cumulative refunded amount, for refund events. */
  amountRefunded?: number;
  metadata: Partial<Record<'paymentId' | 'orderId' | 'cartId', string>>;
  reason?: string;
}

export interface PaymentProvider {
  readonly name: ProviderName;
  /** A declined card is an answer (a value), an outage is thrown (`ProviderUnavailableError`). */
  authorize(input: AuthorizeInput): Promise<AuthorizeResult>;
  capture(input: CaptureInput): Promise<void>;
  /** Releases an authorization; a no-op when there is none (or it was already released). */
  void(input: VoidInput): Promise<void>;
  refund(input: RefundInput): Promise<{ refundRef: string }>;
  /** @throws WebhookSignatureError when the signature does not verify */
  parseWebhook(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): ProviderEvent;
}

/**
 * The provider could not be reached or failed. `definite` says nothing happened there for sure
 * (refused connection, an open circuit); otherwise (a timeout, a 5xx) the call may have taken
 * effect, and an authorization must be voided afterwards.
 */
export class ProviderUnavailableError extends Error {
  constructor(
    message: string,
    readonly definite: boolean,
    readonly kind: 'outage' | 'timeout' | 'circuit_open' = 'outage',
  ) {
    super(message);
    this.name = 'ProviderUnavailableError';
  }
}

/** The provider refused a request for a reason that will not change on retry (a 4xx). */
export class ProviderRejectedError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'ProviderRejectedError';
  }
}

export class WebhookSignatureError extends Error {
  constructor(message = 'The webhook signature does not verify') {
    super(message);
    this.name = 'WebhookSignatureError';
  }
}

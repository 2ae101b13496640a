import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
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

/** What the sandbox holds for one authorization: the provider side of the money. */
export interface SandboxPayment {
  ref: string;
  amount: number;
  currency: string;
  status: 'requires_action' | 'authorized' | 'captured' | 'voided' | 'failed';
  captured: number;
  refunded: number;
  metadata: AuthorizeInput['metadata'];
}

const SIGNATURE_TOLERANCE_S = 300;

/**
 * The built-in provider of API.md: no network, deterministic by token.
 * `tok_visa` authorizes, `tok_declined` is declined, `tok_unavailable` fails as an outage would,
 * `tok_slow` answers after `slowMs` (longer than the provider timeout), `tok_3ds` needs customer
 * action and is completed by a (signed) webhook. Like a real provider it keeps its own books (in
 * memory), honours idempotency keys, and lets a void that arrives first win over a late answer.
 */
export class SandboxProvider implements PaymentProvider {
  readonly name = 'sandbox' as const;
  private readonly payments = new Map<string, SandboxPayment>();
  /** idempotency key → the first answer (a promise, so concurrent replays share it). */
  private readonly answers = new Map<string, Promise<AuthorizeResult>>();
  /** idempotency key → the settled answer's reference, once it has one. */
  private readonly refsByKey = new Map<string, string>();
  /** Authorization keys voided before their authorization finished. */
  private readonly voidedKeys = new Set<string>();
  private readonly refunds = new Map<string, string>();
  /** Provider calls received, by operation (tests count them). */
  readonly calls = { authorize: 0, capture: 0, void: 0, refund: 0 };

  constructor(private readonly opts: { slowMs: number; webhookSecret?: string }) {}

  authorize(input: AuthorizeInput): Promise<AuthorizeResult> {
    this.calls.authorize++;
    const known = this.answers.get(input.idempotencyKey);
    if (known) return known;
    const answer = this.decide(input);
    this.answers.set(input.idempotencyKey, answer);
    // An outage is not an answer: a retry with the same key is attempted again.
    answer.catch(() => this.answers.delete(input.idempotencyKey));
    return answer;
  }

  private async decide(input: AuthorizeInput): Promise<AuthorizeResult> {
    switch (input.token) {
      case 'tok_unavailable':
        throw new ProviderUnavailableError('sandbox: the provider is unavailable', true);
      case 'tok_declined':
        return { status: 'declined', providerRef: null, declineCode: 'card_declined' };
      case 'tok_slow':
        await new Promise((r) => setTimeout(r, this.opts.slowMs));
        return this.record(input, 'authorized');
      case 'tok_3ds':
        return this.record(input, 'requires_action');
      case 'tok_visa':
        return this.record(input, 'authorized');
      default:
        return { status: 'declined', providerRef: null, declineCode: 'invalid_token' };
    }
  }

  private record(input: AuthorizeInput, status: 'authorized' | 'requires_action'): AuthorizeResult {
    if (this.voidedKeys.has(input.idempotencyKey)) return { status: 'canceled', providerRef: null };
    const ref = `sbx_${randomUUID()}`;
    this.refsByKey.set(input.idempotencyKey, ref);
    this.payments.set(ref, {
      ref,
      amount: input.amount.amount,
      currency: input.amount.currency,
      status,
      captured: 0,
      refunded: 0,
      metadata: input.metadata,
    });
    return status === 'authorized'
      ? { status, providerRef: ref }
      : { status, providerRef: ref, clientSecret: `${ref}_secret` };
  }

  async capture(input: CaptureInput): Promise<void> {
    this.calls.capture++;
    const p = this.payments.get(input.providerRef);
    if (!p) throw new ProviderRejectedError('sandbox: no such payment', 'resource_missing');
    if (p.status === 'captured') return;
    if (p.status !== 'authorized')
      throw new ProviderRejectedError(`sandbox: a ${p.status} payment cannot be captured`, 'invalid_state');
    if (input.amount.amount > p.amount)
      throw new ProviderRejectedError('sandbox: capture above the authorized amount', 'amount_too_large');
    p.status = 'captured';
    p.captured = input.amount.amount;
  }

  async void(input: VoidInput): Promise<void> {
    this.calls.void++;
    const ref = input.providerRef ?? (await this.refOf(input.authorizeKey));
    if (!ref) {
      // Its authorization has not answered yet (or never will): it must not take effect later.
      this.voidedKeys.add(input.authorizeKey);
      return;
    }
    const p = this.payments.get(ref);
    if (!p || p.status === 'voided') return;
    if (p.status === 'captured')
      throw new ProviderRejectedError('sandbox: a captured payment cannot be voided', 'invalid_state');
    p.status = 'voided';
  }

  private async refOf(authorizeKey: string): Promise<string | null> {
    // An authorization still in flight will see the voided key when it lands.
    this.voidedKeys.add(authorizeKey);
    return this.refsByKey.get(authorizeKey) ?? null;
  }

  async refund(input: RefundInput): Promise<{ refundRef: string }> {
    this.calls.refund++;
    const done = this.refunds.get(input.idempotencyKey);
    if (done) return { refundRef: done };
    const p = this.payments.get(input.providerRef);
    if (!p || p.status !== 'captured')
      throw new ProviderRejectedError('sandbox: only a captured payment can be refunded', 'invalid_state');
    if (p.refunded + input.amount.amount > p.captured)
      throw new ProviderRejectedError('sandbox: refund above the captured amount', 'amount_too_large');
    p.refunded += input.amount.amount;
    const refundRef = `sbx_re_${randomUUID()}`;
    this.refunds.set(input.idempotencyKey, refundRef);
    return { refundRef };
  }

  /** The provider's own record of a payment (tests and the dev console look at it). */
  inspect(ref: string): SandboxPayment | undefined {
    const p = this.payments.get(ref);
    return p ? { ...p } : undefined;
  }

  /** Every payment the sandbox holds whose metadata names this order. */
  paymentsOfOrder(orderId: string): SandboxPayment[] {
    return [...this.payments.values()].filter((p) => p.metadata.orderId === orderId).map((p) => ({ ...p }));
  }

  /**
   * Plays the customer finishing (or failing) 3-D Secure, and returns the webhook the provider sends
   * about it, signed. @throws Error when webhooks are not configured or the payment is unknown
   */
  completeAction(
    ref: string,
    outcome: 'authorized' | 'failed',
  ): { body: string; headers: Record<string, string> } {
    const p = this.payments.get(ref);
    if (!p) throw new Error(`sandbox: no payment ${ref}`);
    this.finishAction(p, outcome);
    return this.webhook({
      id: `evt_${randomUUID()}`,
      type: outcome === 'authorized' ? 'payment.authorized' : 'payment.failed',
      providerRef: ref,
      metadata: p.metadata,
    });
  }

  /** A payment awaiting the customer takes the customer's outcome; any other is left as it is. */
  private finishAction(p: SandboxPayment | undefined, outcome: ProviderEvent['outcome']): void {
    if (p?.status === 'requires_action' && (outcome === 'authorized' || outcome === 'failed'))
      p.status = outcome;
  }

  /** A signed sandbox webhook with this body (`x-agora-signature: t=<unix>,v1=<hmac>`). */
  webhook(event: {
    id: string;
    type: string;
    providerRef: string;
    metadata?: object;
    amountRefunded?: number;
  }) {
    const secret = this.opts.webhookSecret;
    if (!secret) throw new Error('AGORA_SANDBOX_WEBHOOK_SECRET is not set');
    const body = JSON.stringify(event);
    const t = Math.floor(Date.now() / 1000);
    const mac = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    return { body, headers: { 'content-type': 'application/json', 'x-agora-signature': `t=${t},v1=${mac}` } };
  }

  parseWebhook(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): ProviderEvent {
    const secret = this.opts.webhookSecret;
    if (!secret) throw new WebhookSignatureError('Sandbox webhooks are not configured');
    const header = headers['x-agora-signature'];
    const m = typeof header === 'string' ? /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header) : null;
    if (!m) throw new WebhookSignatureError();
    const t = Number(m[1]);
    if (Math.abs(Date.now() / 1000 - t) > SIGNATURE_TOLERANCE_S)
      throw new WebhookSignatureError('The webhook signature is too old');
    const expected = createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest();
    if (!timingSafeEqual(expected, Buffer.from(m[2], 'hex'))) throw new WebhookSignatureError();
    let event: {
      id?: unknown;
      type?: unknown;
      providerRef?: unknown;
      metadata?: unknown;
      amountRefunded?: unknown;
    };
    try {
      event = JSON.parse(rawBody.toString('utf8')) as typeof event;
    } catch {
      throw new WebhookSignatureError('The webhook body is not JSON');
    }
    if (
      typeof event.id !== 'string' ||
      typeof event.type !== 'string' ||
      typeof event.providerRef !== 'string'
    )
      throw new WebhookSignatureError('The webhook body is not a sandbox event');
    const outcomes: Record<string, ProviderEvent['outcome']> = {
      'payment.authorized': 'authorized',
      'payment.failed': 'failed',
      'payment.canceled': 'canceled',
      'payment.captured': 'captured',
      'payment.refunded': 'refunded',
    };
    const outcome = outcomes[event.type] ?? null;
    // The sandbox is its own provider: a signed event that a payment awaiting the customer was
    // authorized (or failed) is the customer finishing 3-D Secure, and its books follow, as
    // `completeAction`'s do. Otherwise the capture that follows would find the payment still
    // awaiting action, and a checkout finished from outside the process would be cancelled.
    this.finishAction(this.payments.get(event.providerRef), outcome);
    return {
      id: event.id,
      type: event.type,
      providerRef: event.providerRef,
      outcome,
      amountRefunded: typeof event.amountRefunded === 'number' ? event.amountRefunded : undefined,
      metadata: event.metadata ?? {},
    };
  }
}

import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
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
import type { PaymentStatus } from './tables.js';

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

/** A payment as the payments module recorded it (`payments.payments`). */
export interface RecordedPayment {
  paymentId: string;
  orderId: string;
  cartId: string;
  status: PaymentStatus;
  amount: number;
  currency: string;
  captured: number;
}

/**
 * Where the sandbox finds what other processes (or this one before a restart) did: the payments
 * module's own records, read only (sandbox-records.ts).
 */
export interface SandboxRecords {
  /** The payment recorded with the sandbox reference `ref`. */
  payment(ref: string): Promise<RecordedPayment | undefined>;
  /** The status of the payment whose authorization was sent with `authorizeKey`. */
  statusByKey(authorizeKey: string): Promise<PaymentStatus | undefined>;
  /** The refunds of a payment recorded as paid back: their idempotency keys, amounts, references. */
  refundsPaid(paymentId: string): Promise<{ key: string; amount: number; refundRef: string | null }[]>;
}

type Status = SandboxPayment['status'];

/** How far a payment has gone: a later record of it never goes back. */
const PROGRESS: Record<Status, number> = {
  requires_action: 0,
  authorized: 1,
  captured: 2,
  voided: 2,
  failed: 2,
};

/**
 * The provider's state a recorded payment shows. `voiding` is a void on its way: until it arrives
 * the authorization stands (whether it awaited the customer is not recorded; both can be voided).
 */
function statusOf(recorded: PaymentStatus): Status | null {
  switch (recorded) {
    case 'requires_action':
    case 'authorized':
    case 'voided':
    case 'failed':
      return recorded;
    case 'captured':
    case 'partially_refunded':
    case 'refunded':
      return 'captured';
    case 'voiding':
    case 'pending':
      return null;
  }
}

/** A reference that is the same in every process for the same idempotency key. */
const referenceOf = (prefix: string, key: string) =>
  `${prefix}${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;

const SIGNATURE_TOLERANCE_S = 300;

/** What the customer's 3-D Secure step did (`SandboxProvider.authenticate`). */
export type SandboxAuthentication =
  | { kind: 'done'; status: 'authorized' | 'failed' | 'captured'; event: ProviderEvent }
  /** No payment has this client secret. */
  | { kind: 'unknown' }
  /** The payment no longer waits for the customer: voided by the shop, or given the other outcome. */
  | { kind: 'not_awaiting'; status: SandboxPayment['status'] };

/**
 * The built-in provider of API.md: no network, deterministic by token.
 * `tok_visa` authorizes, `tok_declined` is declined, `tok_unavailable` fails as an outage would,
 * `tok_slow` answers after `slowMs` (longer than the provider timeout), `tok_3ds` needs customer
 * action and is completed by the customer's step (`authenticate`, with its client secret) or by a
 * (signed) webhook. Like a real provider it keeps its own books, honours idempotency keys, and lets
 * a void that arrives first win over a late answer (a payment the shop voided can no longer be
 * authenticated).
 *
 * A real provider's books live outside any one Agora process; so must these, since `agora worker`
 * voids and refunds what `agora start` authorized, and a restart must not forget a payment. The
 * books are this process's memory laid over what the payments module records about every sandbox
 * payment (`records`: its reference, amounts, state, the refunds paid back), read when memory does
 * not know a payment or cannot say yes: a void, a refund, a capture of a payment unknown here or
 * not capturable by what this process saw. Memory answers the checkout's own capture, so the
 * checkout spends no statement and no commit on the sandbox (a shared table of the sandbox's own
 * would cost a write per authorization and capture, on the benchmarked path). References derive
 * from the idempotency key (the same key gives the same reference in every process), so a replay
 * elsewhere finds the first authorization or refund instead of making another. What a call did
 * before the module recorded its answer is known only to the process that made it, as after a
 * crash between a provider's answer and its record.
 */
export class SandboxProvider implements PaymentProvider {
  readonly name = 'sandbox' as const;
  private readonly payments = new Map<string, SandboxPayment>();
  /** idempotency key → the first answer (a promise, so concurrent replays share it). */
  private readonly answers = new Map<string, Promise<AuthorizeResult>>();
  /** Authorization keys voided before their authorization finished. */
  private readonly voidedKeys = new Set<string>();
  /** refund idempotency key → its reference. */
  private readonly refunds = new Map<string, string>();
  /** payment reference → the refunds this process paid back on it (idempotency key → amount). */
  private readonly refundsOfPayment = new Map<string, Map<string, number>>();
  /** Provider calls received, by operation (tests count them). */
  readonly calls = { authorize: 0, capture: 0, void: 0, refund: 0 };

  constructor(private readonly opts: { slowMs: number; webhookSecret?: string; records?: SandboxRecords }) {}

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
        // The caller has given up; its void may have reached another process meanwhile. The
        // module marks the payment `voiding` before it asks, so the void wins there too.
        if (await this.abandoned(input.idempotencyKey)) this.voidedKeys.add(input.idempotencyKey);
        return this.record(input, 'authorized');
      case 'tok_3ds':
        return this.record(input, 'requires_action');
      case 'tok_visa':
        return this.record(input, 'authorized');
      default:
        return { status: 'declined', providerRef: null, declineCode: 'invalid_token' };
    }
  }

  /** Whether the module asked to void the authorization sent with `key`. */
  private async abandoned(key: string): Promise<boolean> {
    if (!this.opts.records || this.voidedKeys.has(key)) return false;
    // unreadable records: the answer lands as it would in one process (the void job finds it there)
    const status = await this.opts.records.statusByKey(key).catch(() => undefined);
    return status === 'voiding' || status === 'voided';
  }

  private record(input: AuthorizeInput, status: 'authorized' | 'requires_action'): AuthorizeResult {
    if (this.voidedKeys.has(input.idempotencyKey)) return { status: 'canceled', providerRef: null };
    const ref = referenceOf('sbx_', input.idempotencyKey);
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

  /**
   * The payment `ref` as the books hold it: this process's record brought up to date with the
   * module's (a state further on wins: authorized by another process's webhook, captured or
   * voided elsewhere), or built from the module's record when this process never saw it.
   */
  private async books(ref: string): Promise<SandboxPayment | undefined> {
    const recorded = await this.opts.records?.payment(ref);
    const mine = this.payments.get(ref);
    if (!recorded) return mine;
    const status = statusOf(recorded.status);
    if (mine) {
      if (status && PROGRESS[status] > PROGRESS[mine.status]) mine.status = status;
      mine.captured = Math.max(mine.captured, recorded.captured);
      return mine;
    }
    const p: SandboxPayment = {
      ref,
      amount: recorded.amount,
      currency: recorded.currency,
      status: status ?? 'authorized',
      captured: recorded.captured,
      refunded: 0,
      metadata: { paymentId: recorded.paymentId, orderId: recorded.orderId, cartId: recorded.cartId },
    };
    this.payments.set(ref, p);
    return p;
  }

  async capture(input: CaptureInput): Promise<void> {
    this.calls.capture++;
    let p = this.payments.get(input.providerRef);
    if (!p || (p.status !== 'authorized' && p.status !== 'captured')) p = await this.books(input.providerRef);
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
    // Without a reference, the authorization is found by its key; one still in flight will see
    // the voided key when it lands.
    if (!input.providerRef) this.voidedKeys.add(input.authorizeKey);
    const p = await this.books(input.providerRef ?? referenceOf('sbx_', input.authorizeKey));
    if (!p || p.status === 'voided') return;
    if (p.status === 'captured')
      throw new ProviderRejectedError('sandbox: a captured payment cannot be voided', 'invalid_state');
    p.status = 'voided';
  }

  async refund(input: RefundInput): Promise<{ refundRef: string }> {
    this.calls.refund++;
    const key = input.idempotencyKey;
    const done = this.refunds.get(key);
    if (done) return { refundRef: done };
    const p = await this.books(input.providerRef);
    const recorded = p && this.opts.records ? await this.opts.records.refundsPaid(p.metadata.paymentId) : [];
    const earlier = recorded.find((r) => r.key === key);
    if (earlier)
      return { refundRef: this.rememberRefund(key, earlier.refundRef ?? referenceOf('sbx_re_', key)) };
    // a replay that arrived while this one read the records has made the refund
    const made = this.refunds.get(key);
    if (made) return { refundRef: made };
    if (!p || p.status !== 'captured')
      throw new ProviderRejectedError('sandbox: only a captured payment can be refunded', 'invalid_state');
    // What was paid back: the refunds recorded and this process's own, each key once. Summed
    // after the last await, so two refunds in this process cannot both pass the check.
    const paid = new Map(recorded.map((r) => [r.key, r.amount]));
    const mine = this.refundsOfPayment.get(p.ref) ?? new Map<string, number>();
    for (const [k, amount] of mine) paid.set(k, amount);
    const refunded = [...paid.values()].reduce((sum, amount) => sum + amount, 0);
    if (refunded + input.amount.amount > p.captured)
      throw new ProviderRejectedError('sandbox: refund above the captured amount', 'amount_too_large');
    mine.set(key, input.amount.amount);
    this.refundsOfPayment.set(p.ref, mine);
    p.refunded = refunded + input.amount.amount;
    return { refundRef: this.rememberRefund(key, referenceOf('sbx_re_', key)) };
  }

  private rememberRefund(key: string, refundRef: string): string {
    this.refunds.set(key, refundRef);
    return refundRef;
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

  /**
   * The customer's side of 3-D Secure, as Stripe.js's `confirmCardPayment(clientSecret)` is for
   * Stripe: the payment `clientSecret` names (`<ref>_secret`; the reference derives from the
   * checkout's idempotency key, which only its buyer knows, and appears in no answer) passes
   * (`authenticated`) or fails its challenge, and the event the provider reports about it is
   * returned for the shop to apply as it applies a webhook (its id is fixed per payment and
   * outcome, so it is applied once). The books are read as for a void or a refund, so the step may
   * reach any process. Asking again for the outcome already reached answers it again; a payment
   * that no longer waits for the customer (voided, or on its way to be, because the shop cancelled
   * the checkout; or given the other outcome) is refused.
   */
  async authenticate(
    clientSecret: string,
    outcome: 'authenticated' | 'failed',
  ): Promise<SandboxAuthentication> {
    const ref = /^(sbx_[0-9a-f]{32})_secret$/.exec(clientSecret)?.[1];
    const recorded = ref ? await this.opts.records?.payment(ref) : undefined;
    // a void on its way: the shop gave the payment up, whatever this process last saw of it
    if (recorded?.status === 'voiding') return { kind: 'not_awaiting', status: 'voided' };
    const p = ref ? await this.books(ref) : undefined;
    if (!p) return { kind: 'unknown' };
    const wanted = outcome === 'authenticated' ? 'authorized' : 'failed';
    this.finishAction(p, wanted);
    const reached =
      wanted === 'authorized' ? p.status === 'authorized' || p.status === 'captured' : p.status === 'failed';
    if (!reached) return { kind: 'not_awaiting', status: p.status };
    return {
      kind: 'done',
      status: p.status as 'authorized' | 'failed' | 'captured',
      event: {
        id: `evt_sbx_${p.ref}_${wanted}`,
        type: wanted === 'authorized' ? 'payment.authorized' : 'payment.failed',
        providerRef: p.ref,
        outcome: wanted,
        metadata: p.metadata,
        ...(wanted === 'failed' ? { reason: 'authentication_failed' } : {}),
      },
    };
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

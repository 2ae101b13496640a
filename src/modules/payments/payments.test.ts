import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import Stripe from 'stripe';
import { sql } from 'kysely';
import { databaseModes, startAgora, type TestAgora } from '../../../test/helpers/agora.js';
import { startFakeStripe } from '../../../test/helpers/stripe.js';
import { PaymentGateway } from './gateway.js';
import {
  ProviderUnavailableError,
  type AuthorizeInput,
  type PaymentProvider,
  type ProviderName,
} from './provider.js';
import { SandboxProvider } from './sandbox.js';
import { StripeProvider } from './stripe.js';

const WHSEC = 'whsec_test_secret_for_agora';
const silent = pino({ level: 'silent' });

function authorizeInput(token: string, key = randomUUID()): AuthorizeInput {
  return {
    amount: { amount: 2599, currency: 'USD' },
    token,
    idempotencyKey: key,
    metadata: { paymentId: randomUUID(), orderId: randomUUID(), cartId: randomUUID() },
  };
}

describe('stripe provider (against a local stand-in for api.stripe.com)', () => {
  let fake: Awaited<ReturnType<typeof startFakeStripe>>;
  let stripe: StripeProvider;
  beforeAll(async () => {
    fake = await startFakeStripe();
    stripe = new StripeProvider({
      secretKey: 'sk_test_agora',
      webhookSecret: WHSEC,
      timeoutMs: 500,
      apiUrl: fake.url,
    });
  });
  afterAll(() => fake.close());

  it('authorizes with a manual-capture PaymentIntent, sending the idempotency key; a replay is the same intent', async () => {
    const input = authorizeInput('pm_card_visa');
    const first = await stripe.authorize(input);
    expect(first).toMatchObject({ status: 'authorized' });
    const sent = fake.requests.filter(
      (r) => r.path === '/v1/payment_intents' && r.idempotencyKey === input.idempotencyKey,
    );
    expect(sent[0].form.get('capture_method')).toBe('manual');
    expect(sent[0].form.get('confirm')).toBe('true');
    expect(sent[0].form.get('metadata[orderId]')).toBe(input.metadata.orderId);
    const again = await stripe.authorize(input);
    expect(again).toEqual(first);
    expect(fake.intents.size).toBe(1);
  });

  it('answers a declined card as a decline, and customer action as requires_action', async () => {
    expect(await stripe.authorize(authorizeInput('tok_chargeDeclined'))).toMatchObject({
      status: 'declined',
      declineCode: 'generic_decline',
    });
    expect(await stripe.authorize(authorizeInput('pm_card_authenticationRequired'))).toMatchObject({
      status: 'requires_action',
      clientSecret: 'secret',
    });
  });

  it('captures, refunds and voids, each with its own idempotency key', async () => {
    const a = await stripe.authorize(authorizeInput('pm_card_visa'));
    if (a.status !== 'authorized') throw new Error('not authorized');
    await stripe.capture({
      providerRef: a.providerRef,
      amount: { amount: 2599, currency: 'USD' },
      idempotencyKey: 'cap-1',
    });
    expect(fake.intents.get(a.providerRef)!.status).toBe('succeeded');
    const { refundRef } = await stripe.refund({
      providerRef: a.providerRef,
      amount: { amount: 500, currency: 'USD' },
      idempotencyKey: 'ref-1',
    });
    expect(refundRef).toMatch(/^re_/);
    expect(fake.requests.find((r) => r.path === '/v1/refunds')!.idempotencyKey).toBe('ref-1');

    const b = await stripe.authorize(authorizeInput('pm_card_visa'));
    if (b.status !== 'authorized') throw new Error('not authorized');
    const input = authorizeInput('pm_card_visa');
    await stripe.void({
      providerRef: b.providerRef,
      authorizeKey: 'x',
      authorize: input,
      idempotencyKey: 'void-1',
    });
    expect(fake.intents.get(b.providerRef)!.status).toBe('canceled');
  });

  it('voids an authorization whose answer was lost, by replaying it with its idempotency key', async () => {
    const input = authorizeInput('pm_card_visa');
    await stripe.authorize(input); // its answer "lost"
    await stripe.void({
      providerRef: null,
      authorizeKey: input.idempotencyKey,
      authorize: input,
      idempotencyKey: 'void-2',
    });
    const intents = [...fake.intents.values()].filter(
      (i) => i.metadata.paymentId === input.metadata.paymentId,
    );
    expect(intents).toHaveLength(1);
    expect(intents[0].status).toBe('canceled');
  });

  it('reports an outage (503) and a timeout as unavailable with an unknown effect', async () => {
    fake.state.mode = 'outage';
    try {
      const err = await stripe.authorize(authorizeInput('pm_card_visa')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderUnavailableError);
      expect((err as ProviderUnavailableError).definite).toBe(false);
      fake.state.mode = 'slow';
      fake.state.slowMs = 1_500;
      const slow = await stripe.authorize(authorizeInput('pm_card_visa')).catch((e: unknown) => e);
      expect(slow).toBeInstanceOf(ProviderUnavailableError);
    } finally {
      fake.state.mode = 'ok';
    }
  });
});

describe('payment gateway', () => {
  const failing = (name: ProviderName, calls: { n: number }): PaymentProvider => ({
    name,
    authorize: async () => {
      calls.n++;
      throw new ProviderUnavailableError('down', true);
    },
    capture: async () => undefined,
    void: async () => undefined,
    refund: async () => ({ refundRef: 'r' }),
    parseWebhook: () => {
      throw new Error('none');
    },
  });
  const options = {
    timeoutMs: 200,
    retries: 0,
    retryBaseMs: 1,
    breakerThreshold: 4,
    breakerErrorPercent: 50,
    breakerResetMs: 60_000,
  };

  it('opens the circuit after the threshold: later calls fail fast without reaching the provider', async () => {
    const calls = { n: 0 };
    const gw = new PaymentGateway(new Map([['stripe', failing('stripe', calls)]]), options, silent);
    for (let i = 0; i < 4; i++) await gw.authorize('stripe', authorizeInput('x')).catch(() => undefined);
    expect(gw.isOpen('stripe')).toBe(true);
    const err = (await gw.authorize('stripe', authorizeInput('x')).catch((e: unknown) => e)) as {
      unavailable: ProviderUnavailableError;
      attempts: { outcome: string }[];
    };
    expect(err.unavailable.kind).toBe('circuit_open');
    expect(err.unavailable.definite).toBe(true);
    expect(err.attempts[0].outcome).toBe('circuit_open');
    expect(calls.n).toBe(4);
    gw.shutdown();
  });

  it('routes new payments to the fallback provider while the circuit is open', async () => {
    const calls = { n: 0 };
    const sandbox = new SandboxProvider({ slowMs: 1_000 });
    const gw = new PaymentGateway(
      new Map<ProviderName, PaymentProvider>([
        ['stripe', failing('stripe', calls)],
        ['sandbox', sandbox],
      ]),
      { ...options, fallback: 'sandbox' },
      silent,
    );
    for (let i = 0; i < 4; i++)
      await gw.authorize('stripe', authorizeInput('tok_visa')).catch(() => undefined);
    const called = await gw.authorize('stripe', authorizeInput('tok_visa'));
    expect(called.provider).toBe('sandbox');
    expect(called.value.status).toBe('authorized');
    expect(calls.n).toBe(4);
    gw.shutdown();
  });

  it('does not count declines against the provider, and times out slow calls', async () => {
    const sandbox = new SandboxProvider({ slowMs: 400 });
    const gw = new PaymentGateway(new Map([['sandbox', sandbox]]), options, silent);
    for (let i = 0; i < 6; i++) {
      const r = await gw.authorize('sandbox', authorizeInput('tok_declined'));
      expect(r.value.status).toBe('declined');
    }
    expect(gw.isOpen('sandbox')).toBe(false);
    const slow = (await gw.authorize('sandbox', authorizeInput('tok_slow')).catch((e: unknown) => e)) as {
      unavailable: ProviderUnavailableError;
    };
    expect(slow.unavailable.kind).toBe('timeout');
    expect(slow.unavailable.definite).toBe(false);
    gw.shutdown();
  });

  it('sandbox: a void that arrives before a slow authorization answers wins over its late success', async () => {
    const sandbox = new SandboxProvider({ slowMs: 150 });
    const input = authorizeInput('tok_slow');
    const late = sandbox.authorize(input);
    await sandbox.void({
      providerRef: null,
      authorizeKey: input.idempotencyKey,
      authorize: input,
      idempotencyKey: 'v',
    });
    expect(await late).toEqual({ status: 'canceled', providerRef: null });
    expect(sandbox.paymentsOfOrder(input.metadata.orderId)).toEqual([]);
  });

  it('sandbox: a signed webhook that 3-D Secure was authorized makes the payment capturable', async () => {
    const sandbox = new SandboxProvider({ slowMs: 150, webhookSecret: 'sandbox-secret' });
    const pending = await sandbox.authorize(authorizeInput('tok_3ds'));
    if (pending.status !== 'requires_action') throw new Error('no customer action');
    // The webhook as a client outside the process signs it: no call to completeAction.
    const hook = sandbox.webhook({
      id: 'evt_1',
      type: 'payment.authorized',
      providerRef: pending.providerRef,
    });
    const event = sandbox.parseWebhook(Buffer.from(hook.body), hook.headers);
    expect(event.outcome).toBe('authorized');
    await sandbox.capture({
      providerRef: pending.providerRef,
      amount: { amount: 2599, currency: 'USD' },
      idempotencyKey: 'cap',
    });
    expect(sandbox.inspect(pending.providerRef)).toMatchObject({ status: 'captured', captured: 2599 });

    const failing = await sandbox.authorize(authorizeInput('tok_3ds'));
    if (failing.status !== 'requires_action') throw new Error('no customer action');
    const failed = sandbox.webhook({ id: 'evt_2', type: 'payment.failed', providerRef: failing.providerRef });
    sandbox.parseWebhook(Buffer.from(failed.body), failed.headers);
    expect(sandbox.inspect(failing.providerRef)?.status).toBe('failed');
    // A later event does not undo what the customer did.
    const late = sandbox.webhook({
      id: 'evt_3',
      type: 'payment.authorized',
      providerRef: failing.providerRef,
    });
    sandbox.parseWebhook(Buffer.from(late.body), late.headers);
    expect(sandbox.inspect(failing.providerRef)?.status).toBe('failed');
  });
});

describe.each(databaseModes())('payment webhooks (%s)', (mode) => {
  let agora: TestAgora;
  let fake: Awaited<ReturnType<typeof startFakeStripe>>;
  const sdk = new Stripe('sk_test_agora');

  beforeAll(async () => {
    fake = await startFakeStripe();
    agora = await startAgora(mode, {
      STRIPE_SECRET_KEY: 'sk_test_agora',
      STRIPE_WEBHOOK_SECRET: WHSEC,
      STRIPE_API_URL: fake.url,
      AGORA_SANDBOX_WEBHOOK_SECRET: 'sandbox-webhook-secret-for-tests',
      AGORA_PAYMENT_TIMEOUT_MS: '1000',
    });
  });
  afterAll(async () => {
    await agora.close();
    await fake.close();
  });

  async function openStripePayment(token: string) {
    const service = agora.payments.service;
    const req = {
      paymentId: randomUUID(),
      orderId: randomUUID(),
      cartId: randomUUID(),
      provider: 'stripe' as const,
      amount: { amount: 4200, currency: 'USD' },
      idempotencyKey: randomUUID(),
      token,
    };
    const db = agora.rt.database.db;
    await db.transaction().execute((trx) => service.open(trx, req));
    const outcome = await service.authorize(req);
    await db.transaction().execute((trx) => service.recordAuthorization(trx, req.paymentId, outcome));
    return { req, outcome };
  }

  const eventsOf = async (type: string, paymentId: string) => {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from platform.outbox where type = ${type} and subject = ${paymentId}`.execute(
      agora.rt.database.db,
    );
    return rows[0].n;
  };

  it('applies a Stripe webhook signed with the SDK test helper once; a replayed event id changes nothing', async () => {
    const { req, outcome } = await openStripePayment('pm_card_authenticationRequired');
    expect(outcome.kind).toBe('requires_action');
    const intent = fake.intents.get((outcome as { providerRef: string }).providerRef)!;
    intent.status = 'requires_capture';
    const payload = JSON.stringify({
      id: `evt_${randomUUID().replace(/-/g, '')}`,
      object: 'event',
      type: 'payment_intent.amount_capturable_updated',
      data: { object: intent },
    });
    const header = sdk.webhooks.generateTestHeaderString({ payload, secret: WHSEC });
    const post = () =>
      agora.request({
        method: 'POST',
        url: '/v1/payments/webhooks/stripe',
        body: payload,
        headers: { 'content-type': 'application/json', 'stripe-signature': header },
      });
    const first = await post();
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ received: true, duplicate: false });
    expect((await agora.payments.service.get(agora.rt.database.db, req.paymentId))!.status).toBe(
      'authorized',
    );
    const again = await post();
    expect(again.json()).toEqual({ received: true, duplicate: true });
    expect(await eventsOf('payment.authorized', req.paymentId)).toBe(1);
  });

  it('refuses a tampered or unsigned Stripe webhook', async () => {
    const payload = JSON.stringify({
      id: 'evt_x',
      object: 'event',
      type: 'payment_intent.canceled',
      data: { object: {} },
    });
    const header = sdk.webhooks.generateTestHeaderString({ payload, secret: WHSEC });
    const tampered = await agora.request({
      method: 'POST',
      url: '/v1/payments/webhooks/stripe',
      body: payload.replace('canceled', 'succeeded'),
      headers: { 'content-type': 'application/json', 'stripe-signature': header },
    });
    expect(tampered.statusCode).toBe(401);
    expect(tampered.json()).toMatchObject({ code: 'unauthorized' });
    const wrongSecret = sdk.webhooks.generateTestHeaderString({ payload, secret: 'whsec_other' });
    const forged = await agora.request({
      method: 'POST',
      url: '/v1/payments/webhooks/stripe',
      body: payload,
      headers: { 'content-type': 'application/json', 'stripe-signature': wrongSecret },
    });
    expect(forged.statusCode).toBe(401);
    const unsigned = await agora.request({
      method: 'POST',
      url: '/v1/payments/webhooks/stripe',
      body: payload,
    });
    expect(unsigned.statusCode).toBe(401);
  });

  it('a late authorization of a payment already given up on is voided, not applied', async () => {
    const { req, outcome } = await openStripePayment('pm_card_authenticationRequired');
    const ref = (outcome as { providerRef: string }).providerRef;
    const db = agora.rt.database.db;
    await db.transaction().execute((trx) => agora.payments.service.requestVoid(trx, req.paymentId));
    await agora.jobs.runDue();
    expect((await agora.payments.service.get(db, req.paymentId))!.status).toBe('voided');
    // The customer finishes 3-D Secure anyway; Stripe reports the authorization.
    fake.intents.get(ref)!.status = 'requires_capture';
    const payload = JSON.stringify({
      id: `evt_${randomUUID().replace(/-/g, '')}`,
      object: 'event',
      type: 'payment_intent.amount_capturable_updated',
      data: { object: fake.intents.get(ref) },
    });
    const res = await agora.request({
      method: 'POST',
      url: '/v1/payments/webhooks/stripe',
      body: payload,
      headers: {
        'content-type': 'application/json',
        'stripe-signature': sdk.webhooks.generateTestHeaderString({ payload, secret: WHSEC }),
      },
    });
    expect(res.statusCode).toBe(200);
    await agora.jobs.runDue();
    expect((await agora.payments.service.get(db, req.paymentId))!.status).toBe('voided');
    expect(fake.intents.get(ref)!.status).toBe('canceled');
    expect(await eventsOf('payment.authorized', req.paymentId)).toBe(0);
  });

  it('answers 404 for a provider that is not configured', async () => {
    const res = await agora.request({ method: 'POST', url: '/v1/payments/webhooks/paypal', body: '{}' });
    expect([400, 404]).toContain(res.statusCode);
  });
});

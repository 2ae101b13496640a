import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { agoraBeside, databaseModes, startAgora, type TestAgora } from '../helpers/agora.js';
import { FAST_ENV } from '../helpers/catalog.js';
import { waitFor } from '../helpers/events.js';
import { marketplace } from '../helpers/checkout.js';
import { recordedEvents } from '../helpers/outbox.js';
import { startFakeStripe } from '../helpers/stripe.js';

const ENV = {
  ...FAST_ENV,
  AGORA_SANDBOX_WEBHOOK_SECRET: 'sandbox-webhook-secret-for-tests',
  AGORA_RATE_LIMIT: 'false',
  AGORA_JOBS_POLL_MS: '100',
};

interface OrderAnswer {
  id: string;
  status: string;
  cancelReason: string | null;
  parts: { status: string }[];
  totals: { total: { amount: number } };
  payment: { status: string; provider: string; clientSecret?: string | null };
  history: { status: string; note: string | null }[];
}

/**
 * A checkout waiting for 3-D Secure is the buyer's to give up: POST /v1/orders/{id}/cancel voids
 * the authorization, releases the stock and frees the cart for another card at once; and a
 * completion racing the cancel ends in exactly one outcome.
 */
describe.each(databaseModes())('cancelling a checkout that waits for 3-D Secure (%s)', (mode) => {
  let agora: TestAgora;
  let fakeStripe: Awaited<ReturnType<typeof startFakeStripe>>;
  let m: Awaited<ReturnType<typeof marketplace>>;
  let seller: { token: string; id: string };

  beforeAll(async () => {
    fakeStripe = await startFakeStripe();
    agora = await startAgora(mode, {
      ...ENV,
      DATABASE_POOL_MAX: '10',
      STRIPE_SECRET_KEY: 'sk_test_agora',
      STRIPE_WEBHOOK_SECRET: 'whsec_test_secret_for_agora',
      STRIPE_API_URL: fakeStripe.url,
    });
    await agora.startBackground();
    m = await marketplace(agora);
    seller = await m.seller();
  });
  afterAll(async () => {
    await agora?.close();
    await fakeStripe?.close();
  });

  const db = () => agora.rt.database.db;
  const sandbox = () => agora.payments.sandbox!;
  const read = async (token: string, id: string) =>
    (await agora.request({ method: 'GET', url: `/v1/orders/${id}`, token })).json<OrderAnswer>();
  const cancel = (token: string, id: string, body: object = {}) =>
    agora.request({ method: 'POST', url: `/v1/orders/${id}/cancel`, token, body });
  const confirm3ds = (clientSecret: string, outcome?: 'authenticated' | 'failed') =>
    agora.request({
      method: 'POST',
      url: '/v1/payments/sandbox/confirm',
      body: outcome ? { clientSecret, outcome } : { clientSecret },
    });
  const eventsOf = (orderId: string) =>
    sql<{ type: string }>`select type from ${recordedEvents} where data->>'orderId' = ${orderId} order by id`
      .execute(db())
      .then((r) => r.rows.map((e) => e.type));
  const sandboxPayment = (orderId: string) => {
    const [p, ...more] = sandbox().paymentsOfOrder(orderId);
    expect(more).toEqual([]);
    return p;
  };

  /** A buyer with a cart of `quantity` units of a new product, and its checkout with tok_3ds: 202. */
  async function pendingCheckout(stock = 3, quantity = 2) {
    const [sku] = await m.product(seller.token, [{ stock, price: 1_500 }]);
    const buyer = await m.buyer();
    const cartId = await m.cartWith(buyer.token, [{ sku, quantity }]);
    const res = await m.checkout(buyer.token, cartId, { payToken: 'tok_3ds' });
    expect(res.statusCode).toBe(202);
    const order = res.json<{ order: OrderAnswer }>().order;
    expect(order).toMatchObject({ status: 'pending', payment: { status: 'requires_action' } });
    return { sku, buyer, cartId, order, clientSecret: order.payment.clientSecret! };
  }

  it('the buyer cancels: order cancelled with a note, stock released, the authorization voided at the provider, nothing charged; the cart pays at once with another card', async () => {
    const { sku, buyer, cartId, order, clientSecret } = await pendingCheckout(3, 2);
    expect(clientSecret).toMatch(/^sbx_[0-9a-f]{32}_secret$/);
    expect(await m.stock(seller.token, sku)).toMatchObject({ onHand: 3, reserved: 2, available: 1 });
    // the buyer finds the client secret on the order whenever they come back to it; nobody else
    expect((await read(buyer.token, order.id)).payment.clientSecret).toBe(clientSecret);
    expect((await read(m.admin.accessToken, order.id)).payment.clientSecret).toBeUndefined();
    const stranger = await m.buyer();
    expect((await cancel(stranger.token, order.id)).statusCode).toBe(404);
    const captures = sandbox().calls.capture;

    const res = await cancel(buyer.token, order.id);
    expect(res.statusCode).toBe(200);
    const cancelled = res.json<OrderAnswer>();
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      cancelReason: 'cancelled by the buyer',
      parts: [{ status: 'cancelled' }],
    });
    // released by the void job, at once or a moment later
    expect(['voiding', 'voided']).toContain(cancelled.payment.status);
    expect(cancelled.payment.clientSecret).toBeUndefined();
    expect(cancelled.history.at(-1)).toEqual(
      expect.objectContaining({
        status: 'cancelled',
        note: 'cancelled by the buyer (the payment was not completed; nothing was charged)',
      }),
    );
    expect(await m.stock(seller.token, sku)).toMatchObject({ onHand: 3, reserved: 0, available: 3 });
    await waitFor(
      async () => (await read(buyer.token, order.id)).payment.status === 'voided',
      10_000,
      'the void job',
    );
    expect(sandboxPayment(order.id)).toMatchObject({ status: 'voided', captured: 0 });
    expect(sandbox().calls.capture).toBe(captures);
    expect(await eventsOf(order.id)).toEqual(['order.placed', 'order.cancelled', 'payment.voided']);

    // the customer's challenge comes too late: the shop cancelled the payment
    const late = await confirm3ds(clientSecret);
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ code: 'conflict', paymentStatus: 'voided' });
    expect((await cancel(buyer.token, order.id)).statusCode).toBe(409);

    const paid = await m.checkout(buyer.token, cartId);
    expect(paid.statusCode).toBe(201);
    expect(paid.json()).toMatchObject({ order: { status: 'confirmed', payment: { status: 'captured' } } });
    expect(await m.stock(seller.token, sku)).toMatchObject({ onHand: 1, reserved: 0 });
    expect((await read(buyer.token, order.id)).status).toBe('cancelled');
  });

  it('a Stripe checkout waiting for 3-D Secure is cancelled at Stripe: its PaymentIntent is cancelled, never captured', async () => {
    const [sku] = await m.product(seller.token, [{ stock: 2 }]);
    const buyer = await m.buyer();
    const cartId = await m.cartWith(buyer.token, [{ sku, quantity: 1 }]);
    const res = await m.checkout(buyer.token, cartId, {
      provider: 'stripe',
      payToken: 'pm_card_authenticationRequired',
    });
    expect(res.statusCode).toBe(202);
    const { order } = res.json<{ order: OrderAnswer }>();
    const intent = [...fakeStripe.intents.values()].find((i) => i.metadata.orderId === order.id)!;
    expect(intent.status).toBe('requires_action');
    expect((await cancel(buyer.token, order.id, { reason: 'paying another way' })).json()).toMatchObject({
      status: 'cancelled',
      cancelReason: 'paying another way',
    });
    await waitFor(async () => intent.status === 'canceled', 10_000, 'the PaymentIntent to be cancelled');
    expect(fakeStripe.requests.some((r) => r.path === `/v1/payment_intents/${intent.id}/capture`)).toBe(
      false,
    );
    expect(await m.stock(seller.token, sku)).toMatchObject({ onHand: 2, reserved: 0 });
    expect((await m.checkout(buyer.token, cartId)).statusCode).toBe(201);
  });

  it("the sandbox's confirm completes 3-D Secure: authenticated confirms and charges the order, failed cancels it with nothing charged", async () => {
    const done = await pendingCheckout(4, 1);
    const answer = await confirm3ds(done.clientSecret);
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ status: 'authorized' });
    await waitFor(
      async () => (await read(done.buyer.token, done.order.id)).payment.status === 'captured',
      10_000,
      'the checkout to complete',
    );
    expect(await read(done.buyer.token, done.order.id)).toMatchObject({ status: 'confirmed' });
    expect(sandboxPayment(done.order.id)).toMatchObject({
      status: 'captured',
      captured: done.order.totals.total.amount,
    });
    // asked again (a double click), it says what happened and changes nothing
    expect((await confirm3ds(done.clientSecret)).json()).toEqual({ status: 'captured' });
    expect(await eventsOf(done.order.id)).toEqual([
      'order.placed',
      'payment.authorized',
      'order.confirmed',
      'payment.captured',
    ]);
    // a paid order is not cancelled by a cancel meant for a pending one
    const late = await cancel(done.buyer.token, done.order.id, { onlyIfPending: true });
    expect(late.statusCode).toBe(409);
    expect((await read(done.buyer.token, done.order.id)).status).toBe('confirmed');

    const failed = await pendingCheckout(4, 1);
    expect((await confirm3ds(failed.clientSecret, 'failed')).json()).toEqual({ status: 'failed' });
    await waitFor(
      async () => (await read(failed.buyer.token, failed.order.id)).status === 'cancelled',
      10_000,
      'the checkout to be cancelled',
    );
    expect(await m.stock(seller.token, failed.sku)).toMatchObject({ reserved: 0 });
    expect(sandboxPayment(failed.order.id)).toMatchObject({ status: 'failed', captured: 0 });

    const unknown = await confirm3ds(`sbx_${'0'.repeat(32)}_secret`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'not_found' });
    expect((await confirm3ds('')).statusCode).toBe(400);
  });

  it.runIf(mode === 'postgres')(
    "the customer's step may reach another process: it finishes what this one's sandbox holds, and is refused once a cancel gave the payment up",
    async () => {
      // a second process on the same database, its jobs not running: only its HTTP answers
      const other = await agoraBeside(agora, ENV);
      try {
        const confirmVia = (clientSecret: string) =>
          other.request({ method: 'POST', url: '/v1/payments/sandbox/confirm', body: { clientSecret } });
        const done = await pendingCheckout(4, 1);
        expect((await confirmVia(done.clientSecret)).json()).toEqual({ status: 'authorized' });
        await waitFor(
          async () => (await read(done.buyer.token, done.order.id)).payment.status === 'captured',
          10_000,
          'the checkout to complete',
        );
        expect(await read(done.buyer.token, done.order.id)).toMatchObject({ status: 'confirmed' });

        const given = await pendingCheckout(4, 1);
        expect((await cancel(given.buyer.token, given.order.id)).statusCode).toBe(200);
        const late = await confirmVia(given.clientSecret);
        expect(late.statusCode).toBe(409);
        expect(late.json()).toMatchObject({ code: 'conflict', paymentStatus: 'voided' });
        await waitFor(
          async () => (await read(given.buyer.token, given.order.id)).payment.status === 'voided',
          10_000,
          'the void job',
        );
        expect(sandboxPayment(given.order.id)).toMatchObject({ status: 'voided', captured: 0 });
      } finally {
        await other.close();
      }
    },
  );

  it('a cancel racing a 3-D Secure completion, many rounds: each order ends confirmed and charged, or cancelled with nothing charged, never both', async () => {
    const rounds = mode === 'postgres' ? 16 : 8;
    const outcomes: string[] = [];
    for (let round = 0; round < rounds; round++) {
      const { sku, buyer, cartId, order, clientSecret } = await pendingCheckout(5, 2);
      const ref = sandboxPayment(order.id).ref;
      // the customer finishes the challenge: the sandbox's confirm, or the provider's signed
      // webhook; then the entry point keyed by the cart, as the resume job calls it
      const complete = async () => {
        if (round % 2 === 0) await confirm3ds(clientSecret);
        else {
          const hook = sandbox().completeAction(ref, 'authorized');
          await agora.request({
            method: 'POST',
            url: '/v1/payments/webhooks/sandbox',
            body: hook.body,
            headers: hook.headers,
          });
        }
        await agora.orders.completeCheckout(cartId, { resume: { correlationId: `race-${round}` } });
      };
      const abandon = () => cancel(buyer.token, order.id, { onlyIfPending: true });
      // the first two rounds one after the other (each outcome once for sure), then at once
      let cancelStatus: number;
      if (round === 0) {
        cancelStatus = (await abandon()).statusCode;
        await complete();
      } else if (round === 1) {
        await complete();
        cancelStatus = (await abandon()).statusCode;
      } else {
        // one or the other a little later each round, so that they meet at every step of each
        const lag = ((round - 2) % 7) * 6 * (round % 2 === 0 ? 1 : -1);
        const after = async <T>(ms: number, fn: () => Promise<T>) => {
          if (ms > 0) await new Promise((r) => setTimeout(r, ms));
          return fn();
        };
        const [, answer] = await Promise.all([after(-lag, complete), after(lag, abandon)]);
        cancelStatus = answer.statusCode;
      }
      expect([200, 409]).toContain(cancelStatus);

      // settled: nothing left pending, awaiting the customer, or on its way to the provider
      await waitFor(
        async () => {
          const o = await read(buyer.token, order.id);
          const p = sandboxPayment(order.id);
          return (
            o.status !== 'pending' &&
            ['captured', 'voided'].includes(o.payment.status) &&
            ['captured', 'voided'].includes(p.status)
          );
        },
        15_000,
        `round ${round} to settle`,
      );
      const o = await read(buyer.token, order.id);
      const p = sandboxPayment(order.id);
      const stock = await m.stock(seller.token, sku);
      if (cancelStatus === 200) {
        expect(o.status).toBe('cancelled');
        expect(o.payment.status).toBe('voided');
        expect(p).toMatchObject({ status: 'voided', captured: 0 });
        expect(stock).toMatchObject({ onHand: 5, reserved: 0 });
        expect((await m.checkout(buyer.token, cartId)).statusCode).toBe(201);
      } else {
        expect(o.status).toBe('confirmed');
        expect(o.payment.status).toBe('captured');
        expect(p).toMatchObject({ status: 'captured', captured: o.totals.total.amount });
        expect(stock).toMatchObject({ onHand: 3, reserved: 0 });
      }
      const events = await eventsOf(order.id);
      expect(events.includes('order.cancelled')).toBe(cancelStatus === 200);
      expect(events.includes('payment.captured')).toBe(cancelStatus !== 200);
      const live = await sql<{ n: number }>`
        select count(*)::int as n from orders.orders where cart_id = ${cartId} and status <> 'cancelled'`.execute(
        db(),
      );
      // one live order per cart: the confirmed one, or the new checkout's after the cancel
      expect(live.rows[0].n).toBe(1);
      outcomes.push(cancelStatus === 200 ? 'cancelled' : 'confirmed');
    }
    expect(outcomes.slice(0, 2)).toEqual(['cancelled', 'confirmed']);
  });
});

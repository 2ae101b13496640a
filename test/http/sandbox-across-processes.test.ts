import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { agoraBeside, startAgora, type TestAgora } from '../helpers/agora.js';
import { FAST_ENV } from '../helpers/catalog.js';
import { marketplace } from '../helpers/checkout.js';
import { waitFor } from '../helpers/events.js';
import type { AuthorizeRequest } from '../../src/modules/payments/index.js';
import { uuidv7 } from '../../src/platform/ids.js';

const ENV = {
  ...FAST_ENV,
  AGORA_RATE_LIMIT: 'false',
  AGORA_SANDBOX_WEBHOOK_SECRET: 'sandbox-webhook-secret-for-tests',
  // tok_slow answers after twice this
  AGORA_PAYMENT_TIMEOUT_MS: '400',
};

interface OrderAnswer {
  id: string;
  status: string;
  totals: { total: { amount: number }; refunded: { amount: number } };
  payment: { status: string; clientSecret?: string };
}

/**
 * `agora start` and `agora worker` on one PostgreSQL database: what one process's sandbox
 * authorized, another captures, voids and refunds. No process runs its jobs in the background:
 * each test runs them where it means them to run.
 */
describe.skipIf(!inject('pgTemplate'))('the sandbox provider across processes (postgres)', () => {
  let a: TestAgora;
  let b: TestAgora;
  let m: Awaited<ReturnType<typeof marketplace>>;
  let seller: { token: string; id: string };

  beforeAll(async () => {
    a = await startAgora('postgres', ENV);
    b = await agoraBeside(a, ENV);
    m = await marketplace(a);
    seller = await m.seller();
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const db = () => a.rt.database.db;

  /** A confirmed, captured order checked out through `a`. */
  async function paidOrder(): Promise<OrderAnswer> {
    const [sku] = await m.product(seller.token, [{ stock: 10, price: 1_000 }]);
    const buyer = await m.buyer();
    const res = await m.checkout(buyer.token, await m.cartWith(buyer.token, [{ sku, quantity: 2 }]));
    expect(res.statusCode).toBe(201);
    return res.json<{ order: OrderAnswer }>().order;
  }

  const refund = (via: TestAgora, orderId: string, body: object) =>
    via.request({
      method: 'POST',
      url: `/v1/admin/orders/${orderId}/refund`,
      token: m.admin.accessToken,
      headers: { 'idempotency-key': randomUUID() },
      body,
    });

  const read = async (orderId: string) =>
    (
      await a.request({ method: 'GET', url: `/v1/orders/${orderId}`, token: m.admin.accessToken })
    ).json<OrderAnswer>();

  const refundsOf = async (orderId: string) =>
    (
      await sql<{ id: string; amount: number; status: string; provider_ref: string | null }>`
        select r.id, r.amount::int as amount, r.status, r.provider_ref
          from payments.refunds r join payments.payments p on p.id = r.payment_id
         where p.order_id = ${orderId} order by r.created_at`.execute(db())
    ).rows;

  const paymentOf = async (orderId: string) =>
    (
      await sql<{ id: string; provider_ref: string; status: string }>`
        select id, provider_ref, status from payments.payments where order_id = ${orderId}`.execute(db())
    ).rows[0];

  /** Runs `where`'s due jobs until `done`. */
  async function runJobs(where: TestAgora, done: () => Promise<boolean>, what: string) {
    await waitFor(
      async () => {
        await where.jobs.runDue();
        return done();
      },
      10_000,
      what,
    );
  }

  const settled = (orderId: string) => async () =>
    (await refundsOf(orderId)).every((r) => r.status !== 'pending');

  it('refunds asked for in one process are paid back in another, in part and then in full', async () => {
    const order = await paidOrder();
    const total = order.totals.total.amount;

    const partial = await refund(a, order.id, { amount: 500, reason: 'scratched' });
    expect(partial.statusCode).toBe(200);
    await runJobs(b, settled(order.id), 'the partial refund');
    expect(await refundsOf(order.id)).toMatchObject([{ amount: 500, status: 'succeeded' }]);
    expect(await read(order.id)).toMatchObject({
      status: 'partially_refunded',
      totals: { refunded: { amount: 500 } },
      payment: { status: 'partially_refunded' },
    });

    // the rest, asked for through the other process and paid back there too
    const rest = await refund(b, order.id, { reason: 'returned' });
    expect(rest.statusCode).toBe(200);
    await runJobs(b, settled(order.id), 'the full refund');
    const refunds = await refundsOf(order.id);
    expect(refunds).toMatchObject([
      { amount: 500, status: 'succeeded' },
      { amount: total - 500, status: 'succeeded' },
    ]);
    expect(await read(order.id)).toMatchObject({
      status: 'refunded',
      totals: { refunded: { amount: total } },
      payment: { status: 'refunded' },
    });

    // The sandbox keeps the same books in every process: nothing more can be refunded, and a
    // refund's key answers its first refund, also where it was never seen.
    const { provider_ref: ref } = await paymentOf(order.id);
    expect(b.payments.sandbox!.inspect(ref)).toMatchObject({
      status: 'captured',
      captured: total,
      refunded: total,
    });
    await expect(
      a.payments.sandbox!.refund({
        providerRef: ref,
        amount: { amount: 1, currency: 'USD' },
        idempotencyKey: randomUUID(),
      }),
    ).rejects.toMatchObject({ code: 'amount_too_large' });
    expect(
      await a.payments.sandbox!.refund({
        providerRef: ref,
        amount: { amount: 500, currency: 'USD' },
        idempotencyKey: refunds[0].id,
      }),
    ).toEqual({ refundRef: refunds[0].provider_ref });
  });

  it('a void asked for in one process releases the authorization another made', async () => {
    const req: AuthorizeRequest = {
      paymentId: uuidv7(),
      orderId: randomUUID(),
      cartId: randomUUID(),
      provider: 'sandbox',
      amount: { amount: 2_599, currency: 'USD' },
      idempotencyKey: randomUUID(),
      token: 'tok_visa',
    };
    await db()
      .transaction()
      .execute((trx) => a.payments.service.open(trx, req));
    const outcome = await a.payments.service.authorize(req);
    expect(outcome.kind).toBe('authorized');
    await db()
      .transaction()
      .execute((trx) => a.payments.service.recordAuthorization(trx, req.paymentId, outcome));

    await db()
      .transaction()
      .execute((trx) => b.payments.service.requestVoid(trx, req.paymentId));
    await runJobs(
      b,
      async () => (await b.payments.service.get(db(), req.paymentId))?.status === 'voided',
      'the void',
    );
    const ref = (await b.payments.service.get(db(), req.paymentId))!.providerRef!;
    expect(b.payments.sandbox!.inspect(ref)).toMatchObject({ status: 'voided', amount: 2_599 });

    // and a payment captured elsewhere cannot be voided, as where it was captured
    const order = await paidOrder();
    const captured = await paymentOf(order.id);
    await expect(
      b.payments.sandbox!.void({
        providerRef: captured.provider_ref,
        authorizeKey: randomUUID(),
        authorize: { ...req, metadata: { paymentId: captured.id, orderId: order.id, cartId: req.cartId } },
        idempotencyKey: randomUUID(),
      }),
    ).rejects.toMatchObject({ code: 'invalid_state' });
  });

  /** A payment opened through `a`'s payments service, not yet authorized. */
  async function openedPayment(token: string): Promise<AuthorizeRequest> {
    const req: AuthorizeRequest = {
      paymentId: uuidv7(),
      orderId: randomUUID(),
      cartId: randomUUID(),
      provider: 'sandbox',
      amount: { amount: 1_999, currency: 'USD' },
      idempotencyKey: randomUUID(),
      token,
    };
    await db()
      .transaction()
      .execute((trx) => a.payments.service.open(trx, req));
    return req;
  }

  it('an authorization replayed in another process answers the first one, not a second', async () => {
    const req = await openedPayment('tok_visa');
    const first = await a.payments.service.authorize(req);
    const replayed = await b.payments.service.authorize(req);
    expect(first).toMatchObject({ kind: 'authorized' });
    expect(replayed).toMatchObject({ kind: 'authorized' });
    if (first.kind !== 'authorized' || replayed.kind !== 'authorized') return;
    expect(replayed.providerRef).toBe(first.providerRef);
  });

  it('a void made by another process wins over a slow authorization that answers after it', async () => {
    const req = await openedPayment('tok_slow');
    const started = Date.now();
    const outcome = await a.payments.service.authorize(req);
    expect(outcome).toMatchObject({ kind: 'unavailable', definite: false });
    await db()
      .transaction()
      .execute((trx) => a.payments.service.recordAuthorization(trx, req.paymentId, outcome));
    await runJobs(
      b,
      async () => (await b.payments.service.get(db(), req.paymentId))?.status === 'voided',
      'the void',
    );
    // the provider's late answer lands in the first process: cancelled, nothing held
    await new Promise((r) => setTimeout(r, Math.max(0, started + 1_000 - Date.now())));
    expect(a.payments.sandbox!.paymentsOfOrder(req.orderId)).toEqual([]);
  });

  it('3-D Secure finished through the other process: the first captures and confirms the order', async () => {
    const [sku] = await m.product(seller.token, [{ stock: 3 }]);
    const buyer = await m.buyer();
    const cartId = await m.cartWith(buyer.token, [{ sku, quantity: 1 }]);
    const res = await m.checkout(buyer.token, cartId, { payToken: 'tok_3ds' });
    expect(res.statusCode).toBe(202);
    const { order } = res.json<{ order: OrderAnswer }>();
    const ref = order.payment.clientSecret!.replace(/_secret$/, '');
    // the provider's webhook (signed as the provider signs it) reaches the other process
    const hook = a.payments.sandbox!.webhook({
      id: `evt_${randomUUID()}`,
      type: 'payment.authorized',
      providerRef: ref,
    });
    const posted = await b.request({
      method: 'POST',
      url: '/v1/payments/webhooks/sandbox',
      body: hook.body,
      headers: hook.headers,
    });
    expect(posted.statusCode).toBe(200);
    // the resumed checkout runs in the process that authorized the payment
    await runJobs(
      a,
      async () => ['captured', 'failed', 'voiding', 'voided'].includes((await read(order.id)).payment.status),
      'the resumed checkout',
    );
    expect(await read(order.id)).toMatchObject({ status: 'confirmed', payment: { status: 'captured' } });
  });

  it('after a restart, the new process refunds a payment the stopped one authorized', async () => {
    const before = await agoraBeside(a, ENV);
    let order: OrderAnswer;
    try {
      const m1 = await marketplace(before);
      const seller1 = await m1.seller();
      const [sku] = await m1.product(seller1.token, [{ stock: 2 }]);
      const buyer = await m1.buyer();
      const res = await m1.checkout(buyer.token, await m1.cartWith(buyer.token, [{ sku, quantity: 1 }]));
      expect(res.statusCode).toBe(201);
      order = res.json<{ order: OrderAnswer }>().order;
    } finally {
      await before.close();
    }
    const after = await agoraBeside(a, ENV);
    try {
      expect((await refund(after, order.id, { reason: 'returned' })).statusCode).toBe(200);
      await runJobs(after, settled(order.id), 'the refund');
      expect(await refundsOf(order.id)).toMatchObject([{ status: 'succeeded' }]);
      expect(await read(order.id)).toMatchObject({ status: 'refunded', payment: { status: 'refunded' } });
    } finally {
      await after.close();
    }
  });
});

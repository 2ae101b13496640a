import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { databaseModes, startAgora, type TestAgora } from '../helpers/agora.js';
import { FAST_ENV } from '../helpers/catalog.js';
import { waitFor } from '../helpers/events.js';
import { ADDRESS, marketplace } from '../helpers/checkout.js';
import { recordedEvents } from '../helpers/outbox.js';

const SANDBOX_SECRET = 'sandbox-webhook-secret-for-tests';

describe.each(databaseModes())('checkout and orders (%s)', (mode) => {
  let agora: TestAgora;
  let m: Awaited<ReturnType<typeof marketplace>>;
  let seller: { token: string; id: string };

  beforeAll(async () => {
    agora = await startAgora(mode, {
      ...FAST_ENV,
      AGORA_SANDBOX_WEBHOOK_SECRET: SANDBOX_SECRET,
      AGORA_RATE_LIMIT: 'false',
      AGORA_JOBS_POLL_MS: '100',
    });
    await agora.startBackground();
    m = await marketplace(agora);
    seller = await m.seller();
  });
  afterAll(() => agora.close());

  const db = () => agora.rt.database.db;
  const count = async (query: ReturnType<typeof sql<{ n: number }>>) => (await query.execute(db())).rows[0].n;
  const eventsOf = (orderId: string) =>
    sql<{ type: string }>`select type from ${recordedEvents} where data->>'orderId' = ${orderId} order by id`
      .execute(db())
      .then((r) => r.rows.map((e) => e.type));

  it('checks a cart out: 201 confirmed, paid, stock sold, cart closed, events recorded', async () => {
    const [sku, other] = await m.product(seller.token, [
      { stock: 5, price: 1_250 },
      { stock: 3, price: 700 },
    ]);
    const buyer = await m.buyer();
    const cartId = await m.cartWith(buyer.token, [
      { sku, quantity: 2 },
      { sku: other, quantity: 1 },
    ]);
    const res = await m.checkout(buyer.token, cartId);
    expect(res.statusCode).toBe(201);
    const { order } = res.json();
    expect(order).toMatchObject({
      userId: buyer.id,
      status: 'confirmed',
      currency: 'USD',
      payment: { provider: 'sandbox', status: 'captured' },
      shippingAddress: { ...ADDRESS, line2: null, region: null, phone: null },
      parts: [{ sellerId: seller.id, status: 'confirmed' }],
    });
    expect(order.lines).toHaveLength(2);
    expect(order.totals.subtotal).toEqual({ amount: 3_200, currency: 'USD' });
    expect(order.history.map((h: { status: string }) => h.status)).toEqual(['pending', 'confirmed']);
    expect(await m.stock(seller.token, sku)).toMatchObject({ onHand: 3, reserved: 0, available: 3 });
    expect(await m.stock(seller.token, other)).toMatchObject({ onHand: 2, reserved: 0, available: 2 });
    const cart = await agora.request({ method: 'GET', url: `/v1/carts/${cartId}`, token: buyer.token });
    expect(cart.statusCode === 404 || cart.json<{ status?: string }>().status === 'checked_out').toBe(true);
    expect(await eventsOf(order.id)).toEqual([
      'order.placed',
      'payment.authorized',
      'order.confirmed',
      'payment.captured',
    ]);
    const mine = await agora.request({ method: 'GET', url: '/v1/orders', token: buyer.token });
    expect(mine.json()).toMatchObject({
      items: [{ id: order.id, status: 'confirmed', itemCount: 3 }],
      nextCursor: null,
    });
    // The answer is built from the saga's state, not read back: it is the order as a read shows it.
    const read = await agora.request({ method: 'GET', url: `/v1/orders/${order.id}`, token: buyer.token });
    expect(order).toEqual(read.json());
  });

  it('the answer of a checkout by two sellers lists both parts and every line, as a read does', async () => {
    const other = await m.seller();
    const [mine1, mine2] = await m.product(seller.token, [
      { stock: 4, price: 900 },
      { stock: 4, price: 300 },
    ]);
    const [theirs] = await m.product(other.token, [{ stock: 4, price: 1_100 }]);
    const buyer = await m.buyer();
    const cartId = await m.cartWith(buyer.token, [
      { sku: theirs, quantity: 2 },
      { sku: mine1, quantity: 1 },
      { sku: mine2, quantity: 3 },
    ]);
    const res = await m.checkout(buyer.token, cartId);
    expect(res.statusCode).toBe(201);
    const { order } = res.json();
    expect(order.parts).toHaveLength(2);
    expect(order.lines).toHaveLength(3);
    const read = await agora.request({ method: 'GET', url: `/v1/orders/${order.id}`, token: buyer.token });
    expect(order).toEqual(read.json());
  });

  it('requires an Idempotency-Key; the same key 50 times at once is one order, one authorization, 50 equal answers', async () => {
    const [sku] = await m.product(seller.token, [{ stock: 10 }]);
    const buyer = await m.buyer();
    const cartId = await m.cartWith(buyer.token, [{ sku, quantity: 1 }]);
    const missing = await agora.request({
      method: 'POST',
      url: '/v1/checkout',
      token: buyer.token,
      body: { cartId, shippingAddress: ADDRESS, payment: { provider: 'sandbox', token: 'tok_visa' } },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({
      code: 'validation_failed',
      errors: [{ path: '/headers/idempotency-key' }],
    });

    const key = randomUUID();
    const before = agora.payments.sandbox!.calls.authorize;
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => m.checkout(buyer.token, cartId, { key })),
    );
    expect(new Set(answers.map((a) => a.statusCode))).toEqual(new Set([201]));
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(agora.payments.sandbox!.calls.authorize - before).toBe(1);
    const orderId = answers[0].json().order.id as string;
    expect(await count(sql`select count(*)::int as n from orders.orders where cart_id = ${cartId}`)).toBe(1);
    expect(
      await count(sql`select count(*)::int as n from payments.attempts a join payments.payments p on p.id = a.payment_id
                       where p.order_id = ${orderId} and a.operation = 'authorize'`),
    ).toBe(1);
    const other = await m.checkout(buyer.token, cartId, { key, payToken: 'tok_declined' });
    expect(other.statusCode).toBe(422);
    expect(other.json()).toMatchObject({ code: 'idempotency_key_reused' });
    const again = await m.checkout(buyer.token, cartId);
    expect(again.statusCode).toBe(409);
  });

  it('a declined card is a 402; the stock is released and the order cancelled; the cart can be paid again', async () => {
    const [sku] = await m.product(seller.token, [{ stock: 2 }]);
    const buyer = await m.buyer();
    const cartId = await m.cartWith(buyer.token, [{ sku, quantity: 2 }]);
    const declined = await m.checkout(buyer.token, cartId, { payToken: 'tok_declined' });
    expect(declined.statusCode).toBe(402);
    expect(declined.json()).toMatchObject({ code: 'payment_declined' });
    expect(await m.stock(seller.token, sku)).toMatchObject({ onHand: 2, reserved: 0, available: 2 });
    const orders = await sql<{
      status: string;
    }>`select status from orders.orders where cart_id = ${cartId}`.execute(db());
    expect(orders.rows).toEqual([{ status: 'cancelled' }]);
    const paid = await m.checkout(buyer.token, cartId);
    expect(paid.statusCode).toBe(201);
    expect(await m.stock(seller.token, sku)).toMatchObject({ onHand: 0, reserved: 0, available: 0 });
  });

  it('3-D Secure: 202 pending; the provider webhook completes the same order, never a second one', async () => {
    const [sku] = await m.product(seller.token, [{ stock: 4 }]);
    const buyer = await m.buyer();
    const cartId = await m.cartWith(buyer.token, [{ sku, quantity: 1 }]);
    const key = randomUUID();
    const res = await m.checkout(buyer.token, cartId, { payToken: 'tok_3ds', key });
    expect(res.statusCode).toBe(202);
    const { order } = res.json();
    expect(order).toMatchObject({ status: 'pending', payment: { status: 'requires_action' } });
    expect(order.payment.clientSecret).toMatch(/^sbx_/);
    const ref = (order.payment.clientSecret as string).replace(/_secret$/, '');
    const hook = agora.payments.sandbox!.completeAction(ref, 'authorized');
    const posted = await agora.request({
      method: 'POST',
      url: '/v1/payments/webhooks/sandbox',
      body: hook.body,
      headers: hook.headers,
    });
    expect(posted.statusCode).toBe(200);
    await waitFor(
      async () =>
        (await agora.request({ method: 'GET', url: `/v1/orders/${order.id}`, token: buyer.token })).json()
          .payment.status === 'captured',
      10_000,
      'the webhook to complete the checkout',
    );
    const done = await agora.request({ method: 'GET', url: `/v1/orders/${order.id}`, token: buyer.token });
    expect(done.json()).toMatchObject({ status: 'confirmed', payment: { status: 'captured' } });
    expect(await m.stock(seller.token, sku)).toMatchObject({ onHand: 3, reserved: 0 });
    const replay = await m.checkout(buyer.token, cartId, { payToken: 'tok_3ds', key });
    expect(replay.statusCode).toBe(202);
    const other = await m.checkout(buyer.token, cartId);
    expect(other.statusCode).toBe(409);
    expect(await count(sql`select count(*)::int as n from orders.orders where cart_id = ${cartId}`)).toBe(1);
  });

  it('units of an expired hold are released and can be bought again', async () => {
    const [sku] = await m.product(seller.token, [{ stock: 2 }]);
    await db()
      .transaction()
      .execute((trx) =>
        agora.inventory.reserve(trx, {
          lines: [{ sku, quantity: 2 }],
          ref: { kind: 'cart', id: randomUUID() },
          expiresAt: new Date(Date.now() - 1_000),
        }),
      );
    const buyer = await m.buyer();
    const cartId = await m.cartWith(buyer.token, []);
    const blocked = await agora.request({
      method: 'POST',
      url: `/v1/carts/${cartId}/items`,
      token: buyer.token,
      body: { sku, quantity: 1 },
    });
    expect(blocked.statusCode).toBe(409);
    expect(await agora.inventory.expireHolds()).toBeGreaterThanOrEqual(1);
    const added = await agora.request({
      method: 'POST',
      url: `/v1/carts/${cartId}/items`,
      token: buyer.token,
      body: { sku, quantity: 2 },
    });
    expect(added.statusCode).toBe(201);
    expect((await m.checkout(buyer.token, cartId)).statusCode).toBe(201);
    expect(await m.stock(seller.token, sku)).toMatchObject({ onHand: 0, reserved: 0 });
  });

  it('sellers see and ship their own part; the order ships when every part has; others see nothing', async () => {
    const second = await m.seller();
    const [a] = await m.product(seller.token, [{ stock: 3, price: 500 }]);
    const [b] = await m.product(second.token, [{ stock: 3, price: 800 }]);
    const buyer = await m.buyer();
    const cartId = await m.cartWith(buyer.token, [
      { sku: a, quantity: 1 },
      { sku: b, quantity: 2 },
    ]);
    const { order } = (await m.checkout(buyer.token, cartId)).json();
    expect(order.parts).toHaveLength(2);

    const view = await agora.request({ method: 'GET', url: `/v1/orders/${order.id}`, token: second.token });
    expect(view.statusCode).toBe(200);
    expect(view.json().lines.map((l: { sku: string }) => l.sku)).toEqual([b]);
    expect(view.json().totals.total).toEqual({ amount: 1_600, currency: 'USD' });
    const stranger = await m.buyer();
    expect(
      (await agora.request({ method: 'GET', url: `/v1/orders/${order.id}`, token: stranger.token }))
        .statusCode,
    ).toBe(404);
    const list = await agora.request({ method: 'GET', url: '/v1/seller/orders', token: second.token });
    expect(list.json().items[0]).toMatchObject({
      orderId: order.id,
      status: 'confirmed',
      subtotal: { amount: 1_600 },
    });

    const ship = (token: string) =>
      agora.request({
        method: 'POST',
        url: `/v1/seller/orders/${order.id}/ship`,
        token,
        body: { carrier: 'DHL', trackingNumber: 'T-1' },
      });
    expect((await ship(seller.token)).json().status).toBe('confirmed');
    expect((await ship(seller.token)).statusCode).toBe(409);
    expect((await ship(stranger.token)).statusCode).toBe(403);
    const shipped = await ship(second.token);
    expect(shipped.json()).toMatchObject({
      status: 'shipped',
      parts: [{ status: 'shipped', carrier: 'DHL' }],
    });
    const cancel = await agora.request({
      method: 'POST',
      url: `/v1/orders/${order.id}/cancel`,
      token: buyer.token,
    });
    expect(cancel.statusCode).toBe(409);
    expect(await eventsOf(order.id)).toContain('order.shipped');
  });

  it('a checkout whose payment was declined is no order to the seller, in its list or by id', async () => {
    const own = await m.seller();
    const [sku] = await m.product(own.token, [{ stock: 5, price: 900 }]);
    const buyer = await m.buyer();
    const cartId = await m.cartWith(buyer.token, [{ sku, quantity: 1 }]);
    const declined = await m.checkout(buyer.token, cartId, { payToken: 'tok_declined' });
    expect(declined.statusCode).toBe(402);
    const [never] = (
      await sql<{ id: string }>`select id from orders.orders where cart_id = ${cartId}`.execute(db())
    ).rows;
    const peek = await agora.request({ method: 'GET', url: `/v1/orders/${never.id}`, token: own.token });
    expect(peek.statusCode).toBe(404);
    const paid = await m.checkout(buyer.token, cartId);
    expect(paid.statusCode).toBe(201);
    const cancelled = await agora.request({
      method: 'POST',
      url: `/v1/orders/${paid.json().order.id}/cancel`,
      token: buyer.token,
    });
    expect(cancelled.statusCode).toBe(200);
    const list = await agora.request({ method: 'GET', url: '/v1/seller/orders', token: own.token });
    // The confirmed order shows, also once cancelled; the declined one never does.
    expect(list.json().items.map((i: { orderId: string }) => i.orderId)).toEqual([paid.json().order.id]);
  });

  it("a seller reads the order's history without the other sellers' shipments", async () => {
    const [first, second] = [await m.seller(), await m.seller()];
    const [a] = await m.product(first.token, [{ stock: 3, price: 500 }]);
    const [b] = await m.product(second.token, [{ stock: 3, price: 800 }]);
    const buyer = await m.buyer();
    const cartId = await m.cartWith(buyer.token, [
      { sku: a, quantity: 1 },
      { sku: b, quantity: 1 },
    ]);
    const { order } = (await m.checkout(buyer.token, cartId)).json();
    const ship = (token: string, carrier: string) =>
      agora.request({
        method: 'POST',
        url: `/v1/seller/orders/${order.id}/ship`,
        token,
        body: { carrier, trackingNumber: `${carrier}-1` },
      });
    expect((await ship(first.token, 'UPS')).statusCode).toBe(200);
    expect((await ship(second.token, 'DHL')).statusCode).toBe(200);
    const historyFor = async (token: string) =>
      (await agora.request({ method: 'GET', url: `/v1/orders/${order.id}`, token }))
        .json<{ history: { status: string; note: string }[] }>()
        .history.map((h) => `${h.status}: ${h.note}`);
    expect(await historyFor(second.token)).toEqual([
      'pending: Order placed',
      'confirmed: Payment authorized',
      `part_shipped: Shipped by seller ${second.id} with DHL`,
      'shipped: Every part has shipped',
    ]);
    const all = await historyFor(buyer.token);
    expect(all).toContain(`part_shipped: Shipped by seller ${first.id} with UPS`);
    expect(all).toHaveLength(5);
  });

  it('the buyer cancels before shipping: stock back, money refunded; an admin refunds part and then the rest', async () => {
    const [sku] = await m.product(seller.token, [{ stock: 5, price: 1_000 }]);
    const buyer = await m.buyer();
    const first = (
      await m.checkout(buyer.token, await m.cartWith(buyer.token, [{ sku, quantity: 2 }]))
    ).json().order;
    const cancelled = await agora.request({
      method: 'POST',
      url: `/v1/orders/${first.id}/cancel`,
      token: buyer.token,
    });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', parts: [{ status: 'cancelled' }] });
    expect(await m.stock(seller.token, sku)).toMatchObject({ onHand: 5, reserved: 0 });
    await waitFor(
      async () =>
        (await agora.request({ method: 'GET', url: `/v1/orders/${first.id}`, token: buyer.token })).json()
          .payment.status === 'refunded',
      10_000,
      'the refund',
    );

    const buyer2 = await m.buyer();
    const second = (
      await m.checkout(buyer2.token, await m.cartWith(buyer2.token, [{ sku, quantity: 1 }]))
    ).json().order;
    const total = second.totals.total.amount as number;
    const refund = (body: object) =>
      agora.request({
        method: 'POST',
        url: `/v1/admin/orders/${second.id}/refund`,
        token: m.admin.accessToken,
        body,
      });
    expect(
      (
        await agora.request({
          method: 'POST',
          url: `/v1/admin/orders/${second.id}/refund`,
          token: buyer2.token,
          body: { reason: 'x' },
        })
      ).statusCode,
    ).toBe(403);
    const part = await refund({ amount: 300, reason: 'scratched' });
    expect(part.json()).toMatchObject({
      status: 'partially_refunded',
      totals: { refunded: { amount: 300 } },
    });
    expect((await refund({ amount: total, reason: 'too much' })).statusCode).toBe(409);
    const rest = await refund({ reason: 'returned' });
    expect(rest.json()).toMatchObject({ status: 'refunded', totals: { refunded: { amount: total } } });
    // A full refund of an order that never shipped puts its goods back.
    expect(await m.stock(seller.token, sku)).toMatchObject({ onHand: 5 });
    await waitFor(
      async () =>
        (await count(sql`select count(*)::int as n from payments.refunds r join payments.payments p on p.id = r.payment_id
                          where p.order_id = ${second.id} and r.status = 'succeeded'`)) === 2,
      10_000,
      'both refunds',
    );
  });
});

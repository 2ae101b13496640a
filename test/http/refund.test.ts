import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { databaseModes, startAgora, type TestAgora } from '../helpers/agora.js';
import { FAST_ENV } from '../helpers/catalog.js';
import { waitFor } from '../helpers/events.js';
import { marketplace } from '../helpers/checkout.js';
import { eventsOf } from '../helpers/inventory.js';
import { verifyInventory } from '../../src/modules/inventory/index.js';
import { refundOrder } from '../../src/modules/orders/order-service.js';
import type { KyselyPlugin } from 'kysely';

interface OrderAnswer {
  id: string;
  status: string;
  totals: { total: { amount: number }; refunded: { amount: number; currency: string } };
  history: { status: string; note: string | null }[];
  parts: { sellerId: string; status: string }[];
  payment: { status: string };
}

describe.each(databaseModes())('refunds and cancellations (%s)', (mode) => {
  let agora: TestAgora;
  let m: Awaited<ReturnType<typeof marketplace>>;
  let seller: { token: string; id: string };

  beforeAll(async () => {
    agora = await startAgora(mode, {
      ...FAST_ENV,
      AGORA_RATE_LIMIT: 'false',
      AGORA_JOBS_POLL_MS: '100',
    });
    await agora.startBackground();
    m = await marketplace(agora);
    seller = await m.seller();
  });
  afterAll(() => agora.close());

  const db = () => agora.rt.database.db;

  /** A confirmed, captured order of `quantity` units at 10.00 USD. */
  async function paidOrder(quantity = 2): Promise<{ order: OrderAnswer; buyer: { token: string } }> {
    const [sku] = await m.product(seller.token, [{ stock: 10, price: 1_000 }]);
    const buyer = await m.buyer();
    const res = await m.checkout(buyer.token, await m.cartWith(buyer.token, [{ sku, quantity }]));
    expect(res.statusCode).toBe(201);
    return { order: res.json<{ order: OrderAnswer }>().order, buyer };
  }

  const refund = (orderId: string, body: object, key?: string) =>
    agora.request({
      method: 'POST',
      url: `/v1/admin/orders/${orderId}/refund`,
      token: m.admin.accessToken,
      headers: key ? { 'idempotency-key': key } : {},
      body,
    });

  const read = async (orderId: string) =>
    (
      await agora.request({ method: 'GET', url: `/v1/orders/${orderId}`, token: m.admin.accessToken })
    ).json<OrderAnswer>();

  const refundsOf = async (orderId: string) =>
    (
      await sql<{ amount: string }>`
        select r.amount from payments.refunds r join payments.payments p on p.id = r.payment_id
         where p.order_id = ${orderId}`.execute(db())
    ).rows.map((r) => Number(r.amount));

  const refundEntries = (order: OrderAnswer) =>
    order.history.filter((h) => h.status === 'refunded' || h.status === 'partially_refunded');

  it('a replayed refund (same key, same body) answers the same and changes the order once', async () => {
    const { order } = await paidOrder();
    const key = randomUUID();
    const first = await refund(order.id, { amount: 500, reason: 'scratched' }, key);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({
      status: 'partially_refunded',
      totals: { refunded: { amount: 500 } },
    });
    for (let i = 0; i < 2; i++) {
      const again = await refund(order.id, { reason: 'scratched', amount: 500 }, key);
      expect(again.statusCode).toBe(200);
      expect(again.body).toBe(first.body);
    }
    const now = await read(order.id);
    expect(now.totals.refunded.amount).toBe(500);
    expect(refundEntries(now)).toHaveLength(1);
    expect(await refundsOf(order.id)).toEqual([500]);
    // The rest of the order can still be refunded.
    const rest = await refund(order.id, { reason: 'returned' }, randomUUID());
    expect(rest.statusCode).toBe(200);
    expect(rest.json()).toMatchObject({
      status: 'refunded',
      totals: { refunded: { amount: order.totals.total.amount } },
    });
  });

  it('a burst of the same refund at once: one refund, every answer the same', async () => {
    const { order } = await paidOrder();
    const key = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => refund(order.id, { amount: 300, reason: 'dented' }, key)),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(Array(10).fill(200));
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    const now = await read(order.id);
    expect(now.totals.refunded.amount).toBe(300);
    expect(refundEntries(now)).toHaveLength(1);
    expect(await refundsOf(order.id)).toEqual([300]);
  });

  it('a full refund replayed after it emptied the order still answers as the first time', async () => {
    const { order } = await paidOrder(1);
    const key = randomUUID();
    const first = await refund(order.id, { reason: 'returned' }, key);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ status: 'refunded' });
    const again = await refund(order.id, { reason: 'returned' }, key);
    expect(again.statusCode).toBe(200);
    expect(again.body).toBe(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it('the same key with another body is a 422 idempotency_key_reused and changes nothing', async () => {
    const { order } = await paidOrder();
    const key = randomUUID();
    expect((await refund(order.id, { amount: 500, reason: 'scratched' }, key)).statusCode).toBe(200);
    for (const body of [
      { amount: 600, reason: 'scratched' },
      { amount: 500, reason: 'another reason' },
      { reason: 'scratched' },
    ]) {
      const res = await refund(order.id, body, key);
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ code: 'idempotency_key_reused' });
    }
    const now = await read(order.id);
    expect(now.totals.refunded.amount).toBe(500);
    expect(refundEntries(now)).toHaveLength(1);
  });

  it('refundOrder itself counts a key once, even without the HTTP idempotency store in front', async () => {
    const { order } = await paidOrder();
    const ctx = {
      db: db(),
      actor: { userId: m.admin.userId, role: 'admin' as const, sessionId: randomUUID() },
      requestId: 'test',
      log: agora.rt.log,
    };
    const deps = { inventory: agora.inventory, payments: agora.payments };
    const key = randomUUID();
    const input = { amount: 400, reason: 'bent', key };
    await refundOrder(ctx, deps, order.id, input);
    await Promise.all(Array.from({ length: 5 }, () => refundOrder(ctx, deps, order.id, input)));
    await refundOrder(ctx, deps, order.id, { reason: 'bent', key }); // no amount: the same refund
    await expect(refundOrder(ctx, deps, order.id, { ...input, amount: 401 })).rejects.toMatchObject({
      code: 'idempotency_key_reused',
    });
    const now = await read(order.id);
    expect(now.totals.refunded.amount).toBe(400);
    expect(refundEntries(now)).toHaveLength(1);
    expect(await refundsOf(order.id)).toEqual([400]);
  });

  it('refundOrder looks the refund key up once', async () => {
    const { order } = await paidOrder();
    const lookups: string[] = [];
    const plugin: KyselyPlugin = {
      transformQuery: (args) => {
        const text = JSON.stringify(args.node);
        if (args.node.kind === 'SelectQueryNode' && text.includes('"refunds"')) lookups.push(text);
        return args.node;
      },
      transformResult: (args) => Promise.resolve(args.result),
    };
    const ctx = {
      db: db().withPlugin(plugin),
      actor: { userId: m.admin.userId, role: 'admin' as const, sessionId: randomUUID() },
      requestId: 'test',
      log: agora.rt.log,
    };
    const deps = { inventory: agora.inventory, payments: agora.payments };
    const input = { amount: 300, reason: 'bent', key: randomUUID() };
    await refundOrder(ctx, deps, order.id, input);
    expect(lookups).toHaveLength(1);
    // a repetition is answered by that one lookup too
    await refundOrder(ctx, deps, order.id, input);
    expect(lookups).toHaveLength(2);
    expect((await read(order.id)).totals.refunded.amount).toBe(300);
  });

  it('a refund note reads money as money: 10.00 USD, not 1000 USD', async () => {
    const { order } = await paidOrder();
    const res = await refund(order.id, { amount: 1_000, reason: 'scratched' }, randomUUID());
    expect(res.statusCode).toBe(200);
    const [entry] = refundEntries(res.json<OrderAnswer>());
    expect(entry.note).toBe('scratched (10.00 USD refunded)');
  });

  it('a refund the provider refuses stops counting on the order, its status and the sales figures', async () => {
    const { order } = await paidOrder();
    const total = order.totals.total.amount;
    // the money went back outside Agora (the provider's dashboard): the provider refuses any more
    const [held] = agora.payments.sandbox!.paymentsOfOrder(order.id);
    await agora.payments.sandbox!.refund({
      providerRef: held.ref,
      amount: { amount: total, currency: held.currency },
      idempotencyKey: `dashboard-${order.id}`,
    });
    const salesRefunded = async () =>
      Number(
        (
          await sql<{ refunded_amount: string }>`
            select refunded_amount from admin.sales_orders where order_id = ${order.id}`.execute(db())
        ).rows[0]?.refunded_amount ?? -1,
      );

    const partial = await refund(order.id, { amount: 500, reason: 'scratched' }, randomUUID());
    expect(partial.json()).toMatchObject({
      status: 'partially_refunded',
      totals: { refunded: { amount: 500 } },
    });
    await waitFor(
      async () => (await read(order.id)).totals.refunded.amount === 0,
      10_000,
      'the refused refund to stop counting',
    );
    const after = await read(order.id);
    expect(after.status).toBe('confirmed');
    expect(after.payment.status).toBe('captured');
    expect(after.history.at(-1)).toMatchObject({ status: 'confirmed' });
    expect(after.history.at(-1)?.note).toContain('5.00 USD refused by the payment provider');
    await waitFor(async () => (await salesRefunded()) === 0, 10_000, 'the sales figures to follow');

    // a full refund before shipping cancels the order and restocks it; refused, the order stays
    // cancelled (its goods are back in stock) and shows nothing refunded
    const full = await refund(order.id, { reason: 'lost in the warehouse' }, randomUUID());
    expect(full.json()).toMatchObject({ status: 'refunded', totals: { refunded: { amount: total } } });
    await waitFor(
      async () => (await read(order.id)).totals.refunded.amount === 0,
      10_000,
      'the refused full refund to stop counting',
    );
    expect((await read(order.id)).status).toBe('cancelled');
    // once every event is relayed and delivered, the figures hold neither refund
    const settled = async () =>
      Number(
        (
          await sql<{ n: string }>`
            select (select count(*) from platform.outbox where sent_at is null)
                 + (select count(*) from platform.jobs where name = 'events.deliver' and status = 'pending') as n`.execute(
            db(),
          )
        ).rows[0].n,
      ) === 0;
    await waitFor(settled, 10_000, 'the events to be delivered');
    expect(await salesRefunded()).toBe(0);
  });

  it('cancelling a paid order shows what was refunded', async () => {
    const { order, buyer } = await paidOrder();
    const total = order.totals.total.amount;
    const res = await agora.request({
      method: 'POST',
      url: `/v1/orders/${order.id}/cancel`,
      token: buyer.token,
      body: { reason: 'changed my mind' },
    });
    expect(res.statusCode).toBe(200);
    const cancelled = res.json<OrderAnswer>();
    expect(cancelled).toMatchObject({ status: 'cancelled', totals: { refunded: { amount: total } } });
    const note = cancelled.history.find((h) => h.status === 'cancelled')?.note;
    expect(note).toBe(`changed my mind (${(total / 100).toFixed(2)} USD refunded)`);
    await waitFor(async () => (await read(order.id)).payment.status === 'refunded', 10_000, 'the refund');
    expect((await read(order.id)).totals.refunded.amount).toBe(total);
    expect(await refundsOf(order.id)).toEqual([total]);
  });

  it("the buyer's cancellation notice of a paid order says what was paid back", async () => {
    const { order, buyer } = await paidOrder();
    expect((await refund(order.id, { amount: 500, reason: 'scratched' })).statusCode).toBe(200);
    const rest = order.totals.total.amount - 500;
    const res = await agora.request({
      method: 'POST',
      url: `/v1/orders/${order.id}/cancel`,
      token: buyer.token,
      body: { reason: 'changed my mind' },
    });
    expect(res.statusCode).toBe(200);
    const notice = async () =>
      (await agora.request({ method: 'GET', url: '/v1/me/notifications', token: buyer.token }))
        .json<{ items: { type: string; body: string; data: { refunded?: object } }[] }>()
        .items.find((n) => n.type === 'order.cancelled');
    await waitFor(async () => (await notice()) !== undefined, 10_000, 'the cancellation notice');
    expect(await notice()).toMatchObject({
      body: `Cancelled: changed my mind; ${(rest / 100).toFixed(2)} USD refunded.`,
      data: { refunded: { amount: rest, currency: 'USD' } },
    });
  });

  it('an unshipped order cancels after a partial refund too, and the rest is refunded', async () => {
    const { order, buyer } = await paidOrder();
    const total = order.totals.total.amount;
    expect((await refund(order.id, { amount: 500, reason: 'scratched' }, randomUUID())).statusCode).toBe(200);
    const res = await agora.request({
      method: 'POST',
      url: `/v1/orders/${order.id}/cancel`,
      token: buyer.token,
      body: { reason: 'changed my mind' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<OrderAnswer>()).toMatchObject({
      status: 'cancelled',
      totals: { refunded: { amount: total } },
    });
    await waitFor(async () => (await read(order.id)).payment.status === 'refunded', 10_000, 'the refund');
    expect((await refundsOf(order.id)).sort((a, b) => a - b)).toEqual(
      [500, total - 500].sort((a, b) => a - b),
    );
  });

  it('an order refunded in part while on its way is delivered when its part is', async () => {
    const { order } = await paidOrder();
    const sellerCall = (action: 'ship' | 'deliver') =>
      agora.request({
        method: 'POST',
        url: `/v1/seller/orders/${order.id}/${action}`,
        token: seller.token,
        ...(action === 'ship' ? { body: { carrier: 'DHL', trackingNumber: 'T-9' } } : {}),
      });
    expect((await sellerCall('ship')).json<OrderAnswer>().status).toBe('shipped');
    expect((await refund(order.id, { amount: 300, reason: 'late' })).json<OrderAnswer>().status).toBe(
      'partially_refunded',
    );
    const delivered = await sellerCall('deliver');
    expect(delivered.statusCode).toBe(200);
    // (the seller's view shows its own part's money; the admin's shows the refund)
    expect(await read(order.id)).toMatchObject({
      status: 'delivered',
      totals: { refunded: { amount: 300 } },
    });
    expect(
      delivered
        .json<OrderAnswer>()
        .history.map((h) => h.status)
        .slice(-2),
    ).toEqual(['part_delivered', 'delivered']);
  });

  describe('an order with parts from two sellers', () => {
    interface Party {
      token: string;
      id: string;
      sku: string;
    }

    /** A paid order of 1 unit from seller a and 2 from seller b (10.00 USD each, 10 in stock each). */
    async function twoSellerOrder() {
      const party = async (): Promise<Party> => {
        const s = await m.seller();
        const [sku] = await m.product(s.token, [{ stock: 10, price: 1_000 }]);
        return { ...s, sku };
      };
      const [a, b] = [await party(), await party()];
      const buyer = await m.buyer();
      const cart = await m.cartWith(buyer.token, [
        { sku: a.sku, quantity: 1 },
        { sku: b.sku, quantity: 2 },
      ]);
      const res = await m.checkout(buyer.token, cart);
      expect(res.statusCode, res.body).toBe(201);
      return { order: res.json<{ order: OrderAnswer }>().order, a, b };
    }

    const sellerCall = (s: Party, orderId: string, action: 'ship' | 'deliver') =>
      agora.request({
        method: 'POST',
        url: `/v1/seller/orders/${orderId}/${action}`,
        token: s.token,
        ...(action === 'ship' ? { body: { carrier: 'DHL', trackingNumber: `T-${s.id}` } } : {}),
      });

    const partOf = (order: OrderAnswer, s: Party) => order.parts.find((p) => p.sellerId === s.id)?.status;

    const readAs = async (orderId: string, s: Party) =>
      (
        await agora.request({ method: 'GET', url: `/v1/orders/${orderId}`, token: s.token })
      ).json<OrderAnswer>();

    const returns = async (s: Party, orderId: string) =>
      (await agora.request({ method: 'GET', url: `/v1/inventory/${s.sku}/movements`, token: s.token }))
        .json<{ items: { kind: string; deltaOnHand: number; reason: string; orderId: string | null }[] }>()
        .items.filter((mv) => mv.kind === 'return' && mv.orderId === orderId);

    it('a part left open by a full refund made before refunds cancelled parts does not ship', async () => {
      const { order, a, b } = await twoSellerOrder();
      expect((await sellerCall(a, order.id, 'ship')).statusCode).toBe(200);
      expect((await refund(order.id, { reason: 'lost in transit' }, randomUUID())).statusCode).toBe(200);
      // the state such an order was left in: refunded in full, b's part still confirmed
      await sql`update orders.parts set status = 'confirmed' where order_id = ${order.id} and seller_id = ${b.id}`.execute(
        db(),
      );
      const refused = await sellerCall(b, order.id, 'ship');
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({
        code: 'conflict',
        detail: 'The order was refunded in full: its parts do not ship',
      });
      expect(partOf(await read(order.id), b)).toBe('confirmed');
    });

    it("a full refund after one part shipped cancels the other part, restocks its goods, and its seller can't ship it", async () => {
      const { order, a, b } = await twoSellerOrder();
      expect((await sellerCall(a, order.id, 'ship')).statusCode).toBe(200);
      expect(await m.stock(b.token, b.sku)).toMatchObject({ onHand: 8, reserved: 0 });

      const res = await refund(order.id, { reason: 'lost in transit' }, randomUUID());
      expect(res.statusCode, res.body).toBe(200);
      const refunded = res.json<OrderAnswer>();
      const total = order.totals.total.amount;
      expect(refunded).toMatchObject({ status: 'refunded', totals: { refunded: { amount: total } } });
      expect(partOf(refunded, a)).toBe('shipped');
      expect(partOf(refunded, b)).toBe('cancelled');

      // b's units are back on the shelf, a's are with the buyer; the ledger adds up
      expect(await m.stock(b.token, b.sku)).toMatchObject({ onHand: 10, reserved: 0, available: 10 });
      expect(await m.stock(a.token, a.sku)).toMatchObject({ onHand: 9 });
      expect(await returns(b, order.id)).toMatchObject([
        {
          deltaOnHand: 2,
          reason: `order ${order.id} refunded in full before this part shipped: part cancelled`,
        },
      ]);
      expect(await returns(a, order.id)).toEqual([]);
      expect(await verifyInventory(db())).toEqual([]);

      // seller b can no longer ship (or deliver) goods the buyer was paid back for
      for (const action of ['ship', 'deliver'] as const) {
        const refused = await sellerCall(b, order.id, action);
        expect(refused.statusCode).toBe(409);
        expect(refused.json()).toMatchObject({ code: 'conflict' });
      }
      expect(partOf(await read(order.id), b)).toBe('cancelled');
      // seller a's part goes on: it is delivered, and the order stays refunded
      expect((await sellerCall(a, order.id, 'deliver')).statusCode).toBe(200);
      const after = await read(order.id);
      expect(after.status).toBe('refunded');
      expect(partOf(after, a)).toBe('delivered');

      // the history says what happened; each seller sees the order's entries and its own
      const cancelledEntry = {
        status: 'part_cancelled',
        note: `Cancelled before shipping by the order's full refund (seller ${b.id}); 2 units back in stock`,
      };
      expect(after.history.map((h) => h.status)).toEqual([
        'pending',
        'confirmed',
        'part_shipped',
        'refunded',
        'part_cancelled',
        'part_delivered',
      ]);
      expect(after.history).toContainEqual(expect.objectContaining(cancelledEntry));
      expect(after.history).toContainEqual(
        expect.objectContaining({
          status: 'refunded',
          note: `lost in transit (${(total / 100).toFixed(2)} USD refunded)`,
        }),
      );
      expect((await readAs(order.id, b)).history.map((h) => h.status)).toEqual([
        'pending',
        'confirmed',
        'refunded',
        'part_cancelled',
      ]);
      expect((await readAs(order.id, a)).history.map((h) => h.status)).not.toContain('part_cancelled');

      // order.refunded names the cancelled part's lines (a seller's webhook gets its own lines only)
      const [event] = await eventsOf(agora, 'order.refunded', order.id);
      expect(event).toMatchObject({
        status: 'refunded',
        amount: { amount: total, currency: 'USD' },
        sellerIds: [a.id, b.id].sort(),
        lines: [{ sku: b.sku, sellerId: b.id, quantity: 2 }],
      });
      expect(event.lines).toHaveLength(1);
    });

    it('a refund of exactly what is left is a full refund: the unshipped part is cancelled', async () => {
      const { order, a, b } = await twoSellerOrder();
      expect((await sellerCall(a, order.id, 'ship')).statusCode).toBe(200);
      expect((await refund(order.id, { amount: 500, reason: 'dented' }, randomUUID())).statusCode).toBe(200);
      const total = order.totals.total.amount;
      const res = await refund(order.id, { amount: total - 500, reason: 'never mind' }, randomUUID());
      expect(res.statusCode, res.body).toBe(200);
      const refunded = res.json<OrderAnswer>();
      expect(refunded).toMatchObject({ status: 'refunded', totals: { refunded: { amount: total } } });
      expect(partOf(refunded, a)).toBe('shipped');
      expect(partOf(refunded, b)).toBe('cancelled');
      expect(await m.stock(b.token, b.sku)).toMatchObject({ onHand: 10, reserved: 0 });
      expect(await verifyInventory(db())).toEqual([]);
      expect((await sellerCall(b, order.id, 'ship')).statusCode).toBe(409);
    });

    it('a partial refund after one part shipped is money only: the other part still ships', async () => {
      const { order, a, b } = await twoSellerOrder();
      expect((await sellerCall(a, order.id, 'ship')).statusCode).toBe(200);
      const res = await refund(order.id, { amount: 2_000, reason: 'late' }, randomUUID());
      expect(res.json<OrderAnswer>()).toMatchObject({
        status: 'partially_refunded',
        totals: { refunded: { amount: 2_000 } },
      });
      expect(partOf(res.json<OrderAnswer>(), b)).toBe('confirmed');
      expect(await m.stock(b.token, b.sku)).toMatchObject({ onHand: 8, reserved: 0 });
      expect(await returns(b, order.id)).toEqual([]);
      const shipped = await sellerCall(b, order.id, 'ship');
      expect(shipped.statusCode).toBe(200);
      expect(await read(order.id)).toMatchObject({
        status: 'shipped',
        totals: { refunded: { amount: 2_000 } },
      });
      const [event] = await eventsOf(agora, 'order.refunded', order.id);
      expect(event).not.toHaveProperty('lines');
      // not a full refund: the order's purchases still count (recommendations)
      expect(event).toMatchObject({ status: 'partially_refunded' });
    });

    it('a full refund the provider refuses: nothing counts as paid back, the cancelled part stays cancelled', async () => {
      const { order, a, b } = await twoSellerOrder();
      expect((await sellerCall(a, order.id, 'ship')).statusCode).toBe(200);
      // the money went back outside Agora (the provider's dashboard): the provider refuses any more
      const [held] = agora.payments.sandbox!.paymentsOfOrder(order.id);
      await agora.payments.sandbox!.refund({
        providerRef: held.ref,
        amount: { amount: order.totals.total.amount, currency: held.currency },
        idempotencyKey: `dashboard-${order.id}`,
      });
      const res = await refund(order.id, { reason: 'lost in transit' }, randomUUID());
      expect(res.json<OrderAnswer>()).toMatchObject({ status: 'refunded' });
      expect(partOf(res.json<OrderAnswer>(), b)).toBe('cancelled');
      await waitFor(
        async () => (await read(order.id)).totals.refunded.amount === 0,
        10_000,
        'the refused refund to stop counting',
      );
      const after = await read(order.id);
      // by its parts: a's shipped, b's cancelled (its goods were restocked and may be sold again)
      expect(after.status).toBe('shipped');
      expect(partOf(after, a)).toBe('shipped');
      expect(partOf(after, b)).toBe('cancelled');
      expect(after.payment.status).toBe('captured');
      expect(after.history.at(-1)).toMatchObject({ status: 'shipped' });
      expect(after.history.at(-1)?.note).toContain(
        `Refund of ${(order.totals.total.amount / 100).toFixed(2)} USD refused by the payment provider`,
      );
      expect(after.history.at(-1)?.note).toContain(
        'nothing was paid back; the cancelled parts stay cancelled (their goods were restocked)',
      );
      expect(await m.stock(b.token, b.sku)).toMatchObject({ onHand: 10, reserved: 0 });
      expect(await verifyInventory(db())).toEqual([]);
      expect((await sellerCall(b, order.id, 'ship')).statusCode).toBe(409);
      // seller b sees why its part is cancelled and that the refund failed
      expect((await readAs(order.id, b)).history.map((h) => h.status).slice(-3)).toEqual([
        'refunded',
        'part_cancelled',
        'shipped',
      ]);
      // a's part is delivered: so is the order
      expect((await sellerCall(a, order.id, 'deliver')).statusCode).toBe(200);
      expect((await read(order.id)).status).toBe('delivered');
    });
  });
});

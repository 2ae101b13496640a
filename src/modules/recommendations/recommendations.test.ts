import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { databaseModes, startAgora, type TestAgora } from '../../../test/helpers/agora.js';
import { buildProduct, FAST_ENV, uniqueSku } from '../../../test/helpers/catalog.js';
import { marketplace } from '../../../test/helpers/checkout.js';
import { waitFor } from '../../../test/helpers/events.js';
import { recordedEvents } from '../../../test/helpers/outbox.js';
import { publishEvents, type CloudEvent } from '../../platform/events/outbox.js';
import { applyOrderEvent, applyOrderEvents, RECOMMENDATIONS_CONSUMER } from './consumer.js';

interface Answer {
  items: { id: string; slug: string; title: string; price: { amount: number; currency: string } }[];
  basis: string;
  degraded: boolean;
}

/** Long before the best sellers' 30 days: such orders count as bought together, never as popular. */
const LONG_AGO = '2020-03-01T12:00:00.000Z';

const event = (type: string, data: unknown, time = LONG_AGO): CloudEvent => ({
  specversion: '1.0',
  id: randomUUID(),
  source: '/agora/orders',
  type,
  time,
  datacontenttype: 'application/json',
  data,
});

/** `order.confirmed` as orders publishes it (the fields the consumer reads, and a few more). */
const confirmed = (orderId: string, productIds: string[], time = LONG_AGO) =>
  event(
    'order.confirmed',
    {
      orderId,
      userId: randomUUID(),
      status: 'confirmed',
      total: { amount: 1_000 * productIds.length, currency: 'USD' },
      sellerIds: [],
      lines: productIds.map((productId) => ({
        sku: `SKU-${productId.slice(0, 8)}`,
        productId,
        sellerId: randomUUID(),
        title: 'Thing',
        quantity: 1,
        unitPrice: { amount: 1_000, currency: 'USD' },
      })),
    },
    time,
  );

/**
 * Statements sent on behalf of a piece of work, attributed by async context (the background's own
 * are not counted): every statement of the app's database handle goes through its executor.
 */
const counting = new AsyncLocalStorage<string[]>();
function countStatements(agora: TestAgora): void {
  const executor = agora.rt.database.db.getExecutor();
  const executeQuery = executor.executeQuery.bind(executor);
  executor.executeQuery = ((query: { sql: string }, ...rest: unknown[]) => {
    counting.getStore()?.push(query.sql);
    return (executeQuery as (...a: unknown[]) => unknown)(query, ...rest);
  }) as typeof executor.executeQuery;
}

describe.each(databaseModes())('recommendations (%s)', (mode) => {
  let agora: TestAgora;
  let m: Awaited<ReturnType<typeof marketplace>>;
  let seller: { token: string; id: string };
  let buyer: { token: string; id: string };
  /** Products bought through real checkouts: A with B and C twice, A with B and D once. */
  const p: Record<'A' | 'B' | 'C' | 'D', { id: string; slug: string; sku: string }> = {} as never;
  const orders: string[] = [];

  async function product(title: string, overrides: Record<string, unknown> = {}) {
    const sku = uniqueSku('REC');
    const created = await buildProduct(agora, seller.token, m.category.id, {
      title: `${title} ${sku}`,
      variants: [{ sku, title: 'One', price: { amount: 1_000, currency: 'USD' }, initialStock: 50 }],
      ...overrides,
    });
    return { id: created.id as string, slug: created.slug as string, sku };
  }

  const ask = async (idOrSlug: string, query = '') => {
    const res = await agora.request({
      method: 'GET',
      url: `/v1/products/${idOrSlug}/recommendations${query}`,
    });
    return res;
  };
  const recommended = async (idOrSlug: string, query = '') => {
    const res = await ask(idOrSlug, query);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Answer>();
  };
  const ids = (a: Answer) => a.items.map((i) => i.id);
  const apply = (...events: CloudEvent[]) =>
    agora.rt.database.db.transaction().execute((trx) => applyOrderEvents(events, { trx }));
  const productsOf = async (orderId: string) => {
    const { rows } = await sql<{ product_id: string }>`
      select product_id from recommendations.order_products where order_id = ${orderId}
       order by product_id`.execute(agora.rt.database.db);
    return rows.map((r) => r.product_id);
  };
  const orderRow = async (orderId: string) => {
    const { rows } = await sql<{ withdrawn: boolean }>`
      select withdrawn from recommendations.orders where order_id = ${orderId}`.execute(agora.rt.database.db);
    return rows[0];
  };
  const setDegraded = async (enabled: boolean) => {
    const res = await agora.request({
      method: 'PUT',
      url: '/v1/admin/feature-flags/degraded_mode',
      token: m.admin.accessToken,
      body: { enabled },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(agora.degraded.active()).toBe(enabled);
  };

  beforeAll(async () => {
    agora = await startAgora(mode, { ...FAST_ENV, AGORA_DEGRADE_DEFER_MS: '200', AGORA_JOBS_POLL_MS: '100' });
    countStatements(agora);
    await agora.startBackground();
    m = await marketplace(agora);
    seller = await m.seller();
    buyer = await m.buyer();
    for (const name of ['A', 'B', 'C', 'D'] as const) p[name] = await product(`Thing ${name}`);
    for (const basket of [
      [p.A, p.B, p.C],
      [p.A, p.B, p.C],
      [p.A, p.B, p.D],
    ]) {
      const cartId = await m.cartWith(
        buyer.token,
        basket.map((x) => ({ sku: x.sku, quantity: 1 })),
      );
      const res = await m.checkout(buyer.token, cartId);
      expect(res.statusCode, res.body).toBe(201);
      orders.push(res.json<{ order: { id: string } }>().order.id);
    }
    // the consumer has applied the three confirmations (watched in the table: an answer asked
    // before would be kept for a minute)
    await waitFor(
      async () => (await Promise.all(orders.map(productsOf))).every((products) => products.length === 3),
      20_000,
      'the three orders recorded',
    );
  });
  afterAll(() => agora.close());

  it('ranks the products bought in the same orders by the number of those orders, by slug or id', async () => {
    const answer = await recommended(p.A.slug);
    expect(answer).toMatchObject({ basis: 'bought_together', degraded: false });
    // B in three orders with A, C in two, D in one; A itself never, and no best seller is left to add
    expect(ids(answer)).toEqual([p.B.id, p.C.id, p.D.id]);
    expect(answer.items[0]).toMatchObject({
      slug: p.B.slug,
      price: { amount: 1_000, currency: 'USD' },
      inStock: true,
    });
    expect(ids(await recommended(p.A.id.toUpperCase()))).toEqual([p.B.id, p.C.id, p.D.id]);
    // D was bought once, with A and B (a tie: in id order); C, a best seller, fills up
    expect(ids(await recommended(p.D.id))).toEqual([...[p.A.id, p.B.id].sort(), p.C.id]);
    expect(ids(await recommended(p.B.slug, '?limit=1'))).toEqual([p.A.id]);
    const res = await ask(p.C.slug);
    expect(res.headers['cache-control']).toBe('public, max-age=60');
  });

  it('fills up with the best sellers of the last 30 days, and says when they are all there is', async () => {
    // best sellers: A and B (three orders each, in id order), C (two), D (one)
    const best = [...[p.A.id, p.B.id].sort(), p.C.id, p.D.id];
    const lonely = await product('Lonely');
    const alone = await recommended(lonely.slug, '?limit=3');
    expect(alone).toMatchObject({ basis: 'popular', degraded: false });
    expect(ids(alone)).toEqual(best.slice(0, 3));

    // bought once with one other product, long ago: that product first, then the best sellers
    const [e, f] = [await product('Paired E'), await product('Paired F')];
    await apply(confirmed(randomUUID(), [e.id, f.id]));
    const paired = await recommended(e.slug, '?limit=3');
    expect(paired.basis).toBe('bought_together');
    expect(ids(paired)).toEqual([f.id, ...best.slice(0, 2)]);
  });

  it('leaves out drafts and archived products, and the product itself', async () => {
    const j = await product('Main J');
    const k = await product('Published K');
    const draft = await product('Draft L', { status: 'draft' });
    const archived = await product('Archived M');
    const removed = await agora.request({
      method: 'DELETE',
      url: `/v1/products/${archived.id}`,
      token: seller.token,
    });
    expect(removed.statusCode).toBe(204);
    // the draft in three orders with J, the archived product in two, K in one
    await apply(
      confirmed(randomUUID(), [j.id, draft.id, archived.id]),
      confirmed(randomUUID(), [j.id, draft.id, archived.id]),
      confirmed(randomUUID(), [j.id, draft.id, k.id]),
    );
    const answer = await recommended(j.slug, '?limit=1');
    expect(answer).toMatchObject({ basis: 'bought_together' });
    expect(ids(answer)).toEqual([k.id]);
    // neither is a product page to recommend for
    expect((await ask(draft.slug)).statusCode).toBe(404);
    expect((await ask(archived.id)).statusCode).toBe(404);
  });

  it('counts the same event once however often it comes, and a confirmation after its cancellation not at all', async () => {
    const [x, once, twice, late] = [
      await product('Main X'),
      await product('Once'),
      await product('Twice'),
      await product('Late'),
    ];
    const repeated = confirmed(randomUUID(), [x.id, once.id]);
    // the same event three times: alone, and twice in one batch
    await apply(repeated);
    await apply(repeated, repeated);
    await agora.rt.database.db.transaction().execute((trx) => applyOrderEvent(repeated, { trx }));
    // two distinct orders
    await apply(confirmed(randomUUID(), [x.id, twice.id]), confirmed(randomUUID(), [x.id, twice.id]));
    expect(await productsOf((repeated.data as { orderId: string }).orderId)).toEqual([x.id, once.id].sort());
    // events come in any order: this order's cancellation is applied before its confirmation
    const cancelledFirst = randomUUID();
    await apply(event('order.cancelled', { orderId: cancelledFirst, status: 'cancelled' }));
    await apply(confirmed(cancelledFirst, [x.id, late.id]));
    expect(await productsOf(cancelledFirst)).toEqual([]);
    expect(await orderRow(cancelledFirst)).toEqual({ withdrawn: true });
    // confirmed and cancelled in one batch
    const both = randomUUID();
    await apply(
      confirmed(both, [x.id, late.id]),
      event('order.cancelled', { orderId: both, status: 'cancelled' }),
    );
    expect(await productsOf(both)).toEqual([]);

    // two orders rank above one (three copies of one event would have ranked it first)
    expect(ids(await recommended(x.id, '?limit=2'))).toEqual([twice.id, once.id]);
  });

  it('a cancelled or fully refunded order no longer counts; a partial refund changes nothing', async () => {
    const [partly, fully, cancelled] = orders;
    // a partial refund of the first order: the event as orders published it
    const partial = await agora.request({
      method: 'POST',
      url: `/v1/admin/orders/${partly}/refund`,
      token: m.admin.accessToken,
      body: { amount: 100, reason: 'scratched box' },
    });
    expect(partial.statusCode, partial.body).toBe(200);
    const { rows } = await sql<{ event_id: string; data: unknown; created_at: Date }>`
      select event_id, data, created_at from ${recordedEvents}
       where type = 'order.refunded' and subject = ${partly}`.execute(agora.rt.database.db);
    expect(rows).toHaveLength(1);
    const data = typeof rows[0].data === 'string' ? JSON.parse(rows[0].data) : rows[0].data;
    expect(data).toMatchObject({ status: 'partially_refunded' });
    await apply({
      ...event('order.refunded', data, new Date(rows[0].created_at).toISOString()),
      id: rows[0].event_id,
    });
    expect(await productsOf(partly)).toHaveLength(3);

    // a full refund and a cancellation, through the API and the consumer
    const full = await agora.request({
      method: 'POST',
      url: `/v1/admin/orders/${fully}/refund`,
      token: m.admin.accessToken,
      body: { reason: 'never arrived' },
    });
    expect(full.statusCode, full.body).toBe(200);
    const cancel = await agora.request({
      method: 'POST',
      url: `/v1/orders/${cancelled}/cancel`,
      token: buyer.token,
      body: { reason: 'changed my mind' },
    });
    expect(cancel.statusCode, cancel.body).toBe(200);
    await waitFor(
      async () => (await productsOf(fully)).length === 0 && (await productsOf(cancelled)).length === 0,
      20_000,
      'the refunded and the cancelled order withdrawn',
    );
    expect(await productsOf(partly)).toHaveLength(3);
    expect(await orderRow(fully)).toEqual({ withdrawn: true });
    // another limit is another kept answer, computed now: A with B and C once (D's order is gone)
    const after = await recommended(p.A.slug, '?limit=2');
    expect(after.basis).toBe('bought_together');
    expect(ids(after).sort()).toEqual([p.B.id, p.C.id].sort());
    // D's only order was cancelled: nothing was bought with it any more
    expect((await recommended(p.D.slug, '?limit=2')).basis).toBe('popular');
  });

  it('while the degraded mode is on, the consumer waits and the route does not touch the database', async () => {
    const [g, h] = [await product('Deferred G'), await product('Deferred H')];
    // kept before the mode came on; computing it took statements (the count below can see them)
    const computing: string[] = [];
    const before = await counting.run(computing, () => recommended(p.A.slug, '?limit=6'));
    expect(computing.length).toBeGreaterThanOrEqual(3);
    await setDegraded(true);
    try {
      const orderId = randomUUID();
      await agora.rt.database.db.transaction().execute((trx) =>
        publishEvents(trx, { source: '/agora/orders', correlationId: 'recs-degraded' }, [
          {
            type: 'order.confirmed',
            subject: orderId,
            data: confirmed(orderId, [g.id, h.id], new Date().toISOString()).data,
          },
        ]),
      );
      const deferred = async () => {
        // a postponed job runs again AGORA_DEGRADE_DEFER_MS after it came due
        const { rows } = await sql<{ n: number; postponed: number }>`
          select count(*)::int as n,
                 count(*) filter (where run_at >= created_at + interval '350 milliseconds')::int as postponed
            from platform.jobs
           where name = 'events.deferred' and status = 'pending'
             and payload->>'consumer' = ${RECOMMENDATIONS_CONSUMER}
             and payload->'event'->'data'->>'orderId' = ${orderId}`.execute(agora.rt.database.db);
        return rows[0];
      };
      await waitFor(async () => (await deferred()).postponed === 1, 15_000, 'the delivery postponed');
      expect(await productsOf(orderId)).toEqual([]);

      // the route: what was kept, else an empty answer that says why; no statement either way
      const texts: string[] = [];
      const [kept, never, unknown] = await counting.run(texts, () =>
        Promise.all([
          ask(p.A.slug, '?limit=6'),
          ask(p.A.slug, '?limit=5'),
          ask(`no-such-product-${randomUUID().slice(0, 8)}`),
        ]),
      );
      expect(texts).toEqual([]);
      expect(kept.statusCode).toBe(200);
      expect(kept.json()).toEqual(before);
      expect(never.statusCode).toBe(200);
      expect(never.json()).toEqual({ items: [], basis: 'none', degraded: true });
      expect(never.headers['cache-control']).toBe('no-store');
      // not a 404: whether such a product exists is a question for the database
      expect(unknown.json()).toEqual({ items: [], basis: 'none', degraded: true });

      await setDegraded(false);
      await waitFor(async () => (await productsOf(orderId)).length === 2, 15_000, 'the order applied after');
      // the job is marked done by the runner's next statement, after the handler's commit
      await waitFor(async () => (await deferred()).n === 0, 15_000, 'the deferred job finished');
      const computed = await recommended(g.slug, '?limit=1');
      expect(computed).toMatchObject({ basis: 'bought_together', degraded: false });
      expect(ids(computed)).toEqual([h.id]);
    } finally {
      if (agora.degraded.active()) await setDegraded(false);
    }
  });

  it('answers 404 for a product nobody can see and 400 for a limit out of range', async () => {
    for (const address of [randomUUID(), 'no-such-slug', 'Not A Slug!']) {
      const res = await ask(encodeURIComponent(address));
      expect(res.statusCode, address).toBe(404);
      expect(res.json()).toMatchObject({ code: 'not_found', detail: 'Product not found' });
    }
    for (const query of ['?limit=0', '?limit=25', '?limit=abc', '?limit=2.5', '?sort=best']) {
      const res = await ask(p.A.slug, query);
      expect(res.statusCode, query).toBe(400);
      expect(res.json()).toMatchObject({ code: 'validation_failed' });
    }
    expect(ids(await recommended(p.A.slug, '?limit=24')).length).toBeGreaterThan(0);
  });
});

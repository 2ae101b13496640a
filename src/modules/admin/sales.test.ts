import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { databaseModes, startAgora, type TestAgora } from '../../../test/helpers/agora.js';
import { FAST_ENV, signInAdmin } from '../../../test/helpers/catalog.js';
import { waitFor } from '../../../test/helpers/events.js';
import { counting } from '../../../test/helpers/statements.js';
import { publishEvents, type CloudEvent } from '../../platform/events/outbox.js';
import { applyOrderEvent, applyOrderEvents } from './sales-consumer.js';

type Line = [sku: string, productId: string, quantity: number, unitAmount: number];

/** `order.confirmed` as orders publishes it. */
function confirmed(orderId: string, lines: Line[], currency = 'USD') {
  return {
    orderId,
    userId: randomUUID(),
    status: 'confirmed',
    total: { amount: lines.reduce((s, [, , q, u]) => s + q * u, 0), currency },
    sellerIds: [randomUUID()],
    lines: lines.map(([sku, productId, quantity, amount]) => ({
      sku,
      productId,
      sellerId: randomUUID(),
      title: `Product ${productId}`,
      quantity,
      unitPrice: { amount, currency },
    })),
  };
}

const event = (type: string, data: unknown, time: string): CloudEvent => ({
  specversion: '1.0',
  id: randomUUID(),
  source: '/agora/orders',
  type,
  time,
  datacontenttype: 'application/json',
  data,
});

describe.each(databaseModes())('sales analytics (%s)', (mode) => {
  let agora: TestAgora;
  let token: string;

  beforeAll(async () => {
    agora = await startAgora(mode, FAST_ENV);
    token = (await signInAdmin(agora)).accessToken;
  });
  afterAll(() => agora.close());

  const apply = async (...events: CloudEvent[]) => {
    for (const e of events)
      await agora.rt.database.db
        .transaction()
        .execute((trx) => applyOrderEvent(e, { trx, log: agora.rt.log }));
  };
  const report = async (query: string) => {
    const res = await agora.request({ method: 'GET', url: `/v1/admin/analytics/sales?${query}`, token });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  it('buckets orders, units and revenue per hour and per day, empty buckets included', async () => {
    const p = randomUUID();
    await apply(
      event('order.confirmed', confirmed(randomUUID(), [['S1', p, 2, 1_000]]), '2031-01-05T10:15:00Z'),
      event('order.confirmed', confirmed(randomUUID(), [['S1', p, 1, 1_000]]), '2031-01-05T10:59:59Z'),
      event('order.confirmed', confirmed(randomUUID(), [['S1', p, 3, 1_000]]), '2031-01-05T12:00:00Z'),
      event('order.confirmed', confirmed(randomUUID(), [['S1', p, 1, 900]], 'EUR'), '2031-01-06T09:00:00Z'),
    );
    const hourly = await report('from=2031-01-05T10:00:00Z&to=2031-01-05T13:00:00Z&interval=hour');
    expect(hourly).toMatchObject({
      from: '2031-01-05T10:00:00.000Z',
      to: '2031-01-05T13:00:00.000Z',
      stale: false,
    });
    expect(hourly.buckets).toEqual([
      {
        start: '2031-01-05T10:00:00.000Z',
        orders: 2,
        units: 3,
        revenue: [{ amount: 3_000, currency: 'USD' }],
        refunded: [],
      },
      { start: '2031-01-05T11:00:00.000Z', orders: 0, units: 0, revenue: [], refunded: [] },
      {
        start: '2031-01-05T12:00:00.000Z',
        orders: 1,
        units: 3,
        revenue: [{ amount: 3_000, currency: 'USD' }],
        refunded: [],
      },
    ]);
    // whole days (UTC); `from` and `to` rounded outwards to the interval
    const daily = await report('from=2031-01-05T08:30:00Z&to=2031-01-06T09:30:00Z&interval=day');
    expect(daily).toMatchObject({ from: '2031-01-05T00:00:00.000Z', to: '2031-01-07T00:00:00.000Z' });
    expect(daily.buckets).toMatchObject([
      {
        start: '2031-01-05T00:00:00.000Z',
        orders: 3,
        units: 6,
        revenue: [{ amount: 6_000, currency: 'USD' }],
      },
      { start: '2031-01-06T00:00:00.000Z', orders: 1, units: 1, revenue: [{ amount: 900, currency: 'EUR' }] },
    ]);
    expect(daily.totals).toEqual({
      orders: 4,
      units: 7,
      revenue: [
        { amount: 900, currency: 'EUR' },
        { amount: 6_000, currency: 'USD' },
      ],
      refunded: [],
    });
    expect(
      (await report('from=2031-01-05T00:00:00Z&to=2031-01-07T00:00:00Z&currency=EUR')).totals,
    ).toMatchObject({
      orders: 1,
      revenue: [{ amount: 900, currency: 'EUR' }],
    });
  });

  it('ranks the top products by units and by revenue (within each currency)', async () => {
    const [cheap, dear, euro] = [randomUUID(), randomUUID(), randomUUID()];
    const t = '2031-01-08T15:00:00Z';
    await apply(
      event(
        'order.confirmed',
        confirmed(randomUUID(), [
          ['C', cheap, 10, 100],
          ['D', dear, 1, 50_000],
        ]),
        t,
      ),
      event('order.confirmed', confirmed(randomUUID(), [['C', cheap, 5, 100]]), t),
      event('order.confirmed', confirmed(randomUUID(), [['E', euro, 2, 700]], 'EUR'), t),
    );
    const { topProducts } = await report('from=2031-01-08T00:00:00Z&to=2031-01-09T00:00:00Z');
    expect(topProducts.byUnits).toEqual([
      {
        productId: cheap,
        title: `Product ${cheap}`,
        units: 15,
        revenue: [{ amount: 1_500, currency: 'USD' }],
      },
      { productId: euro, title: `Product ${euro}`, units: 2, revenue: [{ amount: 1_400, currency: 'EUR' }] },
      { productId: dear, title: `Product ${dear}`, units: 1, revenue: [{ amount: 50_000, currency: 'USD' }] },
    ]);
    expect(topProducts.byRevenue.map((p: { productId: string }) => p.productId)).toEqual([euro, dear, cheap]);
    const top1 = (await report('from=2031-01-08T00:00:00Z&to=2031-01-09T00:00:00Z&top=1')).topProducts;
    expect(top1.byUnits.map((p: { productId: string }) => p.productId)).toEqual([cheap]);
    expect(top1.byRevenue.map((p: { productId: string }) => p.productId)).toEqual([euro, dear]);
  });

  it('applies events delivered together as one by one, reading their orders with one statement', async () => {
    const p = randomUUID();
    /** The same story in hour `t`: two orders, one of them refunded in part and then cancelled. */
    const story = (t: string) => {
      const [a, b] = [randomUUID(), randomUUID()];
      return [
        event('order.confirmed', confirmed(a, [['B1', p, 2, 500]]), t),
        event('order.confirmed', confirmed(b, [['B1', p, 1, 500]]), t),
        event(
          'order.refunded',
          {
            orderId: a,
            userId: randomUUID(),
            amount: { amount: 500, currency: 'USD' },
            sellerIds: [],
            lines: [{ sku: 'B1', productId: p, quantity: 1 }],
          },
          t,
        ),
        event('order.cancelled', { orderId: b, userId: randomUUID(), status: 'cancelled' }, t),
      ];
    };
    await apply(...story('2031-03-01T10:00:00Z'));
    const counted = counting(agora.rt.database.db);
    await counted.db
      .transaction()
      .execute((trx) => applyOrderEvents(story('2031-03-01T11:00:00Z'), { trx, log: agora.rt.log }));
    // one read for the batch, a write per event, and a read again for each order's second event
    expect(counted.count()).toBe(1 + 4 + 2);
    const hourly = await report('from=2031-03-01T10:00:00Z&to=2031-03-01T12:00:00Z&interval=hour');
    const [oneByOne, together] = hourly.buckets as { start: string }[];
    expect(oneByOne).toMatchObject({ orders: 1, units: 1, revenue: [{ amount: 500, currency: 'USD' }] });
    expect({ ...together, start: oneByOne.start }).toEqual(oneByOne);
  });

  it('refunds lower revenue (and units, when they name lines); a full refund or a cancellation removes the order', async () => {
    const p = randomUUID();
    const [partial, withLines, full, cancelled] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const t = '2031-01-10T08:00:00Z';
    const refund = (orderId: string, amount: number, lines?: unknown[]) =>
      event(
        'order.refunded',
        { orderId, userId: randomUUID(), amount: { amount, currency: 'USD' }, sellerIds: [], lines },
        t,
      );
    await apply(
      ...[partial, withLines, full, cancelled].map((id) =>
        event('order.confirmed', confirmed(id, [['R', p, 2, 1_000]]), t),
      ),
      refund(partial, 300),
      refund(withLines, 1_000, [{ sku: 'R', productId: p, quantity: 1 }]),
      refund(full, 2_000),
      event(
        'order.cancelled',
        { orderId: cancelled, userId: randomUUID(), status: 'cancelled', reason: 'changed mind' },
        t,
      ),
    );
    const r = await report('from=2031-01-10T00:00:00Z&to=2031-01-11T00:00:00Z');
    // partial: 1 order, 2 units, 1700; withLines: 1 order, 1 unit, 1000; full: refunded 2000; cancelled: nothing
    expect(r.totals).toEqual({
      orders: 2,
      units: 3,
      revenue: [{ amount: 2_700, currency: 'USD' }],
      refunded: [{ amount: 3_300, currency: 'USD' }],
    });
    expect(r.topProducts.byUnits).toMatchObject([
      { productId: p, units: 3, revenue: [{ amount: 3_000, currency: 'USD' }] },
    ]);
  });

  it('gives the same figures whatever order the events arrive in, and applies a second confirmation once', async () => {
    const p = randomUUID();
    const sequence = (orderId: string, t: string) => [
      event(
        'order.confirmed',
        confirmed(orderId, [
          ['X', p, 3, 500],
          ['Y', p, 1, 200],
        ]),
        t,
      ),
      event(
        'order.refunded',
        {
          orderId,
          amount: { amount: 500, currency: 'USD' },
          lines: [{ sku: 'X', productId: p, quantity: 1 }],
        },
        t,
      ),
      event('order.refunded', { orderId, amount: { amount: 100, currency: 'USD' } }, t),
    ];
    const inOrder = sequence(randomUUID(), '2031-01-12T10:00:00Z');
    const reversed = sequence(randomUUID(), '2031-01-13T10:00:00Z').reverse();
    await apply(...inOrder, inOrder[0], ...reversed);
    // a second confirmation under another event id
    await apply(event('order.confirmed', inOrder[0].data, '2031-01-12T11:00:00Z'));
    const one = await report('from=2031-01-12T00:00:00Z&to=2031-01-13T00:00:00Z');
    const other = await report('from=2031-01-13T00:00:00Z&to=2031-01-14T00:00:00Z');
    expect(one.totals).toEqual({
      orders: 1,
      units: 3,
      revenue: [{ amount: 1_100, currency: 'USD' }],
      refunded: [{ amount: 600, currency: 'USD' }],
    });
    expect(other.totals).toEqual(one.totals);
    expect(other.topProducts).toEqual(one.topProducts);

    // cancelled before it was confirmed (events are not ordered): it never counts
    const late = randomUUID();
    await apply(
      event('order.cancelled', { orderId: late }, '2031-01-14T10:00:00Z'),
      event('order.confirmed', confirmed(late, [['Z', p, 1, 100]]), '2031-01-14T10:00:00Z'),
    );
    expect((await report('from=2031-01-14T00:00:00Z&to=2031-01-15T00:00:00Z')).totals.orders).toBe(0);
  });

  it('applies two events about one order once each when their transactions overlap (two statements each, the later one again)', async () => {
    const p = randomUUID();
    const orderId = randomUUID();
    const t = '2031-01-16T10:00:00Z';
    const db = agora.rt.database.db;
    const statements = [0, 0];
    const counted = (i: number) =>
      db.withPlugin({
        transformQuery: (args) => {
          statements[i]++;
          return args.node;
        },
        transformResult: (args) => Promise.resolve(args.result),
      });
    let refund: Promise<void> | undefined;
    await counted(0)
      .transaction()
      .execute(async (trx) => {
        await applyOrderEvent(event('order.confirmed', confirmed(orderId, [['K', p, 2, 1_000]]), t), {
          trx,
          log: agora.rt.log,
        });
        // reads the order before the confirmation commits, then waits for its row
        refund = counted(1)
          .transaction()
          .execute((trx) =>
            applyOrderEvent(
              event(
                'order.refunded',
                {
                  orderId,
                  amount: { amount: 1_000, currency: 'USD' },
                  lines: [{ sku: 'K', productId: p, quantity: 1 }],
                },
                t,
              ),
              { trx, log: agora.rt.log },
            ),
          );
        await new Promise((resolve) => setTimeout(resolve, 300));
      });
    await refund;
    expect(statements).toEqual(mode === 'postgres' ? [2, 4] : [2, 2]);
    const r = await report('from=2031-01-16T00:00:00Z&to=2031-01-17T00:00:00Z');
    expect(r.totals).toEqual({
      orders: 1,
      units: 1,
      revenue: [{ amount: 1_000, currency: 'USD' }],
      refunded: [{ amount: 1_000, currency: 'USD' }],
    });
    expect(r.topProducts.byUnits).toMatchObject([{ productId: p, units: 1 }]);
  });

  it('follows order events published through the outbox and the event bus (consumer admin.analytics)', async () => {
    await agora.startBackground();
    const p = randomUUID();
    const orderId = randomUUID();
    await agora.rt.database.db.transaction().execute((trx) =>
      publishEvents(trx, { source: '/agora/orders', correlationId: 'sales-test' }, [
        { type: 'order.confirmed', subject: orderId, data: confirmed(orderId, [['J', p, 4, 250]], 'JPY') },
        {
          type: 'order.refunded',
          subject: orderId,
          data: {
            orderId,
            userId: randomUUID(),
            amount: { amount: 250, currency: 'JPY' },
            sellerIds: [],
            lines: [{ sku: 'J', productId: p, quantity: 1 }],
          },
        },
      ]),
    );
    await waitFor(
      async () => (await report('interval=hour&currency=JPY')).totals.refunded.length === 1,
      15_000,
      'the analytics consumer',
    );
    const r = await report('interval=hour&currency=JPY');
    expect(r.buckets).toHaveLength(24);
    expect(r.totals).toEqual({
      orders: 1,
      units: 3,
      revenue: [{ amount: 750, currency: 'JPY' }],
      refunded: [{ amount: 250, currency: 'JPY' }],
    });
    expect(r.topProducts.byUnits).toMatchObject([{ productId: p, units: 3 }]);
  });

  it('answers 400 for a date outside 1970-01-01 – 9999-01-01 (rounding up would leave the years PostgreSQL writes)', async () => {
    for (const [query, paths] of [
      ['to=9999-12-31T23:59:59Z', ['/query/to']],
      ['interval=hour&from=9999-12-31T00:00:00Z&to=9999-12-31T23:59:59Z', ['/query/from', '/query/to']],
      ['from=1969-12-31T00:00:00Z&to=1970-01-02T00:00:00Z', ['/query/from']],
    ] as const) {
      const res = await agora.request({ method: 'GET', url: `/v1/admin/analytics/sales?${query}`, token });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().code, query).toBe('validation_failed');
      expect(
        res.json<{ errors: { path: string }[] }>().errors.map((e) => e.path),
        query,
      ).toEqual(paths);
    }
    const last = await report('from=9998-12-31T00:00:00Z&to=9999-01-01T00:00:00Z');
    expect(last).toMatchObject({ from: '9998-12-31T00:00:00.000Z', to: '9999-01-01T00:00:00.000Z' });
    const first = await report('from=1970-01-01T00:00:00Z&to=1970-01-01T00:30:00Z&interval=hour');
    expect(first.buckets).toHaveLength(1);
  });

  it('validates from, to, interval, currency and top', async () => {
    for (const query of [
      'from=2031-01-02T00:00:00Z&to=2031-01-01T00:00:00Z',
      'from=2031-01-01T00:00:00Z&to=2031-01-01T00:00:00Z',
      'from=yesterday',
      'to=2031-13-01T00:00:00Z',
      'interval=week',
      'interval=hour&from=2031-01-01T00:00:00Z&to=2031-02-02T00:00:00Z',
      'interval=day&from=2030-01-01T00:00:00Z&to=2031-02-02T00:00:00Z',
      'currency=usd',
      'top=0',
      'top=51',
      'region=eu',
    ]) {
      const res = await agora.request({ method: 'GET', url: `/v1/admin/analytics/sales?${query}`, token });
      expect(res.statusCode, query).toBe(400);
      expect(res.json(), query).toMatchObject({
        code: 'validation_failed',
        errors: [{ path: expect.stringMatching(/^\/query\//) }],
      });
    }
    const defaults = await report('');
    expect(defaults).toMatchObject({ interval: 'day' });
    expect(defaults.buckets).toHaveLength(30);
  });
});

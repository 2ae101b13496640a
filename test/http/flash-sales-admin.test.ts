import { sql } from 'kysely';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Agora } from '../../src/app.js';
import { verifyInventory } from '../../src/modules/inventory/index.js';
import { agoraBeside, databaseModes, startAgora, type TestAgora } from '../helpers/agora.js';
import { FAST_ENV, buildCategory, buildProduct, signInAdmin, uniqueSku } from '../helpers/catalog.js';
import { waitFor } from '../helpers/events.js';
import { registerUser } from '../helpers/factories.js';
import { eventsOf } from '../helpers/inventory.js';

const ENV = {
  ...FAST_ENV,
  AGORA_RATE_LIMIT: 'false',
  AGORA_JOBS_POLL_MS: '100',
  AGORA_FLASH_SWEEP_MS: '200',
};
const SHIPPING = {
  name: 'Ada Buyer',
  line1: '1 Main St',
  city: 'Springfield',
  postalCode: '12345',
  country: 'US',
};

const at = (inMs: number) => new Date(Date.now() + inMs).toISOString();
const HOUR = 3_600_000;

interface Sale {
  id: string;
  name: string;
  state: string;
  startsAt: string;
  endsAt: string;
  endedAt: string | null;
  items: {
    sku: string;
    quantity: number;
    allocated: number;
    remaining: number;
    sold: number;
    perCustomerLimit: number;
    salePrice: { amount: number; currency: string };
  }[];
}

/** What every suite here needs: an admin, a seller with a category, products, sales and buyers. */
function fixture(get: () => TestAgora) {
  let admin = '';
  let seller = '';
  let categoryId = '';
  const f = {
    admin: () => admin,
    seller: () => seller,
    async setUp() {
      const agora = get();
      admin = (await signInAdmin(agora)).accessToken;
      seller = (await registerUser(agora, { role: 'seller' })).accessToken;
      categoryId = (await buildCategory(agora, admin, 'Deals')).id;
    },
    /** A published product with one variant of `stock` units at 100.00 USD. */
    async product(stock: number) {
      const sku = uniqueSku('FE');
      const p = await buildProduct(get(), seller, categoryId, {
        variants: [{ sku, title: 'One', price: { amount: 10_000, currency: 'USD' }, initialStock: stock }],
      });
      return { sku, productId: p.id as string };
    },
    async createSale(
      items: { sku: string; quantity: number; perCustomerLimit: number }[],
      startsInMs = -1_000,
      endsInMs = HOUR,
    ): Promise<Sale> {
      const res = await get().request({
        method: 'POST',
        url: '/v1/admin/flash-sales',
        token: admin,
        body: {
          name: 'Midnight madness',
          startsAt: at(startsInMs),
          endsAt: at(endsInMs),
          items: items.map((i) => ({ ...i, salePrice: { amount: 4_900, currency: 'USD' } })),
        },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<Sale>();
    },
    edit: (id: string, body: unknown, token = admin) =>
      get().request({ method: 'PATCH', url: `/v1/admin/flash-sales/${id}`, token, body }),
    end: (id: string, token = admin) =>
      get().request({ method: 'POST', url: `/v1/admin/flash-sales/${id}/end`, token }),
    sale: async (id: string) =>
      (await get().request({ method: 'GET', url: `/v1/flash-sales/${id}` })).json<Sale>(),
    reserve: (saleId: string, token: string, sku: string, quantity = 1) =>
      get().request({
        method: 'POST',
        url: `/v1/flash-sales/${saleId}/reservations`,
        token,
        body: { sku, quantity },
      }),
    stockOf: async (sku: string) =>
      (await get().request({ method: 'GET', url: `/v1/inventory/${sku}`, token: admin })).json<{
        onHand: number;
        reserved: number;
        available: number;
      }>(),
    buyer: async () => (await registerUser(get())).accessToken,
  };
  return f;
}

describe.each(databaseModes())('editing and ending flash sales (%s)', (mode) => {
  let agora: TestAgora;
  const f = fixture(() => agora);

  beforeAll(async () => {
    agora = await startAgora(mode, ENV);
    await f.setUp();
  });
  afterAll(async () => {
    await agora?.close();
  });

  it('an admin edits a scheduled sale: its name, its times, items changed, added and removed', async () => {
    const a = await f.product(10);
    const b = await f.product(10);
    const c = await f.product(10);
    const s = await f.createSale(
      [
        { sku: a.sku, quantity: 5, perCustomerLimit: 1 },
        { sku: b.sku, quantity: 3, perCustomerLimit: 1 },
      ],
      HOUR,
      2 * HOUR,
    );
    const startsAt = at(2 * HOUR);
    const endsAt = at(3 * HOUR);
    const res = await f.edit(s.id, {
      name: 'Dawn deals',
      startsAt,
      endsAt,
      items: [
        { sku: a.sku, quantity: 8 },
        { sku: c.sku, salePrice: { amount: 2_500, currency: 'USD' }, quantity: 4, perCustomerLimit: 2 },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    const edited = res.json<Sale>();
    expect(edited).toMatchObject({ id: s.id, name: 'Dawn deals', state: 'scheduled', startsAt, endsAt });
    expect(
      edited.items.map((i) => [i.sku, i.quantity, i.remaining, i.salePrice.amount, i.perCustomerLimit]),
    ).toEqual([
      [a.sku, 8, 8, 4_900, 1],
      [c.sku, 4, 4, 2_500, 2],
    ]);
    expect(await f.sale(s.id)).toEqual(edited);
    // the removed SKU is free for another sale at that time
    await f.createSale([{ sku: b.sku, quantity: 1, perCustomerLimit: 1 }], 2 * HOUR, 3 * HOUR);

    // a start moved to now starts it with what the edit made of it
    expect((await f.edit(s.id, { startsAt: at(-1_000) })).statusCode).toBe(200);
    await waitFor(
      async () => {
        await agora.jobs.runDue();
        return (await f.sale(s.id)).state === 'active';
      },
      10_000,
      'the sale to start',
    );
    expect((await f.sale(s.id)).items.map((i) => [i.sku, i.allocated])).toEqual([
      [a.sku, 8],
      [c.sku, 4],
    ]);
    expect((await f.stockOf(a.sku)).available).toBe(2);
    expect((await f.stockOf(c.sku)).available).toBe(6);
    expect((await f.stockOf(b.sku)).available).toBe(10);
  });

  it('an edit of a scheduled sale is checked as a new sale is, each offending field named, and changes nothing', async () => {
    const { sku } = await f.product(10);
    const other = await f.product(10);
    const s = await f.createSale([{ sku, quantity: 5, perCustomerLimit: 2 }], HOUR, 2 * HOUR);
    const bad = await f.edit(s.id, {
      name: '  ',
      endsAt: at(HOUR / 2),
      items: [
        { sku, quantity: 1, salePrice: { amount: 20_000, currency: 'USD' } },
        { sku: 'NO-SUCH-SKU', salePrice: { amount: 100, currency: 'USD' }, quantity: 1, perCustomerLimit: 1 },
        { sku: other.sku, quantity: 1 },
      ],
    });
    expect(bad.statusCode, bad.body).toBe(400);
    expect(bad.json().code).toBe('validation_failed');
    expect(bad.json().errors).toEqual(
      expect.arrayContaining([
        { path: '/body/name', message: 'must not be blank' },
        { path: '/body/endsAt', message: 'must be after startsAt' },
        { path: '/body/items/0/salePrice/amount', message: 'must not exceed the regular price' },
        { path: '/body/items/0/perCustomerLimit', message: 'must not exceed quantity' },
        { path: '/body/items/1/sku', message: 'is not a known SKU' },
        { path: '/body/items/2/salePrice', message: 'is required for an item new to the sale' },
        { path: '/body/items/2/perCustomerLimit', message: 'is required for an item new to the sale' },
      ]),
    );
    expect((await f.edit(s.id, { startsAt: at(3 * HOUR) })).json().errors).toEqual([
      { path: '/body/startsAt', message: `must be before endsAt (${s.endsAt})` },
    ]);
    expect((await f.edit(s.id, { endsAt: at(-HOUR) })).json().errors).toEqual(
      expect.arrayContaining([{ path: '/body/endsAt', message: 'must be in the future' }]),
    );
    // a SKU is in one sale at a time, moved times included
    const taken = await f.createSale(
      [{ sku: other.sku, quantity: 1, perCustomerLimit: 1 }],
      3 * HOUR,
      4 * HOUR,
    );
    const overlap = await f.edit(s.id, {
      items: [
        { sku, quantity: 5 },
        { sku: other.sku, salePrice: { amount: 100, currency: 'USD' }, quantity: 1, perCustomerLimit: 1 },
      ],
      endsAt: at(3.5 * HOUR),
    });
    expect(overlap.statusCode).toBe(400);
    expect(overlap.json().errors).toEqual([
      { path: '/body/items/1/sku', message: `is already in flash sale ${taken.id} at that time` },
    ]);
    const moved = await f.edit(taken.id, {
      startsAt: at(HOUR / 2),
      items: [{ sku, salePrice: { amount: 100, currency: 'USD' }, quantity: 1, perCustomerLimit: 1 }],
    });
    expect(moved.json().errors).toEqual([
      { path: '/body/items/0/sku', message: `is already in flash sale ${s.id} at that time` },
    ]);
    for (const body of [{}, { nme: 'typo' }, { items: [] }, { items: [{ sku, quantity: 0 }] }]) {
      const res = await f.edit(s.id, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().code).toBe('validation_failed');
    }
    expect(await f.sale(s.id)).toEqual(s);
  });

  it('only an admin edits or ends a sale; an unknown sale is a 404', async () => {
    const { sku } = await f.product(5);
    const s = await f.createSale([{ sku, quantity: 2, perCustomerLimit: 1 }], HOUR, 2 * HOUR);
    for (const token of [await f.buyer(), f.seller()]) {
      expect((await f.edit(s.id, { name: 'Mine' }, token)).statusCode).toBe(403);
      expect((await f.end(s.id, token)).statusCode).toBe(403);
    }
    expect(
      (await agora.request({ method: 'POST', url: `/v1/admin/flash-sales/${s.id}/end` })).statusCode,
    ).toBe(401);
    const unknown = '01a228ac-e46f-72c9-a4a6-bbb70e363f9a';
    expect((await f.edit(unknown, { name: 'x' })).json()).toMatchObject({ status: 404, code: 'not_found' });
    expect((await f.end(unknown)).json()).toMatchObject({ status: 404, code: 'not_found' });
    expect((await f.end('not-a-uuid')).statusCode).toBe(400);
    expect(await f.sale(s.id)).toEqual(s);
  });

  it('a running sale takes a lower or higher quantity within what is sold, held and in stock, and nothing else', async () => {
    const { sku } = await f.product(10);
    const one = await f.product(1);
    const s = await f.createSale([
      { sku, quantity: 5, perCustomerLimit: 2 },
      { sku: one.sku, quantity: 1, perCustomerLimit: 1 },
    ]);
    await agora.flash.startSale(s.id);
    expect((await f.reserve(s.id, await f.buyer(), sku, 2)).statusCode).toBe(201);
    expect((await f.reserve(s.id, await f.buyer(), sku, 1)).statusCode).toBe(201);
    const items = (quantity: number, oneQuantity = 1) => [
      { sku, quantity },
      { sku: one.sku, quantity: oneQuantity },
    ];

    // 3 units held: not below that
    const below = await f.edit(s.id, { items: items(2) });
    expect(below.statusCode, below.body).toBe(409);
    expect(below.json()).toMatchObject({
      code: 'conflict',
      errors: [{ path: '/body/items/0/quantity', message: 'must be at least 3, the units sold or held' }],
    });
    // down to what is held: the 2 units no longer offered go back to stock; nothing is left to reserve
    const lowered = await f.edit(s.id, { items: items(3) });
    expect(lowered.statusCode, lowered.body).toBe(200);
    expect(lowered.json<Sale>().items[0]).toMatchObject({ quantity: 3, allocated: 3, remaining: 0 });
    expect(await f.stockOf(sku)).toMatchObject({ onHand: 10, reserved: 3, available: 7 });
    expect((await f.reserve(s.id, await f.buyer(), sku)).json().code).toBe('out_of_stock');

    // up: stock must cover the extra units, all of them
    const short = await f.edit(s.id, { items: items(20) });
    expect(short.statusCode, short.body).toBe(409);
    expect(short.json()).toMatchObject({
      code: 'out_of_stock',
      lines: [{ sku, requested: 17, available: 7 }],
      errors: [{ path: '/body/items/0/quantity', message: 'needs 17 more units from stock; 7 available' }],
    });
    expect(await f.stockOf(sku)).toMatchObject({ reserved: 3, available: 7 });
    const raised = await f.edit(s.id, { items: items(6) });
    expect(raised.statusCode, raised.body).toBe(200);
    expect(raised.json<Sale>().items[0]).toMatchObject({ quantity: 6, allocated: 6, remaining: 3 });
    expect(await f.stockOf(sku)).toMatchObject({ onHand: 10, reserved: 6, available: 4 });
    expect((await f.reserve(s.id, await f.buyer(), sku)).statusCode).toBe(201);

    // an item whose allocation was sold entirely takes the raise in a new inventory hold
    const buyer = await f.buyer();
    const held = (await f.reserve(s.id, buyer, one.sku)).json<{ cartId: string }>();
    const paid = await agora.request({
      method: 'POST',
      url: '/v1/checkout',
      token: buyer,
      headers: { 'idempotency-key': `edit-${s.id}` },
      body: {
        cartId: held.cartId,
        shippingAddress: SHIPPING,
        payment: { provider: 'sandbox', token: 'tok_visa' },
      },
    });
    expect(paid.statusCode, paid.body).toBe(201);
    expect((await f.edit(s.id, { items: items(6, 0) })).statusCode).toBe(400);
    expect((await f.edit(s.id, { items: items(6, 2) })).json().code).toBe('out_of_stock');
    const restocked = await agora.request({
      method: 'POST',
      url: `/v1/inventory/${one.sku}/adjustments`,
      token: f.seller(),
      body: { delta: 3, reason: 'found more' },
    });
    expect(restocked.statusCode, restocked.body).toBe(201);
    const more = await f.edit(s.id, { items: items(6, 3) });
    expect(more.statusCode, more.body).toBe(200);
    expect(more.json<Sale>().items[1]).toMatchObject({ quantity: 3, allocated: 3, remaining: 2, sold: 1 });
    expect(await f.stockOf(one.sku)).toMatchObject({ onHand: 3, reserved: 2, available: 1 });
    expect((await f.reserve(s.id, await f.buyer(), one.sku)).statusCode).toBe(201);

    // what a started sale keeps: its start, prices, limits and items
    const refused = [
      [{ startsAt: at(HOUR) }, '/body/startsAt'],
      [
        { items: [{ sku, salePrice: { amount: 100, currency: 'USD' } }, { sku: one.sku }] },
        '/body/items/0/salePrice',
      ],
      [{ items: [{ sku, perCustomerLimit: 1 }, { sku: one.sku }] }, '/body/items/0/perCustomerLimit'],
      [{ items: [{ sku }, { sku: one.sku }, { sku: uniqueSku() }] }, '/body/items/2/sku'],
      [{ items: [{ sku }] }, '/body/items'],
    ] as const;
    for (const [body, path] of refused) {
      const res = await f.edit(s.id, body);
      expect(res.statusCode, path).toBe(409);
      expect(res.json()).toMatchObject({ code: 'conflict', errors: [{ path }] });
    }
    // the same values again change nothing
    expect((await f.edit(s.id, { startsAt: s.startsAt, items: items(6, 3) })).statusCode).toBe(200);
    expect(await verifyInventory(agora.rt.database.db)).toEqual([]);

    // its end gives back what nobody holds, from both allocations
    expect((await f.end(s.id)).statusCode).toBe(200);
    expect(await f.stockOf(sku)).toMatchObject({ onHand: 10, reserved: 4 });
    expect(await f.stockOf(one.sku)).toMatchObject({ onHand: 3, reserved: 1 });
    expect(await verifyInventory(agora.rt.database.db)).toEqual([]);
  });

  it('ending a running sale now refuses reservations, returns its unsold units to stock, publishes flash_sale.ended once and takes its offer off the pages', async () => {
    const { sku, productId } = await f.product(10);
    const s = await f.createSale([{ sku, quantity: 5, perCustomerLimit: 1 }]);
    await agora.flash.startSale(s.id);
    const buyer = await f.buyer();
    expect((await f.reserve(s.id, buyer, sku)).statusCode).toBe(201);
    const page = async () =>
      (await agora.request({ method: 'GET', url: `/v1/products/${productId}` })).json<{
        flashSale?: unknown;
      }>();
    expect((await page()).flashSale).toMatchObject({ saleId: s.id });

    const res = await f.end(s.id);
    expect(res.statusCode, res.body).toBe(200);
    const ended = res.json<Sale>();
    expect(ended).toMatchObject({ state: 'ended', endsAt: s.endsAt, items: [{ remaining: 0 }] });
    expect(ended.endedAt).not.toBeNull();
    // idempotent: the sale as it is
    const again = await f.end(s.id);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(ended);

    const late = await f.reserve(s.id, await f.buyer(), sku);
    expect(late.statusCode).toBe(403);
    expect(late.json()).toMatchObject({ code: 'sale_not_active', reason: 'ended' });
    // the unsold 4 are back; the held unit stays held until its hold is checked out or expires
    expect(await f.stockOf(sku)).toMatchObject({ onHand: 10, reserved: 1, available: 9 });
    expect(await eventsOf(agora, 'flash_sale.ended', s.id)).toEqual([
      expect.objectContaining({
        previousState: 'active',
        items: [expect.objectContaining({ sku, sold: 0, returnedToStock: 4 })],
      }),
    ]);
    expect((await page()).flashSale).toBeUndefined();
    expect(agora.flash.offers.forProducts([productId]).size).toBe(0);
    expect(await verifyInventory(agora.rt.database.db)).toEqual([]);

    const edit = await f.edit(s.id, { name: 'Too late' });
    expect(edit.statusCode).toBe(409);
    expect(edit.json()).toMatchObject({ code: 'conflict', state: 'ended' });

    // a scheduled sale ends without ever starting; its start job then does nothing
    const { sku: later } = await f.product(3);
    const scheduled = await f.createSale([{ sku: later, quantity: 2, perCustomerLimit: 1 }], HOUR, 2 * HOUR);
    expect((await f.end(scheduled.id)).json()).toMatchObject({ state: 'ended' });
    expect(await agora.flash.startSale(scheduled.id)).toBe('skipped');
    expect(await eventsOf(agora, 'flash_sale.ended', scheduled.id)).toEqual([
      expect.objectContaining({ previousState: 'scheduled' }),
    ]);
    expect((await f.stockOf(later)).available).toBe(3);
  });

  it('an endsAt not in the future ends a running sale now; an earlier one ends it then; a later one outlives its old end', async () => {
    const { sku } = await f.product(10);
    const s = await f.createSale([{ sku, quantity: 3, perCustomerLimit: 1 }]);
    await agora.flash.startSale(s.id);
    const now = await f.edit(s.id, { name: 'Gone', endsAt: at(-60_000) });
    expect(now.statusCode, now.body).toBe(200);
    expect(now.json()).toMatchObject({ name: 'Gone', state: 'ended' });
    expect((await f.reserve(s.id, await f.buyer(), sku)).json().code).toBe('sale_not_active');
    expect(await f.stockOf(sku)).toMatchObject({ reserved: 0, available: 10 });
    expect(await eventsOf(agora, 'flash_sale.ended', s.id)).toHaveLength(1);

    const { sku: a } = await f.product(10);
    const { sku: b } = await f.product(10);
    const shorter = await f.createSale([{ sku: a, quantity: 3, perCustomerLimit: 1 }]);
    const longer = await f.createSale([{ sku: b, quantity: 3, perCustomerLimit: 1 }], -1_000, 4_000);
    await agora.flash.startSale(shorter.id);
    await agora.flash.startSale(longer.id);
    expect((await f.edit(shorter.id, { endsAt: at(1_500) })).json()).toMatchObject({ state: 'active' });
    expect((await f.edit(longer.id, { endsAt: at(HOUR) })).json()).toMatchObject({ state: 'active' });
    await agora.startBackground();
    await waitFor(async () => (await f.sale(shorter.id)).state === 'ended', 10_000, 'the earlier end');
    expect((await f.reserve(shorter.id, await f.buyer(), a)).json().code).toBe('sale_not_active');
    expect((await f.stockOf(a)).available).toBe(10);
    expect(await eventsOf(agora, 'flash_sale.ended', shorter.id)).toHaveLength(1);
    expect(await verifyInventory(agora.rt.database.db)).toEqual([]);
    // its old end time passes: that job runs and leaves the sale alone
    const oldEnd = `end:${new Date(longer.endsAt).getTime()}:${longer.id}`;
    await waitFor(
      async () => {
        const { rows } = await sql<{ status: string }>`
          select status from platform.jobs where name = 'flash_sales.end' and key = ${oldEnd}`.execute(
          agora.rt.database.db,
        );
        return rows.length === 1 && rows[0].status !== 'pending';
      },
      15_000,
      'the old end job to run',
    );
    expect((await f.sale(longer.id)).state).toBe('active');
    expect((await f.reserve(longer.id, await f.buyer(), b)).statusCode).toBe(201);
  });
});

describe.runIf(inject('pgTemplate'))('flash-sale changes reach other processes (postgres)', () => {
  let a: TestAgora;
  let b: Agora;
  const f = fixture(() => a);
  const redisUrl = inject('redisUrl');
  // both processes share the admission gate when Redis is there
  const shared: Record<string, string> = redisUrl
    ? { REDIS_URL: redisUrl, REDIS_PREFIX: `t${randomBytes(4).toString('hex')}:` }
    : {};

  beforeAll(async () => {
    // b refreshes what it keeps of live sales every second, as it would learn of a start
    a = await startAgora('postgres', { ...ENV, ...shared });
    b = await agoraBeside(a, { ...ENV, ...shared, AGORA_FLASH_REFRESH_MS: '1000' });
    await f.setUp();
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const reserveOn = (app: Agora['app'], saleId: string, token: string, sku: string) =>
    app.inject({
      method: 'POST',
      url: `/v1/flash-sales/${saleId}/reservations`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ sku, quantity: 1 }),
    });

  it('a sale ended in one process is refused in the other at once, and its offer leaves that process within a refresh', async () => {
    const { sku, productId } = await f.product(10);
    const s = await f.createSale([{ sku, quantity: 5, perCustomerLimit: 1 }]);
    await a.flash.startSale(s.id);
    await waitFor(async () => b.flash.offers.forProducts([productId]).size === 1, 5_000, 'b to see the sale');
    expect((await reserveOn(b.app, s.id, await f.buyer(), sku)).statusCode).toBe(201);

    expect((await f.end(s.id)).statusCode).toBe(200);
    const refused = await reserveOn(b.app, s.id, await f.buyer(), sku);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'sale_not_active' });
    await waitFor(
      async () => b.flash.offers.forProducts([productId]).size === 0,
      3_000,
      'the offer to leave b',
    );
    expect(await eventsOf(a, 'flash_sale.ended', s.id)).toHaveLength(1);
  });

  it.runIf(redisUrl)(
    'a lowered quantity reaches the shared gate at once: the other process refuses without asking the database',
    async () => {
      const { sku } = await f.product(10);
      const s = await f.createSale([{ sku, quantity: 3, perCustomerLimit: 1 }]);
      await a.flash.startSale(s.id);
      await waitFor(async () => b.flash.offers.forSkus([sku]).size === 1, 5_000, 'b to see the sale');
      expect((await reserveOn(b.app, s.id, await f.buyer(), sku)).statusCode).toBe(201);
      expect((await f.edit(s.id, { items: [{ sku, quantity: 1 }] })).statusCode).toBe(200);
      const batches = b.flash.stats().batches;
      const refused = await reserveOn(b.app, s.id, await f.buyer(), sku);
      expect(refused.statusCode).toBe(409);
      expect(refused.json().code).toBe('out_of_stock');
      expect(b.flash.stats().batches).toBe(batches);
    },
  );
});

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAgora } from '../../src/app.js';
import { loadConfig } from '../../src/platform/config.js';
import { databaseModes, startAgora, type TestAgora } from '../helpers/agora.js';
import { registerUser } from '../helpers/factories.js';
import { FAST_ENV, buildCategory, buildProduct, signInAdmin, uniqueSku } from '../helpers/catalog.js';
import { waitFor } from '../helpers/events.js';

const SHIPPING = {
  name: 'Ada Buyer',
  line1: '1 Main St',
  city: 'Springfield',
  postalCode: '12345',
  country: 'US',
};
const ENV = {
  ...FAST_ENV,
  AGORA_RATE_LIMIT: 'false',
  AGORA_JOBS_POLL_MS: '100',
  AGORA_FLASH_SWEEP_MS: '200',
};

describe.each(databaseModes())('flash sales over HTTP (%s)', (mode) => {
  let agora: TestAgora;
  let admin: string;
  let seller: string;
  let categoryId: string;

  /** A published product with one variant of `stock` units at 100.00 USD; returns its SKU and id. */
  const product = async (stock: number) => {
    const sku = uniqueSku('FS');
    const p = await buildProduct(agora, seller, categoryId, {
      variants: [{ sku, title: 'One', price: { amount: 10_000, currency: 'USD' }, initialStock: stock }],
    });
    return { sku, productId: p.id as string };
  };
  const createSale = async (
    items: { sku: string; quantity: number; perCustomerLimit: number }[],
    startsInMs = -1_000,
    endsInMs = 3_600_000,
  ) => {
    const res = await agora.request({
      method: 'POST',
      url: '/v1/admin/flash-sales',
      token: admin,
      body: {
        name: 'Midnight madness',
        startsAt: new Date(Date.now() + startsInMs).toISOString(),
        endsAt: new Date(Date.now() + endsInMs).toISOString(),
        items: items.map((i) => ({ ...i, salePrice: { amount: 4_900, currency: 'USD' } })),
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ id: string; state: string }>();
  };
  const stockOf = async (sku: string) =>
    (await agora.request({ method: 'GET', url: `/v1/inventory/${sku}`, token: admin })).json<{
      available: number;
      onHand: number;
      reserved: number;
    }>();
  const reserve = (saleId: string, token: string, sku: string, quantity = 1) =>
    agora.request({
      method: 'POST',
      url: `/v1/flash-sales/${saleId}/reservations`,
      token,
      body: { sku, quantity },
    });
  const sale = async (id: string) =>
    (await agora.request({ method: 'GET', url: `/v1/flash-sales/${id}` })).json<{
      state: string;
      items: { remaining: number; sold: number; allocated: number }[];
    }>();

  beforeAll(async () => {
    agora = await startAgora(mode, ENV);
    admin = (await signInAdmin(agora)).accessToken;
    seller = (await registerUser(agora, { role: 'seller' })).accessToken;
    categoryId = (await buildCategory(agora, admin, 'Deals')).id;
  });
  afterAll(async () => {
    await agora?.close();
  });

  it('an admin schedules a sale; anyone lists and reads it; a buyer may not create one nor buy early', async () => {
    const { sku } = await product(10);
    const s = await createSale([{ sku, quantity: 5, perCustomerLimit: 1 }], 60_000);
    expect(s.state).toBe('scheduled');
    const one = await agora.request({ method: 'GET', url: `/v1/flash-sales/${s.id}` });
    expect(one.json()).toMatchObject({
      id: s.id,
      state: 'scheduled',
      items: [{ sku, remaining: 5, quantity: 5 }],
    });
    const list = await agora.request({ method: 'GET', url: '/v1/flash-sales?limit=100' });
    expect(list.json<{ items: { id: string }[] }>().items.map((x) => x.id)).toContain(s.id);
    const buyer = await registerUser(agora);
    const denied = await agora.request({
      method: 'POST',
      url: '/v1/admin/flash-sales',
      token: buyer.accessToken,
      body: {
        name: 'Mine',
        startsAt: new Date().toISOString(),
        endsAt: new Date(Date.now() + 60_000).toISOString(),
        items: [{ sku, salePrice: { amount: 1, currency: 'USD' }, quantity: 1, perCustomerLimit: 1 }],
      },
    });
    expect(denied.statusCode).toBe(403);
    const early = await reserve(s.id, buyer.accessToken, sku);
    expect(early.statusCode).toBe(403);
    expect(early.json().code).toBe('sale_not_active');
    const unknown = await agora.request({
      method: 'POST',
      url: '/v1/admin/flash-sales',
      token: admin,
      body: {
        name: 'x',
        startsAt: new Date().toISOString(),
        endsAt: new Date(Date.now() + 60_000).toISOString(),
        items: [
          { sku: 'NO-SUCH-SKU', salePrice: { amount: 1, currency: 'USD' }, quantity: 1, perCustomerLimit: 1 },
        ],
      },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors).toEqual([{ path: '/body/items/0/sku', message: 'is not a known SKU' }]);
  });

  it('a list cursor the server did not make is a 400 naming /query/cursor, never a 500', async () => {
    const forged = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    for (const cursor of [
      'zzz',
      forged(['2026-01-01T00:00:00.000Z', '-'.repeat(36)]),
      forged(['2026-01-01T00:00:00.000Z', 'g'.repeat(8) + '-0000-0000-0000-000000000000']),
      forged(['garbage 2020', '01a228ac-e46f-72c9-a4a6-bbb70e363f9a']),
      // a time JavaScript reads and writes back but PostgreSQL cannot hold
      forged(['-271821-04-20T00:00:00.000Z', '01a228ac-e46f-72c9-a4a6-bbb70e363f9a']),
      forged({ startsAt: '2026-01-01T00:00:00.000Z' }),
    ]) {
      const res = await agora.request({ method: 'GET', url: `/v1/flash-sales?cursor=${cursor}` });
      expect(res.statusCode, cursor).toBe(400);
      expect(res.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: '/query/cursor' }] });
    }
    const first = await agora.request({ method: 'GET', url: '/v1/flash-sales?limit=1' });
    const next = first.json<{ nextCursor: string | null }>().nextCursor;
    if (next)
      expect((await agora.request({ method: 'GET', url: `/v1/flash-sales?cursor=${next}` })).statusCode).toBe(
        200,
      );
  });

  it('a SKU is in one sale at a time: an overlapping sale of it is refused, a later one is not', async () => {
    const { sku } = await product(10);
    const { sku: free } = await product(10);
    const first = await createSale([{ sku, quantity: 2, perCustomerLimit: 1 }], 60_000, 3_600_000);
    const body = (startsInMs: number, endsInMs: number) => ({
      name: 'Second',
      startsAt: new Date(Date.now() + startsInMs).toISOString(),
      endsAt: new Date(Date.now() + endsInMs).toISOString(),
      items: [free, sku].map((s) => ({
        sku: s,
        salePrice: { amount: 4_900, currency: 'USD' },
        quantity: 1,
        perCustomerLimit: 1,
      })),
    });
    const send = (b: object) =>
      agora.request({ method: 'POST', url: '/v1/admin/flash-sales', token: admin, body: b });
    const [a, b] = await Promise.all([send(body(1_800_000, 7_200_000)), send(body(-1_000, 120_000))]);
    for (const res of [a, b]) {
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().errors).toEqual([
        { path: '/body/items/1/sku', message: `is already in flash sale ${first.id} at that time` },
      ]);
    }
    // two at once for a free SKU: one of them gets it
    const [c, d] = await Promise.all([send(body(7_200_000, 9_000_000)), send(body(7_200_000, 9_000_000))]);
    expect([c.statusCode, d.statusCode].sort()).toEqual([201, 400]);
  });

  it("a reservation puts the unit in the buyer's cart at the sale price; pages show the offer; the limit holds", async () => {
    const { sku, productId } = await product(10);
    const s = await createSale([{ sku, quantity: 3, perCustomerLimit: 2 }]);
    await agora.flash.startSale(s.id);
    expect((await stockOf(sku)).available).toBe(7);
    const buyer = await registerUser(agora);
    const res = await reserve(s.id, buyer.accessToken, sku, 2);
    expect(res.statusCode, res.body).toBe(201);
    const r = res.json<{
      reservationId: string;
      cartId: string;
      expiresAt: string;
      quantity: number;
      unitPrice: unknown;
    }>();
    expect(r).toMatchObject({ quantity: 2, unitPrice: { amount: 4_900, currency: 'USD' } });
    const cart = await agora.request({
      method: 'GET',
      url: `/v1/carts/${r.cartId}`,
      token: buyer.accessToken,
    });
    expect(cart.statusCode, cart.body).toBe(200);
    const line = cart
      .json<{ items: { sku: string; held: boolean; unitPrice: unknown; holdExpiresAt: string }[] }>()
      .items.find((i) => i.sku === sku);
    expect(line).toMatchObject({
      held: true,
      unitPrice: { amount: 4_900, currency: 'USD' },
      holdExpiresAt: r.expiresAt,
    });
    const again = await reserve(s.id, buyer.accessToken, sku);
    expect(again.statusCode).toBe(429);
    expect(again.json().code).toBe('limit_exceeded');
    const page = await agora.request({ method: 'GET', url: `/v1/products/${productId}` });
    expect(page.json()).toMatchObject({
      flashSale: { saleId: s.id, salePrice: { amount: 4_900, currency: 'USD' }, remaining: 1 },
      variants: [{ sku, flashSale: { saleId: s.id, remaining: 1 } }],
    });
    const other = await registerUser(agora);
    expect((await reserve(s.id, other.accessToken, sku, 2)).json()).toMatchObject({ quantity: 1 });
    const none = await reserve(s.id, (await registerUser(agora)).accessToken, sku);
    expect(none.statusCode).toBe(409);
    expect(none.json().code).toBe('out_of_stock');
  });

  it('refuses a sold-out sale to a plausible token without checking its signature, and nothing else', async () => {
    const { sku } = await product(3);
    const s = await createSale([{ sku, quantity: 1, perCustomerLimit: 1 }]);
    await agora.flash.startSale(s.id);
    const first = await registerUser(agora);
    expect((await reserve(s.id, first.accessToken, sku)).statusCode).toBe(201);
    // a real buyer's header and claims under another token's signature: well formed, not theirs
    const late = await registerUser(agora);
    const [h, p] = late.accessToken.split('.');
    const forged = `${h}.${p}.${first.accessToken.split('.')[2]}`;
    const soldOut = await reserve(s.id, forged, sku);
    expect(soldOut.statusCode, soldOut.body).toBe(409);
    expect(soldOut.json().code).toBe('out_of_stock');
    // past the limit is the same for everyone too; a real token gets the same answers
    expect((await reserve(s.id, forged, sku, 2)).json().code).toBe('limit_exceeded');
    expect((await reserve(s.id, late.accessToken, sku)).json().code).toBe('out_of_stock');

    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const withClaims = (c: object) =>
      `${h}.${Buffer.from(JSON.stringify(c)).toString('base64url')}.${forged.split('.')[2]}`;
    const implausible = [
      'garbage',
      withClaims({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 }),
      withClaims({ ...claims, iss: 'someone-else' }),
      withClaims({ ...claims, role: 'owner' }),
      `${Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'nobody', typ: 'at+jwt' })).toString('base64url')}.${p}.${forged.split('.')[2]}`,
    ];
    for (const token of implausible) {
      const res = await reserve(s.id, token, sku);
      expect(res.statusCode, token).toBe(401);
      expect(res.json().code).toBe('unauthorized');
    }
    const anonymous = await agora.request({
      method: 'POST',
      url: `/v1/flash-sales/${s.id}/reservations`,
      body: { sku, quantity: 1 },
    });
    expect(anonymous.statusCode).toBe(401);

    // where the answer depends on the buyer, the signature is checked: nothing is held for a forgery
    const { sku: open } = await product(3);
    const other = await createSale([{ sku: open, quantity: 2, perCustomerLimit: 1 }]);
    await agora.flash.startSale(other.id);
    expect((await reserve(other.id, forged, open)).statusCode).toBe(401);
    expect((await sale(other.id)).items[0].remaining).toBe(2);
    expect((await agora.request({ method: 'GET', url: '/v1/me', token: forged })).statusCode).toBe(401);
  });

  it('only buyers reserve: a seller or an admin is a 403, on a sold-out sale too', async () => {
    const { sku } = await product(3);
    const s = await createSale([{ sku, quantity: 2, perCustomerLimit: 1 }]);
    await agora.flash.startSale(s.id);
    for (const token of [seller, admin]) {
      const res = await reserve(s.id, token, sku);
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().code).toBe('forbidden');
    }
    for (let i = 0; i < 2; i++) await reserve(s.id, (await registerUser(agora)).accessToken, sku);
    expect((await reserve(s.id, seller, sku)).statusCode).toBe(403);
    expect((await sale(s.id)).items[0]).toMatchObject({ remaining: 0 });
  });

  it('a held unit checks out through POST /v1/checkout, and the sale sells out', async () => {
    const { sku } = await product(5);
    const s = await createSale([{ sku, quantity: 1, perCustomerLimit: 1 }]);
    await agora.flash.startSale(s.id);
    const buyer = await registerUser(agora);
    const r = (await reserve(s.id, buyer.accessToken, sku)).json<{ cartId: string }>();
    const res = await agora.request({
      method: 'POST',
      url: '/v1/checkout',
      token: buyer.accessToken,
      headers: { 'idempotency-key': `flash-${s.id}` },
      body: {
        cartId: r.cartId,
        shippingAddress: SHIPPING,
        payment: { provider: 'sandbox', token: 'tok_visa' },
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().order.status).toBe('confirmed');
    const after = await sale(s.id);
    expect(after.items[0].sold).toBe(1);
    await agora.flash.sweep();
    expect((await sale(s.id)).state).toBe('sold_out');
    expect(await stockOf(sku)).toMatchObject({ onHand: 4, reserved: 0, available: 4 });
  });

  it('feature flags switch every sale, or one sale, off (403 sale_not_active) and on again', async () => {
    const { sku } = await product(10);
    const s = await createSale([{ sku, quantity: 5, perCustomerLimit: 1 }]);
    await agora.flash.startSale(s.id);
    const flag = async (key: string, enabled: boolean) => {
      const res = await agora.request({
        method: 'PUT',
        url: `/v1/admin/feature-flags/${key}`,
        token: admin,
        body: { enabled },
      });
      expect(res.statusCode, res.body).toBeLessThan(300);
    };
    const buyer = await registerUser(agora);
    await flag(`flash_sale.${s.id}`, false);
    await waitFor(
      async () => (await reserve(s.id, buyer.accessToken, sku)).statusCode === 403,
      5_000,
      'the sale off',
    );
    expect((await reserve(s.id, buyer.accessToken, sku)).json()).toMatchObject({ code: 'sale_not_active' });
    await flag(`flash_sale.${s.id}`, true);
    await flag('flash_sales', false);
    await waitFor(
      async () => (await reserve(s.id, buyer.accessToken, sku)).statusCode === 403,
      5_000,
      'all sales off',
    );
    await flag('flash_sales', true);
    await waitFor(
      async () => (await reserve(s.id, buyer.accessToken, sku)).statusCode === 201,
      5_000,
      'sales on',
    );
  });

  it('a switched-off sale shows no sale price on the product page, and shows it again when switched on', async () => {
    const { sku, productId } = await product(10);
    const s = await createSale([{ sku, quantity: 5, perCustomerLimit: 1 }]);
    await agora.flash.startSale(s.id);
    const offer = async () =>
      (await agora.request({ method: 'GET', url: `/v1/products/${productId}` })).json<{
        variants: { sku: string; flashSale?: { saleId: string } }[];
      }>().variants[0].flashSale;
    const flag = async (key: string, enabled: boolean) => {
      const res = await agora.request({
        method: 'PUT',
        url: `/v1/admin/feature-flags/${key}`,
        token: admin,
        body: { enabled },
      });
      expect(res.statusCode, res.body).toBeLessThan(300);
    };
    expect(await offer()).toMatchObject({ saleId: s.id });
    await flag(`flash_sale.${s.id}`, false);
    expect(await offer()).toBeUndefined();
    expect(agora.flash.offers.forProducts([productId]).size).toBe(0);
    await flag(`flash_sale.${s.id}`, true);
    expect(await offer()).toMatchObject({ saleId: s.id });
    await flag('flash_sales', false);
    expect(await offer()).toBeUndefined();
    expect(agora.flash.offers.anyRunning()).toBe(false);
    await flag('flash_sales', true);
    expect(await offer()).toMatchObject({ saleId: s.id });
  });

  it('removing a held line from the cart releases the hold; the unit is sold again', async () => {
    await agora.startBackground();
    const { sku } = await product(5);
    const s = await createSale([{ sku, quantity: 1, perCustomerLimit: 1 }]);
    await agora.flash.startSale(s.id);
    const buyer = await registerUser(agora);
    const r = (await reserve(s.id, buyer.accessToken, sku)).json<{ cartId: string }>();
    const cart = await agora.request({
      method: 'GET',
      url: `/v1/carts/${r.cartId}`,
      token: buyer.accessToken,
    });
    const item = cart.json<{ items: { id: string; sku: string }[] }>().items.find((i) => i.sku === sku)!;
    const del = await agora.request({
      method: 'DELETE',
      url: `/v1/carts/${r.cartId}/items/${item.id}`,
      token: buyer.accessToken,
    });
    expect(del.statusCode).toBeLessThan(300);
    await waitFor(async () => (await sale(s.id)).items[0].remaining === 1, 15_000, 'the hold to be released');
    const next = await registerUser(agora);
    await waitFor(
      async () => (await reserve(s.id, next.accessToken, sku)).statusCode === 201,
      5_000,
      'the unit to sell again',
    );
  });

  it('the jobs start and end a sale on time; holds expire and sell again; the rest returns to stock', async () => {
    const { sku } = await product(10);
    const s = await createSale([{ sku, quantity: 4, perCustomerLimit: 1 }], 1_000, 6_000);
    await waitFor(async () => (await sale(s.id)).state === 'active', 10_000, 'the sale to start');
    expect((await stockOf(sku)).available).toBe(6);
    const a = await registerUser(agora);
    await waitFor(
      async () => (await reserve(s.id, a.accessToken, sku)).statusCode === 201,
      3_000,
      'a reservation',
    );
    // the hold expires: its unit goes back to the sale
    await sql`update flash_sales.holds set expires_at = now() where sale_id = ${s.id}`.execute(
      agora.rt.database.db,
    );
    await waitFor(async () => (await sale(s.id)).items[0].remaining === 4, 10_000, 'the hold to expire');
    const b = await registerUser(agora);
    expect((await reserve(s.id, b.accessToken, sku)).statusCode).toBe(201);
    await waitFor(async () => (await sale(s.id)).state === 'ended', 15_000, 'the sale to end');
    // 3 unheld units return at once; the held one when its hold expires
    expect(await stockOf(sku)).toMatchObject({ onHand: 10, reserved: 1, available: 9 });
    await sql`update flash_sales.holds set expires_at = now() where sale_id = ${s.id} and status = 'held'`.execute(
      agora.rt.database.db,
    );
    await waitFor(
      async () => (await stockOf(sku)).available === 10,
      10_000,
      'the last hold to return to stock',
    );
    expect((await reserve(s.id, b.accessToken, sku)).json().code).toBe('sale_not_active');
  });
});

describe.runIf(inject('pgTemplate'))('flash sales across a restart (postgres)', () => {
  it('a new process on the same database keeps every hold and sells no unit twice', async () => {
    const first = await startAgora('postgres', ENV);
    let second: Awaited<ReturnType<typeof createAgora>> | undefined;
    try {
      const admin = (await signInAdmin(first)).accessToken;
      const seller = (await registerUser(first, { role: 'seller' })).accessToken;
      const category = (await buildCategory(first, admin, 'Restart')).id;
      const sku = uniqueSku('RS');
      await buildProduct(first, seller, category, {
        variants: [{ sku, title: 'One', price: { amount: 10_000, currency: 'USD' }, initialStock: 20 }],
      });
      const created = await first.request({
        method: 'POST',
        url: '/v1/admin/flash-sales',
        token: admin,
        body: {
          name: 'Restart',
          startsAt: new Date(Date.now() - 1_000).toISOString(),
          endsAt: new Date(Date.now() + 3_600_000).toISOString(),
          items: [{ sku, salePrice: { amount: 100, currency: 'USD' }, quantity: 10, perCustomerLimit: 1 }],
        },
      });
      const saleId = created.json<{ id: string }>().id;
      await first.flash.startSale(saleId);
      const buyers = await Promise.all(Array.from({ length: 16 }, () => registerUser(first)));
      const reserveOn = (app: { inject: TestAgora['app']['inject'] }, token: string) =>
        app.inject({
          method: 'POST',
          url: `/v1/flash-sales/${saleId}/reservations`,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          payload: JSON.stringify({ sku, quantity: 1 }),
        });
      const before = await Promise.all(buyers.slice(0, 6).map((b) => reserveOn(first.app, b.accessToken)));
      expect(before.filter((r) => r.statusCode === 201)).toHaveLength(6);
      await first.app.close();
      second = await createAgora(
        loadConfig(
          {
            ...process.env,
            NODE_ENV: 'test',
            LOG_LEVEL: 'silent',
            AGORA_SEED_DEMO: 'false',
            AGORA_MAX_EVENT_LOOP_DELAY_MS: '0',
            DATABASE_URL: first.databaseUrl!,
            ...ENV,
          },
          { dotenv: false },
        ),
      );
      const after = await Promise.all(
        buyers.flatMap((b) => [reserveOn(second!.app, b.accessToken), reserveOn(second!.app, b.accessToken)]),
      );
      const codes = after.map((r) => (r.statusCode === 201 ? 'reserved' : r.json<{ code: string }>().code));
      expect(codes.filter((c) => c === 'reserved')).toHaveLength(4);
      const { rows } = await sql<{ n: number; users: number }>`
        select sum(quantity)::int as n, count(distinct user_id)::int as users from flash_sales.holds where sale_id = ${saleId}`.execute(
        second.rt.database.db,
      );
      expect(rows[0]).toEqual({ n: 10, users: 10 });
    } finally {
      await second?.close();
      await first.close();
    }
  });
});

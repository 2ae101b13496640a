import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { databaseModes, startAgora, type TestAgora } from '../../../test/helpers/agora.js';
import { registerUser } from '../../../test/helpers/factories.js';
import { FAST_ENV } from '../../../test/helpers/catalog.js';
import {
  addToCart,
  buildCartCatalog,
  holdInCart,
  newCart,
  setAvailable,
} from '../../../test/helpers/cart.js';

type Catalog = Awaited<ReturnType<typeof buildCartCatalog>>;
type Buyer = Awaited<ReturnType<typeof registerUser>>;

describe.each(databaseModes())('cart (%s)', (mode) => {
  let agora: TestAgora;
  let c: Catalog;
  let buyer: Buyer;
  let other: Buyer;

  beforeAll(async () => {
    agora = await startAgora(mode, { ...FAST_ENV, AGORA_TAX_RATES: 'US:0,DE:1900,GB:2000,FR:2000' });
    c = await buildCartCatalog(agora);
    buyer = await registerUser(agora);
    other = await registerUser(agora);
  });
  afterAll(() => agora.close());

  const get = (id: string, token?: string, query = '') =>
    agora.request({ method: 'GET', url: `/v1/carts/${id}${query}`, token });

  describe('creating carts', () => {
    it('an anonymous caller gets a new guest cart each time, with an unguessable id', async () => {
      const a = await agora.request({ method: 'POST', url: '/v1/carts' });
      const b = await agora.request({ method: 'POST', url: '/v1/carts' });
      expect(a.statusCode).toBe(201);
      expect(a.json()).toMatchObject({
        status: 'open',
        guest: true,
        currency: null,
        items: [],
        itemCount: 0,
        totals: {
          subtotal: { amount: 0, currency: 'USD' },
          shipping: { amount: 0, currency: 'USD' },
          total: { amount: 0, currency: 'USD' },
          country: 'US',
        },
      });
      expect(a.json().id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(a.json().id).not.toBe(b.json().id);
      expect(a.headers['cache-control']).toBe('private, no-store');
    });

    it('a signed-in user gets their open cart: 201 when it is created, 200 with the same cart after', async () => {
      const user = await registerUser(agora);
      const first = await agora.request({ method: 'POST', url: '/v1/carts', token: user.accessToken });
      expect(first.statusCode).toBe(201);
      expect(first.json().guest).toBe(false);
      await addToCart(agora, first.json().id, c.small, 1, user.accessToken);
      const again = await agora.request({ method: 'POST', url: '/v1/carts', token: user.accessToken });
      expect(again.statusCode).toBe(200);
      expect(again.json().id).toBe(first.json().id);
      expect(again.json().items).toHaveLength(1);
    });

    it('concurrent calls for one user converge on one open cart', async () => {
      const user = await registerUser(agora);
      const answers = await Promise.all(
        Array.from({ length: 6 }, () =>
          agora.request({ method: 'POST', url: '/v1/carts', token: user.accessToken }),
        ),
      );
      expect(new Set(answers.map((a) => a.json().id)).size).toBe(1);
      expect(answers.filter((a) => a.statusCode === 201)).toHaveLength(1);
    });
  });

  describe('items', () => {
    it('adds an item with its current price, product and availability; adding the SKU again grows its line', async () => {
      const cartId = await newCart(agora);
      const res = await addToCart(agora, cartId, c.small, 2);
      expect(res.statusCode).toBe(201);
      expect(res.json().items).toEqual([
        expect.objectContaining({
          sku: c.small,
          quantity: 2,
          productId: c.usd.id,
          productTitle: 'Trail Lamp',
          variantTitle: 'Small',
          slug: c.usd.slug,
          image: 'https://img.example.test/lamp.jpg',
          unitPrice: { amount: 1999, currency: 'USD' },
          lineTotal: { amount: 3998, currency: 'USD' },
          held: false,
          holdExpiresAt: null,
          availability: 'in_stock',
          available: 12,
          issue: null,
        }),
      ]);
      expect(res.json().currency).toBe('USD');
      const again = await addToCart(agora, cartId, c.small, 3);
      expect(again.statusCode).toBe(201);
      expect(again.json().items).toHaveLength(1);
      expect(again.json().items[0]).toMatchObject({ quantity: 5, lineTotal: { amount: 9995 } });
      expect(again.json().itemCount).toBe(5);
    });

    it('more than available is a 409 out_of_stock naming what is available, and the cart is unchanged', async () => {
      const cartId = await newCart(agora);
      expect((await addToCart(agora, cartId, c.large, 2)).statusCode).toBe(201);
      const res = await addToCart(agora, cartId, c.large, 2);
      expect(res.statusCode).toBe(409);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json()).toMatchObject({
        code: 'out_of_stock',
        sku: c.large,
        requested: 4,
        available: 3,
        lines: [{ sku: c.large, requested: 4, available: 3 }],
      });
      expect((await get(cartId)).json().items[0].quantity).toBe(2);
    });

    it('an unknown SKU or a product that is not published is a 404 sku_not_available', async () => {
      const cartId = await newCart(agora);
      for (const sku of ['NO-SUCH-SKU', c.draft]) {
        const res = await addToCart(agora, cartId, sku, 1);
        expect(res.statusCode).toBe(404);
        expect(res.json()).toMatchObject({ code: 'not_found', reason: 'sku_not_available', sku });
      }
    });

    it('a cart holds one currency: an item priced in another is a 409 conflict', async () => {
      const cartId = await newCart(agora);
      await addToCart(agora, cartId, c.small, 1);
      const res = await addToCart(agora, cartId, c.eur, 1);
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({
        code: 'conflict',
        reason: 'currency_mismatch',
        cartCurrency: 'USD',
        currency: 'EUR',
      });
    });

    it('changes a quantity (checked against stock when it grows) and removes a line; an empty cart takes a new currency', async () => {
      const cartId = await newCart(agora);
      const itemId = (await addToCart(agora, cartId, c.large, 1)).json().items[0].id;
      const patch = await agora.request({
        method: 'PATCH',
        url: `/v1/carts/${cartId}/items/${itemId}`,
        body: { quantity: 3 },
      });
      expect(patch.statusCode).toBe(200);
      expect(patch.json().items[0].quantity).toBe(3);
      const tooMany = await agora.request({
        method: 'PATCH',
        url: `/v1/carts/${cartId}/items/${itemId}`,
        body: { quantity: 4 },
      });
      expect(tooMany.statusCode).toBe(409);
      expect(tooMany.json()).toMatchObject({ code: 'out_of_stock', available: 3 });
      const del = await agora.request({ method: 'DELETE', url: `/v1/carts/${cartId}/items/${itemId}` });
      expect(del.statusCode).toBe(204);
      const empty = (await get(cartId)).json();
      expect(empty).toMatchObject({ items: [], currency: null, totals: { total: { amount: 0 } } });
      expect((await addToCart(agora, cartId, c.eur, 1)).json().currency).toBe('EUR');
      const gone = await agora.request({ method: 'DELETE', url: `/v1/carts/${cartId}/items/${itemId}` });
      expect(gone.statusCode).toBe(404);
    });

    it('validates input: malformed ids, zero or huge quantities, unknown fields', async () => {
      const cartId = await newCart(agora);
      expect((await get('not-a-cart')).statusCode).toBe(400);
      for (const body of [
        { sku: c.small, quantity: 0 },
        { sku: c.small, quantity: 1000 },
        { sku: c.small, quantity: 1, price: 1 },
      ]) {
        const res = await agora.request({ method: 'POST', url: `/v1/carts/${cartId}/items`, body });
        expect(res.statusCode).toBe(400);
        expect(res.json().code).toBe('validation_failed');
      }
      const unknown = await get('00000000-0000-4000-8000-000000000000');
      expect(unknown.statusCode).toBe(404);
    });
  });

  describe('owners', () => {
    it("a user's cart answers only to that user: others and anonymous callers get 404 and change nothing", async () => {
      const cartId = await newCart(agora, buyer.accessToken);
      const itemId = (await addToCart(agora, cartId, c.small, 1, buyer.accessToken)).json().items[0].id;
      for (const token of [other.accessToken, undefined]) {
        expect((await get(cartId, token)).statusCode).toBe(404);
        expect((await addToCart(agora, cartId, c.small, 1, token)).statusCode).toBe(404);
        const patch = await agora.request({
          method: 'PATCH',
          url: `/v1/carts/${cartId}/items/${itemId}`,
          token,
          body: { quantity: 2 },
        });
        expect(patch.statusCode).toBe(404);
        const del = await agora.request({
          method: 'DELETE',
          url: `/v1/carts/${cartId}/items/${itemId}`,
          token,
        });
        expect(del.statusCode).toBe(404);
      }
      const mine = await get(cartId, buyer.accessToken);
      expect(mine.statusCode).toBe(200);
      expect(mine.json().items).toMatchObject([{ id: itemId, quantity: 1 }]);
    });

    it('a guest cart answers to whoever holds its id, signed in or not', async () => {
      const cartId = await newCart(agora);
      expect((await addToCart(agora, cartId, c.small, 1, other.accessToken)).statusCode).toBe(201);
      expect((await get(cartId)).json().items).toHaveLength(1);
    });

    it('an item id of another cart is not found through this cart', async () => {
      const a = await newCart(agora);
      const b = await newCart(agora);
      const itemOfA = (await addToCart(agora, a, c.small, 1)).json().items[0].id;
      const res = await agora.request({ method: 'DELETE', url: `/v1/carts/${b}/items/${itemOfA}` });
      expect(res.statusCode).toBe(404);
      expect((await get(a)).json().items).toHaveLength(1);
    });
  });

  describe('prices and totals', () => {
    it('totals per destination country: flat shipping below the threshold, tax on goods plus shipping', async () => {
      const cartId = await newCart(agora);
      await addToCart(agora, cartId, c.small, 2); // 39.98
      const us = (await get(cartId)).json().totals;
      expect(us).toEqual({
        subtotal: { amount: 3998, currency: 'USD' },
        discount: { amount: 0, currency: 'USD' },
        shipping: { amount: 499, currency: 'USD' },
        tax: { amount: 0, currency: 'USD' },
        total: { amount: 4497, currency: 'USD' },
        country: 'US',
        taxRate: 0,
        shippingAvailable: true,
      });
      const de = (await get(cartId, undefined, '?country=DE')).json().totals;
      expect(de).toMatchObject({
        tax: { amount: 854 },
        total: { amount: 5351 },
        country: 'DE',
        taxRate: 1900,
      }); // 19 % of 44.97 = 8.5443
      const gb = (await get(cartId, undefined, '?country=GB')).json().totals;
      expect(gb).toMatchObject({ tax: { amount: 899 }, total: { amount: 5396 } }); // 20 % of 44.97 = 8.994
      const nowhere = await get(cartId, undefined, '?country=JP');
      expect(nowhere.statusCode).toBe(400);
      expect(nowhere.json().errors).toEqual([
        { path: '/query/country', message: 'no tax rate is configured for JP' },
      ]);
      await addToCart(agora, cartId, c.small, 1); // 59.97: free shipping from 50.00
      const free = (await get(cartId, undefined, '?country=FR')).json().totals;
      expect(free).toMatchObject({ shipping: { amount: 0 }, tax: { amount: 1199 }, total: { amount: 7196 } });
    });

    it('shows the current price after the seller changes it, and a line whose product left sale is flagged and not counted', async () => {
      const cartId = await newCart(agora);
      const { buildProduct, uniqueSku } = await import('../../../test/helpers/catalog.js');
      const sku = uniqueSku('LIVE');
      const p = await buildProduct(agora, c.seller.accessToken, c.categoryId, {
        variants: [{ sku, title: 'One', price: { amount: 1000, currency: 'USD' }, initialStock: 9 }],
      });
      await addToCart(agora, cartId, sku, 1);
      await addToCart(agora, cartId, c.small, 1);
      const patched = await agora.request({
        method: 'PATCH',
        url: `/v1/products/${p.id}`,
        token: c.seller.accessToken,
        body: {
          variants: [{ sku, title: 'One', price: { amount: 1234, currency: 'USD' }, initialStock: 9 }],
        },
      });
      expect(patched.statusCode).toBe(200);
      const repriced = (await get(cartId)).json();
      expect(repriced.items[0]).toMatchObject({ sku, unitPrice: { amount: 1234 }, issue: null });
      expect(repriced.totals.subtotal.amount).toBe(1234 + 1999);
      await agora.request({ method: 'DELETE', url: `/v1/products/${p.id}`, token: c.seller.accessToken });
      const archived = (await get(cartId)).json();
      expect(archived.items[0]).toMatchObject({ sku, issue: 'unavailable', unitPrice: null });
      expect(archived.totals.subtotal.amount).toBe(1999);
    });

    it('a line asking for more than is now available is flagged insufficient_stock', async () => {
      const cartId = await newCart(agora);
      await addToCart(agora, cartId, c.large, 3);
      await setAvailable(agora, c.large, 1);
      try {
        const item = (await get(cartId)).json().items[0];
        expect(item).toMatchObject({ issue: 'insufficient_stock', available: 1, availability: 'low_stock' });
        // lowering a line always works, even below what stock covers
        const lower = await agora.request({
          method: 'PATCH',
          url: `/v1/carts/${cartId}/items/${item.id}`,
          body: { quantity: 2 },
        });
        expect(lower.statusCode).toBe(200);
      } finally {
        await setAvailable(agora, c.large, 3);
      }
    });
  });

  describe('flash-sale lines', () => {
    it('a held line shows its hold expiry and held price; the difference to the list price is the discount', async () => {
      const user = await registerUser(agora);
      const placed = await holdInCart(agora, { userId: user.user.id, sku: c.small, quantity: 2, price: 999 });
      const cart = (await get(placed.cartId, user.accessToken)).json();
      expect(cart.items).toEqual([
        expect.objectContaining({
          id: placed.itemId,
          sku: c.small,
          held: true,
          quantity: 2,
          unitPrice: { amount: 999, currency: 'USD' },
          listPrice: { amount: 1999, currency: 'USD' },
          issue: null,
        }),
      ]);
      expect(Date.parse(cart.items[0].holdExpiresAt)).toBeGreaterThan(Date.now());
      expect(cart.totals).toMatchObject({
        subtotal: { amount: 3998 },
        discount: { amount: 2000 },
        shipping: { amount: 499 },
        total: { amount: 1998 + 499 },
      });
      // the user's cart takes plain lines of the same SKU beside the held one
      const plain = await addToCart(agora, placed.cartId, c.small, 1, user.accessToken);
      expect(plain.json().items).toHaveLength(2);
    });

    it('the quantity of a held line cannot change; removing it publishes cart.hold_dropped', async () => {
      const user = await registerUser(agora);
      const placed = await holdInCart(agora, { userId: user.user.id, sku: c.small, price: 999 });
      const url = `/v1/carts/${placed.cartId}/items/${placed.itemId}`;
      const patch = await agora.request({
        method: 'PATCH',
        url,
        token: user.accessToken,
        body: { quantity: 2 },
      });
      expect(patch.statusCode).toBe(409);
      expect(patch.json()).toMatchObject({ code: 'conflict', reason: 'item_held' });
      const del = await agora.request({ method: 'DELETE', url, token: user.accessToken });
      expect(del.statusCode).toBe(204);
      const events = await agora.rt.database.db
        .selectFrom('platform.outbox')
        .select(['type', 'data', 'source'])
        .where('subject', '=', placed.holdId)
        .execute();
      expect(events).toHaveLength(1);
      const data = typeof events[0].data === 'string' ? JSON.parse(events[0].data) : events[0].data;
      expect(events[0].type).toBe('cart.hold_dropped');
      expect(data).toEqual({ holdId: placed.holdId, cartId: placed.cartId, userId: user.user.id });
    });

    it('a held line whose hold ran out is flagged hold_expired', async () => {
      const user = await registerUser(agora);
      const placed = await holdInCart(agora, {
        userId: user.user.id,
        sku: c.small,
        price: 999,
        expiresInMs: -1000,
      });
      const item = (await get(placed.cartId, user.accessToken)).json().items[0];
      expect(item).toMatchObject({ issue: 'hold_expired', available: 0, availability: 'out_of_stock' });
    });
  });

  describe('closed carts', () => {
    it('an expired cart still reads, with its status; changing it is a 404 cart_expired', async () => {
      const cartId = await newCart(agora);
      await addToCart(agora, cartId, c.small, 1);
      await sql`update cart.carts set expires_at = now() - interval '1 minute' where id = ${cartId}`.execute(
        agora.rt.database.db,
      );
      await agora.jobs.schedule(agora.rt.database.db, 'cart.expire', {});
      await agora.jobs.runDue();
      const cart = await get(cartId);
      expect(cart.statusCode).toBe(200);
      expect(cart.json().status).toBe('expired');
      const add = await addToCart(agora, cartId, c.small, 1);
      expect(add.statusCode).toBe(404);
      expect(add.json()).toMatchObject({ code: 'not_found', reason: 'cart_expired' });
    });

    it('a checked-out cart cannot change (409) and the user gets a new cart', async () => {
      const user = await registerUser(agora);
      const cartId = await newCart(agora, user.accessToken);
      await addToCart(agora, cartId, c.small, 1, user.accessToken);
      const orderId = '00000000-0000-4000-8000-00000000abcd';
      await agora.rt.database.db
        .transaction()
        .execute((trx) => agora.cart.markCheckedOut(trx, cartId, orderId));
      const add = await addToCart(agora, cartId, c.small, 1, user.accessToken);
      expect(add.statusCode).toBe(409);
      expect(add.json()).toMatchObject({
        code: 'conflict',
        reason: 'cart_not_open',
        cartStatus: 'checked_out',
      });
      const next = await agora.request({ method: 'POST', url: '/v1/carts', token: user.accessToken });
      expect(next.statusCode).toBe(201);
      expect(next.json().id).not.toBe(cartId);
    });
  });
});

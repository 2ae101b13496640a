import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { databaseModes, startAgora, type TestAgora } from '../helpers/agora.js';
import { FAST_ENV } from '../helpers/catalog.js';
import { marketplace } from '../helpers/checkout.js';
import { PASSWORD, registerUser } from '../helpers/factories.js';

/** The most a catalog price may be (minor units) and the most units of a line. */
const TOP_PRICE = 1_000_000_000_000;
const TOP_QUANTITY = 999;

interface CartAnswer {
  items: { id: string; sku: string; quantity: number }[];
  totals: Record<'subtotal' | 'discount' | 'shipping' | 'tax' | 'total', { amount: number }>;
}

/**
 * Carts whose totals would pass what a cart can hold (Number.MAX_SAFE_INTEGER minor units, at the
 * highest tax rate of any destination: here GB's 20 %, so seven lines of 999 × 1e12 fit, eight do not).
 */
describe.each(databaseModes())('cart totals past the maximum (%s)', (mode) => {
  let agora: TestAgora;
  let m: Awaited<ReturnType<typeof marketplace>>;
  let seller: { token: string; id: string };

  beforeAll(async () => {
    agora = await startAgora(mode, {
      ...FAST_ENV,
      AGORA_RATE_LIMIT: 'false',
      AGORA_TAX_RATES: 'US:0,DE:1900,GB:2000',
    });
    m = await marketplace(agora);
    seller = await m.seller();
  });
  afterAll(() => agora.close());

  const cartOf = async (token: string) => {
    const res = await agora.request({ method: 'POST', url: '/v1/carts', token });
    return res.json<{ id: string }>().id;
  };
  const add = (token: string, cartId: string, sku: string, quantity: number) =>
    agora.request({ method: 'POST', url: `/v1/carts/${cartId}/items`, token, body: { sku, quantity } });
  const get = (token: string, cartId: string, query = '') =>
    agora.request({ method: 'GET', url: `/v1/carts/${cartId}${query}`, token });
  const linesIn = async (cartId: string) =>
    (
      await sql<{ sku: string; quantity: number }>`
        select sku, quantity from cart.items where cart_id = ${cartId} order by created_at, id`.execute(
        agora.rt.database.db,
      )
    ).rows;

  /** Every total of every destination's view of the cart is a safe integer. */
  async function expectReadable(token: string, cartId: string) {
    for (const query of ['', '?country=US', '?country=DE', '?country=GB']) {
      const res = await get(token, cartId, query);
      expect(res.statusCode).toBe(200);
      const { totals } = res.json<CartAnswer>();
      for (const name of ['subtotal', 'discount', 'shipping', 'tax', 'total'] as const)
        expect(Number.isSafeInteger(totals[name].amount)).toBe(true);
    }
  }

  it('an add that would pass the maximum is a 400 naming the quantity, saves nothing, and the cart still reads', async () => {
    const skus = await m.product(
      seller.token,
      Array.from({ length: 10 }, () => ({ stock: 1_000, price: TOP_PRICE })),
    );
    const buyer = await registerUser(agora);
    const cartId = await cartOf(buyer.accessToken);
    const statuses: number[] = [];
    for (const sku of skus) {
      const res = await add(buyer.accessToken, cartId, sku, TOP_QUANTITY);
      statuses.push(res.statusCode);
      if (res.statusCode !== 201) {
        expect(res.statusCode).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.json()).toMatchObject({
          code: 'validation_failed',
          errors: [{ path: '/body/quantity' }],
        });
      }
    }
    expect(statuses).toEqual([...Array(7).fill(201), 400, 400, 400]);
    expect((await linesIn(cartId)).map((l) => l.sku)).toEqual(skus.slice(0, 7));
    await expectReadable(buyer.accessToken, cartId);
    const cart = (await get(buyer.accessToken, cartId)).json<CartAnswer>();
    expect(cart.items).toHaveLength(7);
    expect(cart.totals.subtotal.amount).toBe(7 * TOP_QUANTITY * TOP_PRICE);
    // A smaller add that still fits is taken.
    expect((await add(buyer.accessToken, cartId, skus[7], 1)).statusCode).toBe(201);
  });

  it('raising a quantity past the maximum is refused and saves nothing; a raise that fits and lowering work', async () => {
    const skus = await m.product(
      seller.token,
      Array.from({ length: 8 }, () => ({ stock: 1_000, price: TOP_PRICE })),
    );
    const buyer = await registerUser(agora);
    const cartId = await cartOf(buyer.accessToken);
    for (const sku of skus.slice(0, 7))
      expect((await add(buyer.accessToken, cartId, sku, 999)).statusCode).toBe(201);
    const last = await add(buyer.accessToken, cartId, skus[7], 1);
    expect(last.statusCode).toBe(201);
    const itemId = last.json<CartAnswer>().items.find((i) => i.sku === skus[7])!.id;
    const patch = (id: string, quantity: number) =>
      agora.request({
        method: 'PATCH',
        url: `/v1/carts/${cartId}/items/${id}`,
        token: buyer.accessToken,
        body: { quantity },
      });
    const refused = await patch(itemId, TOP_QUANTITY);
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: '/body/quantity' }] });
    expect((await linesIn(cartId)).at(-1)).toEqual({ sku: skus[7], quantity: 1 });
    // Adding more of the same SKU is the same change.
    expect((await add(buyer.accessToken, cartId, skus[7], 998)).statusCode).toBe(400);
    const fits = await patch(itemId, 500);
    expect(fits.statusCode).toBe(200);
    const first = fits.json<CartAnswer>().items[0];
    expect((await patch(first.id, 1)).statusCode).toBe(200);
    await expectReadable(buyer.accessToken, cartId);
  });

  it("a guest line that would take the user's cart past the maximum stays behind on login", async () => {
    const skus = await m.product(
      seller.token,
      Array.from({ length: 9 }, () => ({ stock: 1_000, price: TOP_PRICE })),
    );
    const user = await registerUser(agora);
    const userCart = await cartOf(user.accessToken);
    for (const sku of skus.slice(0, 6))
      expect((await add(user.accessToken, userCart, sku, 999)).statusCode).toBe(201);
    const guest = (await agora.request({ method: 'POST', url: '/v1/carts' })).json<{ id: string }>().id;
    for (const sku of skus.slice(6)) expect((await add('', guest, sku, 999)).statusCode).toBe(201);
    const login = await agora.request({
      method: 'POST',
      url: '/v1/auth/login',
      body: { email: user.user.email, password: PASSWORD, cartId: guest },
    });
    expect(login.statusCode).toBe(200);
    // One of the guest's three lines fits (seven lines in all); the other two stay behind.
    expect((await linesIn(userCart)).map((l) => l.sku)).toEqual(skus.slice(0, 7));
    await expectReadable(user.accessToken, userCart);
  });

  it('a cart pushed past the maximum by a price rise still reads, and its checkout is a 409', async () => {
    const skus = await m.product(
      seller.token,
      Array.from({ length: 10 }, () => ({ stock: 1_000, price: TOP_PRICE / 10 })),
    );
    const buyer = await m.buyer();
    const cartId = await m.cartWith(
      buyer.token,
      skus.map((sku) => ({ sku, quantity: TOP_QUANTITY })),
    );
    // The seller raises every price tenfold (within the catalog's limit) after the cart was filled.
    await sql`update catalog.variants set price_amount = ${TOP_PRICE} where sku in (${sql.join(skus)})`.execute(
      agora.rt.database.db,
    );
    for (const query of ['', '?country=GB'])
      expect((await get(buyer.token, cartId, query)).statusCode).toBe(200);
    const checkout = await m.checkout(buyer.token, cartId);
    expect(checkout.statusCode).toBe(409);
    expect(checkout.json()).toMatchObject({ code: 'conflict', reason: 'cart_total_too_large' });
    // Nothing was reserved for it.
    expect(await m.stock(seller.token, skus[0])).toMatchObject({ reserved: 0 });
  });
});

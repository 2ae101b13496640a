import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { databaseModes, startAgora, type TestAgora } from '../helpers/agora.js';
import { buildProduct, FAST_ENV, uniqueSku } from '../helpers/catalog.js';
import { marketplace } from '../helpers/checkout.js';

interface CartAnswer {
  id: string;
  totals: {
    shipping: { amount: number; currency: string };
    total: { amount: number; currency: string };
    shippingAvailable: boolean;
  };
}

/**
 * Shipping is a rate per currency: a yen cart is charged the yen rate (no minor units: ¥500, not
 * 499 of another currency's cents), and a cart in a currency without a rate is not checked out.
 */
describe.each(databaseModes())('flat shipping per currency (%s)', (mode) => {
  let agora: TestAgora;
  let m: Awaited<ReturnType<typeof marketplace>>;
  let seller: { token: string; id: string };

  beforeAll(async () => {
    agora = await startAgora(mode, {
      ...FAST_ENV,
      AGORA_RATE_LIMIT: 'false',
      AGORA_SHIPPING_FLAT_AMOUNT: 'USD:499,JPY:500',
      AGORA_FREE_SHIPPING_FROM: 'USD:5000,JPY:8000',
    });
    m = await marketplace(agora);
    seller = await m.seller();
  });
  afterAll(() => agora.close());

  async function productIn(currency: string, amount: number) {
    const sku = uniqueSku(currency);
    await buildProduct(agora, seller.token, m.category.id, {
      variants: [{ sku, title: 'One', price: { amount, currency }, initialStock: 10 }],
    });
    return sku;
  }
  const view = async (token: string, cartId: string) => {
    const res = await agora.request({ method: 'GET', url: `/v1/carts/${cartId}`, token });
    expect(res.statusCode).toBe(200);
    return res.json<CartAnswer>();
  };

  it("charges a cart the flat rate and free-shipping threshold of the cart's own currency", async () => {
    const buyer = await m.buyer();
    const yen = await productIn('JPY', 3000);
    const cartId = await m.cartWith(buyer.token, [{ sku: yen, quantity: 2 }]);
    // ¥6000: past the dollar threshold's 5000, below the yen one
    const cart = await view(buyer.token, cartId);
    expect(cart.totals.shipping).toEqual({ amount: 500, currency: 'JPY' });
    expect(cart.totals.shippingAvailable).toBe(true);

    const paid = await m.checkout(buyer.token, cartId);
    expect(paid.statusCode).toBe(201);
    expect(paid.json().order.totals.shipping).toEqual({ amount: 500, currency: 'JPY' });

    // ¥9000 reaches the yen threshold
    const big = await m.cartWith(buyer.token, [{ sku: yen, quantity: 3 }]);
    expect((await view(buyer.token, big)).totals.shipping.amount).toBe(0);
  });

  it('refuses to check out a cart in a currency with no shipping rate, and charges nothing', async () => {
    const buyer = await m.buyer();
    const euro = await productIn('EUR', 1500);
    const cartId = await m.cartWith(buyer.token, [{ sku: euro, quantity: 1 }]);
    const cart = await view(buyer.token, cartId);
    expect(cart.totals.shippingAvailable).toBe(false);
    expect(cart.totals.shipping).toEqual({ amount: 0, currency: 'EUR' });

    const refused = await m.checkout(buyer.token, cartId);
    expect(refused.statusCode).toBe(409);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.json()).toMatchObject({
      code: 'conflict',
      reason: 'shipping_unavailable',
      currency: 'EUR',
    });
    expect(await m.stock(seller.token, euro)).toMatchObject({ onHand: 10, reserved: 0 });
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from orders.orders where user_id = ${buyer.id}`.execute(agora.rt.database.db);
    expect(rows[0].n).toBe(0);
    expect((await view(buyer.token, cartId)).id).toBe(cartId);
  });
});

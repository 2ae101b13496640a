import { randomUUID } from 'node:crypto';
import type { TestAgora } from './agora.js';
import { buildCategory, buildProduct, signInAdmin, uniqueSku } from './catalog.js';
import { registerUser } from './factories.js';

export const ADDRESS = {
  name: 'Ada Buyer',
  line1: '1 Market Street',
  city: 'Springfield',
  postalCode: '12345',
  country: 'US',
};

/** A small marketplace through the API: an admin, a category, sellers, products, buyers, carts. */
export async function marketplace(agora: TestAgora) {
  const admin = await signInAdmin(agora);
  const category = await buildCategory(agora, admin.accessToken, 'Checkout');

  async function seller() {
    const s = await registerUser(agora, { role: 'seller' });
    return { token: s.accessToken, id: s.user.id };
  }

  /** One published product with a variant per entry; returns the SKUs. */
  async function product(sellerToken: string, variants: { stock: number; price?: number }[]) {
    const skus = variants.map(() => uniqueSku('CO'));
    await buildProduct(agora, sellerToken, category.id, {
      variants: variants.map((v, i) => ({
        sku: skus[i],
        title: `Variant ${i}`,
        price: { amount: v.price ?? 1_000, currency: 'USD' },
        initialStock: v.stock,
      })),
    });
    return skus;
  }

  async function buyer() {
    const b = await registerUser(agora);
    return { token: b.accessToken, id: b.user.id };
  }

  async function cartWith(token: string, items: { sku: string; quantity: number }[]) {
    const created = await agora.request({ method: 'POST', url: '/v1/carts', token });
    if (created.statusCode !== 201 && created.statusCode !== 200)
      throw new Error(`cart failed: ${created.statusCode} ${created.body}`);
    const cartId = created.json<{ id: string }>().id;
    for (const item of items) {
      const res = await agora.request({
        method: 'POST',
        url: `/v1/carts/${cartId}/items`,
        token,
        body: item,
      });
      if (res.statusCode !== 201) throw new Error(`add item failed: ${res.statusCode} ${res.body}`);
    }
    return cartId;
  }

  function checkout(
    token: string,
    cartId: string,
    opts: { payToken?: string; key?: string; provider?: string } = {},
  ) {
    return agora.request({
      method: 'POST',
      url: '/v1/checkout',
      token,
      headers: { 'idempotency-key': opts.key ?? randomUUID() },
      body: {
        cartId,
        shippingAddress: ADDRESS,
        payment: { provider: opts.provider ?? 'sandbox', token: opts.payToken ?? 'tok_visa' },
      },
    });
  }

  async function stock(sellerToken: string, sku: string) {
    const res = await agora.request({ method: 'GET', url: `/v1/inventory/${sku}`, token: sellerToken });
    if (res.statusCode !== 200) throw new Error(`inventory failed: ${res.statusCode} ${res.body}`);
    return res.json<{ onHand: number; reserved: number; available: number }>();
  }

  return { admin, category, seller, product, buyer, cartWith, checkout, stock };
}

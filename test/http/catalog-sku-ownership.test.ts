import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyInventory } from '../../src/modules/inventory/index.js';
import { databaseModes, startAgora, type TestAgora } from '../helpers/agora.js';
import {
  FAST_ENV,
  buildCategory,
  buildProduct,
  productBody,
  signInAdmin,
  uniqueSku,
} from '../helpers/catalog.js';
import { registerUser } from '../helpers/factories.js';
import { levelRow } from '../helpers/inventory.js';

const variant = (sku: string, initialStock?: number) => ({
  sku,
  title: sku,
  price: { amount: 1_000, currency: 'USD' },
  ...(initialStock === undefined ? {} : { initialStock }),
});

describe.each(databaseModes())('a SKU stays with its seller (%s)', (mode) => {
  let agora: TestAgora;
  let admin: string;
  let categoryId: string;
  let s1: Awaited<ReturnType<typeof registerUser>>;
  let s2: Awaited<ReturnType<typeof registerUser>>;
  const get = (url: string, token: string) => agora.request({ method: 'GET', url, token });

  beforeAll(async () => {
    agora = await startAgora(mode, FAST_ENV);
    admin = (await signInAdmin(agora)).accessToken;
    categoryId = (await buildCategory(agora, admin, 'Owned')).id;
    s1 = await registerUser(agora, { role: 'seller' });
    s2 = await registerUser(agora, { role: 'seller' });
  });
  afterAll(async () => {
    await agora.close();
  });

  /** s1's product with two SKUs of 3 units each, from which s1 then drops the first. */
  async function droppedSku() {
    const [dropped, kept] = [uniqueSku('VT'), uniqueSku('VT')];
    const product = await buildProduct(agora, s1.accessToken, categoryId, {
      variants: [variant(dropped, 3), variant(kept, 3)],
    });
    const patched = await agora.request({
      method: 'PATCH',
      url: `/v1/products/${product.id}`,
      token: s1.accessToken,
      body: { variants: [variant(kept)] },
    });
    expect(patched.statusCode).toBe(200);
    return { dropped, kept, productId: product.id as string };
  }

  it("another seller cannot take over a SKU a seller dropped: 409 naming the field, and the stock and ledger stay the owner's", async () => {
    const { dropped } = await droppedSku();
    const taken = await agora.request({
      method: 'POST',
      url: '/v1/products',
      token: s2.accessToken,
      body: productBody(categoryId, { variants: [variant(uniqueSku('OK'), 1), variant(dropped)] }),
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({
      code: 'conflict',
      skus: [dropped],
      errors: [{ path: '/body/variants/1/sku', message: 'is a SKU of another seller' }],
    });
    expect((await get(`/v1/inventory/${dropped}`, s2.accessToken)).statusCode).toBe(404);
    expect((await get(`/v1/inventory/${dropped}/movements`, s2.accessToken)).statusCode).toBe(404);
    const mine = await get(`/v1/inventory/${dropped}`, s1.accessToken);
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toMatchObject({ sku: dropped, onHand: 3, available: 3 });
    const ledger = await get(`/v1/inventory/${dropped}/movements`, s1.accessToken);
    expect(ledger.statusCode).toBe(200);
    expect(ledger.json().items).toEqual([expect.objectContaining({ kind: 'initial', deltaOnHand: 3 })]);
    // the refused product left nothing behind, not even the stock of its other SKU
    const mineAll = await get(`/v1/seller/products`, s2.accessToken);
    expect(mineAll.json().items).toEqual([]);
    expect(await verifyInventory(agora.rt.database.db)).toEqual([]);
  });

  it("adding another seller's SKU to one's own product is refused too, also by an admin", async () => {
    const { dropped } = await droppedSku();
    const own = await buildProduct(agora, s2.accessToken, categoryId);
    const patch = (token: string) =>
      agora.request({
        method: 'PATCH',
        url: `/v1/products/${own.id}`,
        token,
        body: { variants: [variant(own.variants[0].sku), variant(dropped, 50)] },
      });
    for (const token of [s2.accessToken, admin]) {
      const res = await patch(token);
      expect(res.statusCode).toBe(409);
      expect(res.json().errors).toEqual([
        { path: '/body/variants/1/sku', message: 'is a SKU of another seller' },
      ]);
    }
    const page = (await get(`/v1/products/${own.id}`, s2.accessToken)).json();
    expect(page.variants.map((v: { sku: string }) => v.sku)).toEqual(
      own.variants.map((v: { sku: string }) => v.sku),
    );
    expect(await levelRow(agora, dropped)).toEqual({ on_hand: 3, reserved: 0 });
  });

  it('the owner may put a dropped SKU back on a product of its own, and finds its stock there', async () => {
    const { dropped } = await droppedSku();
    const again = await agora.request({
      method: 'POST',
      url: '/v1/products',
      token: s1.accessToken,
      body: productBody(categoryId, { variants: [variant(dropped, 40)] }),
    });
    expect(again.statusCode).toBe(201);
    expect(again.json().variants[0]).toMatchObject({ sku: dropped, availability: 'low_stock' });
    expect((await get(`/v1/inventory/${dropped}`, s1.accessToken)).json()).toMatchObject({ onHand: 3 });
  });
});

import { randomUUID } from 'node:crypto';
import type { TestAgora } from './agora.js';
import { buildCategory, buildProduct, signInAdmin, uniqueSku } from './catalog.js';
import { registerUser } from './factories.js';

/**
 * A seller's catalog for cart tests: a USD product with a roomy variant (12 units at 19.99) and a
 * scarce one (3 units at 25.00), a EUR product (5 units at 10.00) and a draft.
 */
export async function buildCartCatalog(agora: TestAgora) {
  const admin = (await signInAdmin(agora)).accessToken;
  const seller = await registerUser(agora, { role: 'seller', name: 'Cart Seller' });
  const category = await buildCategory(agora, admin, 'Cart goods');
  const usd = await buildProduct(agora, seller.accessToken, category.id, {
    title: 'Trail Lamp',
    images: ['https://img.example.test/lamp.jpg'],
    variants: [
      { sku: uniqueSku('LAMP'), title: 'Small', price: { amount: 1999, currency: 'USD' }, initialStock: 12 },
      { sku: uniqueSku('LAMP'), title: 'Large', price: { amount: 2500, currency: 'USD' }, initialStock: 3 },
    ],
  });
  const eur = await buildProduct(agora, seller.accessToken, category.id, {
    title: 'Tasse',
    variants: [
      { sku: uniqueSku('CUP'), title: 'Blue', price: { amount: 1000, currency: 'EUR' }, initialStock: 5 },
    ],
  });
  const draft = await buildProduct(agora, seller.accessToken, category.id, {
    status: 'draft',
    variants: [
      { sku: uniqueSku('DRAFT'), title: 'Only', price: { amount: 500, currency: 'USD' }, initialStock: 5 },
    ],
  });
  return {
    admin,
    seller,
    categoryId: category.id,
    usd,
    small: usd.variants[0].sku as string,
    large: usd.variants[1].sku as string,
    eur: eur.variants[0].sku as string,
    draft: draft.variants[0].sku as string,
  };
}

/** A new cart through the API (a guest cart without a token). */
export async function newCart(agora: TestAgora, token?: string): Promise<string> {
  const res = await agora.request({ method: 'POST', url: '/v1/carts', token });
  if (res.statusCode !== 201 && res.statusCode !== 200)
    throw new Error(`cart failed: ${res.statusCode} ${res.body}`);
  return res.json<{ id: string }>().id;
}

export async function addToCart(
  agora: TestAgora,
  cartId: string,
  sku: string,
  quantity: number,
  token?: string,
) {
  return agora.request({ method: 'POST', url: `/v1/carts/${cartId}/items`, token, body: { sku, quantity } });
}

/** A flash-sale-like held line put in the user's cart through the cart door. */
export async function holdInCart(
  agora: TestAgora,
  input: {
    userId: string;
    sku: string;
    quantity?: number;
    price: number;
    currency?: string;
    expiresInMs?: number;
  },
) {
  const holdId = randomUUID();
  const [placed] = await agora.rt.database.db.transaction().execute((trx) =>
    agora.cart.addHeldItems(trx, [
      {
        userId: input.userId,
        sku: input.sku,
        quantity: input.quantity ?? 1,
        unitPrice: { amount: input.price, currency: input.currency ?? 'USD' },
        holdId,
        holdExpiresAt: new Date(Date.now() + (input.expiresInMs ?? 600_000)),
      },
    ]),
  );
  return placed;
}

/** Sets how many units of `sku` are available, through an inventory adjustment (as an admin). */
export async function setAvailable(agora: TestAgora, sku: string, units: number): Promise<void> {
  const current = (await agora.inventory.available(agora.rt.database.db, [sku])).get(sku) ?? 0;
  if (current === units) return;
  const admin = (await signInAdmin(agora)).accessToken;
  const res = await agora.request({
    method: 'POST',
    url: `/v1/inventory/${encodeURIComponent(sku)}/adjustments`,
    token: admin,
    body: { delta: units - current, reason: 'test: set what is available' },
  });
  if (res.statusCode !== 201) throw new Error(`adjustment failed: ${res.statusCode} ${res.body}`);
}

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseModes, startAgora, type TestAgora } from '../../../test/helpers/agora.js';
import { registerUser } from '../../../test/helpers/factories.js';
import {
  FAST_ENV,
  buildCategory,
  buildProduct,
  signInAdmin,
  uniqueSku,
} from '../../../test/helpers/catalog.js';

describe.each(databaseModes())('product listing (%s)', (mode) => {
  let agora: TestAgora;
  let seller: Awaited<ReturnType<typeof registerUser>>;
  let other: Awaited<ReturnType<typeof registerUser>>;
  let root: { id: string };
  let leafA: { id: string };
  let leafB: { id: string };
  let elsewhere: { id: string };
  const brand = `Brand-${randomBytes(3).toString('hex')}`;
  const prices = [500, 1500, 2500, 3500, 4500, 5500, 6500];

  const variant = (amount: number, stock: number) => [
    { sku: uniqueSku(), title: 'One', price: { amount, currency: 'USD' }, initialStock: stock },
  ];

  beforeAll(async () => {
    agora = await startAgora(mode, FAST_ENV);
    const admin = (await signInAdmin(agora)).accessToken;
    seller = await registerUser(agora, { role: 'seller' });
    other = await registerUser(agora, { role: 'seller' });
    root = await buildCategory(agora, admin, 'Electronics');
    const mid = await buildCategory(agora, admin, 'Computers', root.id);
    leafA = await buildCategory(agora, admin, 'Laptops', mid.id);
    leafB = await buildCategory(agora, admin, 'Phones', root.id);
    elsewhere = await buildCategory(agora, admin, 'Garden');
    for (const [i, amount] of prices.entries()) {
      await buildProduct(agora, i % 2 ? other.accessToken : seller.accessToken, i % 3 ? leafA.id : leafB.id, {
        brand,
        title: `Item ${i}`,
        variants: variant(amount, i === 0 ? 0 : 10),
      });
    }
    await buildProduct(agora, seller.accessToken, elsewhere.id, { brand, variants: variant(100, 5) });
    await buildProduct(agora, seller.accessToken, leafA.id, {
      brand,
      status: 'draft',
      variants: variant(100, 5),
    });
  });
  afterAll(() => agora.close());

  const list = async (query: string) => {
    const res = await agora.request({ method: 'GET', url: `/v1/products?brand=${brand}&${query}` });
    expect(res.statusCode).toBe(200);
    return res.json<{
      items: {
        id: string;
        price: { amount: number };
        categoryId: string;
        sellerId: string;
        variants: unknown[];
      }[];
      nextCursor: string | null;
    }>();
  };

  it('lists only published products, with their variants, newest first', async () => {
    const page = await list('limit=100');
    expect(page.items).toHaveLength(prices.length + 1);
    expect(page.items[0].price.amount).toBe(100);
    expect(page.items.every((p) => p.variants.length === 1)).toBe(true);
    expect(page.nextCursor).toBeNull();
  });

  it('filters by a category subtree: everything under the root, including grandchildren', async () => {
    const under = await list(`categoryId=${root.id}&limit=100`);
    expect(under.items).toHaveLength(prices.length);
    expect(under.items.every((p) => [leafA.id, leafB.id].includes(p.categoryId))).toBe(true);
    const leaf = await list(`categoryId=${leafB.id}&limit=100`);
    expect(leaf.items.every((p) => p.categoryId === leafB.id)).toBe(true);
    expect(leaf.items).toHaveLength(3);
  });

  it('an unknown category is a 400 naming the field', async () => {
    const res = await agora.request({
      method: 'GET',
      url: '/v1/products?categoryId=01900000-0000-7000-8000-000000000000',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('/query/categoryId');
  });

  it('filters by seller, price range and stock', async () => {
    const bySeller = await list(`sellerId=${other.user.id}&limit=100`);
    expect(bySeller.items.map((p) => p.sellerId)).toEqual(Array(3).fill(other.user.id));
    const range = await list('minPrice=1500&maxPrice=4500&limit=100');
    expect(range.items.map((p) => p.price.amount).sort((a, b) => a - b)).toEqual([1500, 2500, 3500, 4500]);
    const inStock = await list(`inStock=true&categoryId=${root.id}&limit=100`);
    expect(inStock.items).toHaveLength(prices.length - 1);
    const outOfStock = await list('inStock=false&limit=100');
    expect(outOfStock.items.map((p) => p.price.amount)).toEqual([500]);
  });

  it('sorts by price both ways', async () => {
    const asc = (await list('sort=price_asc&limit=100')).items.map((p) => p.price.amount);
    expect(asc).toEqual([100, ...prices]);
    const desc = (await list('sort=price_desc&limit=100')).items.map((p) => p.price.amount);
    expect(desc).toEqual([...prices].reverse().concat(100));
  });

  it.each(['newest', 'price_asc', 'price_desc'])(
    'walks every page once with the cursor (%s)',
    async (sort) => {
      const all = (await list(`sort=${sort}&limit=100`)).items.map((p) => p.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await list(`sort=${sort}&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.items.map((p) => p.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(all);
    },
  );

  it('rejects a malformed cursor, a limit over 100 and unknown parameters', async () => {
    const cursor = (value: string | number, id: string) =>
      `cursor=${Buffer.from(JSON.stringify([value, id])).toString('base64url')}`;
    const id = '01a228d4-5faf-7595-920f-8a51a5b3fe47';
    for (const query of [
      'cursor=garbage',
      // a cursor that decodes, but whose id is no uuid or whose date PostgreSQL cannot hold
      cursor('2026-01-01T00:00:00.000Z', 'f'.repeat(36)),
      cursor('2026-01-01T00:00:00.000Z', '-'.repeat(36)),
      cursor('-271821-04-20T00:00:00.000Z', id),
      'limit=101',
      'colour=red',
      'minPrice=-1',
      'sort=cheapest',
    ]) {
      const res = await agora.request({ method: 'GET', url: `/v1/products?${query}` });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().code).toBe('validation_failed');
    }
  });
});

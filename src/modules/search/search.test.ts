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
import { deliverOutbox } from '../../../test/helpers/outbox.js';
import { PRODUCT_TYPES } from './test-support.js';
import { PRICE_EDGES, facetCounts, type SearchFilter } from './repository.js';

describe.each(databaseModes())('search (%s)', (mode) => {
  let agora: TestAgora;
  let token: string;
  let outboxAt = 0;
  let root: { id: string };
  let laptops: { id: string };
  let garden: { id: string };
  const brand = `Zephyr${randomBytes(3).toString('hex')}`;
  const other = `Quill${randomBytes(3).toString('hex')}`;
  const ids: Record<string, string> = {};

  const sync = async () => {
    outboxAt = await deliverOutbox(agora, outboxAt, PRODUCT_TYPES, (e, ctx) => agora.search.apply(e, ctx));
  };
  const one = (amount: number, stock = 10) => [
    { sku: uniqueSku(), title: 'Default', price: { amount, currency: 'USD' }, initialStock: stock },
  ];
  const search = async (query: string) => {
    const res = await agora.request({ method: 'GET', url: `/v1/search?${query}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  beforeAll(async () => {
    agora = await startAgora(mode, FAST_ENV);
    const admin = (await signInAdmin(agora)).accessToken;
    token = (await registerUser(agora, { role: 'seller' })).accessToken;
    root = await buildCategory(agora, admin, 'Electronics');
    laptops = await buildCategory(agora, admin, 'Laptops', root.id);
    garden = await buildCategory(agora, admin, 'Garden');
    const make = async (key: string, categoryId: string, overrides: Record<string, unknown>) => {
      ids[key] = (await buildProduct(agora, token, categoryId, overrides)).id;
    };
    await make('laptop', laptops.id, {
      title: 'Featherweight Laptop 13',
      brand,
      description: 'Thin and light notebook computer',
      attributes: { color: 'red', memory: '16GB' },
      variants: one(89_900),
    });
    await make('gaming', laptops.id, {
      title: 'Gaming Laptop 17',
      brand,
      description: 'A heavy machine with a loud fan',
      attributes: { color: 'black', memory: '32GB' },
      variants: one(149_900, 0),
    });
    await make('bag', root.id, {
      title: 'Canvas Messenger Bag',
      brand: other,
      description: 'Fits a laptop up to fifteen inches',
      attributes: { color: 'red' },
      variants: one(4_900),
    });
    await make('hose', garden.id, {
      title: 'Garden Hose 20 m',
      brand: other,
      description: 'Kink free',
      attributes: { color: 'green' },
      variants: one(2_400),
    });
    await make('draft', laptops.id, {
      title: 'Secret Laptop Prototype',
      brand,
      status: 'draft',
      variants: one(1),
    });
    await sync();
  });
  afterAll(() => agora.close());

  it('finds products by full text, a title match ranking above a description match', async () => {
    const res = await search('q=laptop');
    const found = res.items.map((i: { id: string }) => i.id);
    expect(found).toEqual(expect.arrayContaining([ids.laptop, ids.gaming, ids.bag]));
    expect(found).not.toContain(ids.draft);
    expect(found.indexOf(ids.laptop)).toBeLessThan(found.indexOf(ids.bag));
    expect(found.indexOf(ids.gaming)).toBeLessThan(found.indexOf(ids.bag));
    expect(res.total).toBe(3);
  });

  it('matches stemmed words and brands', async () => {
    expect((await search('q=laptops')).total).toBe(3);
    const byBrand = await search(`q=${brand.toLowerCase()}`);
    expect(byBrand.items.map((i: { id: string }) => i.id).sort()).toEqual([ids.laptop, ids.gaming].sort());
  });

  it('is typo tolerant: "lapto" and "featherwieght" find the laptops', async () => {
    const lapto = (await search('q=lapto')).items.map((i: { id: string }) => i.id);
    expect(lapto).toEqual(expect.arrayContaining([ids.laptop, ids.gaming]));
    const typo = (await search('q=featherwieght')).items.map((i: { id: string }) => i.id);
    expect(typo[0]).toBe(ids.laptop);
  });

  it('filters by category subtree, brand, price range, stock and attributes', async () => {
    const sub = await search(`categoryId=${root.id}&limit=100`);
    expect(sub.items.map((i: { id: string }) => i.id).sort()).toEqual(
      [ids.laptop, ids.gaming, ids.bag].sort(),
    );
    expect((await search(`brand=${other}`)).total).toBe(2);
    const range = await search(`minPrice=2000&maxPrice=5000`);
    expect(range.items.map((i: { id: string }) => i.id).sort()).toEqual([ids.bag, ids.hose].sort());
    const inStock = await search(`q=laptop&inStock=false`);
    expect(inStock.items.map((i: { id: string }) => i.id)).toEqual([ids.gaming]);
    const red = await search(`attr.color=red&limit=100`);
    expect(red.items.map((i: { id: string }) => i.id).sort()).toEqual([ids.laptop, ids.bag].sort());
    const redLaptops = await search(`q=laptop&attr.color=red&attr.memory=16GB`);
    expect(redLaptops.items.map((i: { id: string }) => i.id)).toEqual([ids.laptop]);
  });

  it('computes facets and the total over the filtered set', async () => {
    const res = await search(`q=laptop&limit=1`);
    expect(res.items).toHaveLength(1);
    expect(res.total).toBe(3);
    expect(res.facets.brand).toEqual(
      expect.arrayContaining([
        { value: brand, count: 2 },
        { value: other, count: 1 },
      ]),
    );
    expect(res.facets.categoryId).toEqual(
      expect.arrayContaining([
        { value: laptops.id, count: 2 },
        { value: root.id, count: 1 },
      ]),
    );
    expect(res.facets.price).toEqual([
      { from: 2_500, to: 5_000, count: 1 },
      { from: 50_000, to: 100_000, count: 1 },
      { from: 100_000, count: 1 },
    ]);
  });

  it('counts the same total and facets as a straight SQL count over the same filter', async () => {
    const filters: [
      string,
      Omit<SearchFilter, 'text' | 'attributes'> & { attributes?: Record<string, string> },
    ][] = [
      ['', {}],
      [`&categoryId=${root.id}`, { categoryId: root.id }],
      [`&brand=${brand}`, { brand }],
      ['&minPrice=3000&maxPrice=100000', { minPrice: 3000, maxPrice: 100_000 }],
      ['&inStock=true', { inStock: true }],
      ['&attr.color=red', { attributes: { color: 'red' } }],
      [`&attr.color=red&categoryId=${laptops.id}`, { attributes: { color: 'red' }, categoryId: laptops.id }],
    ];
    for (const [params, f] of filters) {
      const res = await search(`q=laptop&limit=1${params}`);
      const rows = await facetCounts(agora.rt.database.db, { text: 'laptop', attributes: {}, ...f });
      const of = (bits: number, key: 'brand' | 'category_id') =>
        rows
          .filter((r) => r.grouping === bits)
          .map((r) => ({ value: r[key], count: r.n }))
          .sort((a, b) => String(a.value).localeCompare(String(b.value)));
      const sorted = (xs: { value: string; count: number }[]) =>
        [...xs].sort((a, b) => a.value.localeCompare(b.value));
      expect(res.total, params).toBe(rows.find((r) => r.grouping === 0b111)?.n ?? 0);
      expect(sorted(res.facets.brand), params).toEqual(of(0b011, 'brand'));
      expect(sorted(res.facets.categoryId), params).toEqual(of(0b101, 'category_id'));
      expect(
        res.facets.price.map((p: { to?: number; count: number }) => ({
          bucket: p.to === undefined ? PRICE_EDGES.length : PRICE_EDGES.indexOf(p.to as never),
          count: p.count,
        })),
        params,
      ).toEqual(
        rows
          .filter((r) => r.grouping === 0b110)
          .map((r) => ({ bucket: r.bucket, count: r.n }))
          .sort((a, b) => (a.bucket ?? 0) - (b.bucket ?? 0)),
      );
    }
  });

  it.each(['relevance', 'price_asc', 'price_desc', 'newest'])(
    'walks every page once with the cursor, even while the index changes (%s)',
    async (sort) => {
      const q = sort === 'relevance' ? 'q=laptop&' : `brand=${brand}&`;
      const all = (await search(`${q}sort=${sort}&limit=100`)).items.map((i: { id: string }) => i.id);
      const first = await search(`${q}sort=${sort}&limit=1`);
      const extra = await buildProduct(agora, token, laptops.id, {
        brand,
        title: 'Interloper Laptop',
        variants: one(99_000),
      });
      await sync();
      const seen = first.items.map((i: { id: string }) => i.id);
      let cursor = first.nextCursor;
      while (cursor) {
        const page = await search(`${q}sort=${sort}&limit=1&cursor=${cursor}`);
        seen.push(...page.items.map((i: { id: string }) => i.id));
        cursor = page.nextCursor;
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.filter((id: string) => id !== extra.id)).toEqual(all);
      await agora.request({ method: 'DELETE', url: `/v1/products/${extra.id}`, token });
      await sync();
    },
  );

  it('sorts by price', async () => {
    const asc = (await search(`brand=${other}&sort=price_asc`)).items.map(
      (i: { price: { amount: number } }) => i.price.amount,
    );
    expect(asc).toEqual([2_400, 4_900]);
    const desc = (await search(`brand=${other}&sort=price_desc`)).items.map(
      (i: { price: { amount: number } }) => i.price.amount,
    );
    expect(desc).toEqual([4_900, 2_400]);
  });

  it('follows updates and archives, and an older event never undoes a newer one', async () => {
    const p = await buildProduct(agora, token, garden.id, {
      title: 'Watering Can',
      brand: other,
      variants: one(1_500),
    });
    const before = outboxAt;
    await sync();
    expect((await search('q=watering')).total).toBe(1);
    await agora.request({
      method: 'PATCH',
      url: `/v1/products/${p.id}`,
      token,
      body: { title: 'Sprinkler Can' },
    });
    await sync();
    expect((await search('q=watering')).total).toBe(0);
    expect((await search('q=sprinkler')).items[0].id).toBe(p.id);
    await agora.request({ method: 'DELETE', url: `/v1/products/${p.id}`, token });
    await sync();
    expect((await search('q=sprinkler')).total).toBe(0);
    // replay the product.created event: it is older than the stored state and changes nothing
    await deliverOutbox(agora, before, PRODUCT_TYPES, (e, ctx) => agora.search.apply(e, ctx));
    expect((await search('q=watering')).total).toBe(0);
    expect((await search('q=sprinkler')).total).toBe(0);
  });

  it.each([
    ['empty', ''],
    ['blank', '%20%20%20'],
    ['punctuation only', encodeURIComponent('!!! ??? ::: &|()*')],
    ['SQL-looking', encodeURIComponent("'; drop table search.documents; --")],
    ['tsquery syntax', encodeURIComponent('laptop & | ! (:* "unterminated')],
    ['huge', 'x'.repeat(2000)],
    ['unicode', encodeURIComponent('ノートパソコン 💻 Ünïcödé')],
  ])('answers a %s query normally', async (_name, q) => {
    const res = await search(`q=${q}`);
    expect(Array.isArray(res.items)).toBe(true);
    expect(typeof res.total).toBe('number');
  });

  it('rejects unknown parameters, a bad cursor and a bad attribute name with 400', async () => {
    const cursor = (value: string | number, id: string) =>
      `cursor=${Buffer.from(JSON.stringify([value, id])).toString('base64url')}`;
    const id = '01a228d4-5faf-7595-920f-8a51a5b3fe47';
    for (const query of [
      'colour=red',
      'cursor=nope',
      // a cursor that decodes, but whose id is no uuid or whose date PostgreSQL cannot hold
      cursor('2026-01-01T00:00:00.000Z', 'f'.repeat(36)),
      cursor('-271821-04-20T00:00:00.000Z', id),
      `sort=price_asc&${cursor(100, '-'.repeat(36))}`,
      'attr.bad!name=x',
      'sort=best',
      'limit=0',
    ]) {
      const res = await agora.request({ method: 'GET', url: `/v1/search?${query}` });
      expect(res.statusCode, query).toBe(400);
    }
  });

  it('suggests up to 10 completions for a prefix', async () => {
    const res = await agora.request({
      method: 'GET',
      url: `/v1/search/suggest?q=${brand.slice(0, 5).toLowerCase()}`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toContain(brand);
    const words = (await agora.request({ method: 'GET', url: '/v1/search/suggest?q=messen' })).json().items;
    expect(words).toContain('Canvas Messenger Bag');
    const none = (
      await agora.request({ method: 'GET', url: `/v1/search/suggest?q=${encodeURIComponent('%_\\')}` })
    ).json();
    expect(none.items).toEqual([]);
    const many = (await agora.request({ method: 'GET', url: '/v1/search/suggest?q=g' })).json().items;
    expect(many.length).toBeLessThanOrEqual(10);
  });

  it('subscribes the indexer to product events as consumer search.indexer', async () => {
    const [subscription, ...others] = agora.search.subscriptions();
    expect(others).toEqual([]);
    expect(subscription.consumer).toBe('search.indexer');
    expect([...subscription.types].sort()).toEqual([
      'product.archived',
      'product.created',
      'product.updated',
    ]);
    const p = await buildProduct(agora, token, garden.id, {
      title: 'Trellis Arch',
      description: 'For climbing roses',
      brand: other,
      variants: one(3_300),
    });
    outboxAt = await deliverOutbox(agora, outboxAt, subscription.types, (e, ctx) =>
      subscription.handle(e, { ...ctx, log: agora.rt.log, attempt: 1 }),
    );
    expect((await search('q=trellis')).items.map((i: { id: string }) => i.id)).toEqual([p.id]);
  });

  it('records the index lag when events are applied', async () => {
    const res = await agora.request({ method: 'GET', url: '/metrics' });
    expect(res.body).toMatch(/agora_search_index_events_total\{type="product.created"\} \d+/);
    expect(res.body).toMatch(/agora_search_index_lag_seconds \d/);
  });

  it('a rebuild from the catalog indexes every product', async () => {
    await agora.rt.database.db.deleteFrom('search.documents').execute();
    expect((await search('q=notebook')).total).toBe(0);
    const { streamProductsForIndex } = await import('../catalog/index.js');
    const n = await agora.search.rebuild(streamProductsForIndex(agora.rt.database.db, 2));
    expect(n).toBeGreaterThanOrEqual(5);
    expect((await search('q=notebook')).items.map((i: { id: string }) => i.id)).toEqual([ids.laptop]);
    expect((await search('q=laptop')).total).toBe(3);
  });
});

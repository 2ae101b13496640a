import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgora, type TestAgora } from '../../test/helpers/agora.js';
import { FAST_ENV } from '../../test/helpers/catalog.js';
import { seedAll, seedDemoIfEmpty, seedSummary } from './seed.js';

describe('seeding (pglite)', () => {
  let a: TestAgora;
  let b: TestAgora;
  beforeAll(async () => {
    [a, b] = await Promise.all([
      startAgora('pglite', { ...FAST_ENV, AGORA_SEED_DEMO: 'true' }),
      startAgora('pglite', FAST_ENV),
    ]);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  it('start seeds a demo catalog with a three-level category tree into an empty database, once', async () => {
    await seedDemoIfEmpty(a.rt, a.search);
    const products = await a.request({ method: 'GET', url: '/v1/products?limit=100' });
    const published = products.json().items.length;
    expect(published).toBeGreaterThan(50);
    expect(published).toBeLessThanOrEqual(60);
    const tree = (await a.request({ method: 'GET', url: '/v1/categories' })).json().items;
    expect(tree.length).toBeGreaterThanOrEqual(4);
    expect(tree[0].children[0].children[0].depth).toBe(2);
    const first = products.json().items[0];
    const search = (
      await a.request({ method: 'GET', url: `/v1/search?q=${encodeURIComponent(first.title)}` })
    ).json();
    expect(search.items[0].id).toBe(first.id);
    const all = (await a.request({ method: 'GET', url: '/v1/search?limit=1' })).json();
    expect(all.total).toBe(published);
    await seedDemoIfEmpty(a.rt, a.search);
    const count = await a.rt.database.db
      .selectFrom('catalog.products')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirst();
    expect(Number(count?.n)).toBe(60);
  });

  it('the same seed gives the same catalog in another database', async () => {
    const report = await seedAll(b.rt, b.search, { products: 60, seed: 1, quiet: true });
    expect(report).toMatchObject({ requested: 60, added: 60, total: 60 });
    const read = (agora: TestAgora) =>
      agora.rt.database.db
        .selectFrom('catalog.products')
        .select(['id', 'title', 'slug', 'price_amount', 'brand', 'category_id', 'description'])
        .orderBy('id')
        .execute();
    const [left, right] = await Promise.all([read(a), read(b)]);
    expect(right).toHaveLength(60);
    expect(right).toEqual(left);
    expect(new Set(right.map((r: { brand: string }) => r.brand)).size).toBeGreaterThan(10);
  });

  it('a second run of the same seed adds nothing and reports so; a larger one adds only the new products', async () => {
    const again = await seedAll(b.rt, b.search, { products: 60, seed: 1, quiet: true });
    expect(again).toMatchObject({ requested: 60, added: 0, total: 60 });
    expect(seedSummary(again, 1)).toMatch(
      /^added 0 products of seed 1 \(60 of the 60 asked for already there\); the catalog has 60 products;/,
    );
    const more = await seedAll(b.rt, b.search, { products: 61, seed: 1, quiet: true });
    expect(more).toMatchObject({ requested: 61, added: 1, total: 61 });
    expect(seedSummary(more, 1)).toMatch(
      /^added 1 product of seed 1 \(60 of the 61 asked for already there\)/,
    );
  });
});

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { databaseModes, startAgora, type TestAgora } from '../../../test/helpers/agora.js';
import { registerUser } from '../../../test/helpers/factories.js';
import {
  FAST_ENV,
  buildCategory,
  buildProduct,
  signInAdmin,
  uniqueSku,
} from '../../../test/helpers/catalog.js';

const redisUrl = inject('redisUrl');
const setups: [string, () => Record<string, string>][] = databaseModes().map((mode) => [mode, () => ({})]);
if (redisUrl)
  setups.push([
    'pglite+redis',
    () => ({ REDIS_URL: redisUrl, REDIS_PREFIX: `t${randomBytes(6).toString('hex')}:` }),
  ]);

describe.each(setups)('catalog read cache (%s)', (name, env) => {
  let agora: TestAgora;
  let token: string;
  let admin: string;
  let categoryId: string;

  beforeAll(async () => {
    agora = await startAgora(name === 'postgres' ? 'postgres' : 'pglite', { ...FAST_ENV, ...env() });
    admin = (await signInAdmin(agora)).accessToken;
    token = (await registerUser(agora, { role: 'seller' })).accessToken;
    categoryId = (await buildCategory(agora, admin, 'Kitchen')).id;
  });
  afterAll(() => agora.close());

  const get = (url: string, headers: Record<string, string> = {}) =>
    agora.request({ method: 'GET', url, headers });

  it('uses the configured cache', () => {
    expect(agora.rt.cache.kind).toBe(name === 'pglite+redis' ? 'redis' : 'memory');
  });

  it('the category tree is cached with an ETag, and a new category shows in it at once', async () => {
    const first = await get('/v1/categories');
    expect(first.statusCode).toBe(200);
    const etag = first.headers.etag as string;
    expect(etag).toBeTruthy();
    expect(first.headers['cache-control']).toBe('public, max-age=0, must-revalidate');
    expect((await get('/v1/categories', { 'if-none-match': etag })).statusCode).toBe(304);
    const child = await buildCategory(agora, admin, 'Knives', categoryId);
    const after = await get('/v1/categories', { 'if-none-match': etag });
    expect(after.statusCode).toBe(200);
    const kitchen = after.json().items.find((c: { id: string }) => c.id === categoryId);
    expect(kitchen.children.map((c: { id: string }) => c.id)).toContain(child.id);
  });

  it('a price change shows up at once in the product and in listings after PATCH', async () => {
    const brand = `Brand-${randomBytes(3).toString('hex')}`;
    const p = await buildProduct(agora, token, categoryId, { brand });
    const listUrl = `/v1/products?brand=${brand}`;
    expect((await get(`/v1/products/${p.id}`)).json().price.amount).toBe(99_900);
    expect((await get(`/v1/products/${p.slug}`)).json().price.amount).toBe(99_900);
    expect((await get(listUrl)).json().items[0].price.amount).toBe(99_900);
    const patch = await agora.request({
      method: 'PATCH',
      url: `/v1/products/${p.id}`,
      token,
      body: { variants: [{ sku: uniqueSku(), title: 'Sale', price: { amount: 49_900, currency: 'USD' } }] },
    });
    expect(patch.statusCode).toBe(200);
    expect((await get(`/v1/products/${p.id}`)).json().price.amount).toBe(49_900);
    expect((await get(`/v1/products/${p.slug}`)).json().price.amount).toBe(49_900);
    expect((await get(listUrl)).json().items[0].price.amount).toBe(49_900);
  });

  it('a slug change drops the old slug and serves the new one', async () => {
    const p = await buildProduct(agora, token, categoryId);
    expect((await get(`/v1/products/${p.slug}`)).statusCode).toBe(200);
    const newSlug = `renamed-${randomBytes(3).toString('hex')}`;
    await agora.request({ method: 'PATCH', url: `/v1/products/${p.id}`, token, body: { slug: newSlug } });
    expect((await get(`/v1/products/${p.slug}`)).statusCode).toBe(404);
    expect((await get(`/v1/products/${newSlug}`)).json().id).toBe(p.id);
  });

  it('an id written in upper case shows a change and an archive at once, like the lower-case id', async () => {
    const p = await buildProduct(agora, token, categoryId);
    const upper = `/v1/products/${p.id.toUpperCase()}`;
    expect((await get(upper)).json().title).toBe(p.title);
    await agora.request({ method: 'PATCH', url: `/v1/products/${p.id}`, token, body: { title: 'Renamed' } });
    expect((await get(upper)).json().title).toBe('Renamed');
    await agora.request({ method: 'DELETE', url: `/v1/products/${p.id}`, token });
    expect((await get(upper)).statusCode).toBe(404);
  });

  it('a product created after a miss on its slug is found (the miss is not cached past the write)', async () => {
    const slug = `later-${randomBytes(3).toString('hex')}`;
    expect((await get(`/v1/products/${slug}`)).statusCode).toBe(404);
    await buildProduct(agora, token, categoryId, { slug });
    expect((await get(`/v1/products/${slug}`)).statusCode).toBe(200);
  });

  it('public reads carry an ETag and Cache-Control; If-None-Match answers 304 until the product changes', async () => {
    const p = await buildProduct(agora, token, categoryId);
    const first = await get(`/v1/products/${p.id}`);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^".+"$/);
    expect(first.headers['cache-control']).toContain('public');
    const again = await get(`/v1/products/${p.id}`, { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const weak = await get(`/v1/products/${p.id}`, { 'if-none-match': `"other", W/${etag}` });
    expect(weak.statusCode).toBe(304);
    await agora.request({ method: 'PATCH', url: `/v1/products/${p.id}`, token, body: { title: 'Changed' } });
    const changed = await get(`/v1/products/${p.id}`, { 'if-none-match': etag });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.json().title).toBe('Changed');

    const list = await get('/v1/products?limit=5');
    expect(list.headers.etag).toBeTruthy();
    expect(
      (await get('/v1/products?limit=5', { 'if-none-match': list.headers.etag as string })).statusCode,
    ).toBe(304);
  });
});

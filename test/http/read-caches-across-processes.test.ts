import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Agora } from '../../src/app.js';
import { agoraBeside, startAgora, type TestAgora } from '../helpers/agora.js';
import { FAST_ENV, buildCategory, buildProduct, signInAdmin } from '../helpers/catalog.js';
import { registerUser } from '../helpers/factories.js';
import { waitFor } from '../helpers/events.js';

/**
 * Two Agora processes' worth of instances on one PostgreSQL database and no Redis: each keeps its
 * read caches in memory, and a change made through one must not be served stale by the other.
 */
describe.skipIf(!inject('pgTemplate'))('read caches across processes without Redis (postgres)', () => {
  let a: TestAgora;
  let b: Agora;
  let seller: string;
  let admin: string;
  let categoryId: string;

  beforeAll(async () => {
    a = await startAgora('postgres', FAST_ENV);
    b = await agoraBeside(a, FAST_ENV);
    // the event consumers (the search indexer among them) run in a only, as in a worker process
    await a.startBackground();
    admin = (await signInAdmin(a)).accessToken;
    seller = (await registerUser(a, { role: 'seller' })).accessToken;
    categoryId = (await buildCategory(a, admin, 'Garden')).id;
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const readB = async (url: string) => {
    const res = await b.app.inject({ method: 'GET', url });
    return { status: res.statusCode, body: res.statusCode === 200 ? res.json() : null };
  };

  it('uses memory caches', () => {
    expect(a.rt.cache.kind).toBe('memory');
    expect(b.rt.cache.kind).toBe('memory');
  });

  it('a change and an archive made through one process show in the other', async () => {
    const p = await buildProduct(a, seller, categoryId);
    // b reads and caches the product, by id and by slug
    expect((await readB(`/v1/products/${p.id}`)).body.title).toBe(p.title);
    expect((await readB(`/v1/products/${p.slug}`)).status).toBe(200);

    const patched = await a.request({
      method: 'PATCH',
      url: `/v1/products/${p.id}`,
      token: seller,
      body: { title: 'Renamed in a' },
    });
    expect(patched.statusCode).toBe(200);
    await waitFor(
      async () => (await readB(`/v1/products/${p.id}`)).body.title === 'Renamed in a',
      2_000,
      'the new title in b',
    );

    const archived = await a.request({ method: 'DELETE', url: `/v1/products/${p.id}`, token: seller });
    expect(archived.statusCode).toBeLessThan(300);
    await waitFor(async () => (await readB(`/v1/products/${p.slug}`)).status === 404, 2_000, 'a 404 in b');
  });

  it('a product archived through one process leaves the other’s search answers', async () => {
    const word = `zyx${randomBytes(4).toString('hex')}`;
    const p = await buildProduct(a, seller, categoryId, { title: `Trowel ${word}` });
    const found = async () =>
      ((await readB(`/v1/search?q=${word}`)).body?.items ?? []).some((h: { id: string }) => h.id === p.id);
    await waitFor(found, 10_000, 'the product in b’s search');
    expect(
      (await a.request({ method: 'DELETE', url: `/v1/products/${p.id}`, token: seller })).statusCode,
    ).toBeLessThan(300);
    await waitFor(async () => !(await found()), 10_000, 'the product gone from b’s search');
  });

  it('a new category shows in the other process’s category tree', async () => {
    const before = await readB('/v1/categories');
    const name = `Herbs ${randomBytes(3).toString('hex')}`;
    const created = await a.request({ method: 'POST', url: '/v1/categories', token: admin, body: { name } });
    expect(created.statusCode).toBe(201);
    expect(JSON.stringify(before.body)).not.toContain(name);
    await waitFor(
      async () => JSON.stringify((await readB('/v1/categories')).body).includes(name),
      2_000,
      'the category in b',
    );
  });
});

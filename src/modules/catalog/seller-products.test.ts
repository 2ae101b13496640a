import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseModes, startAgora, type TestAgora } from '../../../test/helpers/agora.js';
import { registerUser } from '../../../test/helpers/factories.js';
import { FAST_ENV, buildCategory, productBody, signInAdmin } from '../../../test/helpers/catalog.js';

describe.each(databaseModes())('seller product list (%s)', (mode) => {
  let agora: TestAgora;
  let admin: string;
  let seller: Awaited<ReturnType<typeof registerUser>>;
  let other: Awaited<ReturnType<typeof registerUser>>;
  const created: { id: string; status: string }[] = [];

  beforeAll(async () => {
    agora = await startAgora(mode, FAST_ENV);
    admin = (await signInAdmin(agora)).accessToken;
    seller = await registerUser(agora, { role: 'seller' });
    other = await registerUser(agora, { role: 'seller' });
    const category = await buildCategory(agora, admin, 'Seller list');
    for (const status of ['draft', 'published', 'draft', 'published', 'draft']) {
      const res = await agora.request({
        method: 'POST',
        url: '/v1/products',
        token: seller.accessToken,
        body: productBody(category.id, { status, title: `Item ${created.length}` }),
      });
      expect(res.statusCode).toBe(201);
      created.push({ id: res.json<{ id: string }>().id, status });
    }
    const foreign = await agora.request({
      method: 'POST',
      url: '/v1/products',
      token: other.accessToken,
      body: productBody(category.id, { status: 'draft' }),
    });
    expect(foreign.statusCode).toBe(201);
  });
  afterAll(() => agora.close());

  const list = (token: string, query = '') =>
    agora.request({ method: 'GET', url: `/v1/seller/products${query}`, token });

  it('lists only the seller’s own products, drafts included, newest first, across pages', async () => {
    const first = await list(seller.accessToken, '?limit=3');
    expect(first.statusCode).toBe(200);
    expect(first.headers['cache-control']).toBe('private, no-store');
    const page1 = first.json<{ items: { id: string }[]; nextCursor: string | null }>();
    expect(page1.items).toHaveLength(3);
    expect(page1.nextCursor).not.toBeNull();
    const second = await list(seller.accessToken, `?limit=3&cursor=${page1.nextCursor}`);
    const page2 = second.json<{ items: { id: string }[]; nextCursor: string | null }>();
    expect(page2.nextCursor).toBeNull();
    expect([...page1.items, ...page2.items].map((p) => p.id)).toEqual(created.map((c) => c.id).reverse());
  });

  it('filters by status', async () => {
    const res = await list(seller.accessToken, '?status=draft');
    const ids = res.json<{ items: { id: string; status: string }[] }>().items.map((p) => p.id);
    expect(ids.sort()).toEqual(
      created
        .filter((c) => c.status === 'draft')
        .map((c) => c.id)
        .sort(),
    );
  });

  it('lets admins see every seller or one', async () => {
    const all = await list(admin, '?limit=100');
    expect(all.json<{ items: unknown[] }>().items.length).toBeGreaterThanOrEqual(6);
    const one = await list(admin, `?sellerId=${other.user.id}`);
    expect(one.json<{ items: { sellerId: string }[] }>().items.map((p) => p.sellerId)).toEqual([
      other.user.id,
    ]);
  });

  it('refuses buyers, anonymous callers and malformed input', async () => {
    const buyer = await registerUser(agora);
    expect((await list(buyer.accessToken)).statusCode).toBe(403);
    expect((await agora.request({ method: 'GET', url: '/v1/seller/products' })).statusCode).toBe(401);
    const bad = await list(seller.accessToken, '?status=sold&cursor=zzz');
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ code: string }>().code).toBe('validation_failed');
    const badCursor = await list(seller.accessToken, '?cursor=zzz');
    expect(badCursor.json<{ errors: { path: string }[] }>().errors[0].path).toBe('/query/cursor');
    // decodes, but its id is no uuid: refused, not sent to SQL
    const notUuid = Buffer.from(JSON.stringify(['2026-01-01T00:00:00.000Z', 'f'.repeat(36)])).toString(
      'base64url',
    );
    expect((await list(seller.accessToken, `?cursor=${notUuid}`)).statusCode).toBe(400);
  });
});

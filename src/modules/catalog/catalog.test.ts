import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseModes, startAgora, type TestAgora } from '../../../test/helpers/agora.js';
import { registerUser } from '../../../test/helpers/factories.js';
import {
  FAST_ENV,
  buildCategory,
  buildProduct,
  productBody,
  signInAdmin,
  uniqueSku,
} from '../../../test/helpers/catalog.js';

describe.each(databaseModes())('catalog (%s)', (mode) => {
  let agora: TestAgora;
  let admin: string;
  let seller: Awaited<ReturnType<typeof registerUser>>;
  let otherSeller: Awaited<ReturnType<typeof registerUser>>;
  let root: { id: string };
  let child: { id: string };
  let leaf: { id: string };

  beforeAll(async () => {
    agora = await startAgora(mode, FAST_ENV);
    admin = (await signInAdmin(agora)).accessToken;
    seller = await registerUser(agora, { role: 'seller', name: 'Nordic Goods' });
    otherSeller = await registerUser(agora, { role: 'seller' });
    root = await buildCategory(agora, admin, 'Electronics');
    child = await buildCategory(agora, admin, 'Computers', root.id);
    leaf = await buildCategory(agora, admin, 'Laptops', child.id);
  });
  afterAll(() => agora.close());

  describe('products', () => {
    it('a seller creates a product with variants, a slug, a price and availability per variant', async () => {
      const res = await agora.request({
        method: 'POST',
        url: '/v1/products',
        token: seller.accessToken,
        body: productBody(leaf.id),
      });
      expect(res.statusCode).toBe(201);
      const p = res.json();
      expect(p).toMatchObject({
        sellerId: seller.user.id,
        title: 'Aurora Laptop 14',
        brand: 'Aurora',
        categoryId: leaf.id,
        status: 'published',
        price: { amount: 99_900, currency: 'USD' },
        inStock: true,
        attributes: { color: 'silver', memory: '16GB' },
      });
      expect(p.slug).toMatch(/^aurora-laptop-14/);
      expect(p.variants.map((v: { availability: string }) => v.availability)).toEqual([
        'in_stock',
        'low_stock',
      ]);
    });

    it('gives a second product with the same title its own slug, and serves it by id and by slug', async () => {
      const a = await buildProduct(agora, seller.accessToken, leaf.id, { title: 'Twin Title' });
      const b = await buildProduct(agora, seller.accessToken, leaf.id, { title: 'Twin Title' });
      expect(a.slug).not.toBe(b.slug);
      const bySlug = await agora.request({ method: 'GET', url: `/v1/products/${b.slug}` });
      const byId = await agora.request({ method: 'GET', url: `/v1/products/${b.id}` });
      expect(bySlug.statusCode).toBe(200);
      expect(bySlug.json().id).toBe(b.id);
      expect(byId.json().slug).toBe(b.slug);
    });

    it('a variant without stock is out_of_stock and the product is not in stock', async () => {
      const p = await buildProduct(agora, seller.accessToken, leaf.id, {
        variants: [{ sku: uniqueSku(), title: 'Only', price: { amount: 500, currency: 'EUR' } }],
      });
      expect(p.inStock).toBe(false);
      expect(p.variants[0].availability).toBe('out_of_stock');
    });

    it('a buyer cannot create a product and an anonymous caller must sign in', async () => {
      const buyer = await registerUser(agora);
      const asBuyer = await agora.request({
        method: 'POST',
        url: '/v1/products',
        token: buyer.accessToken,
        body: productBody(leaf.id),
      });
      expect(asBuyer.statusCode).toBe(403);
      const anonymous = await agora.request({
        method: 'POST',
        url: '/v1/products',
        body: productBody(leaf.id),
      });
      expect(anonymous.statusCode).toBe(401);
    });

    it('a draft is hidden from the public but visible to its owner and to admins', async () => {
      const draft = await buildProduct(agora, seller.accessToken, leaf.id, { status: 'draft' });
      expect((await agora.request({ method: 'GET', url: `/v1/products/${draft.id}` })).statusCode).toBe(404);
      const other = await agora.request({
        method: 'GET',
        url: `/v1/products/${draft.id}`,
        token: otherSeller.accessToken,
      });
      expect(other.statusCode).toBe(404);
      const own = await agora.request({
        method: 'GET',
        url: `/v1/products/${draft.id}`,
        token: seller.accessToken,
      });
      expect(own.statusCode).toBe(200);
      expect(own.headers['cache-control']).toBe('private, no-store');
      const asAdmin = await agora.request({ method: 'GET', url: `/v1/products/${draft.slug}`, token: admin });
      expect(asAdmin.json().status).toBe('draft');
    });

    it("a seller cannot edit or archive another seller's product, and nothing changes", async () => {
      const p = await buildProduct(agora, seller.accessToken, leaf.id);
      const patch = await agora.request({
        method: 'PATCH',
        url: `/v1/products/${p.id}`,
        token: otherSeller.accessToken,
        body: { title: 'Hijacked' },
      });
      expect(patch.statusCode).toBe(403);
      expect(patch.json().code).toBe('forbidden');
      const del = await agora.request({
        method: 'DELETE',
        url: `/v1/products/${p.id}`,
        token: otherSeller.accessToken,
      });
      expect(del.statusCode).toBe(403);
      const after = (await agora.request({ method: 'GET', url: `/v1/products/${p.id}` })).json();
      expect(after).toMatchObject({ title: p.title, status: 'published', updatedAt: p.updatedAt });
      const events = await agora.rt.database.db
        .selectFrom('platform.outbox')
        .select('type')
        .where('subject', '=', p.id)
        .execute();
      expect(events.map((e: { type: string }) => e.type)).toEqual(['product.created']);
    });

    it('the owner and an admin can update a product; variants are replaced and the price follows', async () => {
      const p = await buildProduct(agora, seller.accessToken, leaf.id);
      const sku = uniqueSku();
      const res = await agora.request({
        method: 'PATCH',
        url: `/v1/products/${p.id}`,
        token: seller.accessToken,
        body: {
          title: 'Aurora Laptop 14 (2026)',
          categoryId: child.id,
          variants: [{ sku, title: 'Base', price: { amount: 79_900, currency: 'USD' }, initialStock: 40 }],
        },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        title: 'Aurora Laptop 14 (2026)',
        categoryId: child.id,
        price: { amount: 79_900, currency: 'USD' },
        variants: [{ sku, availability: 'in_stock' }],
      });
      const byAdmin = await agora.request({
        method: 'PATCH',
        url: `/v1/products/${p.id}`,
        token: admin,
        body: { brand: 'Aurora Labs' },
      });
      expect(byAdmin.statusCode).toBe(200);
      expect(byAdmin.json().brand).toBe('Aurora Labs');
    });

    it('DELETE archives: 204, the product leaves the public reads, and product.archived is recorded', async () => {
      const p = await buildProduct(agora, seller.accessToken, leaf.id, { brand: `Gone-${uniqueSku()}` });
      const del = await agora.request({
        method: 'DELETE',
        url: `/v1/products/${p.id}`,
        token: seller.accessToken,
      });
      expect(del.statusCode).toBe(204);
      expect((await agora.request({ method: 'GET', url: `/v1/products/${p.id}` })).statusCode).toBe(404);
      const list = await agora.request({
        method: 'GET',
        url: `/v1/products?brand=${encodeURIComponent(p.brand)}`,
      });
      expect(list.json().items).toEqual([]);
      const again = await agora.request({
        method: 'DELETE',
        url: `/v1/products/${p.id}`,
        token: seller.accessToken,
      });
      expect(again.statusCode).toBe(204);
      const events = await agora.rt.database.db
        .selectFrom('platform.outbox')
        .select(['type', 'data'])
        .where('subject', '=', p.id)
        .orderBy('event_id')
        .execute();
      expect(events.map((e: { type: string }) => e.type)).toEqual(['product.created', 'product.archived']);
    });

    it('records product.created with a payload complete enough for the search index and the request id', async () => {
      const res = await agora.request({
        method: 'POST',
        url: '/v1/products',
        token: seller.accessToken,
        headers: { 'x-request-id': 'req-catalog-1' },
        body: productBody(leaf.id),
      });
      const p = res.json();
      const row = await agora.rt.database.db
        .selectFrom('platform.outbox')
        .select(['type', 'data', 'correlation_id'])
        .where('subject', '=', p.id)
        .executeTakeFirstOrThrow();
      const data = typeof row.data === 'string' ? JSON.parse(row.data) : row.data;
      expect(row).toMatchObject({ type: 'product.created', correlation_id: 'req-catalog-1' });
      expect(data).toMatchObject({
        id: p.id,
        sellerId: seller.user.id,
        title: p.title,
        brand: 'Aurora',
        description: p.description,
        categoryPath: [root.id, child.id, leaf.id],
        price: { amount: 99_900, currency: 'USD' },
        inStock: true,
        status: 'published',
        attributes: { color: 'silver', memory: '16GB' },
      });
      expect(data.variants).toHaveLength(2);
    });
  });

  describe('categories and seller profiles', () => {
    it('answers the category tree with nested children', async () => {
      const res = await agora.request({ method: 'GET', url: '/v1/categories' });
      expect(res.statusCode).toBe(200);
      const top = res.json().items.find((c: { id: string }) => c.id === root.id);
      expect(top.children[0]).toMatchObject({ id: child.id, depth: 1, path: [root.id, child.id] });
      expect(top.children[0].children[0]).toMatchObject({ id: leaf.id, depth: 2 });
      const event = await agora.rt.database.db
        .selectFrom('platform.outbox')
        .select(['type', 'data'])
        .where('subject', '=', leaf.id)
        .executeTakeFirstOrThrow();
      expect(event.type).toBe('category.created');
      expect(event.data).toMatchObject({
        id: leaf.id,
        parentId: child.id,
        path: [root.id, child.id, leaf.id],
      });
    });

    it('only admins create categories; an unknown parent names the field', async () => {
      const asSeller = await agora.request({
        method: 'POST',
        url: '/v1/categories',
        token: seller.accessToken,
        body: { name: 'Nope' },
      });
      expect(asSeller.statusCode).toBe(403);
      const unknown = await agora.request({
        method: 'POST',
        url: '/v1/categories',
        token: admin,
        body: { name: 'Orphan', parentId: '01900000-0000-7000-8000-000000000000' },
      });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().errors[0].path).toBe('/body/parentId');
    });

    it('a seller profile is created on first use from the account name and can be changed', async () => {
      const s = await registerUser(agora, { role: 'seller', name: 'Fjord Outfitters' });
      const first = await agora.request({ method: 'GET', url: '/v1/seller/profile', token: s.accessToken });
      expect(first.statusCode).toBe(200);
      expect(first.json()).toMatchObject({ userId: s.user.id, name: 'Fjord Outfitters', description: '' });
      expect(first.json().slug).toMatch(/^fjord-outfitters/);
      const put = await agora.request({
        method: 'PUT',
        url: '/v1/seller/profile',
        token: s.accessToken,
        body: { name: 'Fjord & Co', description: 'Outdoor gear' },
      });
      expect(put.json()).toMatchObject({ name: 'Fjord & Co', description: 'Outdoor gear' });
      expect(put.json().slug).toMatch(/^fjord-co/);
      const buyer = await registerUser(agora);
      expect(
        (await agora.request({ method: 'GET', url: '/v1/seller/profile', token: buyer.accessToken }))
          .statusCode,
      ).toBe(403);
    });
  });
});

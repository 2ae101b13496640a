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

describe.each(databaseModes())('catalog input (%s)', (mode) => {
  let agora: TestAgora;
  let token: string;
  let categoryId: string;

  beforeAll(async () => {
    agora = await startAgora(mode, FAST_ENV);
    const admin = (await signInAdmin(agora)).accessToken;
    token = (await registerUser(agora, { role: 'seller' })).accessToken;
    categoryId = (await buildCategory(agora, admin, 'Toys')).id;
  });
  afterAll(() => agora.close());

  const create = (body: unknown) => agora.request({ method: 'POST', url: '/v1/products', token, body });
  const withVariant = (variant: Record<string, unknown>) =>
    productBody(categoryId, {
      variants: [{ sku: uniqueSku(), title: 'One', price: { amount: 100, currency: 'USD' }, ...variant }],
    });

  it('an unknown category is a 400 naming categoryId', async () => {
    const res = await create(productBody('01900000-0000-7000-8000-000000000000'));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: '/body/categoryId' }] });
  });

  it('a SKU already used by another product is a 409 conflict naming the SKU, and nothing is created', async () => {
    const existing = await buildProduct(agora, token, categoryId);
    const sku = existing.variants[0].sku;
    const res = await create(withVariant({ sku }));
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'conflict', skus: [sku] });
    const patch = await agora.request({
      method: 'PATCH',
      url: `/v1/products/${(await buildProduct(agora, token, categoryId)).id}`,
      token,
      body: { variants: [{ sku, title: 'Stolen', price: { amount: 1, currency: 'USD' } }] },
    });
    expect(patch.statusCode).toBe(409);
  });

  it('the same SKU twice in one body is a 400 naming the second one', async () => {
    const sku = uniqueSku();
    const body = productBody(categoryId, {
      variants: [
        { sku, title: 'A', price: { amount: 100, currency: 'USD' } },
        { sku, title: 'B', price: { amount: 100, currency: 'USD' } },
      ],
    });
    const res = await create(body);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('/body/variants/1/sku');
  });

  it.each([
    ['a negative price', { price: { amount: -1, currency: 'USD' } }, '/body/variants/0/price/amount'],
    ['a fractional price', { price: { amount: 19.99, currency: 'USD' } }, '/body/variants/0/price/amount'],
    ['a price as a string', { price: { amount: '100', currency: 'USD' } }, '/body/variants/0/price/amount'],
    ['a bad currency', { price: { amount: 100, currency: 'usd' } }, '/body/variants/0/price/currency'],
    ['negative stock', { initialStock: -5 }, '/body/variants/0/initialStock'],
    ['an unknown variant field', { colour: 'red' }, '/body/variants/0/colour'],
  ])('%s is a 400 naming the field', async (_name, variant, path) => {
    const res = await create(withVariant(variant));
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it('variants in different currencies are a 400', async () => {
    const res = await create(
      productBody(categoryId, {
        variants: [
          { sku: uniqueSku(), title: 'A', price: { amount: 100, currency: 'USD' } },
          { sku: uniqueSku(), title: 'B', price: { amount: 100, currency: 'EUR' } },
        ],
      }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('/body/variants/1/price/currency');
  });

  it('a 10 MB title is refused as too large (413) and a 201-character title as invalid (400)', async () => {
    const huge = await create(productBody(categoryId, { title: 'x'.repeat(10 * 1024 * 1024) }));
    expect(huge.statusCode).toBe(413);
    expect(huge.json().code).toBe('payload_too_large');
    const long = await create(productBody(categoryId, { title: 'x'.repeat(201) }));
    expect(long.statusCode).toBe(400);
    expect(long.json().errors[0].path).toBe('/body/title');
  });

  it('no variants, an empty title, a non-URL image, a bad attribute name and an unknown field are 400', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ variants: [] }, '/body/variants'],
      [{ title: '' }, '/body/title'],
      [{ images: ['javascript:alert(1)'] }, '/body/images/0'],
      [{ attributes: { 'bad key!': 'x' } }, '/body/attributes'],
      [{ attributes: { size: 42 } }, '/body/attributes/size'],
      [{ sellerId: 'someone-else' }, '/body/sellerId'],
      [{ status: 'archived' }, '/body/status'],
    ];
    for (const [override, path] of cases) {
      const res = await create(productBody(categoryId, override));
      expect(res.statusCode, path).toBe(400);
      expect(
        res.json().errors.some((e: { path: string }) => e.path.startsWith(path)),
        `${path}: ${res.body}`,
      ).toBe(true);
    }
  });

  it('an explicit slug that is taken is a 409, and a malformed id in the path is a 400', async () => {
    const p = await buildProduct(agora, token, categoryId);
    const res = await create(productBody(categoryId, { slug: p.slug }));
    expect(res.statusCode).toBe(409);
    const bad = await agora.request({
      method: 'PATCH',
      url: '/v1/products/not-a-uuid',
      token,
      body: { title: 'x' },
    });
    expect(bad.statusCode).toBe(400);
    const empty = await agora.request({ method: 'PATCH', url: `/v1/products/${p.id}`, token, body: {} });
    expect(empty.statusCode).toBe(400);
  });

  it('a missing product is a 404 for reads and writes', async () => {
    const id = '01900000-0000-7000-8000-000000000000';
    expect((await agora.request({ method: 'GET', url: `/v1/products/${id}` })).statusCode).toBe(404);
    expect((await agora.request({ method: 'GET', url: '/v1/products/no-such-slug' })).statusCode).toBe(404);
    const patch = await agora.request({
      method: 'PATCH',
      url: `/v1/products/${id}`,
      token,
      body: { title: 'x' },
    });
    expect(patch.statusCode).toBe(404);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseModes, startAgora, type TestAgora } from '../helpers/agora.js';
import { FAST_ENV, buildCategory, buildProduct, productBody, signInAdmin } from '../helpers/catalog.js';
import { registerUser } from '../helpers/factories.js';

const HUGE = '99999999999999999999';
const cursorOf = (value: unknown) =>
  Buffer.from(JSON.stringify([value, '01900000-0000-7000-8000-000000000000'])).toString('base64url');

describe.each(databaseModes())('catalog and search input limits (%s)', (mode) => {
  let agora: TestAgora;
  let admin: string;
  let seller: string;
  let categoryId: string;
  const get = (url: string) => agora.request({ method: 'GET', url });

  beforeAll(async () => {
    agora = await startAgora(mode, FAST_ENV);
    admin = (await signInAdmin(agora)).accessToken;
    seller = (await registerUser(agora, { role: 'seller' })).accessToken;
    categoryId = (await buildCategory(agora, admin, 'Limits')).id;
  });
  afterAll(async () => {
    await agora.close();
  });

  describe('numbers too large for the database', () => {
    it('a price filter past the safe range is a 400 naming it, on listings and search', async () => {
      for (const base of ['/v1/products', '/v1/search']) {
        for (const name of ['minPrice', 'maxPrice']) {
          const res = await get(`${base}?${name}=${HUGE}`);
          expect(res.statusCode, `${base} ${name}`).toBe(400);
          expect(res.json()).toMatchObject({
            code: 'validation_failed',
            errors: [expect.objectContaining({ path: `/query/${name}` })],
          });
        }
        expect((await get(`${base}?minPrice=1e400`)).statusCode).toBe(400);
        expect((await get(`${base}?maxPrice=${Number.MAX_SAFE_INTEGER}`)).statusCode).toBe(200);
      }
    });

    it('a cursor whose value does not fit its sort is a 400, not a database error', async () => {
      for (const [base, sort, value] of [
        ['/v1/products', 'price_asc', 1e20],
        ['/v1/products', 'price_desc', 'not a price'],
        ['/v1/products', 'newest', 5],
        ['/v1/search', 'price_asc', 1e20],
        ['/v1/search', 'price_desc', 2.5],
        ['/v1/search', 'newest', 5],
      ] as const) {
        const res = await get(`${base}?sort=${sort}&cursor=${cursorOf(value)}`);
        expect(res.statusCode, `${base} ${sort} ${value}`).toBe(400);
        expect(res.json().errors).toEqual([{ path: '/query/cursor', message: 'is not a valid cursor' }]);
      }
    });
  });

  describe('blank names', () => {
    it('a product with a blank title, brand or variant title is a 400 and is not created', async () => {
      const body = productBody(categoryId);
      const res = await agora.request({
        method: 'POST',
        url: '/v1/products',
        token: seller,
        body: {
          ...body,
          title: '   ',
          brand: '\t',
          variants: [body.variants[0], { ...body.variants[1], title: '  ' }],
        },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        code: 'validation_failed',
        errors: [
          { path: '/body/title', message: 'must not be blank' },
          { path: '/body/brand', message: 'must not be blank' },
          { path: '/body/variants/1/title', message: 'must not be blank' },
        ],
      });
      const mine = await agora.request({ method: 'GET', url: '/v1/seller/products', token: seller });
      expect(mine.json().items).toEqual([]);
    });

    it('a product cannot be renamed to a blank title', async () => {
      const product = await buildProduct(agora, seller, categoryId, { title: 'Named Thing' });
      const res = await agora.request({
        method: 'PATCH',
        url: `/v1/products/${product.id}`,
        token: seller,
        body: { title: ' \n ' },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([{ path: '/body/title', message: 'must not be blank' }]);
      expect((await get(`/v1/products/${product.id}`)).json().title).toBe('Named Thing');
    });

    it('a blank category name and a blank seller name are 400s', async () => {
      const category = await agora.request({
        method: 'POST',
        url: '/v1/categories',
        token: admin,
        body: { name: '   ' },
      });
      expect(category.statusCode).toBe(400);
      expect(category.json()).toMatchObject({
        code: 'validation_failed',
        errors: [{ path: '/body/name', message: 'must not be blank' }],
      });
      const tree = (await get('/v1/categories')).json();
      expect(JSON.stringify(tree)).not.toContain('"name":""');
      const profile = await agora.request({
        method: 'PUT',
        url: '/v1/seller/profile',
        token: seller,
        body: { name: '  ' },
      });
      expect(profile.statusCode).toBe(400);
      expect(profile.json().errors).toEqual([{ path: '/body/name', message: 'must not be blank' }]);
    });
  });
});

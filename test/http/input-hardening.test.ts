import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { databaseModes, startAgora, type TestAgora } from '../helpers/agora.js';
import { ADDRESS } from '../helpers/checkout.js';
import { registerUser } from '../helpers/factories.js';

type Answer = Awaited<ReturnType<TestAgora['request']>>;

/** A 400 `validation_failed` problem naming exactly `paths`, with the request id in body and header. */
function expectRefused(res: Answer, paths: string[]): void {
  expect(res.statusCode, res.body).toBe(400);
  expect(res.headers['content-type']).toContain('application/problem+json');
  const body = res.json<{ code: string; requestId: string; errors?: { path: string }[] }>();
  expect(body.code).toBe('validation_failed');
  expect(body.requestId).toBe(res.headers['x-request-id']);
  expect((body.errors ?? []).map((e) => e.path).sort()).toEqual([...paths].sort());
}

describe.each(databaseModes())('input hardening (%s)', (mode) => {
  let agora: TestAgora;
  let buyer: Awaited<ReturnType<typeof registerUser>>;
  beforeAll(async () => {
    agora = await startAgora(mode, { AGORA_ARGON2_MEMORY_KIB: '1024', AGORA_ARGON2_TIME_COST: '1' });
    buyer = await registerUser(agora);
  });
  afterAll(() => agora.close());

  describe('a NUL character (U+0000) anywhere in the input', () => {
    it('in a path parameter or the query string is a 400 naming the field', async () => {
      expectRefused(await agora.request({ method: 'GET', url: '/v1/products/abc%00def' }), [
        '/params/idOrSlug',
      ]);
      expectRefused(await agora.request({ method: 'GET', url: '/v1/products?brand=a%00b' }), [
        '/query/brand',
      ]);
      expectRefused(await agora.request({ method: 'GET', url: '/v1/search/suggest?q=a%00b' }), ['/query/q']);
    });

    it('in the JSON body is a 400 naming the field, before the handler runs', async () => {
      const email = `nul-${randomUUID()}@example.test`;
      const register = await agora.request({
        method: 'POST',
        url: '/v1/auth/register',
        body: { email, password: 'correct horse battery staple', name: 'a\u0000b' },
      });
      expectRefused(register, ['/body/name']);
      // refused before the handler: no account was created under that email
      const login = await agora.request({
        method: 'POST',
        url: '/v1/auth/login',
        body: { email, password: 'correct horse battery staple' },
      });
      expect(login.statusCode).toBe(401);

      expectRefused(
        await agora.request({
          method: 'PATCH',
          url: '/v1/me',
          token: buyer.accessToken,
          body: { name: 'x\u0000' },
        }),
        ['/body/name'],
      );
    });

    it('in a cart line or a checkout address is a 400 naming the field', async () => {
      const cart = await agora.request({ method: 'POST', url: '/v1/carts', token: buyer.accessToken });
      const cartId = cart.json<{ id: string }>().id;
      expectRefused(
        await agora.request({
          method: 'POST',
          url: `/v1/carts/${cartId}/items`,
          token: buyer.accessToken,
          body: { sku: 'a\u0000', quantity: 1 },
        }),
        ['/body/sku'],
      );
      expectRefused(
        await agora.request({
          method: 'POST',
          url: '/v1/checkout',
          token: buyer.accessToken,
          headers: { 'idempotency-key': randomUUID() },
          body: {
            cartId,
            shippingAddress: { ...ADDRESS, name: 'Ada\u0000' },
            payment: { provider: 'sandbox', token: 'tok_visa' },
          },
        }),
        ['/body/shippingAddress/name'],
      );
    });

    it('names every offending field: path and query together, strings and field names in a body', async () => {
      expectRefused(await agora.request({ method: 'GET', url: '/v1/products/a%00b?brand=%00&q=ok' }), [
        '/params/idOrSlug',
        '/query/brand',
      ]);
      const res = await agora.request({
        method: 'PATCH',
        url: '/v1/me',
        token: buyer.accessToken,
        body: { name: '\u0000', nested: { 'bad\u0000key': ['ok', 'no\u0000'] } },
      });
      expectRefused(res, ['/body/name', '/body/nested/bad\u0000key', '/body/nested/bad\u0000key/1']);
    });

    it('lets through what only looks like one: an escaped backslash, an encoded percent sign', async () => {
      const res = await agora.request({
        method: 'PATCH',
        url: '/v1/me',
        token: buyer.accessToken,
        body: { name: 'literally \\u0000' },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json<{ name: string }>().name).toBe('literally \\u0000');
      const list = await agora.request({ method: 'GET', url: '/v1/products?brand=a%2500b' });
      expect(list.statusCode, list.body).toBe(200);
    });

    it('leaves a request for no route to the not-found answer', async () => {
      const res = await agora.request({ method: 'GET', url: '/v1/nowhere/a%00b' });
      expect(res.statusCode).toBe(404);
    });
  });

  describe('bodies and parameters the API does not read', () => {
    it('a text/plain body is a 415, as a form body is', async () => {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
        const res = await agora.request({
          method: 'PATCH',
          url: '/v1/me',
          token: buyer.accessToken,
          headers: { 'content-type': type },
          body: '{"name":"Plain"}',
        });
        expect(res.statusCode, `${type}: ${res.body}`).toBe(415);
        expect(res.json().code).toBe('unsupported_media_type');
      }
    });

    it('an unknown query parameter on the category tree is a 400 naming it', async () => {
      expectRefused(await agora.request({ method: 'GET', url: '/v1/categories?foo=1' }), ['/query/foo']);
      expect((await agora.request({ method: 'GET', url: '/v1/categories' })).statusCode).toBe(200);
    });

    it('a JSON body on a route that reads none is a 400 and changes nothing; none, null or {} pass', async () => {
      const user = await registerUser(agora);
      const opened = await agora.request({
        method: 'POST',
        url: '/v1/carts',
        token: user.accessToken,
        body: { currency: 'EUR' },
      });
      expectRefused(opened, ['/body']);
      // nothing was opened by the refused call: the first accepted one creates the cart
      const created = await agora.request({ method: 'POST', url: '/v1/carts', token: user.accessToken });
      expect(created.statusCode, created.body).toBe(201);
      for (const body of [null, {}]) {
        const again = await agora.request({
          method: 'POST',
          url: '/v1/carts',
          token: user.accessToken,
          body,
        });
        expect(again.statusCode, again.body).toBe(200);
        expect(again.json().id).toBe(created.json().id);
      }
      expectRefused(
        await agora.request({ method: 'POST', url: '/v1/carts', token: user.accessToken, body: [1] }),
        ['/body'],
      );
      const readAll = await agora.request({
        method: 'POST',
        url: '/v1/me/notifications/read-all',
        token: user.accessToken,
        body: { ids: ['x'] },
      });
      expectRefused(readAll, ['/body']);
    });
  });

  describe('a malformed percent-encoding in the URL', () => {
    it('is a 400 problem with the request id, and the headers of every answer', async () => {
      for (const url of ['/v1/products/%ZZ', '/v1/orders/%E0%A4%A']) {
        const res = await agora.request({
          method: 'GET',
          url,
          headers: { 'x-request-id': 'bad-url-1', origin: 'https://shop.example' },
        });
        expectRefused(res, ['/params']);
        expect(res.headers['x-request-id']).toBe('bad-url-1');
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['access-control-allow-origin']).toBe('*');
      }
      const generated = await agora.request({ method: 'GET', url: '/v1/products/%ZZ' });
      expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(generated.json<{ requestId: string }>().requestId).toBe(generated.headers['x-request-id']);
    });
  });

  describe('a long path parameter', () => {
    it('reaches its route, whose schema decides (a waiting-room queue token is over 200 characters)', async () => {
      const url = (length: number) => `/v1/flash-sales/${randomUUID()}/queue/${'t'.repeat(length)}`;
      const anonymous = await agora.request({ method: 'GET', url: url(300) });
      expect(anonymous.statusCode, anonymous.body).toBe(401);
      const signedIn = await agora.request({ method: 'GET', url: url(300), token: buyer.accessToken });
      expect(signedIn.statusCode, signedIn.body).toBe(404);
      expect(signedIn.json<{ detail: string }>().detail).not.toMatch(/^No route/);
      // over the schema's 400 characters: the route's own validation refuses it
      expectRefused(await agora.request({ method: 'GET', url: url(450) }), ['/params/token']);
    });

    it('over the router limit is a 400 problem, not "No route"', async () => {
      const res = await agora.request({
        method: 'GET',
        url: `/v1/flash-sales/${randomUUID()}/queue/${'t'.repeat(600)}`,
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json<{ code: string }>().code).toBe('validation_failed');
      expect(res.headers['x-request-id']).toBeDefined();
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startAgora, type TestAgora } from '../helpers/agora.js';

/**
 * A path that exists under other methods answers 405 `method_not_allowed` with `Allow`; a path no
 * route has stays a 404.
 */
describe('a request with a method its path does not have', () => {
  let agora: TestAgora;
  beforeAll(async () => {
    agora = await startAgora('pglite');
  });
  afterAll(() => agora.close());

  const send = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS', url: string) =>
    agora.app.inject({ method, url, headers: { accept: 'application/json' } });

  it.each([
    ['PUT', `/v1/products/${randomUUID()}`, 'GET, HEAD, PATCH, DELETE'],
    ['POST', '/v1/products/aurora-phone-x', 'GET, HEAD, PATCH, DELETE'],
    ['GET', '/v1/checkout', 'POST'],
    ['DELETE', '/v1/checkout?x=1', 'POST'],
    ['PUT', `/v1/carts/${randomUUID()}/items/${randomUUID()}`, 'PATCH, DELETE'],
    ['GET', `/v1/carts/${randomUUID()}/items`, 'POST'],
    ['DELETE', '/v1/products', 'GET, HEAD, POST'],
    ['POST', '/healthz', 'GET, HEAD'],
  ] as const)('%s %s is a 405 allowing %s', async (method, url, allow) => {
    const res = await send(method, url);
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe(allow);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['x-request-id']).toBeTruthy();
    expect(res.json()).toMatchObject({
      type: 'urn:agora:problem:method_not_allowed',
      title: 'Method Not Allowed',
      status: 405,
      code: 'method_not_allowed',
      requestId: res.headers['x-request-id'],
    });
    expect(res.json().detail).toContain(allow);
  });

  it('answers a HEAD to a path without GET with the 405 and no body', async () => {
    const res = await send('HEAD', '/v1/checkout');
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('POST');
    expect(res.body).toBe('');
  });

  it.each([
    ['GET', '/v1/nope'],
    ['POST', '/v1/nope'],
    ['PUT', `/v1/products/${randomUUID()}/nope`],
    ['GET', '/v1/checkout/extra'],
    ['DELETE', '/nowhere'],
  ] as const)('%s %s, a path no route has, stays a 404', async (method, url) => {
    const res = await send(method, url);
    expect(res.statusCode).toBe(404);
    expect(res.headers.allow).toBeUndefined();
    expect(res.json().code).toBe('not_found');
  });

  it('leaves the methods a path has as they were', async () => {
    expect((await send('GET', `/v1/products/${randomUUID()}`)).statusCode).toBe(404);
    const checkout = await send('POST', '/v1/checkout');
    expect(checkout.json().code).not.toMatch(/^(not_found|method_not_allowed)$/);
    expect((await send('HEAD', '/healthz')).statusCode).toBe(200);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { edgePlugin } from './edge.js';
import { installErrorHandling } from './error-handler.js';

async function edgeApp(corsOrigins: string): Promise<FastifyInstance> {
  const app = Fastify({ genReqId: () => 'req-1' });
  installErrorHandling(app);
  await app.register(edgePlugin, { corsOrigins });
  // A route behind authentication, as a browser's preflight meets it.
  app.patch(
    '/v1/me',
    {
      preHandler: async (_request, reply) => {
        await reply.code(401).send({ code: 'unauthorized' });
      },
    },
    () => ({}),
  );
  app.get('/v1/thing', () => ({ ok: true }));
  app.get('/page', (_request, reply) => reply.type('text/html; charset=utf-8').send('<!doctype html>'));
  await app.ready();
  return app;
}

const DOCUMENT_ONLY = [
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'referrer-policy',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
];

describe('HTTP edge headers, any origin', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await edgeApp('*');
  });
  afterAll(() => app.close());

  it('gives a JSON answer its request id, the security headers that apply to it, and CORS', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/thing' });
    expect(res.headers).toMatchObject({
      'x-request-id': 'req-1',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'access-control-allow-origin': '*',
      'access-control-expose-headers':
        'x-request-id, retry-after, etag, ratelimit-limit, ratelimit-remaining, ratelimit-reset',
    });
    for (const name of DOCUMENT_ONLY) expect(res.headers).not.toHaveProperty(name);
  });

  it('gives a problem+json answer the same headers as a JSON one', async () => {
    const res = await app.inject({ method: 'GET', url: '/nowhere' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    for (const name of DOCUMENT_ONLY) expect(res.headers).not.toHaveProperty(name);
  });

  it('gives a page every security header a browser applies to documents', async () => {
    const res = await app.inject({ method: 'GET', url: '/page' });
    expect(res.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'cross-origin-opener-policy': 'same-origin',
      'referrer-policy': 'no-referrer',
      'x-xss-protection': '0',
    });
    for (const name of DOCUMENT_ONLY) expect(res.headers).toHaveProperty(name);
  });

  it('answers a preflight before authentication, with the allowed methods and headers', async () => {
    const res = await app.inject({
      method: 'OPTIONS',
      url: '/v1/me',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'PATCH' },
    });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(res.headers).toMatchObject({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, HEAD, POST, PUT, PATCH, DELETE',
      'access-control-allow-headers':
        'authorization, content-type, idempotency-key, if-none-match, x-request-id',
      'access-control-max-age': '600',
      'x-request-id': 'req-1',
    });
  });

  it('answers an OPTIONS request that is not a preflight with a 400 problem', async () => {
    const res = await app.inject({ method: 'OPTIONS', url: '/v1/me' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'validation_failed', requestId: 'req-1' });
  });
});

describe('HTTP edge headers, listed origins', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await edgeApp('https://shop.example, https://admin.example');
  });
  afterAll(() => app.close());

  it('echoes a listed origin, and says the answer varies by origin', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/v1/thing',
      headers: { origin: 'https://admin.example' },
    });
    expect(res.headers['access-control-allow-origin']).toBe('https://admin.example');
    expect(res.headers['access-control-expose-headers']).toContain('x-request-id');
    expect(res.headers.vary).toBe('Origin');
  });

  it('does not allow an origin that is not listed, nor a request without one', async () => {
    for (const headers of [{ origin: 'https://evil.example' }, {}]) {
      const res = await app.inject({ method: 'GET', url: '/v1/thing', headers });
      expect(res.statusCode).toBe(200);
      expect(res.headers).not.toHaveProperty('access-control-allow-origin');
      expect(res.headers.vary).toBe('Origin');
    }
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/v1/me',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'PATCH' },
    });
    expect(preflight.headers).not.toHaveProperty('access-control-allow-origin');
  });
});

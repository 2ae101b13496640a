import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import { databaseModes, startAgora, type TestAgora } from '../helpers/agora.js';
import { PASSWORD, registerUser } from '../helpers/factories.js';

describe.each(databaseModes())('HTTP edge (%s)', (mode) => {
  let agora: TestAgora;
  beforeAll(async () => {
    agora = await startAgora(mode, { AGORA_ARGON2_MEMORY_KIB: '1024', AGORA_ARGON2_TIME_COST: '1' });
  });
  afterAll(() => agora.close());

  it('answers liveness and readiness with the database checked', async () => {
    expect((await agora.request({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await agora.request({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { database: 'ok' } });
  });

  it('generates a request id, or echoes a well-formed one, on every response', async () => {
    const generated = await agora.request({ method: 'GET', url: '/healthz' });
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const echoed = await agora.request({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'abc.123' },
    });
    expect(echoed.headers['x-request-id']).toBe('abc.123');
    const hostile = await agora.request({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'a b\u0000c' },
    });
    expect(hostile.headers['x-request-id']).not.toBe('a b\u0000c');
  });

  it('sends security headers and CORS headers', async () => {
    const res = await agora.request({
      method: 'GET',
      url: '/healthz',
      headers: { origin: 'https://shop.example' },
    });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['access-control-allow-origin']).toBe('*');
    const preflight = await agora.app.inject({
      method: 'OPTIONS',
      url: '/v1/me',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'PATCH' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-methods']).toContain('PATCH');
  });

  it('exposes Prometheus metrics with per-route request counts and latency', async () => {
    await registerUser(agora);
    const res = await agora.request({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(
      /http_request_duration_seconds_count\{method="POST",route="\/v1\/auth\/register",status_code="201"\} [1-9]/,
    );
    expect(res.body).toContain('process_resident_memory_bytes');
  });

  it('describes every route in the OpenAPI document, and serves its UI', async () => {
    const doc = (await agora.request({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    for (const path of [
      '/v1/auth/register',
      '/v1/auth/login',
      '/v1/auth/refresh',
      '/v1/auth/logout',
      '/v1/me',
      '/v1/me/addresses',
      '/v1/me/addresses/{id}',
      '/.well-known/jwks.json',
      '/healthz',
      '/readyz',
    ]) {
      expect(doc.paths).toHaveProperty([path]);
    }
    expect(doc.paths['/v1/auth/register'].post.responses).toHaveProperty('409');
    const ui = await agora.app.inject({ method: 'GET', url: '/docs' });
    expect([200, 302]).toContain(ui.statusCode);
  });

  it('never leaks internals in a 5xx', async () => {
    // A database that went away mid-flight is the realistic internal failure.
    const broken = await startAgora(mode, { AGORA_ARGON2_MEMORY_KIB: '1024' });
    const { accessToken } = await registerUser(broken);
    await broken.rt.database.close();
    const res = await broken.request({ method: 'GET', url: '/v1/me', token: accessToken });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ code: 'internal', status: 500 });
    expect(res.body).not.toMatch(/select|stack|at \w+ \(/i);
    const ready = await broken.request({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().checks.database).toMatch(/^unreachable/);
    // its database is closed already, so closing the rest may fail; its scratch database is
    // dropped regardless
    await broken.close().catch(() => undefined);
  });
});

describe('load shedding', () => {
  it('answers 503 overloaded with Retry-After while the event loop is stalled', async () => {
    const agora = await startAgora('pglite', { AGORA_MAX_EVENT_LOOP_DELAY_MS: '20' });
    try {
      await agora.app.ready();
      const readyAt = Date.now();
      // Stall the event loop, as a CPU-bound burst would, until the sampler (every 100 ms) has seen a
      // stall: a sample that lands just before the stall's own histogram tick misses it, and a busy
      // machine can delay the sampler past a single stall, so the stall repeats until it is seen.
      const stalled = async (deadline: number) => {
        while (Date.now() < deadline) {
          const until = Date.now() + 300;
          while (Date.now() < until) {
            /* busy */
          }
          await new Promise((r) => setTimeout(r, 1));
          // a window without a sample reads as Infinity, which is not shed (see shedLoad)
          const delay = agora.app.memoryUsage().eventLoopDelay;
          if (Number.isFinite(delay) && delay > 20) return true;
        }
        return false;
      };
      // In the first second after the server is ready, a stall is the start's own work: not shed.
      // (decided when the request arrives: one sent well inside the second is inside it)
      if ((await stalled(readyAt + 800)) && Date.now() < readyAt + 800) {
        const early = await agora.request({ method: 'GET', url: '/healthz' });
        expect(early.statusCode).toBe(200);
      }
      await new Promise((r) => setTimeout(r, Math.max(0, readyAt + 1_300 - Date.now())));
      const calm = await agora.request({ method: 'GET', url: '/healthz' });
      expect(calm.statusCode).toBe(200);
      const deadline = Date.now() + 10_000;
      let res = calm;
      let hot = calm;
      let shedRegistration = calm;
      const registration = { email: `shed-${randomUUID()}@example.test`, password: PASSWORD, name: 'Shed' };
      while (Date.now() < deadline) {
        if (!(await stalled(deadline))) continue;
        [res, shedRegistration, hot] = await Promise.all([
          agora.request({ method: 'GET', url: '/healthz' }),
          agora.request({ method: 'POST', url: '/v1/auth/register', body: registration }),
          agora.request({
            method: 'POST',
            url: `/v1/flash-sales/${randomUUID()}/reservations`,
            body: { sku: 'ANY', quantity: 1 },
          }),
        ]);
        break;
      }
      expect(res.statusCode).toBe(503);
      expect(res.json().code).toBe('overloaded');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      // at the same moment, the flash-sale hot path is not shed: its waiting room queues its crowd
      expect(hot.statusCode, hot.body).toBe(401);
      // a shed request is not run: the registration refused with 503 created no account
      expect(shedRegistration.statusCode).toBe(503);
      await new Promise((r) => setTimeout(r, 300)); // calm again
      const again = await agora.request({ method: 'POST', url: '/v1/auth/register', body: registration });
      expect(again.statusCode).toBe(201);
    } finally {
      await agora.close();
    }
  });
});

describe.skipIf(!inject('redisUrl'))('rate limiting on Redis', () => {
  it('holds one limit across two processes sharing Redis, with RateLimit headers and Retry-After', async () => {
    const env = {
      REDIS_URL: inject('redisUrl')!,
      REDIS_PREFIX: `t${randomBytes(4).toString('hex')}:`,
      AGORA_RATE_LIMIT_AUTH_MAX: '3',
      AGORA_ARGON2_MEMORY_KIB: '1024',
    };
    const a = await startAgora('pglite', env);
    const b = await startAgora('pglite', env);
    try {
      const login = (agora: TestAgora) =>
        agora.request({
          method: 'POST',
          url: '/v1/auth/login',
          body: { email: 'nobody@example.test', password: PASSWORD },
        });
      const first = await login(a);
      expect(first.statusCode).toBe(401);
      expect(first.headers['ratelimit-limit']).toBe('3');
      expect((await login(b)).statusCode).toBe(401);
      expect((await login(a)).statusCode).toBe(401);
      const limited = await login(b);
      expect(limited.statusCode).toBe(429);
      expect(limited.json().code).toBe('rate_limited');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // Browsing routes have their own, generous budget.
      expect((await a.request({ method: 'GET', url: '/.well-known/jwks.json' })).statusCode).toBe(200);
      expect((await a.request({ method: 'GET', url: '/readyz' })).json().checks).toEqual({
        database: 'ok',
        cache: 'ok',
      });
    } finally {
      await a.close();
      await b.close();
    }
  });
});

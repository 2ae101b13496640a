import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { pino } from 'pino';
import { randomUUID } from 'node:crypto';
import { databaseModes, startAgora, type TestAgora } from '../../../test/helpers/agora.js';
import { PASSWORD, registerUser } from '../../../test/helpers/factories.js';
import { FAST_ENV } from '../../../test/helpers/catalog.js';
import { addToCart, buildCartCatalog, newCart, setAvailable } from '../../../test/helpers/cart.js';
import { createAuthGuard } from '../../platform/http/auth.js';
import { Problem } from '../../platform/http/problem.js';
import { buildValidator } from '../../platform/http/validation.js';
import { createIdentityModule } from '../identity/index.js';

describe.each(databaseModes())('cart merge on login (%s)', (mode) => {
  let agora: TestAgora;
  let c: Awaited<ReturnType<typeof buildCartCatalog>>;

  beforeAll(async () => {
    agora = await startAgora(mode, FAST_ENV);
    c = await buildCartCatalog(agora);
  });
  afterAll(() => agora.close());

  const get = (id: string, token?: string) => agora.request({ method: 'GET', url: `/v1/carts/${id}`, token });

  const login = (email: string, cartId?: string) =>
    agora.request({
      method: 'POST',
      url: '/v1/auth/login',
      body: { email, password: PASSWORD, ...(cartId ? { cartId } : {}) },
    });
  const lines = (cart: { items: { sku: string; quantity: number }[] }) =>
    Object.fromEntries(cart.items.map((i) => [i.sku, i.quantity]));

  it("moves the guest cart's lines into the user's cart, summing quantities capped at what is available", async () => {
    const user = await registerUser(agora);
    const userCart = await newCart(agora, user.accessToken);
    await addToCart(agora, userCart, c.small, 4, user.accessToken);
    const guest = await newCart(agora);
    await addToCart(agora, guest, c.small, 10); // 4 + 10 > 12 available
    await addToCart(agora, guest, c.large, 2);

    const res = await login(user.user.email, guest);
    expect(res.statusCode).toBe(200);
    const token = res.json().accessToken;
    const merged = (await get(userCart, token)).json();
    expect(lines(merged)).toEqual({ [c.small]: 12, [c.large]: 2 });
    expect(merged.items.filter((i: { sku: string }) => i.sku === c.small)).toHaveLength(1);
    const old = (await get(guest)).json();
    expect(old.status).toBe('merged');
    expect((await addToCart(agora, guest, c.small, 1)).statusCode).toBe(409);

    // the same login again (a retried request) changes nothing
    expect((await login(user.user.email, guest)).statusCode).toBe(200);
    expect(lines((await get(userCart, token)).json())).toEqual({ [c.small]: 12, [c.large]: 2 });
  });

  it('two concurrent logins with the same guest cart merge it once', async () => {
    const user = await registerUser(agora);
    const userCart = await newCart(agora, user.accessToken);
    await addToCart(agora, userCart, c.small, 1, user.accessToken);
    const guest = await newCart(agora);
    await addToCart(agora, guest, c.small, 2);
    const [a, b] = await Promise.all([login(user.user.email, guest), login(user.user.email, guest)]);
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    expect(lines((await get(userCart, user.accessToken)).json())).toEqual({ [c.small]: 3 });
  });

  it('creates the user cart when there is none, and leaves behind what cannot join it', async () => {
    const user = await registerUser(agora);
    const guest = await newCart(agora);
    await addToCart(agora, guest, c.large, 3);
    await addToCart(agora, guest, c.small, 1);
    await setAvailable(agora, c.large, 0);
    try {
      const res = await login(user.user.email, guest);
      expect(res.statusCode).toBe(200);
      const cart = await agora.request({ method: 'POST', url: '/v1/carts', token: res.json().accessToken });
      expect(cart.statusCode).toBe(200);
      expect(lines(cart.json())).toEqual({ [c.small]: 1 });
    } finally {
      await setAvailable(agora, c.large, 3);
    }
  });

  it("never takes another user's cart, and an unknown or malformed cart id does not stop the login", async () => {
    const owner = await registerUser(agora);
    const ownersCart = await newCart(agora, owner.accessToken);
    await addToCart(agora, ownersCart, c.small, 2, owner.accessToken);
    const thief = await registerUser(agora);
    for (const cartId of [ownersCart, '00000000-0000-4000-8000-000000000000', 'garbage']) {
      const res = await login(thief.user.email, cartId);
      expect(res.statusCode).toBe(200);
    }
    const stillOwners = (await get(ownersCart, owner.accessToken)).json();
    expect(stillOwners).toMatchObject({ status: 'open', items: [{ sku: c.small, quantity: 2 }] });
    const thiefCart = await agora.request({ method: 'POST', url: '/v1/carts', token: thief.accessToken });
    expect(thiefCart.json().items).toEqual([]);
  });

  it('a failing after-login hook is logged and the login still succeeds', async () => {
    const user = await registerUser(agora);
    const logged: string[] = [];
    const log = pino({ level: 'error' }, { write: (line: string) => void logged.push(line) });
    const identity = await createIdentityModule(agora.rt, {
      afterLogin: () => Promise.reject(new Error('merge exploded')),
    });
    // the routes' schemas are compiled as the app compiles them (its formats: country codes)
    const app = Fastify({
      loggerInstance: log,
      schemaController: { compilersFactory: { buildValidator: buildValidator as never } },
    });
    app.decorateRequest('actor', null);
    app.addSchema(Problem);
    await app.register(identity.routes(createAuthGuard(identity.tokens)));
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { email: user.user.email, password: PASSWORD, cartId: randomUUID() },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().accessToken).toEqual(expect.any(String));
      expect(logged.some((l) => l.includes('after-login hook failed') && l.includes('merge exploded'))).toBe(
        true,
      );
    } finally {
      await app.close();
    }
  });
});

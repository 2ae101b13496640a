import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { decodeJwt } from 'jose';
import { sql } from 'kysely';
import type { Agora } from '../../app.js';
import { agoraBeside, databaseModes, startAgora, type TestAgora } from '../../../test/helpers/agora.js';
import { FAST_ENV, buildCategory, productBody, signInAdmin } from '../../../test/helpers/catalog.js';
import { waitFor } from '../../../test/helpers/events.js';
import { PASSWORD, registerUser } from '../../../test/helpers/factories.js';
import { createIdentityModule } from './index.js';

const ADDRESS = { name: 'Ada L', line1: '1 Main St', city: 'London', postalCode: 'N1 9GU', country: 'GB' };
const sessionOf = (token: string) => decodeJwt(token).sid as string;

describe.each(databaseModes())('access tokens after a disable or a role change (%s)', (mode) => {
  let agora: TestAgora;
  let admin: string;

  beforeAll(async () => {
    agora = await startAgora(mode, FAST_ENV);
    admin = (await signInAdmin(agora)).accessToken;
  });
  afterAll(() => agora.close());

  const patchUser = (id: string, body: Record<string, unknown>) =>
    agora.request({ method: 'PATCH', url: `/v1/admin/users/${id}`, token: admin, body });
  const me = (token: string) => agora.request({ method: 'GET', url: '/v1/me', token });

  it('refuses a disabled account’s access tokens at once (401), also one of a session it had logged out of', async () => {
    const victim = await registerUser(agora);
    const second = await agora.request({
      method: 'POST',
      url: '/v1/auth/login',
      body: { email: victim.user.email, password: PASSWORD },
    });
    const loggedOut = second.json<{ accessToken: string }>().accessToken;
    // both tokens are known to this process (a request from memory, no signature check)
    expect((await me(victim.accessToken)).statusCode).toBe(200);
    expect(
      (await agora.request({ method: 'POST', url: '/v1/auth/logout', token: loggedOut })).statusCode,
    ).toBe(204);
    // a logout ends the refresh tokens only: the access token runs until it expires
    expect((await me(loggedOut)).statusCode).toBe(200);

    expect((await patchUser(victim.user.id, { disabled: true })).statusCode).toBe(200);

    for (const token of [victim.accessToken, loggedOut]) {
      const res = await me(token);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'unauthorized' });
    }
    const address = await agora.request({
      method: 'POST',
      url: '/v1/me/addresses',
      token: victim.accessToken,
      body: ADDRESS,
    });
    expect(address.statusCode).toBe(401);
    const reservation = await agora.request({
      method: 'POST',
      url: `/v1/flash-sales/${crypto.randomUUID()}/reservations`,
      token: victim.accessToken,
      body: { sku: 'ANY-SKU', quantity: 1 },
    });
    expect(reservation.statusCode).toBe(401);
    const refresh = await agora.request({
      method: 'POST',
      url: '/v1/auth/refresh',
      body: { refreshToken: victim.refreshToken },
    });
    expect(refresh.statusCode).toBe(401);

    // enabled again: the old tokens stay refused, a new sign-in works
    expect((await patchUser(victim.user.id, { disabled: false })).statusCode).toBe(200);
    expect((await me(victim.accessToken)).statusCode).toBe(401);
    const again = await agora.request({
      method: 'POST',
      url: '/v1/auth/login',
      body: { email: victim.user.email, password: PASSWORD },
    });
    expect(again.statusCode).toBe(200);
    expect((await me(again.json().accessToken)).statusCode).toBe(200);
  });

  it('refuses a demoted seller’s old token everywhere (401); signing in again gives a token with the new role', async () => {
    const seller = await registerUser(agora, { role: 'seller' });
    const category = await buildCategory(agora, admin, 'Revocation');
    const body = productBody(category.id);
    const product = await agora.request({
      method: 'POST',
      url: '/v1/products',
      token: seller.accessToken,
      body,
    });
    expect(product.statusCode).toBe(201);
    const sku = body.variants[0].sku;

    expect((await patchUser(seller.user.id, { role: 'buyer' })).statusCode).toBe(200);

    const attempts = [
      await agora.request({
        method: 'POST',
        url: '/v1/products',
        token: seller.accessToken,
        body: productBody(category.id),
      }),
      await agora.request({
        method: 'POST',
        url: `/v1/inventory/${sku}/adjustments`,
        token: seller.accessToken,
        body: { delta: 5, reason: 'restock' },
      }),
      await agora.request({
        method: 'POST',
        url: '/v1/webhooks',
        token: seller.accessToken,
        body: { url: 'https://hooks.example.com/agora', events: ['product.created'] },
      }),
    ];
    for (const res of attempts) {
      expect(res.statusCode, res.body).toBe(401);
      expect(res.json()).toMatchObject({ code: 'unauthorized' });
    }
    // the session is over (refresh tokens too): the user signs in again
    const refresh = await agora.request({
      method: 'POST',
      url: '/v1/auth/refresh',
      body: { refreshToken: seller.refreshToken },
    });
    expect(refresh.statusCode).toBe(401);
    const login = await agora.request({
      method: 'POST',
      url: '/v1/auth/login',
      body: { email: seller.user.email, password: PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    const fresh = login.json<{ accessToken: string; user: { role: string } }>();
    expect(fresh.user.role).toBe('buyer');
    expect(decodeJwt(fresh.accessToken).role).toBe('buyer');
    expect((await me(fresh.accessToken)).json()).toMatchObject({ role: 'buyer' });
    const asBuyer = await agora.request({
      method: 'POST',
      url: '/v1/products',
      token: fresh.accessToken,
      body: productBody(category.id),
    });
    expect(asBuyer.statusCode).toBe(403);
  });

  it('a process that starts after a disable refuses the tokens issued before it (loaded from identity.sessions)', async () => {
    const victim = await registerUser(agora);
    expect((await patchUser(victim.user.id, { disabled: true })).statusCode).toBe(200);
    const restarted = await createIdentityModule(agora.rt);
    // never seen by this instance: its signature is checked, then its session is found revoked
    expect(restarted.tokens.plausibleActor(victim.accessToken)).toBeUndefined();
    expect(restarted.tokens.knownActor(victim.accessToken)).toBeUndefined();
    await expect(restarted.tokens.verifyAccessToken(victim.accessToken)).rejects.toMatchObject({
      code: 'unauthorized',
    });
    // a token of another account still passes
    const other = await registerUser(agora);
    await expect(restarted.tokens.verifyAccessToken(other.accessToken)).resolves.toMatchObject({
      userId: other.user.id,
    });
  });

  it('another instance learns of a revocation by NOTIFY, and of an unannounced one by its periodic reload', async () => {
    const other = await createIdentityModule(agora.rt);
    const stop = await other.tokens.revoked.follow(agora.rt.database, agora.rt.log, 200);
    try {
      const victim = await registerUser(agora);
      // known to `other` (verified once, then answered from memory)
      await expect(other.tokens.verifyAccessToken(victim.accessToken)).resolves.toMatchObject({
        userId: victim.user.id,
      });
      expect(other.tokens.knownActor(victim.accessToken)).toMatchObject({ userId: victim.user.id });
      expect((await patchUser(victim.user.id, { role: 'seller' })).statusCode).toBe(200);
      await waitFor(
        async () => other.tokens.knownActor(victim.accessToken) === undefined,
        2_000,
        'the revocation in the other instance',
      );
      expect(other.tokens.plausibleActor(victim.accessToken)).toBeUndefined();
      await expect(other.tokens.verifyAccessToken(victim.accessToken)).rejects.toMatchObject({
        code: 'unauthorized',
      });

      const silent = await registerUser(agora);
      expect(other.tokens.knownActor(silent.accessToken)).toBeUndefined();
      await other.tokens.verifyAccessToken(silent.accessToken);
      await sql`update identity.sessions set access_revoked_at = now() where id = ${sessionOf(silent.accessToken)}`.execute(
        agora.rt.database.db,
      );
      await waitFor(
        async () => other.tokens.knownActor(silent.accessToken) === undefined,
        3_000,
        'the periodic reload',
      );
    } finally {
      await stop();
    }
  });
});

/** Two Agora processes on one PostgreSQL database. */
describe.skipIf(!inject('pgTemplate'))('access-token revocation across processes (postgres)', () => {
  let a: TestAgora;
  let b: Agora;
  let admin: string;

  beforeAll(async () => {
    a = await startAgora('postgres', FAST_ENV);
    b = await agoraBeside(a, FAST_ENV);
    admin = (await signInAdmin(a)).accessToken;
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const meOnB = (token: string) =>
    b.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${token}` } });

  it('a disable made through one process refuses the token in the other within moments', async () => {
    const victim = await registerUser(a);
    expect((await meOnB(victim.accessToken)).statusCode).toBe(200);
    const disabled = await a.request({
      method: 'PATCH',
      url: `/v1/admin/users/${victim.user.id}`,
      token: admin,
      body: { disabled: true },
    });
    expect(disabled.statusCode).toBe(200);
    await waitFor(
      async () => (await meOnB(victim.accessToken)).statusCode === 401,
      2_000,
      'the disable in the other process',
    );
  });
});

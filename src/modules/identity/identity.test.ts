import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SignJWT,
  calculateJwkThumbprint,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
} from 'jose';
import { sql } from 'kysely';
import { databaseModes, startAgora, type TestAgora } from '../../../test/helpers/agora.js';
import { PASSWORD, registerUser, uniqueEmail } from '../../../test/helpers/factories.js';
import { ensureAdmin, rotateSigningKey, createPasswordHasher } from './index.js';

const FAST_HASH = {
  AGORA_ARGON2_MEMORY_KIB: '1024',
  AGORA_ARGON2_TIME_COST: '1',
  AGORA_RATE_LIMIT_AUTH_MAX: '1000',
};

describe.each(databaseModes())('identity (%s)', (mode) => {
  let agora: TestAgora;
  beforeAll(async () => {
    agora = await startAgora(mode, { ...FAST_HASH, AGORA_LOGIN_MAX_FAILURES: '3' });
  });
  afterAll(() => agora.close());

  async function makeAdmin() {
    const email = uniqueEmail('admin');
    await ensureAdmin(
      { db: agora.rt.database.db, actor: null, requestId: 'test', log: agora.rt.log },
      { hasher: createPasswordHasher(agora.rt) },
      { email, password: PASSWORD },
    );
    const res = await agora.request({
      method: 'POST',
      url: '/v1/auth/login',
      body: { email, password: PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    return res.json();
  }

  describe('registration', () => {
    it('registers a buyer and answers with the user and a token pair', async () => {
      const email = uniqueEmail();
      const res = await agora.request({
        method: 'POST',
        url: '/v1/auth/register',
        body: { email: email.toUpperCase(), password: PASSWORD, name: '  Ada  ' },
      });
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body.user).toMatchObject({ email, name: 'Ada', role: 'buyer', disabled: false });
      expect(body.user).not.toHaveProperty('password_hash');
      expect(body.accessToken.split('.')).toHaveLength(3);
      expect(body.refreshToken.length).toBeGreaterThan(30);
    });

    it('registers a seller when asked, but never an admin', async () => {
      const seller = await registerUser(agora, { role: 'seller' });
      expect(seller.user.role).toBe('seller');
      const res = await agora.request({
        method: 'POST',
        url: '/v1/auth/register',
        body: { email: uniqueEmail(), password: PASSWORD, name: 'Eve', role: 'admin' },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].path).toBe('/body/role');
    });

    it('answers 409 conflict for a taken email, whatever its case', async () => {
      const { user } = await registerUser(agora);
      const res = await agora.request({
        method: 'POST',
        url: '/v1/auth/register',
        body: { email: user.email.toUpperCase(), password: PASSWORD, name: 'Twin' },
      });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ code: 'conflict', status: 409 });
    });

    it('records user.registered in the outbox in the same transaction', async () => {
      const { user } = await registerUser(agora);
      const row = await agora.rt.database.db
        .selectFrom('platform.outbox')
        .select(['type', 'subject', 'data', 'correlation_id'])
        .where('subject', '=', user.id)
        .executeTakeFirstOrThrow();
      expect(row.type).toBe('user.registered');
      expect(row.data).toMatchObject({ userId: user.id, email: user.email });
      expect(row.correlation_id).toBeTruthy();
    });
  });

  describe('bad input gets a problem+json 4xx naming the problem', () => {
    const cases: [string, unknown, number, string][] = [
      ['malformed JSON', '{"email": "a@b.c", ', 400, '/body'],
      ['a wrong type', { email: 'a@b.io', password: 12345678901, name: 'A' }, 400, '/body/password'],
      [
        'an unknown field',
        { email: 'a@b.io', password: PASSWORD, name: 'A', admin: true },
        400,
        '/body/admin',
      ],
      ['a missing field', { email: 'a@b.io', password: PASSWORD }, 400, '/body/name'],
      [
        'an overlong string',
        { email: 'a@b.io', password: PASSWORD, name: 'x'.repeat(101) },
        400,
        '/body/name',
      ],
      ['an invalid email', { email: 'not-an-email', password: PASSWORD, name: 'A' }, 400, '/body/email'],
      ['a short password', { email: uniqueEmail(), password: 'short', name: 'A' }, 400, '/body/password'],
      [
        'a common password',
        { email: uniqueEmail(), password: 'password123', name: 'A' },
        400,
        '/body/password',
      ],
      [
        'a one-character password',
        { email: uniqueEmail(), password: 'aaaaaaaaaaaa', name: 'A' },
        400,
        '/body/password',
      ],
    ];
    it.each(cases)('%s', async (_name, body, status, path) => {
      const res = await agora.request({
        method: 'POST',
        url: '/v1/auth/register',
        body: typeof body === 'string' ? body : body,
        headers: { 'content-type': 'application/json' },
      });
      expect(res.statusCode).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const problem = res.json();
      expect(problem).toMatchObject({
        status,
        code: 'validation_failed',
        requestId: res.headers['x-request-id'],
      });
      expect(problem.errors.map((e: { path: string }) => e.path)).toContain(path);
    });

    it('answers 413 for an oversized body', async () => {
      const res = await agora.request({
        method: 'POST',
        url: '/v1/auth/register',
        body: { email: 'a@b.io', password: PASSWORD, name: 'x'.repeat(2_000_000) },
      });
      expect(res.statusCode).toBe(413);
      expect(res.json().code).toBe('payload_too_large');
    });

    it('answers 415 for a body that is not JSON', async () => {
      const res = await agora.request({
        method: 'POST',
        url: '/v1/auth/login',
        body: 'email=a',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(res.statusCode).toBe(415);
      expect(res.json().code).toBe('unsupported_media_type');
    });

    it('answers 404 problem+json for an unknown route, echoing the request id', async () => {
      const res = await agora.request({
        method: 'GET',
        url: '/v1/nope',
        headers: { 'x-request-id': 'req-123' },
      });
      expect(res.statusCode).toBe(404);
      expect(res.headers['x-request-id']).toBe('req-123');
      expect(res.json()).toMatchObject({ code: 'not_found', requestId: 'req-123' });
    });
  });

  describe('login', () => {
    it('signs in with the right password', async () => {
      const { user } = await registerUser(agora);
      const res = await agora.request({
        method: 'POST',
        url: '/v1/auth/login',
        body: { email: user.email, password: PASSWORD },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().user.id).toBe(user.id);
    });

    it('gives the same answer for an unknown email and a wrong password', async () => {
      const { user } = await registerUser(agora);
      const wrong = await agora.request({
        method: 'POST',
        url: '/v1/auth/login',
        body: { email: user.email, password: 'wrong password!' },
      });
      const unknown = await agora.request({
        method: 'POST',
        url: '/v1/auth/login',
        body: { email: uniqueEmail(), password: 'wrong password!' },
      });
      expect(wrong.statusCode).toBe(401);
      expect(unknown.statusCode).toBe(401);
      const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
      expect(strip(wrong.json())).toEqual(strip(unknown.json()));
    });
  });

  describe('tokens and sessions', () => {
    it('rotates refresh tokens: the spent one stops working', async () => {
      const { refreshToken } = await registerUser(agora);
      const first = await agora.request({ method: 'POST', url: '/v1/auth/refresh', body: { refreshToken } });
      expect(first.statusCode).toBe(200);
      expect(first.json().refreshToken).not.toBe(refreshToken);
      const me = await agora.request({ method: 'GET', url: '/v1/me', token: first.json().accessToken });
      expect(me.statusCode).toBe(200);
    });

    it('revokes the whole family when a spent refresh token is reused', async () => {
      const { refreshToken } = await registerUser(agora);
      const next = (
        await agora.request({ method: 'POST', url: '/v1/auth/refresh', body: { refreshToken } })
      ).json();
      const reuse = await agora.request({ method: 'POST', url: '/v1/auth/refresh', body: { refreshToken } });
      expect(reuse.statusCode).toBe(401);
      expect(reuse.json().detail).toMatch(/already used/);
      const afterTheft = await agora.request({
        method: 'POST',
        url: '/v1/auth/refresh',
        body: { refreshToken: next.refreshToken },
      });
      expect(afterTheft.statusCode).toBe(401);
    });

    it('lets only one of two concurrent refreshes with the same token win', async () => {
      const { refreshToken } = await registerUser(agora);
      const results = await Promise.all(
        [1, 2, 3].map(() =>
          agora.request({ method: 'POST', url: '/v1/auth/refresh', body: { refreshToken } }),
        ),
      );
      expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    });

    it('logout revokes the refresh token family', async () => {
      const { accessToken, refreshToken } = await registerUser(agora);
      const out = await agora.request({ method: 'POST', url: '/v1/auth/logout', token: accessToken });
      expect(out.statusCode).toBe(204);
      const res = await agora.request({ method: 'POST', url: '/v1/auth/refresh', body: { refreshToken } });
      expect(res.statusCode).toBe(401);
    });

    it('rejects a tampered access token', async () => {
      const { accessToken } = await registerUser(agora);
      const [h, p, s] = accessToken.split('.');
      const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
      const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, role: 'admin' })).toString('base64url')}.${s}`;
      for (const token of [forged, `${h}.${p}.${s.slice(0, -4)}AAAA`, 'not.a.jwt', 'garbage']) {
        const res = await agora.request({ method: 'GET', url: '/v1/admin/users', token });
        expect(res.statusCode).toBe(401);
        expect(res.json().code).toBe('unauthorized');
      }
    });

    it('knows the tokens it signed, byte for byte, without checking their signature', async () => {
      const { user } = await registerUser(agora);
      const { createIdentityModule } = await import('./index.js');
      const identity = await createIdentityModule(agora.rt);
      const token = await identity.tokens.sign({ id: user.id, role: 'buyer' }, 'session-1');
      expect(identity.tokens.knownActor(token)).toEqual({
        userId: user.id,
        role: 'buyer',
        sessionId: 'session-1',
      });
      const { iat, exp } = decodeJwt(token);
      expect(exp! * 1000).toBeGreaterThan(Date.now());
      expect(exp! - iat!).toBe(agora.rt.config.AGORA_ACCESS_TOKEN_TTL);
      // the same signature under another payload is not the token it signed
      const [h, p, s] = token.split('.');
      const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
      const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, role: 'admin' })).toString('base64url')}.${s}`;
      expect(identity.tokens.knownActor(forged)).toBeUndefined();
      await expect(identity.tokens.verifyAccessToken(forged)).rejects.toMatchObject({ code: 'unauthorized' });
    });

    it('rejects a missing token and a wrong scheme', async () => {
      expect((await agora.request({ method: 'GET', url: '/v1/me' })).statusCode).toBe(401);
      const basic = await agora.request({
        method: 'GET',
        url: '/v1/me',
        headers: { authorization: 'Basic abc' },
      });
      expect(basic.statusCode).toBe(401);
    });

    it('publishes the verifying key in the JWKS and survives key rotation', async () => {
      const before = await registerUser(agora);
      const kid = decodeProtectedHeader(before.accessToken).kid;
      const jwks = (await agora.request({ method: 'GET', url: '/.well-known/jwks.json' })).json();
      expect(jwks.keys.map((k: { kid: string }) => k.kid)).toContain(kid);
      expect(JSON.stringify(jwks)).not.toMatch(/"d":/);

      const newKid = await rotateSigningKey(agora.rt.database.db);
      const after = await registerUser(agora);
      expect(
        (await agora.request({ method: 'GET', url: '/v1/me', token: before.accessToken })).statusCode,
      ).toBe(200);
      const { createIdentityModule } = await import('./index.js');
      const restarted = await createIdentityModule(agora.rt);
      expect((await restarted.tokens.verifyAccessToken(before.accessToken)).userId).toBe(before.user.id);
      const fresh = await restarted.tokens.sign({ id: after.user.id, role: 'buyer' }, 'session');
      expect(decodeProtectedHeader(fresh).kid).toBe(newKid);
      // the signer knows its own token; another process checks its signature
      expect(restarted.tokens.knownActor(fresh)?.userId).toBe(after.user.id);
      const other = await createIdentityModule(agora.rt);
      expect(other.tokens.knownActor(fresh)).toBeUndefined();
      expect((await other.tokens.verifyAccessToken(fresh)).userId).toBe(after.user.id);
      expect(restarted.tokens.jwks().keys.map((k) => k.kid)).toEqual(expect.arrayContaining([kid, newKid]));
    });

    it('signs RS256, and replaces a stored Ed25519 key at start while the tokens it signed stay valid', async () => {
      const { user, accessToken } = await registerUser(agora);
      expect(decodeProtectedHeader(accessToken).alg).toBe('RS256');

      // an Ed25519 key, as an earlier version stored it, is the active one and has signed a token
      const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
      const publicJwk = await exportJWK(publicKey);
      const edKid = await calculateJwkThumbprint(publicJwk);
      const db = agora.rt.database.db;
      await sql`update identity.signing_keys set retired_at = now() where retired_at is null`.execute(db);
      await sql`insert into identity.signing_keys (kid, alg, public_jwk, private_jwk)
                values (${edKid}, 'EdDSA', ${JSON.stringify(publicJwk)}, ${JSON.stringify(await exportJWK(privateKey))})`.execute(
        db,
      );
      const claims = decodeJwt(accessToken);
      const signedBy = (alg: string) =>
        new SignJWT({ role: 'buyer', sid: claims.sid })
          .setProtectedHeader({ alg, kid: edKid, typ: 'at+jwt' })
          .setSubject(user.id)
          .setIssuer(claims.iss!)
          .setAudience('agora')
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(privateKey);
      const edToken = await signedBy('EdDSA');

      const { createIdentityModule } = await import('./index.js');
      const restarted = await createIdentityModule(agora.rt);
      const active = await sql<{ kid: string; alg: string }>`
        select kid, alg from identity.signing_keys where retired_at is null`.execute(db);
      expect(active.rows).toHaveLength(1);
      expect(active.rows[0].alg).toBe('RS256');
      expect((await restarted.tokens.verifyAccessToken(edToken)).userId).toBe(user.id);
      const fresh = await restarted.tokens.sign({ id: user.id, role: 'buyer' }, 'session');
      expect(decodeProtectedHeader(fresh)).toMatchObject({ alg: 'RS256', kid: active.rows[0].kid });
      const verifier = await createIdentityModule(agora.rt);
      expect((await verifier.tokens.verifyAccessToken(fresh)).userId).toBe(user.id);
      expect(restarted.tokens.jwks().keys).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ kid: edKid, alg: 'EdDSA', kty: 'OKP' }),
          expect.objectContaining({ kid: active.rows[0].kid, alg: 'RS256', kty: 'RSA' }),
        ]),
      );
      // a header that names another algorithm than the key's is refused
      const lying = `${Buffer.from(JSON.stringify({ alg: 'RS256', kid: edKid, typ: 'at+jwt' })).toString('base64url')}.${edToken.split('.').slice(1).join('.')}`;
      await expect(restarted.tokens.verifyAccessToken(lying)).rejects.toMatchObject({ code: 'unauthorized' });

      // a second start changes nothing: the RSA key stays active
      await createIdentityModule(agora.rt);
      const again = await sql<{
        kid: string;
      }>`select kid from identity.signing_keys where retired_at is null`.execute(db);
      expect(again.rows.map((r) => r.kid)).toEqual([active.rows[0].kid]);
    });
  });

  describe('profile and addresses', () => {
    it('answers concurrent profile reads of several accounts each with its own, and shows a change or an admin’s change on the next read', async () => {
      const users = await Promise.all([registerUser(agora), registerUser(agora), registerUser(agora)]);
      const reads = await Promise.all(
        Array.from({ length: 30 }, (_, i) => users[i % 3]).map(async (u) => ({
          u,
          res: await agora.request({ method: 'GET', url: '/v1/me', token: u.accessToken }),
        })),
      );
      for (const { u, res } of reads) {
        expect(res.statusCode).toBe(200);
        expect(res.json()).toMatchObject({ id: u.user.id, email: u.user.email });
      }
      const [first] = users;
      await agora.request({
        method: 'PATCH',
        url: '/v1/me',
        token: first.accessToken,
        body: { name: 'Renamed' },
      });
      const after = await Promise.all(
        [0, 1, 2].map(() => agora.request({ method: 'GET', url: '/v1/me', token: first.accessToken })),
      );
      expect(after.map((r) => r.json().name)).toEqual(['Renamed', 'Renamed', 'Renamed']);
      const admin = await makeAdmin();
      const disabled = await agora.request({
        method: 'PATCH',
        url: `/v1/admin/users/${users[1].user.id}`,
        token: admin.accessToken,
        body: { disabled: true },
      });
      expect(disabled.statusCode).toBe(200);
      // a disable revokes the account's access tokens (revocation.test.ts)
      const victim = await agora.request({ method: 'GET', url: '/v1/me', token: users[1].accessToken });
      expect(victim.statusCode).toBe(401);
      const enabled = await agora.request({
        method: 'PATCH',
        url: `/v1/admin/users/${users[1].user.id}`,
        token: admin.accessToken,
        body: { disabled: false },
      });
      expect(enabled.statusCode).toBe(200);
      const again = await agora.request({
        method: 'POST',
        url: '/v1/auth/login',
        body: { email: users[1].user.email, password: PASSWORD },
      });
      const reread = await agora.request({ method: 'GET', url: '/v1/me', token: again.json().accessToken });
      expect(reread.json()).toMatchObject({ id: users[1].user.id, disabled: false });
    });

    it('reads and changes the profile; a password change needs the current password', async () => {
      const { accessToken, refreshToken, user } = await registerUser(agora);
      const me = await agora.request({ method: 'GET', url: '/v1/me', token: accessToken });
      expect(me.json()).toMatchObject({ id: user.id, email: user.email });
      const renamed = await agora.request({
        method: 'PATCH',
        url: '/v1/me',
        token: accessToken,
        body: { name: 'Grace' },
      });
      expect(renamed.json().name).toBe('Grace');
      // The profile read just before is kept (and presented once) for a second: a change drops both.
      const reread = await agora.request({ method: 'GET', url: '/v1/me', token: accessToken });
      expect(reread.json().name).toBe('Grace');
      const noCurrent = await agora.request({
        method: 'PATCH',
        url: '/v1/me',
        token: accessToken,
        body: { password: 'a new long passphrase' },
      });
      expect(noCurrent.statusCode).toBe(400);
      const changed = await agora.request({
        method: 'PATCH',
        url: '/v1/me',
        token: accessToken,
        body: { password: 'a new long passphrase', currentPassword: PASSWORD },
      });
      expect(changed.statusCode).toBe(200);
      const stale = await agora.request({ method: 'POST', url: '/v1/auth/refresh', body: { refreshToken } });
      expect(stale.statusCode).toBe(401);
      const login = await agora.request({
        method: 'POST',
        url: '/v1/auth/login',
        body: { email: user.email, password: 'a new long passphrase' },
      });
      expect(login.statusCode).toBe(200);
    });

    it('manages an address book with one default, pages through it, and hides it from others', async () => {
      const owner = await registerUser(agora);
      const other = await registerUser(agora);
      const base = { name: 'Ada L', line1: '1 Main St', city: 'London', postalCode: 'N1 9GU', country: 'GB' };
      const a = (
        await agora.request({ method: 'POST', url: '/v1/me/addresses', token: owner.accessToken, body: base })
      ).json();
      expect(a.isDefault).toBe(true);
      const b = await agora.request({
        method: 'POST',
        url: '/v1/me/addresses',
        token: owner.accessToken,
        body: { ...base, line1: '2 Side St', isDefault: true },
      });
      expect(b.statusCode).toBe(201);
      const list = (
        await agora.request({ method: 'GET', url: '/v1/me/addresses?limit=1', token: owner.accessToken })
      ).json();
      expect(list.items).toHaveLength(1);
      expect(list.items[0].isDefault).toBe(false);
      const page2 = (
        await agora.request({
          method: 'GET',
          url: `/v1/me/addresses?limit=1&cursor=${list.nextCursor}`,
          token: owner.accessToken,
        })
      ).json();
      expect(page2.items[0]).toMatchObject({ line1: '2 Side St', isDefault: true });
      expect(page2.nextCursor).toBeNull();

      const steal = await agora.request({
        method: 'PATCH',
        url: `/v1/me/addresses/${a.id}`,
        token: other.accessToken,
        body: { city: 'Paris' },
      });
      expect(steal.statusCode).toBe(404);
      expect(
        (await agora.request({ method: 'DELETE', url: `/v1/me/addresses/${a.id}`, token: other.accessToken }))
          .statusCode,
      ).toBe(404);

      const patched = await agora.request({
        method: 'PATCH',
        url: `/v1/me/addresses/${a.id}`,
        token: owner.accessToken,
        body: { city: 'Leeds' },
      });
      expect(patched.json().city).toBe('Leeds');
      expect(
        (await agora.request({ method: 'DELETE', url: `/v1/me/addresses/${a.id}`, token: owner.accessToken }))
          .statusCode,
      ).toBe(204);
      const bad = await agora.request({
        method: 'POST',
        url: '/v1/me/addresses',
        token: owner.accessToken,
        body: { ...base, country: 'gbr' },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors[0].path).toBe('/body/country');
      const badId = await agora.request({
        method: 'DELETE',
        url: '/v1/me/addresses/not-a-uuid',
        token: owner.accessToken,
      });
      expect(badId.statusCode).toBe(400);
    });

    it('refuses an address whose required fields are only whitespace, on creation and on change', async () => {
      const owner = await registerUser(agora);
      const base = { name: 'Ada L', line1: '1 Main St', city: 'London', postalCode: 'N1 9GU', country: 'GB' };
      const blank = await agora.request({
        method: 'POST',
        url: '/v1/me/addresses',
        token: owner.accessToken,
        body: { ...base, name: '   ', city: ' \t ' },
      });
      expect(blank.statusCode).toBe(400);
      expect(blank.json()).toMatchObject({
        code: 'validation_failed',
        errors: [
          { path: '/body/name', message: 'must not be blank' },
          { path: '/body/city', message: 'must not be blank' },
        ],
      });
      const created = await agora.request({
        method: 'POST',
        url: '/v1/me/addresses',
        token: owner.accessToken,
        body: { ...base, name: '  Ada L  ' },
      });
      expect(created.json().name).toBe('Ada L');
      const blanked = await agora.request({
        method: 'PATCH',
        url: `/v1/me/addresses/${created.json().id}`,
        token: owner.accessToken,
        body: { name: '  ' },
      });
      expect(blanked.statusCode).toBe(400);
      expect(blanked.json().errors).toEqual([{ path: '/body/name', message: 'must not be blank' }]);
      const list = await agora.request({ method: 'GET', url: '/v1/me/addresses', token: owner.accessToken });
      expect(list.json().items.map((a: { name: string }) => a.name)).toEqual(['Ada L']);
    });

    it('answers 400 for a cursor it did not make, on the address book and the user list', async () => {
      const owner = await registerUser(agora);
      const admin = await makeAdmin();
      const valid = Buffer.from(owner.user.id).toString('base64url');
      for (const [url, token] of [
        ['/v1/me/addresses?cursor=garbage!!', owner.accessToken],
        ['/v1/me/addresses?cursor=zzz', owner.accessToken],
        [`/v1/me/addresses?cursor=${valid}!`, owner.accessToken],
        ['/v1/admin/users?cursor=zzz', admin.accessToken],
        [`/v1/admin/users?cursor=${Buffer.from('not-a-uuid').toString('base64url')}`, admin.accessToken],
      ] as const) {
        const res = await agora.request({ method: 'GET', url, token });
        expect(res.statusCode, url).toBe(400);
        expect(res.json(), url).toMatchObject({
          code: 'validation_failed',
          errors: [{ path: '/query/cursor', message: 'is not a valid cursor' }],
        });
      }
      expect(
        (
          await agora.request({
            method: 'GET',
            url: `/v1/admin/users?cursor=${valid}`,
            token: admin.accessToken,
          })
        ).statusCode,
      ).toBe(200);
      expect(
        (await agora.request({ method: 'GET', url: '/v1/me/addresses?cursor=', token: owner.accessToken }))
          .statusCode,
      ).toBe(200);
    });
  });

  describe('roles and administration', () => {
    it('forbids a buyer from admin routes', async () => {
      const buyer = await registerUser(agora);
      const res = await agora.request({ method: 'GET', url: '/v1/admin/users', token: buyer.accessToken });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('forbidden');
    });

    it('lets an admin list users, change a role and disable an account', async () => {
      const admin = await makeAdmin();
      const victim = await registerUser(agora);
      const list = await agora.request({
        method: 'GET',
        url: `/v1/admin/users?email=${encodeURIComponent(victim.user.email)}`,
        token: admin.accessToken,
      });
      expect(list.json().items.map((u: { id: string }) => u.id)).toEqual([victim.user.id]);
      const promoted = await agora.request({
        method: 'PATCH',
        url: `/v1/admin/users/${victim.user.id}`,
        token: admin.accessToken,
        body: { role: 'seller' },
      });
      expect(promoted.json().role).toBe('seller');
      const disabled = await agora.request({
        method: 'PATCH',
        url: `/v1/admin/users/${victim.user.id}`,
        token: admin.accessToken,
        body: { disabled: true },
      });
      expect(disabled.json().disabled).toBe(true);
      const login = await agora.request({
        method: 'POST',
        url: '/v1/auth/login',
        body: { email: victim.user.email, password: PASSWORD },
      });
      expect(login.statusCode).toBe(403);
      const refresh = await agora.request({
        method: 'POST',
        url: '/v1/auth/refresh',
        body: { refreshToken: victim.refreshToken },
      });
      expect(refresh.statusCode).toBe(401);
      const self = await agora.request({
        method: 'PATCH',
        url: `/v1/admin/users/${admin.user.id}`,
        token: admin.accessToken,
        body: { disabled: true },
      });
      expect(self.statusCode).toBe(409);
    });

    it('re-keying an admin from the CLI with a new password signs out its sessions; the same password does not', async () => {
      const admin = await makeAdmin();
      const ctx = { db: agora.rt.database.db, actor: null, requestId: 'test', log: agora.rt.log };
      const deps = { hasher: createPasswordHasher(agora.rt) };
      const refresh = (refreshToken: string) =>
        agora.request({ method: 'POST', url: '/v1/auth/refresh', body: { refreshToken } });
      // configuration ensures the admin at every start, with the same password
      await ensureAdmin(ctx, deps, { email: admin.user.email, password: PASSWORD });
      const kept = await refresh(admin.refreshToken);
      expect(kept.statusCode).toBe(200);
      const newPassword = 'an entirely different passphrase';
      await ensureAdmin(ctx, deps, { email: admin.user.email, password: newPassword });
      expect((await refresh(kept.json().refreshToken)).statusCode).toBe(401);
      const login = await agora.request({
        method: 'POST',
        url: '/v1/auth/login',
        body: { email: admin.user.email, password: newPassword },
      });
      expect(login.statusCode).toBe(200);
      await expect(ensureAdmin(ctx, deps, { email: 'not-an-email', password: PASSWORD })).rejects.toThrow(
        /not valid/,
      );
      const blank = await ensureAdmin(ctx, deps, {
        email: uniqueEmail('admin'),
        password: PASSWORD,
        name: ' ',
      });
      expect(blank.user.name).toBe('Administrator');
    });

    it('a patch that changes nothing (the same role, a disable of a disabled account) ends no session', async () => {
      const admin = await makeAdmin();
      const seller = await registerUser(agora, { role: 'seller' });
      const patch = (id: string, token: string, body: object) =>
        agora.request({ method: 'PATCH', url: `/v1/admin/users/${id}`, token, body });
      const same = await patch(seller.user.id, admin.accessToken, { role: 'seller', disabled: false });
      expect(same.statusCode).toBe(200);
      expect(same.json()).toMatchObject({ role: 'seller', disabled: false });
      expect(
        (await agora.request({ method: 'GET', url: '/v1/me', token: seller.accessToken })).statusCode,
      ).toBe(200);
      const refreshed = await agora.request({
        method: 'POST',
        url: '/v1/auth/refresh',
        body: { refreshToken: seller.refreshToken },
      });
      expect(refreshed.statusCode).toBe(200);
      // an admin saving its own unchanged role stays signed in
      const self = await patch(admin.user.id, admin.accessToken, { role: 'admin' });
      expect(self.statusCode).toBe(200);
      expect(
        (await agora.request({ method: 'GET', url: '/v1/me', token: admin.accessToken })).statusCode,
      ).toBe(200);
      // a second disable keeps the first one's time; the change itself still ends the sessions
      expect((await patch(seller.user.id, admin.accessToken, { disabled: true })).statusCode).toBe(200);
      const first = await agora.rt.database.db
        .selectFrom('identity.users')
        .select('updated_at')
        .where('id', '=', seller.user.id)
        .executeTakeFirstOrThrow();
      expect((await patch(seller.user.id, admin.accessToken, { disabled: true })).json().disabled).toBe(true);
      const second = await agora.rt.database.db
        .selectFrom('identity.users')
        .select('updated_at')
        .where('id', '=', seller.user.id)
        .executeTakeFirstOrThrow();
      expect(second.updated_at).toEqual(first.updated_at);
      const me = await agora.request({
        method: 'GET',
        url: '/v1/me',
        token: refreshed.json().accessToken,
      });
      expect(me.statusCode).toBe(401);
    });
  });
});

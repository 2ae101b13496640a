import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT, calculateJwkThumbprint, decodeProtectedHeader } from 'jose';
import { startAgora, type TestAgora } from '../../../test/helpers/agora.js';
import { registerUser } from '../../../test/helpers/factories.js';
import { TokenService } from './tokens.js';

describe('a configured RSA key', () => {
  it('signs RS256 and is published in the JWKS', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const agora = await startAgora('pglite', {
      AGORA_JWT_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      AGORA_ARGON2_MEMORY_KIB: '1024',
    });
    try {
      const { accessToken } = await registerUser(agora);
      const kid = await calculateJwkThumbprint(publicKey.export({ format: 'jwk' }));
      expect(decodeProtectedHeader(accessToken)).toMatchObject({ alg: 'RS256', kid });
      expect((await agora.request({ method: 'GET', url: '/v1/me', token: accessToken })).statusCode).toBe(
        200,
      );
      const jwks = (await agora.request({ method: 'GET', url: '/.well-known/jwks.json' })).json();
      expect(jwks.keys[0]).toMatchObject({ kid, kty: 'RSA', alg: 'RS256' });
      expect(jwks.keys[0]).not.toHaveProperty('d');
    } finally {
      await agora.close();
    }
  });

  it('refuses a short RSA key or another type of key', async () => {
    for (const weak of [
      generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey,
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
    ]) {
      const options = {
        issuer: 'http://localhost:3000',
        accessTtlSeconds: 900,
        configuredPrivateKeyPem: weak.export({ type: 'pkcs8', format: 'pem' }).toString(),
      };
      // refused before the database is asked anything
      await expect(TokenService.create(undefined as never, options)).rejects.toThrow(
        /AGORA_JWT_PRIVATE_KEY must be an RSA key of 2048 bits or more, or an Ed25519 key/,
      );
    }
  });
});

describe('access tokens signed with a configured Ed25519 key', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  let agora: TestAgora;
  let kid: string;
  beforeAll(async () => {
    agora = await startAgora('pglite', { AGORA_JWT_PRIVATE_KEY: pem, AGORA_ARGON2_MEMORY_KIB: '1024' });
    kid = await calculateJwkThumbprint(publicKey.export({ format: 'jwk' }));
  });
  afterAll(() => agora.close());

  const forge = (claims: Record<string, unknown>, exp: number) =>
    new SignJWT({ role: 'buyer', sid: 's', ...claims })
      .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'at+jwt' })
      .setIssuer('http://localhost:3000')
      .setAudience('agora')
      .setIssuedAt(exp - 900)
      .setExpirationTime(exp)
      .sign(privateKey);

  it('signs with the configured key and publishes it in the JWKS', async () => {
    const { accessToken } = await registerUser(agora);
    expect(decodeProtectedHeader(accessToken).kid).toBe(kid);
    const jwks = (await agora.request({ method: 'GET', url: '/.well-known/jwks.json' })).json();
    expect(jwks.keys[0]).toMatchObject({ kid, kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('rejects an expired token with its own message', async () => {
    const { user } = await registerUser(agora);
    const expired = await forge({ sub: user.id }, Math.floor(Date.now() / 1000) - 60);
    const res = await agora.request({ method: 'GET', url: '/v1/me', token: expired });
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toMatch(/expired/);
    const valid = await forge({ sub: user.id }, Math.floor(Date.now() / 1000) + 60);
    expect((await agora.request({ method: 'GET', url: '/v1/me', token: valid })).statusCode).toBe(200);
  });

  it('rejects a token for another audience, issuer or an unknown role', async () => {
    const { user } = await registerUser(agora);
    const exp = Math.floor(Date.now() / 1000) + 60;
    const wrongRole = await forge({ sub: user.id, role: 'root' }, exp);
    const wrongAudience = await new SignJWT({ role: 'buyer', sid: 's', sub: user.id })
      .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'at+jwt' })
      .setIssuer('http://localhost:3000')
      .setAudience('someone-else')
      .setExpirationTime(exp)
      .sign(privateKey);
    for (const token of [wrongRole, wrongAudience]) {
      expect((await agora.request({ method: 'GET', url: '/v1/me', token })).statusCode).toBe(401);
    }
  });
});

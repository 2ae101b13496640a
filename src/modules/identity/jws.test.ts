import { afterAll, describe, expect, it } from 'vitest';
import { createHmac, generateKeyPairSync, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import { TokenRefused, verifyAccessJws, verifyAccessJwsOffLoop, type VerifyKey } from './jws.js';
import { SignatureWorker } from './signature-worker.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ed = generateKeyPairSync('ed25519');
const keys = new Map<string, VerifyKey>([
  ['rsa', { alg: 'RS256', key: rsa.publicKey }],
  ['ed', { alg: 'EdDSA', key: ed.publicKey }],
]);
const now = Math.floor(Date.now() / 1000);
const expected = { issuer: 'https://agora.test', audience: 'agora', now };
const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

function sign(
  opts: { alg?: string; kid?: string; typ?: string; key?: KeyObject; header?: Record<string, unknown> } = {},
  claims: JWTPayload = {},
): Promise<string> {
  const alg = opts.alg ?? 'RS256';
  return new SignJWT({
    sub: 'u1',
    role: 'buyer',
    sid: 's1',
    iss: expected.issuer,
    aud: 'agora',
    exp: now + 60,
    ...claims,
  })
    .setProtectedHeader({ alg, kid: opts.kid ?? 'rsa', typ: opts.typ ?? 'at+jwt', ...opts.header })
    .sign(opts.key ?? (alg === 'EdDSA' ? ed.privateKey : rsa.privateKey));
}

/** Signed here, past jose's own refusals, to present what a forger could. */
const raw = (claims: Record<string, unknown>, header: Record<string, unknown> = {}) => {
  const input = `${b64({ alg: 'RS256', kid: 'rsa', typ: 'at+jwt', ...header })}.${b64({ iss: expected.issuer, aud: 'agora', ...claims })}`;
  return `${input}.${cryptoSign('sha256', Buffer.from(input), rsa.privateKey).toString('base64url')}`;
};

type Verify = (
  token: string,
  keyOf: (kid: string) => VerifyKey | undefined,
  expected: { issuer: string; audience: string; now: number },
) => unknown;

const worker = new SignatureWorker(200);
afterAll(() => worker.close());

// the same checks whether the signature is verified on the event loop, the thread pool or a worker
describe.each<[string, Verify]>([
  ['on the event loop', verifyAccessJws],
  ['on the thread pool', verifyAccessJwsOffLoop],
  [
    'on a worker thread',
    (token, keyOf, expected) =>
      verifyAccessJwsOffLoop(token, keyOf, expected, (t, digest, key) => worker.check(t, digest, key)),
  ],
])('access token verification %s', (_, verify) => {
  const refusal = async (token: string) => {
    try {
      await verify(token, (kid) => keys.get(kid), expected);
    } catch (err) {
      if (err instanceof TokenRefused) return err.reason;
      throw err;
    }
    return 'accepted';
  };

  it('accepts RS256 and EdDSA tokens signed by the key their kid names, with their claims', async () => {
    const claims = await verify(await sign(), (kid) => keys.get(kid), expected);
    expect(claims).toMatchObject({ sub: 'u1', role: 'buyer', sid: 's1', exp: now + 60 });
    expect(await refusal(await sign({ alg: 'EdDSA', kid: 'ed' }))).toBe('accepted');
    expect(await refusal(await sign({ typ: 'application/AT+JWT' }))).toBe('accepted');
    expect(await refusal(await sign({}, { aud: ['other', 'agora'], nbf: now - 5, iat: now - 5 }))).toBe(
      'accepted',
    );
  });

  it('refuses a changed byte, another key, an unknown kid and a header naming another algorithm', async () => {
    const token = await sign();
    const [h, p, s] = token.split('.');
    const forgedClaims = `${h}.${b64({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), role: 'admin' })}.${s}`;
    expect(await refusal(forgedClaims)).toBe('signature');
    expect(await refusal(`${h}.${p}.${s.slice(0, -4)}AAAA`)).toBe('signature');
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(await refusal(await sign({ key: other.privateKey }))).toBe('signature');
    expect(await refusal(await sign({ kid: 'nobody' }))).toBe('unknown_key');
    // an EdDSA signature presented under the RSA key's kid, and the reverse
    expect(await refusal(await sign({ alg: 'EdDSA', kid: 'rsa' }))).toBe('signature');
    expect(await refusal(await sign({ alg: 'RS256', kid: 'ed' }))).toBe('signature');
  });

  it('checks a header it has seen before against the keys of the moment', async () => {
    const token = await sign();
    expect(await refusal(token)).toBe('accepted');
    const refusedBy = async (keyOf: (kid: string) => VerifyKey | undefined) =>
      // the event loop's verify throws rather than rejects
      Promise.resolve()
        .then(() => verify(token, keyOf, expected))
        .then(
          () => 'accepted',
          (err: unknown) => (err instanceof TokenRefused ? err.reason : 'error'),
        );
    // the key was retired, or its kid now names a key of another algorithm
    expect(await refusedBy(() => undefined)).toBe('unknown_key');
    expect(await refusedBy(() => keys.get('ed'))).toBe('signature');
    // another header text is checked on its own, however many good ones came before
    const [, p, s] = token.split('.');
    const critical = `${b64({ alg: 'RS256', kid: 'rsa', typ: 'at+jwt', crit: ['exp'] })}.${p}.${s}`;
    expect(await refusal(critical)).toBe('malformed');
  });

  it('refuses alg none and an HMAC made with the public key as the secret', async () => {
    const body = b64({
      sub: 'u1',
      role: 'admin',
      sid: 's',
      iss: expected.issuer,
      aud: 'agora',
      exp: now + 60,
    });
    const none = `${b64({ alg: 'none', kid: 'rsa', typ: 'at+jwt' })}.${body}.`;
    expect(await refusal(none)).toBe('malformed');
    const hsHeader = b64({ alg: 'HS256', kid: 'rsa', typ: 'at+jwt' });
    const secret = rsa.publicKey.export({ type: 'spki', format: 'pem' });
    const mac = createHmac('sha256', secret).update(`${hsHeader}.${body}`).digest('base64url');
    expect(await refusal(`${hsHeader}.${body}.${mac}`)).toBe('signature');
  });

  it('refuses malformed tokens', async () => {
    const token = await sign();
    const [h, p, s] = token.split('.');
    for (const bad of [
      '',
      'garbage',
      'a.b',
      `${h}.${p}`,
      `${h}.${p}.${s}.x`,
      `${h}..${s}`,
      `.${p}.${s}`,
      `${h}.${p}.`,
    ]) {
      expect(await refusal(bad), bad).toBe('malformed');
    }
    expect(await refusal(`${h}.${p}.${s}=`)).toBe('malformed');
    expect(await refusal(`${b64('[1]')}.${p}.${s}`)).toBe('malformed');
    expect(await refusal(`${b64('{not json')}.${p}.${s}`)).toBe('malformed');
    expect(await refusal(await sign({ typ: 'JWT' }))).toBe('malformed');
    expect(await refusal(raw({ exp: now + 60 }, { crit: ['exp'], exp: 1 }))).toBe('malformed');
    expect(await refusal(raw({ exp: now + 60 }, { b64: false, crit: ['b64'] }))).toBe('malformed');
  });

  it('checks issuer, audience, expiry, not-before and issued-at', async () => {
    expect(await refusal(await sign({}, { iss: 'https://elsewhere' }))).toBe('claims');
    expect(await refusal(await sign({}, { aud: 'someone-else' }))).toBe('claims');
    expect(await refusal(await sign({}, { exp: undefined }))).toBe('claims');
    expect(await refusal(await sign({}, { nbf: now + 60 }))).toBe('claims');
    expect(await refusal(await sign({}, { exp: now }))).toBe('expired');
    expect(await refusal(await sign({}, { exp: now - 60 }))).toBe('expired');
    // claims of the wrong type do not pass, even under a valid signature
    expect(await refusal(raw({ exp: now + 60 }))).toBe('accepted');
    expect(await refusal(raw({ exp: now + 60, iat: 'yesterday' }))).toBe('claims');
    expect(await refusal(raw({ exp: String(now + 60) }))).toBe('claims');
    expect(await refusal(raw({ exp: now + 60, nbf: 'now' }))).toBe('claims');
  });
});

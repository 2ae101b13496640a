import { verify as verifySignature, type KeyObject } from 'node:crypto';
import { checkOnPool } from './signature-worker.js';

/** The signature algorithms access tokens may carry, and node:crypto's digest for each. */
const DIGEST = { RS256: 'sha256', EdDSA: null } as const;
export type Alg = keyof typeof DIGEST;

/** A public key as found by a token's `kid`: it verifies one algorithm only. */
export interface VerifyKey {
  alg: Alg;
  key: KeyObject;
}

export interface AccessClaims {
  sub?: unknown;
  role?: unknown;
  sid?: unknown;
  exp: number;
  [claim: string]: unknown;
}

/** Why a token was refused: `expired` has its own message; the rest are all "not valid". */
export class TokenRefused extends Error {
  constructor(readonly reason: 'malformed' | 'unknown_key' | 'signature' | 'claims' | 'expired') {
    super(`access token refused: ${reason}`);
  }
}

const B64URL = /^[A-Za-z0-9_-]+$/;

function decodeJson(part: string): Record<string, unknown> {
  if (!B64URL.test(part)) throw new TokenRefused('malformed');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new TokenRefused('malformed');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new TokenRefused('malformed');
  return value as Record<string, unknown>;
}

/** A token taken apart, its header checked and its key found: what is left is the signature. */
interface Parsed {
  key: VerifyKey;
  /** Where the signature starts (after the last dot). */
  cut: number;
  payload: string;
}

/** What a header says once checked: the key id and the algorithm it names. */
interface Header {
  kid: string;
  alg: unknown;
}

/**
 * Headers seen, by their encoded text: every token one key signs has the same header, so it is
 * decoded and checked once, not per token (a flash sale's first wave checks thousands of new
 * tokens a second). Only headers that passed enter, and a few keys are live at a time.
 */
const checkedHeaders = new Map<string, Header>();
const MAX_CHECKED_HEADERS = 64;

function checkHeader(encoded: string): Header {
  const known = checkedHeaders.get(encoded);
  if (known) return known;
  const header = decodeJson(encoded);
  if ('crit' in header || 'b64' in header) throw new TokenRefused('malformed');
  const typ = typeof header.typ === 'string' ? header.typ.toLowerCase().replace(/^application\//, '') : '';
  if (typ !== 'at+jwt') throw new TokenRefused('malformed');
  const checked = { kid: typeof header.kid === 'string' ? header.kid : '', alg: header.alg };
  if (checkedHeaders.size >= MAX_CHECKED_HEADERS) checkedHeaders.clear();
  checkedHeaders.set(encoded, checked);
  return checked;
}

function parse(token: string, keyOf: (kid: string) => VerifyKey | undefined): Parsed {
  const first = token.indexOf('.');
  const last = token.lastIndexOf('.');
  if (first <= 0 || last === first || last === token.length - 1 || token.indexOf('.', first + 1) !== last)
    throw new TokenRefused('malformed');
  const header = checkHeader(token.slice(0, first));
  const payload = token.slice(first + 1, last);
  const signature = token.slice(last + 1);
  if (!B64URL.test(payload) || !B64URL.test(signature)) throw new TokenRefused('malformed');
  // the key is looked up every time: a key retired since the header was first seen is refused
  const key = keyOf(header.kid);
  if (!key) throw new TokenRefused('unknown_key');
  if (header.alg !== key.alg) throw new TokenRefused('signature');
  return { key, cut: last, payload };
}

function claimsOf(
  payload: string,
  expected: { issuer: string; audience: string; now: number },
): AccessClaims {
  const claims = decodeJson(payload);
  const { iss, aud, exp, nbf, iat } = claims;
  if (iss !== expected.issuer) throw new TokenRefused('claims');
  if (!(aud === expected.audience || (Array.isArray(aud) && aud.includes(expected.audience))))
    throw new TokenRefused('claims');
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw new TokenRefused('claims');
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > expected.now)) throw new TokenRefused('claims');
  if (iat !== undefined && typeof iat !== 'number') throw new TokenRefused('claims');
  if (exp <= expected.now) throw new TokenRefused('expired');
  return claims as AccessClaims;
}

/**
 * Verifies a compact JWS access token (RFC 7515/7519, profile RFC 9068) with node:crypto.
 * Tokens are signed with jose; verifying them with jose goes through WebCrypto, which in Node 20
 * adds ~70 µs to every check on top of the signature's own ~30 µs (RS256). A flash sale's first
 * wave checks thousands of never-seen tokens a second, so the check is done here, and kept as
 * strict as jose's: the header names exactly the algorithm of the key its `kid` selects (no
 * `none`, no algorithm confusion), no `crit` or `b64` extensions, `typ` is `at+jwt`, and the
 * claims `iss`, `aud`, `exp` (required), `nbf` and `iat` are checked against `now` (seconds).
 * @throws TokenRefused
 */
export function verifyAccessJws(
  token: string,
  keyOf: (kid: string) => VerifyKey | undefined,
  expected: { issuer: string; audience: string; now: number },
): AccessClaims {
  const { key, cut, payload } = parse(token, keyOf);
  const signed = Buffer.from(token.slice(0, cut), 'ascii');
  const signature = Buffer.from(token.slice(cut + 1), 'base64url');
  if (!verifySignature(DIGEST[key.alg], signed, key.key, signature)) throw new TokenRefused('signature');
  return claimsOf(payload, expected);
}

/**
 * Everything `verifyAccessJws` checks except the signature: the token is well formed, its header
 * names the algorithm of a live key, and its claims hold. Proves nothing about who sent it; it is
 * for answers that are the same whoever asks (see `AuthGuard.requireRoleUnless`).
 * @throws TokenRefused
 */
export function readAccessJws(
  token: string,
  keyOf: (kid: string) => VerifyKey | undefined,
  expected: { issuer: string; audience: string; now: number },
): AccessClaims {
  return claimsOf(parse(token, keyOf).payload, expected);
}

/** Checks a compact token's signature with `key` (RS256: digest sha256; EdDSA: null). */
export type SignatureCheck = (token: string, digest: string | null, key: KeyObject) => Promise<boolean>;

/**
 * `verifyAccessJws` with the signature checked off the event loop: by `check`, libuv's thread pool
 * (node:crypto's callback form) unless another is given (TokenService gives its SignatureWorker).
 * The same checks in the same order; only the ~20–30 µs of the signature leave the loop.
 * @throws TokenRefused (as a rejection)
 */
export async function verifyAccessJwsOffLoop(
  token: string,
  keyOf: (kid: string) => VerifyKey | undefined,
  expected: { issuer: string; audience: string; now: number },
  check: SignatureCheck = checkOnPool,
): Promise<AccessClaims> {
  const { key, payload } = parse(token, keyOf);
  if (!(await check(token, DIGEST[key.alg], key.key))) throw new TokenRefused('signature');
  return claimsOf(payload, expected);
}

import {
  SignJWT,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type CryptoKey,
} from 'jose';
import { LRUCache } from 'lru-cache';
import { createPrivateKey, createPublicKey, createHash, randomBytes, type KeyObject } from 'node:crypto';
import { sql } from 'kysely';
import { scoped, type AnyDb } from '../../platform/db.js';
import { UnauthorizedError } from '../../platform/errors.js';
import { ROLES, type Actor, type Role, type TokenVerifier } from '../../platform/http/auth.js';
import {
  readAccessJws,
  TokenRefused,
  verifyAccessJws,
  verifyAccessJwsOffLoop,
  type AccessClaims,
  type Alg,
  type VerifyKey,
} from './jws.js';
import { RevokedSessions } from './revocations.js';
import { SignatureWorker } from './signature-worker.js';
import type { IdentityTables } from './tables.js';

/**
 * New keys sign RS256. Every request bearing a token this process has not seen verifies a
 * signature, and RSA-2048 verifies in about a third of Ed25519's time (~30 µs against ~90 µs of
 * CPU here): that is what the first wave of a flash sale, thousands of new tokens a second, pays.
 * Signing is dearer (~0.3 ms), but happens once per login or refresh, beside argon2's tens of ms.
 * Ed25519 keys (configured, or stored by an earlier version) keep signing or verifying.
 */
const ALG = 'RS256';
const AUDIENCE = 'agora';
/** How often a process looks for a rotated signing key. */
const ACTIVE_KEY_REFRESH_MS = 60_000;
/** Unknown `kid`s trigger a reload of the key set at most this often (a forged kid cannot hammer the db). */
const UNKNOWN_KID_RELOAD_MS = 5_000;
/**
 * The cache key of a token: its last characters, which are signature bytes. Looking a ~600-character
 * token up by the whole string hashes all of it on every request (the header gives a new string each
 * time: ~1 µs, more than the rest of the lookup); the tail hashes in a fraction of that. The entry
 * holds the whole token and a hit must equal it, so the cache stays exact.
 */
const KEY_CHARS = 24;

interface Verified {
  token: string;
  actor: Actor;
  /** The token's `exp`, in ms. */
  expiresAt: number;
}

interface SigningKey {
  kid: string;
  alg: Alg;
  privateKey: CryptoKey | Uint8Array;
}

type ConfiguredKey = SigningKey & { publicJwk: JWK };

export interface TokenServiceOptions {
  issuer: string;
  accessTtlSeconds: number;
  /** PKCS#8 PEM of an RSA or Ed25519 key from configuration; otherwise keys live in identity.signing_keys. */
  configuredPrivateKeyPem?: string;
}

/**
 * Signs and verifies access tokens (RS256 or EdDSA JWTs with a `kid`). Keys come from configuration or are
 * generated once and stored, so every process and restart uses the same ones. Rotation adds a new
 * signing key and keeps the old one in the JWKS until the tokens it signed have expired.
 */
export class TokenService implements TokenVerifier {
  private signing!: SigningKey;
  private signingLoadedAt = 0;
  private verifyKeys = new Map<string, VerifyKey>();
  private publicJwks: JWK[] = [];
  private lastReload = 0;
  private readonly configured?: ConfiguredKey;
  /**
   * Tokens that already verified, until their expiry. A client sends the same access token for
   * minutes; a verification costs 20–100 µs of CPU, a lookup nothing. Only verified tokens
   * enter, and a hit must equal the whole token, so a changed byte is a miss and is verified in
   * full. Keyed by the token's tail (KEY_CHARS); expiry is checked here rather than by lru-cache's
   * TTL, which costs a clock read and bookkeeping on every get and set.
   */
  private readonly verified = new LRUCache<string, Verified>({ max: 50_000 });
  /**
   * Sessions whose access tokens are refused although they verify (the account was disabled or
   * its role changed): asked after every cache hit and every signature check, from memory.
   */
  readonly revoked: RevokedSessions;
  /** Never-seen tokens' signatures are checked there, in batches, off the event loop. */
  private readonly signatures = new SignatureWorker();
  private readonly checkSignature = (token: string, digest: string | null, key: KeyObject) =>
    this.signatures.check(token, digest, key);

  private constructor(
    private readonly db: AnyDb,
    private readonly options: TokenServiceOptions,
    configured?: ConfiguredKey,
  ) {
    this.configured = configured;
    this.revoked = new RevokedSessions(db, options.accessTtlSeconds);
  }

  static async create(db: AnyDb, options: TokenServiceOptions): Promise<TokenService> {
    let configured: ConfiguredKey | undefined;
    if (options.configuredPrivateKeyPem) {
      const keyObject = createPrivateKey(options.configuredPrivateKeyPem);
      const { asymmetricKeyType: type, asymmetricKeyDetails: details } = keyObject;
      const alg: Alg | undefined =
        type === 'ed25519'
          ? 'EdDSA'
          : type === 'rsa' && (details?.modulusLength ?? 0) >= 2048
            ? 'RS256'
            : undefined;
      if (!alg)
        throw new Error('AGORA_JWT_PRIVATE_KEY must be an RSA key of 2048 bits or more, or an Ed25519 key');
      const publicJwk = createPublicKey(keyObject).export({ format: 'jwk' }) as JWK;
      const kid = await calculateJwkThumbprint(publicJwk);
      configured = {
        kid,
        alg,
        privateKey: keyObject as unknown as CryptoKey,
        publicJwk: { ...publicJwk, kid, alg, use: 'sig' },
      };
    }
    const service = new TokenService(db, options, configured);
    if (!configured) await ensureStoredKey(db);
    await service.reload();
    // a restarted process refuses what was revoked before it started
    await service.revoked.reload();
    return service;
  }

  /**
   * Issues a short-lived access token for a user's session. The token is known from then on, as a
   * verified one is: the process that signed it needs no signature check for its first use (the
   * request after a sign-in or a refresh; in a one-process deployment, every token).
   */
  async sign(user: { id: string; role: Role }, sessionId: string): Promise<string> {
    if (!this.configured && Date.now() - this.signingLoadedAt > ACTIVE_KEY_REFRESH_MS) await this.reload();
    const issuedAt = Math.floor(Date.now() / 1000);
    const expiresAt = issuedAt + this.options.accessTtlSeconds;
    const token = await new SignJWT({ role: user.role, sid: sessionId })
      .setProtectedHeader({ alg: this.signing.alg, kid: this.signing.kid, typ: 'at+jwt' })
      .setSubject(user.id)
      .setIssuer(this.options.issuer)
      .setAudience(AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(this.signing.privateKey);
    this.remember(token, { userId: user.id, role: user.role, sessionId }, expiresAt * 1000);
    return token;
  }

  async verifyAccessToken(token: string): Promise<Actor> {
    const known = this.known(token);
    if (!known) return this.verifyInFull(token);
    if (this.revoked.has(known.sessionId)) throw revokedError();
    return known;
  }

  /**
   * The actor of a token that verified before, has not expired and whose session's tokens are not
   * revoked; no I/O, no signature check. `undefined` sends the token to `verifyAccessToken`.
   */
  knownActor(token: string): Actor | undefined {
    const known = this.known(token);
    return known && !this.revoked.has(known.sessionId) ? known : undefined;
  }

  /** The actor of a token that verified before and has not expired, revoked or not. */
  private known(token: string): Actor | undefined {
    const key = token.slice(-KEY_CHARS);
    const known = this.verified.get(key);
    if (!known || known.token !== token) return undefined;
    if (known.expiresAt > Date.now()) return known.actor;
    this.verified.delete(key);
    return undefined;
  }

  /**
   * The actor a token names when it would pass but for its signature, which is not checked: well
   * formed, a live key's, its claims valid and unexpired, its session's tokens not revoked. No I/O;
   * a known token passes at once. Proves nothing about who sent it.
   */
  plausibleActor(token: string): Actor | undefined {
    const known = this.known(token);
    if (known) return this.revoked.has(known.sessionId) ? undefined : known;
    try {
      const actor = claimedActor(readAccessJws(token, (kid) => this.verifyKeys.get(kid), this.expected()));
      return actor && !this.revoked.has(actor.sessionId) ? actor : undefined;
    } catch (err) {
      if (err instanceof TokenRefused) return undefined;
      throw err;
    }
  }

  private async verifyInFull(token: string): Promise<Actor> {
    let claims;
    try {
      claims = await this.checked(token);
    } catch (err) {
      if (!(err instanceof TokenRefused)) throw err;
      if (err.reason === 'expired') throw new UnauthorizedError('The access token has expired');
      if (err.reason === 'unknown_key')
        throw new UnauthorizedError('The access token was signed by an unknown key');
      throw new UnauthorizedError('The access token is not valid');
    }
    const actor = claimedActor(claims);
    if (!actor) throw new UnauthorizedError('The access token is malformed');
    // remembered even when revoked: its next use is refused without a signature check
    this.remember(token, actor, claims.exp * 1000);
    if (this.revoked.has(actor.sessionId)) throw revokedError();
    return actor;
  }

  private expected() {
    return { issuer: this.options.issuer, audience: AUDIENCE, now: Math.floor(Date.now() / 1000) };
  }

  /** Keeps a token this process signed or verified until it expires (`expiresAt` in ms). */
  private remember(token: string, actor: Actor, expiresAt: number): void {
    if (expiresAt > Date.now()) this.verified.set(token.slice(-KEY_CHARS), { token, actor, expiresAt });
  }

  /** The token's claims once its signature and claims hold; an unknown `kid` reloads the keys first. */
  private async checked(token: string) {
    const keyOf = (kid: string) => this.verifyKeys.get(kid);
    try {
      return await verifyAccessJwsOffLoop(token, keyOf, this.expected(), this.checkSignature);
    } catch (err) {
      if (!(err instanceof TokenRefused && err.reason === 'unknown_key')) throw err;
      if (Date.now() - this.lastReload <= UNKNOWN_KID_RELOAD_MS) throw err;
      await this.reload();
      return verifyAccessJws(token, keyOf, this.expected());
    }
  }

  /** The public keys that verify access tokens (GET /.well-known/jwks.json). */
  jwks(): { keys: JWK[] } {
    return { keys: this.publicJwks };
  }

  /** Loads the active signing key and every key still valid for verification. */
  async reload(): Promise<void> {
    this.lastReload = Date.now();
    const rows = await scoped<IdentityTables>(this.db)
      .selectFrom('identity.signing_keys')
      .select(['kid', 'alg', 'public_jwk', 'private_jwk', 'retired_at', 'created_at'])
      .where((eb) =>
        eb.or([
          eb('retired_at', 'is', null),
          eb(
            'retired_at',
            '>',
            sql<Date>`now() - make_interval(secs => ${this.options.accessTtlSeconds + 60})`,
          ),
        ]),
      )
      .orderBy('created_at', 'desc')
      .execute();
    const verifyKeys = new Map<string, VerifyKey>();
    const jwks: JWK[] = [];
    for (const row of rows) {
      const pub = row.public_jwk as JWK;
      verifyKeys.set(row.kid, { alg: row.alg as Alg, key: createPublicKey({ key: pub, format: 'jwk' }) });
      jwks.push({ ...pub, kid: row.kid, alg: row.alg, use: 'sig' });
    }
    if (this.configured) {
      const { kid, alg, privateKey, publicJwk } = this.configured;
      verifyKeys.set(kid, { alg, key: createPublicKey({ key: publicJwk, format: 'jwk' }) });
      jwks.unshift(publicJwk);
      this.signing = { kid, alg, privateKey };
    } else {
      const active = rows.find((r) => r.retired_at === null);
      if (!active) throw new Error('identity.signing_keys has no active key');
      this.signing = {
        kid: active.kid,
        alg: active.alg as Alg,
        privateKey: await importJWK(active.private_jwk as JWK, active.alg),
      };
    }
    this.verifyKeys = verifyKeys;
    this.publicJwks = jwks;
    this.signingLoadedAt = Date.now();
  }
}

type KeyRow = Awaited<ReturnType<typeof newKeyRow>>;

async function newKeyRow() {
  const { publicKey, privateKey } = await generateKeyPair(ALG, { modulusLength: 2048, extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return {
    kid,
    alg: ALG,
    public_jwk: JSON.stringify(publicJwk),
    private_jwk: JSON.stringify(await exportJWK(privateKey)),
  };
}

const activeKey = (db: AnyDb) =>
  scoped<IdentityTables>(db)
    .selectFrom('identity.signing_keys')
    .select(['kid', 'alg'])
    .where('retired_at', 'is', null)
    .executeTakeFirst();

/**
 * Retires the active key, if any, and makes `row` the one that signs, under an advisory lock that
 * keeps two starting or rotating processes apart. With `unlessActiveSigns`, nothing changes when
 * the active key (perhaps made meanwhile by another process) already signs with ALG.
 */
async function activate(db: AnyDb, row: KeyRow, unlessActiveSigns = false): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('identity.signing_keys'))`.execute(trx);
    if (unlessActiveSigns && (await activeKey(trx))?.alg === ALG) return;
    const t = scoped<IdentityTables>(trx);
    await t
      .updateTable('identity.signing_keys')
      .set({ retired_at: sql<Date>`now()` })
      .where('retired_at', 'is', null)
      .execute();
    await t.insertInto('identity.signing_keys').values(row).execute();
  });
}

/**
 * Makes sure a stored key signs with ALG: creates the first key, or replaces an active key of an
 * algorithm no longer used for signing (an Ed25519 key from an earlier version) the way a rotation
 * does, so tokens it signed stay valid until they expire. A new RSA key takes ~0.1 s to generate,
 * so only when one is needed.
 */
async function ensureStoredKey(db: AnyDb): Promise<void> {
  if ((await activeKey(db))?.alg === ALG) return;
  await activate(db, await newKeyRow(), true);
}

/**
 * Makes a new signing key active and retires the current one. Retired keys keep verifying the
 * tokens they signed until those expire, so nobody is logged out. Returns the new key id.
 */
export async function rotateSigningKey(db: AnyDb): Promise<string> {
  const row = await newKeyRow();
  await activate(db, row);
  return row.kid;
}

/** Refresh tokens are random and opaque; only their SHA-256 is stored. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

const revokedError = () => new UnauthorizedError('The access token was revoked; sign in again');

/** The actor an access token's claims name; `undefined` when they do not name one. */
function claimedActor(claims: AccessClaims): Actor | undefined {
  const role = claims.role as Role;
  if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string' || !ROLES.includes(role))
    return undefined;
  return { userId: claims.sub, role, sessionId: claims.sid };
}

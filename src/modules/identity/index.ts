/**
 * Identity: accounts, sessions, access tokens, profiles and address books.
 * The door other modules use: the token verifier (through the platform's auth guard) and events.
 */
import type { Runtime } from '../../platform/runtime.js';
import type { AuthGuard } from '../../platform/http/auth.js';
import {
  ensureAdmin,
  ensureSeller,
  LOGIN_FAILURES_SWEEP_JOB,
  LOGIN_FAILURES_SWEEP_MS,
  sweepLoginFailures,
  type AuthDeps,
} from './auth-service.js';
import { PasswordHasher } from './passwords.js';
import { identityRoutes, type AfterLogin } from './routes.js';
import { TokenService, rotateSigningKey } from './tokens.js';
import { REVOCATIONS_RELOAD_MS } from './revocations.js';
import { findUserByEmail, findUserById } from './repository.js';
import type { AnyDb } from '../../platform/db.js';
import type { JobRunner } from '../../platform/jobs/runner.js';

export { identityMigrations } from './migrations/index.js';
export type { IdentityEvents } from './events.js';
export type { AfterLogin } from './routes.js';
export { ensureAdmin, ensureSeller, rotateSigningKey };

export interface IdentityModule {
  tokens: TokenService;
  authDeps: AuthDeps;
  routes(guard: AuthGuard): ReturnType<typeof identityRoutes>;
}

/**
 * @param opts.afterLogin called after each successful sign-in with the user and the `cartId` the
 * client passed (the composition root merges that guest cart); a failure is logged, the sign-in stands.
 * @param opts.revocationsReloadMs how often the routes' app reloads the sessions whose access tokens
 * are revoked (the safety net beside NOTIFY); default REVOCATIONS_RELOAD_MS.
 * @param opts.jobs the runner the module registers its recurring sweep of ended sign-in failure
 * windows with (`identity.login_failures.sweep`, hourly); the app passes its runner, a second
 * module on the same runtime (tests) none.
 */
export async function createIdentityModule(
  rt: Runtime,
  opts: { afterLogin?: AfterLogin; revocationsReloadMs?: number; jobs?: JobRunner } = {},
): Promise<IdentityModule> {
  const { config } = rt;
  opts.jobs?.every(LOGIN_FAILURES_SWEEP_JOB, LOGIN_FAILURES_SWEEP_MS, async (_payload, ctx) => {
    const removed = await sweepLoginFailures(ctx.db);
    if (removed > 0) ctx.log.info({ removed }, 'identity: swept ended sign-in failure windows');
  });
  const tokens = await TokenService.create(rt.database.db, {
    issuer: config.AGORA_PUBLIC_URL,
    accessTtlSeconds: config.AGORA_ACCESS_TOKEN_TTL,
    configuredPrivateKeyPem: config.AGORA_JWT_PRIVATE_KEY,
  });
  const authDeps: AuthDeps = {
    tokens,
    hasher: createPasswordHasher(rt),
    accessTtlSeconds: config.AGORA_ACCESS_TOKEN_TTL,
    refreshTtlSeconds: config.AGORA_REFRESH_TOKEN_TTL,
    loginMaxFailures: config.AGORA_LOGIN_MAX_FAILURES,
    loginLockSeconds: config.AGORA_LOGIN_LOCK_SECONDS,
  };
  return {
    tokens,
    authDeps,
    routes: (guard) =>
      identityRoutes({
        db: rt.database.db,
        guard,
        auth: authDeps,
        tokens,
        authRateLimit: config.AGORA_RATE_LIMIT_AUTH_MAX,
        afterLogin: opts.afterLogin,
        followRevocations: () =>
          tokens.revoked.follow(rt.database, rt.log, opts.revocationsReloadMs ?? REVOCATIONS_RELOAD_MS),
      }),
  };
}

export function createPasswordHasher(rt: Pick<Runtime, 'config'>): PasswordHasher {
  return new PasswordHasher({
    memoryKib: rt.config.AGORA_ARGON2_MEMORY_KIB,
    timeCost: rt.config.AGORA_ARGON2_TIME_COST,
  });
}

/** A user's display name, for other modules that show who someone is (e.g. a seller profile). */
export async function findUserName(db: AnyDb, userId: string): Promise<string | undefined> {
  return (await findUserById(db, userId))?.name;
}

/** An account by email (the CLI acts for a named user): its id and role, if it exists. */
export async function findAccountByEmail(
  db: AnyDb,
  email: string,
): Promise<{ id: string; role: 'buyer' | 'seller' | 'admin' } | undefined> {
  const user = await findUserByEmail(db, email.trim().toLowerCase());
  return user && { id: user.id, role: user.role };
}

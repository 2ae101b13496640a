import { fullFormats } from 'ajv-formats/dist/formats.js';
import type { Ctx } from '../../platform/context.js';
import { ValidationError } from '../../platform/errors.js';
import { publishEvents } from '../../platform/events/outbox.js';
import type { Role } from '../../platform/http/auth.js';
import {
  AccountDisabledError,
  BadCredentialsError,
  EmailTakenError,
  InvalidRefreshTokenError,
  LoginThrottledError,
} from './errors.js';
import { IDENTITY_SOURCE } from './events.js';
import { passwordProblems, type PasswordHasher } from './passwords.js';
import { presentUser } from './presenters.js';
import * as repo from './repository.js';
import type { User } from './schemas.js';
import { newRefreshToken, hashRefreshToken, type TokenService } from './tokens.js';
import type { UserRow } from './tables.js';

export interface AuthDeps {
  tokens: TokenService;
  hasher: PasswordHasher;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  loginMaxFailures: number;
  loginLockSeconds: number;
}

export interface AuthResult {
  user: User;
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/**
 * Creates an account and its first session. Admins are never created here.
 * @throws ValidationError for a weak password; EmailTakenError when the email is registered.
 */
export async function register(
  ctx: Ctx,
  deps: AuthDeps,
  input: { email: string; password: string; name: string; role: Role },
): Promise<AuthResult> {
  const email = normalizeEmail(input.email);
  const problems = passwordProblems(input.password, email);
  if (problems.length) throw new ValidationError(problems, 'The password is too weak');
  const passwordHash = await deps.hasher.hash(input.password);
  const name = input.name.trim();
  if (!name) throw new ValidationError([{ path: '/body/name', message: 'must not be blank' }]);
  return ctx.db.transaction().execute(async (trx) => {
    const user = await repo.insertUser(trx, { email, passwordHash, name, role: input.role });
    if (!user) throw new EmailTakenError();
    await publishEvents(trx, { source: IDENTITY_SOURCE, correlationId: ctx.requestId }, [
      { type: 'user.registered', subject: user.id, data: { userId: user.id, email, name, role: user.role } },
    ]);
    return startSession(trx, deps, user);
  });
}

/**
 * Signs in with email and password. Failures are counted per account (per normalized email, known
 * or not) in `identity.login_failures`, which every process shares: past `loginMaxFailures` within
 * a window of `loginLockSeconds` from the first failure, the account is locked until the window
 * ends, whatever the password, and the lock is checked before the password so it costs no hash.
 * A success forgets the failures. Per-IP limits sit on the route.
 * @throws BadCredentialsError (same for unknown email and wrong password), LoginThrottledError, AccountDisabledError
 */
export async function login(
  ctx: Ctx,
  deps: AuthDeps,
  input: { email: string; password: string },
): Promise<AuthResult> {
  const email = normalizeEmail(input.email);
  const failed = await repo.findLoginFailures(ctx.db, email);
  if (failed?.live && failed.failures >= deps.loginMaxFailures) {
    throw new LoginThrottledError(Math.max(1, failed.secondsLeft));
  }
  const user = await repo.findUserByEmail(ctx.db, email);
  const ok = user
    ? await deps.hasher.verify(user.password_hash, input.password)
    : await deps.hasher.verifyNothing(input.password);
  if (!user || !ok) {
    await repo.recordLoginFailure(ctx.db, email, deps.loginLockSeconds);
    ctx.log.info({ event: 'login_failed' }, 'sign-in failed');
    throw new BadCredentialsError();
  }
  if (user.disabled_at) throw new AccountDisabledError();
  // a sign-in without failures writes nothing; an ended window's row goes too
  if (failed) await repo.clearLoginFailures(ctx.db, email);
  return ctx.db.transaction().execute(async (trx) => {
    // Read again, share-locked: an admin may have disabled the account or changed its role while
    // the password was checked, and a change that comes now waits, then revokes this session.
    const current = await repo.lockUserForSession(trx, user.id);
    if (!current || current.disabled_at) throw new AccountDisabledError();
    return startSession(trx, deps, current);
  });
}

/** The recurring job that deletes the failure rows of ended windows. */
export const LOGIN_FAILURES_SWEEP_JOB = 'identity.login_failures.sweep';
/** How often it runs: a row outlives its window by at most this (the table stays small). */
export const LOGIN_FAILURES_SWEEP_MS = 3_600_000;
const SWEEP_BATCH = 5_000;

/**
 * Deletes the failure rows whose window has ended, in batches (short statements, even after a
 * spray of unknown emails); returns how many. A row for an email that fails again is restarted by
 * the failure's own upsert, so only emails nobody tries again wait for this.
 */
export async function sweepLoginFailures(db: Ctx['db']): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await repo.deleteEndedLoginFailures(db, SWEEP_BATCH);
    total += deleted;
    if (deleted < SWEEP_BATCH) return total;
  }
}

/**
 * Rotates a refresh token: the presented one is spent and a new pair is issued in the same session.
 * Presenting a token that was already spent revokes its whole session (family): somebody holds a
 * stolen copy.
 * @throws InvalidRefreshTokenError
 */
export async function refresh(ctx: Ctx, deps: AuthDeps, refreshToken: string): Promise<AuthResult> {
  const hash = hashRefreshToken(refreshToken);
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    const spent = await repo.spendRefreshToken(trx, hash);
    if (!spent.ok) {
      if (spent.reusedSessionId) await repo.revokeSession(trx, spent.reusedSessionId, 'refresh_token_reuse');
      return { ok: false as const, error: new InvalidRefreshTokenError(Boolean(spent.reusedSessionId)) };
    }
    const user = await repo.findUserById(trx, spent.userId);
    if (!user || user.disabled_at) return { ok: false as const, error: new InvalidRefreshTokenError() };
    const next = newRefreshToken();
    await repo.insertRefreshToken(trx, {
      hash: next.hash,
      sessionId: spent.sessionId,
      userId: user.id,
      ttlSeconds: deps.refreshTtlSeconds,
    });
    return { ok: true as const, user, sessionId: spent.sessionId, refreshToken: next.token };
  });
  if (!outcome.ok) {
    ctx.log.warn({ event: 'refresh_rejected' }, outcome.error.message);
    throw outcome.error;
  }
  return {
    user: presentUser(outcome.user),
    accessToken: await deps.tokens.sign(outcome.user, outcome.sessionId),
    refreshToken: outcome.refreshToken,
    expiresIn: deps.accessTtlSeconds,
  };
}

/** Ends a session: its refresh tokens stop working. Access tokens lapse at their (short) expiry. */
export async function logout(ctx: Ctx, sessionId: string): Promise<void> {
  await repo.revokeSession(ctx.db, sessionId, 'logout');
}

/** The `email` format the HTTP schemas check (ajv-formats), for accounts made outside HTTP. */
const EMAIL = fullFormats.email as RegExp;

/**
 * Creates an admin account, or promotes and re-keys an existing one (CLI and configuration). A new
 * password ends the account's sessions, as a password reset does: whoever knew the old one is signed
 * out. The same password (configuration ensures the admin at every start) ends none.
 * @throws ValidationError for an email address that is not one, or a weak password
 */
export async function ensureAdmin(
  ctx: Ctx,
  deps: Pick<AuthDeps, 'hasher'>,
  input: { email: string; password: string; name?: string },
): Promise<{ user: User; created: boolean }> {
  const email = normalizeEmail(input.email);
  if (!EMAIL.test(email))
    throw new ValidationError(
      [{ path: '--email', message: 'is not an email address' }],
      `The email address ${JSON.stringify(email)} is not valid`,
    );
  const problems = passwordProblems(input.password, email, '--password');
  if (problems.length)
    throw new ValidationError(
      problems,
      `The password is too weak: ${problems.map((p) => p.message).join(', ')}`,
    );
  const passwordHash = await deps.hasher.hash(input.password);
  return ctx.db.transaction().execute(async (trx) => {
    const created = await repo.insertUser(trx, {
      email,
      passwordHash,
      name: input.name?.trim() || 'Administrator',
      role: 'admin',
    });
    if (created) {
      await publishEvents(trx, { source: IDENTITY_SOURCE, correlationId: ctx.requestId }, [
        {
          type: 'user.registered',
          subject: created.id,
          data: { userId: created.id, email, name: created.name, role: 'admin' },
        },
      ]);
      return { user: presentUser(created), created: true };
    }
    const existing = (await repo.lockUser(trx, (await repo.findUserByEmail(trx, email))!.id))!;
    const rekeyed = !(await deps.hasher.verify(existing.password_hash, input.password));
    const updated = await repo.updateUser(trx, existing.id, {
      role: 'admin',
      ...(rekeyed && { password_hash: passwordHash }),
      disabled_at: null,
    });
    if (rekeyed) await repo.revokeUserSessions(trx, existing.id, 'password_changed');
    return { user: presentUser(updated!), created: false };
  });
}

async function startSession(
  trx: Parameters<typeof repo.insertSession>[0],
  deps: AuthDeps,
  user: UserRow,
): Promise<AuthResult> {
  const sessionId = await repo.insertSession(trx, user.id);
  const token = newRefreshToken();
  await repo.insertRefreshToken(trx, {
    hash: token.hash,
    sessionId,
    userId: user.id,
    ttlSeconds: deps.refreshTtlSeconds,
  });
  return {
    user: presentUser(user),
    accessToken: await deps.tokens.sign(user, sessionId),
    refreshToken: token.token,
    expiresIn: deps.accessTtlSeconds,
  };
}

/**
 * Creates a seller account unless one exists with this email (used by seeding; never changes
 * an existing account). Returns the account either way.
 * @throws ValidationError for a weak password; AppError conflict when the email belongs to a non-seller
 */
export async function ensureSeller(
  ctx: Ctx,
  deps: Pick<AuthDeps, 'hasher'>,
  input: { email: string; password: string; name: string },
): Promise<{ user: User; created: boolean }> {
  const email = normalizeEmail(input.email);
  const existing = await repo.findUserByEmail(ctx.db, email);
  if (existing) {
    if (existing.role !== 'seller') throw new EmailTakenError();
    return { user: presentUser(existing), created: false };
  }
  const problems = passwordProblems(input.password, email);
  if (problems.length) throw new ValidationError(problems, 'The password is too weak');
  const passwordHash = await deps.hasher.hash(input.password);
  return ctx.db.transaction().execute(async (trx) => {
    const user = await repo.insertUser(trx, { email, passwordHash, name: input.name, role: 'seller' });
    if (!user) throw new EmailTakenError();
    await publishEvents(trx, { source: IDENTITY_SOURCE, correlationId: ctx.requestId }, [
      {
        type: 'user.registered',
        subject: user.id,
        data: { userId: user.id, email, name: user.name, role: 'seller' },
      },
    ]);
    return { user: presentUser(user), created: true };
  });
}

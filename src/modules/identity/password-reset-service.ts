import type { Ctx } from '../../platform/context.js';
import { ValidationError } from '../../platform/errors.js';
import { publishEvents } from '../../platform/events/outbox.js';
import type { AuthDeps } from './auth-service.js';
import { normalizeEmail } from './auth-service.js';
import { InvalidResetTokenError } from './errors.js';
import { IDENTITY_SOURCE } from './events.js';
import { passwordProblems } from './passwords.js';
import * as repo from './repository.js';
import { hashRefreshToken, newRefreshToken } from './tokens.js';

const RESET_TTL_MS = 60 * 60 * 1000;

/**
 * Starts a password reset: a one-time token (only its hash is stored) leaves in a
 * `user.password_reset_requested` event, which the notifications module emails. Unknown and disabled
 * accounts get the same answer and no event, so the endpoint does not reveal who has an account.
 */
export async function requestPasswordReset(ctx: Ctx, input: { email: string }): Promise<void> {
  const email = normalizeEmail(input.email);
  const user = await repo.findUserByEmail(ctx.db, email);
  if (!user || user.disabled_at) {
    ctx.log.info({ event: 'password_reset_unknown' }, 'password reset for an unknown or disabled account');
    return;
  }
  const { token, hash } = newRefreshToken();
  const expiresAt = new Date(Date.now() + RESET_TTL_MS);
  await ctx.db.transaction().execute(async (trx) => {
    await repo.insertPasswordReset(trx, { tokenHash: hash, userId: user.id, expiresAt });
    await publishEvents(trx, { source: IDENTITY_SOURCE, correlationId: ctx.requestId }, [
      {
        type: 'user.password_reset_requested',
        subject: user.id,
        data: { userId: user.id, email, token, expiresAt: expiresAt.toISOString() },
      },
    ]);
  });
}

/**
 * Sets a new password with a reset token; the token is spent and every session of the account is
 * revoked (whoever knew the old password is signed out).
 * @throws ValidationError for a weak password; InvalidResetTokenError for an unknown, used or expired token
 */
export async function confirmPasswordReset(
  ctx: Ctx,
  deps: Pick<AuthDeps, 'hasher'>,
  input: { token: string; password: string },
): Promise<void> {
  const tokenHash = hashRefreshToken(input.token);
  await ctx.db.transaction().execute(async (trx) => {
    const userId = await repo.spendPasswordReset(trx, tokenHash);
    if (!userId) throw new InvalidResetTokenError();
    const user = await repo.findUserById(trx, userId);
    if (!user || user.disabled_at) throw new InvalidResetTokenError();
    const problems = passwordProblems(input.password, user.email);
    if (problems.length) throw new ValidationError(problems, 'The password is too weak');
    await repo.updateUser(trx, userId, { password_hash: await deps.hasher.hash(input.password) });
    await repo.revokeUserSessions(trx, userId, 'password_reset');
  });
}

import type { Ctx } from '../../platform/context.js';
import { AppError, NotFoundError } from '../../platform/errors.js';
import { publishEvents } from '../../platform/events/outbox.js';
import { actorRequired } from './guards.js';
import { IDENTITY_SOURCE } from './events.js';
import { decodeCursor, pageOf, presentUser } from './presenters.js';
import * as repo from './repository.js';
import { REVOCATIONS_CHANNEL, type RevokedSessions } from './revocations.js';
import type { AdminUserPatch, User, UserListQuery } from './schemas.js';

export async function listUsers(ctx: Ctx, q: UserListQuery) {
  const rows = await repo.listUsers(ctx.db, {
    limit: q.limit,
    afterId: decodeCursor(q.cursor),
    role: q.role,
    emailPrefix: q.email?.trim().toLowerCase(),
  });
  return pageOf(rows, q.limit, presentUser);
}

/**
 * Changes a user's role or disables the account. Either ends every session at once: their refresh
 * tokens stop working and so do their access tokens, in this process when the change commits and
 * in the others when they hear of it (NOTIFY, or their next reload of the revoked sessions). The
 * user signs in again to get a token with the new role. A patch that changes nothing (the role the
 * user has, a disable of a disabled account) writes nothing and ends no session.
 * @throws NotFoundError; AppError conflict when an admin would disable or demote themself
 */
export async function changeUser(
  ctx: Ctx,
  deps: { revoked: RevokedSessions },
  id: string,
  patch: AdminUserPatch,
): Promise<User> {
  if (
    id === actorRequired(ctx).userId &&
    (patch.disabled === true || (patch.role && patch.role !== 'admin'))
  ) {
    throw new AppError('conflict', 'Admins cannot disable or demote themselves');
  }
  const { user, revoked } = await ctx.db.transaction().execute(async (trx) => {
    const before = await repo.lockUser(trx, id);
    if (!before) throw new NotFoundError('User');
    const role = patch.role !== undefined && patch.role !== before.role ? patch.role : undefined;
    const disabled =
      patch.disabled !== undefined && patch.disabled !== (before.disabled_at !== null)
        ? patch.disabled
        : undefined;
    if (role === undefined && disabled === undefined) return { user: presentUser(before), revoked: [] };
    const row = await repo.updateUser(trx, id, {
      ...(role !== undefined && { role }),
      ...(disabled !== undefined && { disabled_at: disabled ? new Date() : null }),
    });
    if (!row) throw new NotFoundError('User');
    let revoked: string[] = [];
    if (disabled || role) {
      const reason = disabled ? 'disabled' : 'role_changed';
      revoked = await repo.revokeUserAccess(trx, id, reason, deps.revoked.horizonSeconds);
      if (revoked.length) await repo.notifyRevocation(trx, REVOCATIONS_CHANNEL, id);
    }
    await publishEvents(trx, { source: IDENTITY_SOURCE, correlationId: ctx.requestId }, [
      {
        type: 'user.updated',
        subject: id,
        data: { userId: id, role: row.role, disabled: row.disabled_at !== null },
      },
    ]);
    return { user: presentUser(row), revoked };
  });
  deps.revoked.add(revoked);
  return user;
}

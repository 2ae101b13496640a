import type { Ctx } from '../../platform/context.js';
import { AppError, NotFoundError } from '../../platform/errors.js';
import { publishEvents } from '../../platform/events/outbox.js';
import { actorRequired } from './guards.js';
import { IDENTITY_SOURCE } from './events.js';
import { decodeCursor, pageOf, presentUser } from './presenters.js';
import * as repo from './repository.js';
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
 * Changes a user's role or disables the account. Disabling ends every session at once.
 * @throws NotFoundError; AppError conflict when an admin would disable or demote themself
 */
export async function changeUser(ctx: Ctx, id: string, patch: AdminUserPatch): Promise<User> {
  if (
    id === actorRequired(ctx).userId &&
    (patch.disabled === true || (patch.role && patch.role !== 'admin'))
  ) {
    throw new AppError('conflict', 'Admins cannot disable or demote themselves');
  }
  return ctx.db.transaction().execute(async (trx) => {
    const row = await repo.updateUser(trx, id, {
      ...(patch.role ? { role: patch.role } : {}),
      ...(patch.disabled !== undefined && { disabled_at: patch.disabled ? new Date() : null }),
    });
    if (!row) throw new NotFoundError('User');
    if (patch.disabled || patch.role)
      await repo.revokeUserSessions(trx, id, patch.disabled ? 'disabled' : 'role_changed');
    await publishEvents(trx, { source: IDENTITY_SOURCE, correlationId: ctx.requestId }, [
      {
        type: 'user.updated',
        subject: id,
        data: { userId: id, role: row.role, disabled: row.disabled_at !== null },
      },
    ]);
    return presentUser(row);
  });
}

import type { Ctx } from '../../platform/context.js';
import { NotFoundError, UnauthorizedError, ValidationError } from '../../platform/errors.js';
import * as repo from './repository.js';
import {
  decodeCursor,
  encodeCursor,
  type Notification,
  type NotificationListQuery,
  type Preferences,
} from './schemas.js';
import type { NotificationRow } from './tables.js';

function userOf(ctx: Ctx): string {
  if (!ctx.actor) throw new UnauthorizedError();
  return ctx.actor.userId;
}

export function presentNotification(row: NotificationRow): Notification {
  return {
    id: row.id,
    type: row.type,
    title: row.title,
    body: row.body,
    data: (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as Record<string, unknown>,
    read: row.read_at !== null,
    readAt: row.read_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

/** The actor's in-app notifications, newest first. @throws ValidationError for a malformed cursor */
export async function listMine(ctx: Ctx, q: NotificationListQuery) {
  const userId = userOf(ctx);
  const beforeId = decodeCursor(q.cursor);
  if (q.cursor && !beforeId)
    throw new ValidationError([{ path: '/querystring/cursor', message: 'is not a valid cursor' }]);
  const rows = await repo.listNotifications(ctx.db, userId, { limit: q.limit, beforeId, unread: q.unread });
  const more = rows.length > q.limit;
  const page = more ? rows.slice(0, q.limit) : rows;
  return {
    items: page.map(presentNotification),
    nextCursor: more ? encodeCursor(page[page.length - 1].id) : null,
    unreadCount: await repo.countUnread(ctx.db, userId),
  };
}

/** @throws NotFoundError when the notification is not the actor's */
export async function markRead(ctx: Ctx, id: string): Promise<Notification> {
  const row = await repo.markRead(ctx.db, userOf(ctx), id);
  if (!row) throw new NotFoundError('Notification');
  return presentNotification(row);
}

export async function markAllRead(ctx: Ctx): Promise<{ updated: number }> {
  return { updated: await repo.markAllRead(ctx.db, userOf(ctx)) };
}

export function getPreferences(ctx: Ctx): Promise<Preferences> {
  return repo.getPreferences(ctx.db, userOf(ctx));
}

export async function setPreferences(ctx: Ctx, p: Preferences): Promise<Preferences> {
  await repo.setPreferences(ctx.db, userOf(ctx), p);
  return p;
}

import { randomBytes } from 'node:crypto';
import type { Ctx } from '../../platform/context.js';
import { NotFoundError, UnauthorizedError, ValidationError } from '../../platform/errors.js';
import type { Actor } from '../../platform/http/auth.js';
import { UnsafeWebhookUrlError } from './errors.js';
import { SELLER_WEBHOOK_EVENT_TYPES, type WebhookEventType } from './events.js';
import * as repo from './repository.js';
import { decodeCursor, encodeCursor, type Delivery, type Webhook, type WebhookBody } from './schemas.js';
import type { WebhookRow } from './tables.js';
import { refusedUrl } from './url-guard.js';

function actorOf(ctx: Ctx): Actor {
  if (!ctx.actor) throw new UnauthorizedError();
  return ctx.actor;
}

function present(row: WebhookRow): Webhook {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    ownerId: row.owner_id,
    createdAt: row.created_at.toISOString(),
  };
}

/**
 * Registers an endpoint; the signing secret is returned once, here.
 * @throws UnsafeWebhookUrlError for a URL on a loopback, private or link-local address (after DNS)
 */
export async function createWebhook(
  ctx: Ctx,
  opts: { allowPrivate: boolean },
  input: WebhookBody,
): Promise<Webhook & { secret: string }> {
  const actor = actorOf(ctx);
  if (actor.role === 'seller') {
    // an event that names no seller would never reach the endpoint: say so instead of accepting it
    const errors = input.events.flatMap((type: string, i) =>
      SELLER_WEBHOOK_EVENT_TYPES.has(type as WebhookEventType)
        ? []
        : [
            {
              path: `/body/events/${i}`,
              message: `${type} names no seller: a seller's endpoint never gets it`,
            },
          ],
    );
    if (errors.length) throw new ValidationError(errors);
  }
  const refused = await refusedUrl(input.url, opts.allowPrivate);
  if (refused) throw new UnsafeWebhookUrlError(refused);
  const secret = `whsec_${randomBytes(32).toString('hex')}`;
  const row = await repo.insertWebhook(ctx.db, {
    ownerId: actor.userId,
    ownerRole: actor.role,
    url: new URL(input.url).toString(),
    events: input.events,
    secret,
  });
  return { ...present(row), secret };
}

/** A seller sees its own endpoints; an admin sees all. */
export async function listWebhooks(ctx: Ctx) {
  const actor = actorOf(ctx);
  const rows = await repo.listWebhooks(ctx.db, actor.role === 'admin' ? null : actor.userId);
  return { items: rows.map(present), nextCursor: null };
}

/** Another seller's endpoint answers 404, the same as a missing one. */
async function ownWebhook(ctx: Ctx, id: string): Promise<WebhookRow> {
  const actor = actorOf(ctx);
  const row = await repo.findWebhook(ctx.db, id);
  if (!row || row.deleted_at || (actor.role !== 'admin' && row.owner_id !== actor.userId))
    throw new NotFoundError('Webhook');
  return row;
}

/** Stops deliveries to the endpoint; pending ones are cancelled. @throws NotFoundError */
export async function deleteWebhook(ctx: Ctx, id: string): Promise<void> {
  await ownWebhook(ctx, id);
  await ctx.db.transaction().execute((trx) => repo.deleteWebhook(trx, id));
}

/** Deliveries newest first, each with every attempt. @throws NotFoundError, ValidationError */
export async function listDeliveries(ctx: Ctx, id: string, q: { limit: number; cursor?: string }) {
  await ownWebhook(ctx, id);
  const beforeId = decodeCursor(q.cursor);
  if (q.cursor && !beforeId)
    throw new ValidationError([{ path: '/querystring/cursor', message: 'is not a valid cursor' }]);
  const rows = await repo.listDeliveries(ctx.db, id, q.limit, beforeId);
  const more = rows.length > q.limit;
  const page = more ? rows.slice(0, q.limit) : rows;
  const attempts = await repo.attemptsOf(
    ctx.db,
    page.map((d) => d.id),
  );
  const items: Delivery[] = page.map((d) => ({
    id: d.id,
    eventId: d.event_id,
    eventType: d.event_type,
    status: d.status,
    createdAt: d.created_at.toISOString(),
    updatedAt: d.updated_at.toISOString(),
    attempts: attempts
      .filter((a) => a.delivery_id === d.id)
      .map((a) => ({
        attempt: a.attempt,
        at: a.at.toISOString(),
        statusCode: a.status_code,
        error: a.error,
        durationMs: a.duration_ms,
      })),
  }));
  return { items, nextCursor: more ? encodeCursor(page[page.length - 1].id) : null };
}

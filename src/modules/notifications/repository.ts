import { sql, type Kysely } from 'kysely';
import { isUuid, uuidv7 } from '../../platform/ids.js';
import { scoped, type AnyDb } from '../../platform/db.js';
import { prepared } from '../../platform/prepared.js';
import { PerTurnBatcher } from '../../platform/per-turn-batcher.js';
import type { AttemptRow, DeliveryRow, NotificationRow, NotificationsTables, WebhookRow } from './tables.js';

type Db = Kysely<NotificationsTables>;
const t = (db: AnyDb): Db => scoped<NotificationsTables>(db);

const NOTIFICATION_COLUMNS = [
  'id',
  'user_id',
  'type',
  'title',
  'body',
  'data',
  'event_id',
  'read_at',
  'created_at',
] as const;
const WEBHOOK_COLUMNS = [
  'id',
  'owner_id',
  'owner_role',
  'url',
  'events',
  'secret',
  'created_at',
  'deleted_at',
] as const;
const DELIVERY_COLUMNS = [
  'id',
  'webhook_id',
  'event_id',
  'event_type',
  'payload',
  'status',
  'attempts',
  'created_at',
  'updated_at',
] as const;

export async function upsertRecipient(
  db: AnyDb,
  r: { userId: string; email: string; name: string; role: string },
) {
  await t(db)
    .insertInto('notifications.recipients')
    .values({ user_id: r.userId, email: r.email, name: r.name, role: r.role })
    .onConflict((oc) =>
      oc
        .column('user_id')
        .doUpdateSet({ email: r.email, name: r.name, role: r.role, updated_at: new Date() }),
    )
    .execute();
}

const recipientsByIds = prepared((db, v: { userIds: string[] }) =>
  t(db)
    .selectFrom('notifications.recipients')
    .select(['user_id', 'email', 'name'])
    .where(sql<boolean>`user_id = any(${v.userIds}::uuid[])`),
);

type Recipient = { user_id: string; email: string; name: string };

export async function findRecipient(db: AnyDb, userId: string): Promise<Recipient | undefined> {
  return (await recipientsByIds.execute(db, { userIds: [userId] }))[0];
}

interface Lookup {
  userId: string;
  resolve: (r: Recipient | undefined) => void;
  reject: (err: unknown) => void;
}

/**
 * `findRecipient` for the email jobs: the lookups made in one turn of the event loop (the jobs one
 * claim started) share one statement. A user id that is not a UUID has no recipient (and cannot
 * fail the others' lookup).
 */
export class RecipientLookup {
  private readonly queued = new PerTurnBatcher<Lookup>((_, batch) => void this.lookUp(batch));

  constructor(private readonly db: AnyDb) {}

  find(userId: string): Promise<Recipient | undefined> {
    if (!isUuid(userId)) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => this.queued.add('', { userId, resolve, reject }));
  }

  private async lookUp(batch: Lookup[]) {
    try {
      const rows = await recipientsByIds.execute(this.db, {
        userIds: [...new Set(batch.map((b) => b.userId))],
      });
      const byId = new Map(rows.map((r) => [r.user_id, r]));
      for (const b of batch) b.resolve(byId.get(b.userId));
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
  }
}

export async function getPreferences(db: AnyDb, userId: string): Promise<{ marketingEmails: boolean }> {
  const row = await t(db)
    .selectFrom('notifications.preferences')
    .select(['marketing_emails'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return { marketingEmails: row?.marketing_emails ?? false };
}

export async function setPreferences(db: AnyDb, userId: string, p: { marketingEmails: boolean }) {
  await t(db)
    .insertInto('notifications.preferences')
    .values({ user_id: userId, marketing_emails: p.marketingEmails })
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet({ marketing_emails: p.marketingEmails, updated_at: new Date() }),
    )
    .execute();
}

const insertNotificationRows = prepared(
  (
    db,
    v: {
      ids: string[];
      userIds: string[];
      types: string[];
      titles: string[];
      bodies: string[];
      data: string[];
      eventIds: string[];
    },
  ) =>
    t(db)
      .insertInto('notifications.notifications')
      .columns(['id', 'user_id', 'type', 'title', 'body', 'data', 'event_id'])
      .expression(
        sql`select * from unnest(${v.ids}::uuid[], ${v.userIds}::uuid[], ${v.types}::text[],
              ${v.titles}::text[], ${v.bodies}::text[], ${v.data}::jsonb[], ${v.eventIds}::uuid[])`,
      ),
);

export interface NewNotification {
  userId: string;
  type: string;
  title: string;
  body: string;
  data: unknown;
  eventId: string;
}

/** Records in-app notifications: one statement for any number of them. */
export async function insertNotifications(db: AnyDb, list: NewNotification[]): Promise<void> {
  if (list.length === 0) return;
  await insertNotificationRows.run(db, {
    ids: list.map(() => uuidv7()),
    userIds: list.map((n) => n.userId),
    types: list.map((n) => n.type),
    titles: list.map((n) => n.title),
    bodies: list.map((n) => n.body),
    data: list.map((n) => JSON.stringify(n.data ?? {})),
    eventIds: list.map((n) => n.eventId),
  });
}

export function listNotifications(
  db: AnyDb,
  userId: string,
  q: { limit: number; beforeId?: string; unread?: boolean },
): Promise<NotificationRow[]> {
  let query = t(db)
    .selectFrom('notifications.notifications')
    .select(NOTIFICATION_COLUMNS)
    .where('user_id', '=', userId)
    .orderBy('id', 'desc')
    .limit(q.limit + 1);
  if (q.beforeId) query = query.where('id', '<', q.beforeId);
  if (q.unread) query = query.where('read_at', 'is', null);
  return query.execute();
}

export async function countUnread(db: AnyDb, userId: string): Promise<number> {
  const row = await t(db)
    .selectFrom('notifications.notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function markRead(db: AnyDb, userId: string, id: string): Promise<NotificationRow | undefined> {
  return t(db)
    .updateTable('notifications.notifications')
    .set({ read_at: sql<Date>`coalesce(read_at, now())` })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .returning(NOTIFICATION_COLUMNS)
    .executeTakeFirst();
}

export async function markAllRead(db: AnyDb, userId: string): Promise<number> {
  const rows = await t(db)
    .updateTable('notifications.notifications')
    .set({ read_at: new Date() })
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .returning('id')
    .execute();
  return rows.length;
}

export async function insertWebhook(
  db: AnyDb,
  w: { ownerId: string; ownerRole: string; url: string; events: string[]; secret: string },
): Promise<WebhookRow> {
  return t(db)
    .insertInto('notifications.webhooks')
    .values({
      id: uuidv7(),
      owner_id: w.ownerId,
      owner_role: w.ownerRole,
      url: w.url,
      events: w.events,
      secret: w.secret,
      deleted_at: null,
    })
    .returning(WEBHOOK_COLUMNS)
    .executeTakeFirstOrThrow();
}

export function listWebhooks(db: AnyDb, ownerId: string | null): Promise<WebhookRow[]> {
  let q = t(db)
    .selectFrom('notifications.webhooks')
    .select(WEBHOOK_COLUMNS)
    .where('deleted_at', 'is', null)
    .orderBy('id');
  if (ownerId) q = q.where('owner_id', '=', ownerId);
  return q.limit(500).execute();
}

export function findWebhook(db: AnyDb, id: string): Promise<WebhookRow | undefined> {
  return t(db)
    .selectFrom('notifications.webhooks')
    .select(WEBHOOK_COLUMNS)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function deleteWebhook(db: AnyDb, id: string): Promise<void> {
  await t(db)
    .updateTable('notifications.webhooks')
    .set({ deleted_at: new Date() })
    .where('id', '=', id)
    .execute();
  await t(db)
    .updateTable('notifications.webhook_deliveries')
    .set({ status: 'cancelled', updated_at: new Date() })
    .where('webhook_id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

const webhooksOfTypes = prepared((db, v: { types: string[] }) =>
  t(db)
    .selectFrom('notifications.webhooks')
    .select(WEBHOOK_COLUMNS)
    .where('deleted_at', 'is', null)
    .where(sql<boolean>`events && ${v.types}::text[]`),
);

/** The live endpoints subscribed to each of `types`, with one statement. */
export async function webhooksForTypes(db: AnyDb, types: string[]): Promise<Map<string, WebhookRow[]>> {
  const rows = types.length ? await webhooksOfTypes.execute(db, { types }) : [];
  return new Map(types.map((type) => [type, rows.filter((r) => r.events.includes(type))]));
}

const insertDeliveryRow = prepared(
  (db, v: { id: string; webhookId: string; eventId: string; eventType: string; payload: string }) =>
    t(db)
      .insertInto('notifications.webhook_deliveries')
      .values({
        id: v.id,
        webhook_id: v.webhookId,
        event_id: v.eventId,
        event_type: v.eventType,
        payload: v.payload,
      })
      .onConflict((oc) => oc.columns(['webhook_id', 'event_id']).doNothing())
      .returning('id'),
);

/** Returns the new delivery's id, or undefined when this event was already queued for the hook. */
export async function insertDelivery(
  db: AnyDb,
  d: { webhookId: string; eventId: string; eventType: string; payload: string },
): Promise<string | undefined> {
  const row = await insertDeliveryRow.executeTakeFirst(db, { ...d, id: uuidv7() });
  return row?.id;
}

export function findDelivery(db: AnyDb, id: string): Promise<DeliveryRow | undefined> {
  return t(db)
    .selectFrom('notifications.webhook_deliveries')
    .select(DELIVERY_COLUMNS)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function recordAttempt(
  db: AnyDb,
  a: {
    deliveryId: string;
    attempt: number;
    statusCode: number | null;
    error: string | null;
    durationMs: number;
  },
  status: 'pending' | 'succeeded' | 'failed',
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await t(trx)
      .insertInto('notifications.webhook_attempts')
      .values({
        delivery_id: a.deliveryId,
        attempt: a.attempt,
        status_code: a.statusCode,
        error: a.error?.slice(0, 1_000) ?? null,
        duration_ms: a.durationMs,
      })
      .execute();
    await t(trx)
      .updateTable('notifications.webhook_deliveries')
      .set({ status, attempts: a.attempt, updated_at: new Date() })
      .where('id', '=', a.deliveryId)
      .execute();
  });
}

export function listDeliveries(
  db: AnyDb,
  webhookId: string,
  limit: number,
  beforeId?: string,
): Promise<DeliveryRow[]> {
  let q = t(db)
    .selectFrom('notifications.webhook_deliveries')
    .select(DELIVERY_COLUMNS)
    .where('webhook_id', '=', webhookId)
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (beforeId) q = q.where('id', '<', beforeId);
  return q.execute();
}

export function attemptsOf(db: AnyDb, deliveryIds: string[]): Promise<AttemptRow[]> {
  if (deliveryIds.length === 0) return Promise.resolve([]);
  return t(db)
    .selectFrom('notifications.webhook_attempts')
    .select(['id', 'delivery_id', 'attempt', 'status_code', 'error', 'duration_ms', 'at'])
    .where('delivery_id', 'in', deliveryIds)
    .orderBy('id')
    .execute();
}

/** Users who opted in to marketing emails and whose address is known, after `after`, ascending. */
export async function marketingRecipients(db: AnyDb, after: string | null, limit: number): Promise<string[]> {
  let q = t(db)
    .selectFrom('notifications.preferences')
    .innerJoin(
      'notifications.recipients',
      'notifications.recipients.user_id',
      'notifications.preferences.user_id',
    )
    .select('notifications.preferences.user_id')
    .where('notifications.preferences.marketing_emails', '=', true);
  if (after) q = q.where('notifications.preferences.user_id', '>', after);
  const rows = await q.orderBy('notifications.preferences.user_id').limit(limit).execute();
  return rows.map((r) => r.user_id);
}

import type { EventContext } from '../../platform/events/bus.js';
import type { CloudEvent } from '../../platform/events/outbox.js';
import {
  PostponeJob,
  type JobContext,
  type JobRunner,
  type JobToSchedule,
} from '../../platform/jobs/runner.js';
import type { DegradedMode } from '../../platform/degraded.js';
import { NOTIFY_TYPES, WEBHOOK_EVENT_TYPES, type ConsumedEvents } from './events.js';
import type { Mailer } from './mailer.js';
import * as repo from './repository.js';
import { render } from './templates.js';
import { WEBHOOK_JOB, type WebhookJobPayload } from './webhook-delivery.js';

export const EMAIL_JOB = 'notifications.email';

export interface EmailJobPayload {
  /** The address, or the user whose recorded address to use. */
  to?: string;
  userId?: string;
  /** Marketing email waits while the degraded mode is on; transactional email (absent) never does. */
  category?: 'marketing';
  subject: string;
  text: string;
  html: string;
}

/**
 * Turns events into in-app notifications and email jobs, in the consumer's transaction: the emails
 * leave (with retries) only if the notifications were recorded, and a redelivered event is stopped
 * by the inbox before it gets here. Events delivered together cost one statement for all their
 * notifications and one for all their email jobs.
 */
export async function notifyOnEvents(
  events: CloudEvent[],
  ctx: EventContext,
  deps: { jobs: JobRunner; publicUrl: string; emailMaxAttempts: number },
): Promise<void> {
  const notifications: repo.NewNotification[] = [];
  const emails: JobToSchedule[] = [];
  for (const event of events) {
    if (event.type === 'user.registered') {
      const d = event.data as ConsumedEvents['user.registered'];
      await repo.upsertRecipient(ctx.trx, d);
    }
    const message = render(event, deps.publicUrl);
    if (message.inApp)
      notifications.push({
        userId: message.userId,
        type: event.type,
        title: message.title,
        body: message.summary,
        data: event.data,
        eventId: event.id,
      });
    if (
      message.category === 'marketing' &&
      !(await repo.getPreferences(ctx.trx, message.userId)).marketingEmails
    )
      continue;
    // The address is looked up when the email is sent: events are not ordered, so this one may be
    // handled before the `user.registered` that records the recipient; the job retries until it is.
    const payload: EmailJobPayload =
      event.type === 'user.password_reset_requested'
        ? { to: (event.data as ConsumedEvents['user.password_reset_requested']).email, ...content(message) }
        : { userId: message.userId, ...content(message) };
    if (message.category === 'marketing') payload.category = 'marketing';
    emails.push({
      name: EMAIL_JOB,
      payload,
      key: `${event.id}:${message.userId}`,
      maxAttempts: deps.emailMaxAttempts,
    });
  }
  await repo.insertNotifications(ctx.trx, notifications);
  await deps.jobs.scheduleMany(ctx.trx, emails);
}

const content = (m: { title: string; text: string; html: string }) => ({
  subject: m.title,
  text: m.text,
  html: m.html,
});

type Hook = { owner_role: string; owner_id: string };

/**
 * Whether an endpoint's owner may see the event: admins see all, a seller what names it. An event
 * about one seller's doing (`sellerId`: its part shipped, its stock) is that seller's only, even
 * when it also lists the order's other sellers (`sellerIds`).
 */
function concerns(hook: Hook, event: CloudEvent): boolean {
  if (hook.owner_role === 'admin') return true;
  const d = (event.data ?? {}) as { sellerId?: unknown; sellerIds?: unknown };
  if (typeof d.sellerId === 'string') return d.sellerId === hook.owner_id;
  return Array.isArray(d.sellerIds) && d.sellerIds.includes(hook.owner_id);
}

interface OrderLineData {
  sellerId?: unknown;
  quantity?: unknown;
  unitPrice?: { amount?: unknown };
}

/**
 * The event as the endpoint's owner may see it. A seller sees an order's event as it sees the order
 * (GET /v1/orders/{id}): its own lines only, and as `total` the total of those lines; the other
 * sellers' goods and the buyer's total are theirs. Admins get the event as it was published.
 */
function scopedTo(hook: Hook, event: CloudEvent): CloudEvent {
  const d = event.data as { lines?: unknown; total?: { currency?: unknown } } | null;
  if (hook.owner_role === 'admin' || !d || !Array.isArray(d.lines)) return event;
  const lines = (d.lines as OrderLineData[]).filter((l) => l.sellerId === hook.owner_id);
  const data: Record<string, unknown> = { ...d, lines };
  if (d.total)
    data.total = {
      amount: lines.reduce((sum, l) => sum + Number(l.unitPrice?.amount ?? 0) * Number(l.quantity ?? 0), 0),
      currency: d.total.currency,
    };
  return { ...event, data };
}

/**
 * Queues one signed delivery per interested endpoint and event (deduped per endpoint and event),
 * with the event as the endpoint's owner may see it.
 * The endpoints of all the events' types are looked up with one statement (a checkout's events
 * would otherwise cost one lookup each, mostly finding none).
 */
export async function fanOutToWebhooks(
  events: CloudEvent[],
  ctx: EventContext,
  deps: { jobs: JobRunner; maxAttempts: number },
): Promise<void> {
  const hooksByType = await repo.webhooksForTypes(ctx.trx, [...new Set(events.map((e) => e.type))]);
  for (const event of events) {
    for (const hook of hooksByType.get(event.type) ?? []) {
      if (!concerns(hook, event)) continue;
      const deliveryId = await repo.insertDelivery(ctx.trx, {
        webhookId: hook.id,
        eventId: event.id,
        eventType: event.type,
        payload: JSON.stringify(scopedTo(hook, event)),
      });
      if (!deliveryId) continue;
      const payload: WebhookJobPayload = { deliveryId };
      await deps.jobs.schedule(ctx.trx, WEBHOOK_JOB, payload, new Date(), { maxAttempts: deps.maxAttempts });
    }
  }
}

/**
 * @throws Error while the recipient's address is not known yet (the job retries)
 * @throws PostponeJob for a marketing email while the degraded mode is on
 */
export async function sendEmail(
  mailer: Mailer,
  payload: EmailJobPayload,
  ctx: JobContext,
  recipients: repo.RecipientLookup,
  degraded?: DegradedMode,
): Promise<void> {
  if (payload.category === 'marketing' && degraded?.active()) throw new PostponeJob(degraded.deferUntil());
  const to = payload.to ?? (payload.userId ? (await recipients.find(payload.userId))?.email : undefined);
  if (!to) throw new Error(`no email address known yet for user ${payload.userId ?? '?'}`);
  const { messageId } = await mailer.send({
    to,
    subject: payload.subject,
    text: payload.text,
    html: payload.html,
  });
  ctx.log.info({ to, subject: payload.subject, messageId }, 'email sent');
}

export const CONSUMED = { notify: NOTIFY_TYPES as string[], webhooks: [...WEBHOOK_EVENT_TYPES] as string[] };

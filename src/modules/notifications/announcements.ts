import type { EventContext } from '../../platform/events/bus.js';
import type { CloudEvent } from '../../platform/events/outbox.js';
import { PostponeJob, type JobContext, type JobRunner } from '../../platform/jobs/runner.js';
import type { DegradedMode } from '../../platform/degraded.js';
import { EMAIL_JOB, type EmailJobPayload } from './consumers.js';
import type { AnnouncedEvents } from './events.js';
import * as repo from './repository.js';
import { renderAnnouncement } from './templates.js';

/** Marketing announcements (a flash sale opens) go to every user who opted in, page by page. */
export const ANNOUNCE_JOB = 'notifications.announce';
export const ANNOUNCE_TYPES = ['flash_sale.started'] as const;

export interface AnnounceJobPayload {
  eventId: string;
  subject: string;
  text: string;
  html: string;
  /** The last recipient of the previous page (user ids ascending); null for the first. */
  after: string | null;
}

/** The consumer: the announcement becomes one job that fans out, so the event's transaction stays small. */
export async function announceOnEvent(
  event: CloudEvent,
  ctx: EventContext,
  deps: { jobs: JobRunner; publicUrl: string },
): Promise<void> {
  const message = renderAnnouncement(event.data as AnnouncedEvents['flash_sale.started'], deps.publicUrl);
  const payload: AnnounceJobPayload = { eventId: event.id, ...message, after: null };
  await deps.jobs.schedule(ctx.trx, ANNOUNCE_JOB, payload, new Date(), { key: event.id });
}

/**
 * One page of recipients: an email job each (keyed per event and user, so a retried page sends no
 * duplicate), and the job for the next page, all in one transaction.
 */
export async function announcePage(
  payload: AnnounceJobPayload,
  job: JobContext,
  deps: { jobs: JobRunner; pageSize: number; emailMaxAttempts: number; degraded?: DegradedMode },
): Promise<void> {
  // marketing is not critical: while the degraded mode is on, the fan-out waits
  if (deps.degraded?.active()) throw new PostponeJob(deps.degraded.deferUntil());
  await job.db.transaction().execute(async (trx) => {
    const userIds = await repo.marketingRecipients(trx, payload.after, deps.pageSize);
    for (const userId of userIds) {
      const email: EmailJobPayload = {
        userId,
        subject: payload.subject,
        text: payload.text,
        html: payload.html,
        category: 'marketing',
      };
      await deps.jobs.schedule(trx, EMAIL_JOB, email, new Date(), {
        key: `${payload.eventId}:${userId}`,
        maxAttempts: deps.emailMaxAttempts,
      });
    }
    const last = userIds.at(-1);
    if (userIds.length === deps.pageSize && last)
      await deps.jobs.schedule(trx, ANNOUNCE_JOB, { ...payload, after: last }, new Date(), {
        key: `${payload.eventId}:${last}`,
      });
  });
}

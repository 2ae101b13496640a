/**
 * Notifications: in-app notifications, email, preferences and outbound webhooks, all driven by
 * events. The door: the module factory (routes, consumers, jobs) and its migrations.
 */
import type { Runtime } from '../../platform/runtime.js';
import type { AuthGuard } from '../../platform/http/auth.js';
import type { EventBus } from '../../platform/events/bus.js';
import type { DegradedMode } from '../../platform/degraded.js';
import { exponentialBackoff, type JobRunner } from '../../platform/jobs/runner.js';
import {
  CONSUMED,
  EMAIL_JOB,
  fanOutToWebhooks,
  notifyOnEvents,
  sendEmail,
  type EmailJobPayload,
} from './consumers.js';
import { createMailer } from './mailer.js';
import { RecipientLookup } from './repository.js';
import {
  ANNOUNCE_JOB,
  ANNOUNCE_TYPES,
  announceOnEvent,
  announcePage,
  type AnnounceJobPayload,
} from './announcements.js';
import { notificationRoutes } from './routes.js';
import { WEBHOOK_JOB, WebhookSender, type WebhookJobPayload } from './webhook-delivery.js';

export { notificationsMigrations } from './migrations/index.js';
export { signature as webhookSignature } from './webhook-delivery.js';

export interface NotificationsModule {
  routes(guard: AuthGuard): ReturnType<typeof notificationRoutes>;
  close(): void;
}

export function createNotificationsModule(
  rt: Runtime,
  deps: { bus: EventBus; jobs: JobRunner; degraded?: DegradedMode },
): NotificationsModule {
  const { config } = rt;
  const mailer = createMailer({
    smtpUrl: config.SMTP_URL,
    dataDir: config.dataDir,
    timeoutMs: config.AGORA_SMTP_TIMEOUT_MS,
    log: rt.log,
  });
  const sender = new WebhookSender({
    timeoutMs: config.AGORA_WEBHOOK_TIMEOUT_MS,
    allowPrivate: config.AGORA_WEBHOOKS_ALLOW_PRIVATE,
    breakerResetMs: 30_000,
  });
  const notifyDeps = { jobs: deps.jobs, publicUrl: config.AGORA_PUBLIC_URL, emailMaxAttempts: 8 };
  const recipients = new RecipientLookup(rt.database.db);
  const webhookDeps = { jobs: deps.jobs, maxAttempts: config.AGORA_WEBHOOK_MAX_ATTEMPTS };
  deps.bus.subscribe({
    consumer: 'notifications.notify',
    types: CONSUMED.notify,
    handle: (event, ctx) => notifyOnEvents([event], ctx, notifyDeps),
    handleBatch: (events, ctx) => notifyOnEvents(events, ctx, notifyDeps),
  });
  deps.bus.subscribe({
    consumer: 'notifications.webhooks',
    types: CONSUMED.webhooks,
    // a delivery is unique per endpoint and event, and only a new one schedules its job
    dedupesItself: true,
    handle: (event, ctx) => fanOutToWebhooks([event], ctx, webhookDeps),
    handleBatch: (events, ctx) => fanOutToWebhooks(events, ctx, webhookDeps),
  });
  deps.bus.subscribe({
    consumer: 'notifications.announce',
    types: [...ANNOUNCE_TYPES],
    handle: (event, ctx) =>
      announceOnEvent(event, ctx, { jobs: deps.jobs, publicUrl: config.AGORA_PUBLIC_URL }),
  });
  deps.jobs.register<AnnounceJobPayload>(ANNOUNCE_JOB, (payload, ctx) =>
    announcePage(payload, ctx, {
      jobs: deps.jobs,
      pageSize: config.AGORA_ANNOUNCE_PAGE_SIZE,
      emailMaxAttempts: 8,
      degraded: deps.degraded,
    }),
  );
  deps.jobs.register<EmailJobPayload>(
    EMAIL_JOB,
    (payload, ctx) => sendEmail(mailer, payload, ctx, recipients, deps.degraded),
    {
      backoffMs: exponentialBackoff(config.AGORA_EMAIL_RETRY_BASE_MS),
    },
  );
  deps.jobs.register<WebhookJobPayload>(WEBHOOK_JOB, (payload, ctx) => sender.run(payload, ctx), {
    backoffMs: exponentialBackoff(config.AGORA_WEBHOOK_RETRY_BASE_MS),
  });
  return {
    routes: (guard) =>
      notificationRoutes({
        db: rt.database.db,
        guard,
        allowPrivateWebhooks: config.AGORA_WEBHOOKS_ALLOW_PRIVATE,
      }),
    close() {
      sender.shutdown();
      mailer.close();
    },
  };
}

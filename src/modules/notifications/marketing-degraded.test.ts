import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { databaseModes, startAgora, type TestAgora } from '../../../test/helpers/agora.js';
import { registerUser } from '../../../test/helpers/factories.js';
import { FAST_ENV, signInAdmin } from '../../../test/helpers/catalog.js';
import { waitFor } from '../../../test/helpers/events.js';
import { startSmtp } from '../../../test/helpers/outbound.js';
import { publishEvents } from '../../platform/events/outbox.js';
import { EMAIL_JOB, type EmailJobPayload } from './consumers.js';

describe.each(databaseModes())('marketing email in the degraded mode (%s)', (mode) => {
  let agora: TestAgora;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let admin: string;

  beforeAll(async () => {
    smtp = await startSmtp();
    agora = await startAgora(mode, {
      ...FAST_ENV,
      SMTP_URL: smtp.url,
      AGORA_DEGRADE_DEFER_MS: '200',
      AGORA_EMAIL_RETRY_BASE_MS: '50',
    });
    await agora.startBackground();
    admin = (await signInAdmin(agora)).accessToken;
  });
  afterAll(async () => {
    await agora.close();
    await smtp.close();
  });

  const mailTo = (email: string, subject: string) =>
    smtp.mails.filter((m) => JSON.stringify(m.to ?? '').includes(email) && m.subject === subject);
  const setDegraded = async (enabled: boolean) =>
    expect(
      (
        await agora.request({
          method: 'PUT',
          url: '/v1/admin/feature-flags/degraded_mode',
          token: admin,
          body: { enabled },
        })
      ).statusCode,
    ).toBe(200);
  const postponed = async (job: string) => {
    const text = (await agora.request({ method: 'GET', url: '/metrics' })).body;
    const m = new RegExp(`agora_jobs_completed_total\\{name="${job}",outcome="postponed"\\} (\\d+)`).exec(
      text,
    );
    return m ? Number(m[1]) : 0;
  };

  it('waits while the degraded mode is on, transactional email does not, and it goes out once the mode is off', async () => {
    const buyer = await registerUser(agora);
    await agora.request({
      method: 'PUT',
      url: '/v1/me/notification-preferences',
      token: buyer.accessToken,
      body: { marketingEmails: true },
    });
    await waitFor(async () => mailTo(buyer.user.email, 'Welcome to Agora').length === 1, 10_000, 'welcome');

    await setDegraded(true);
    const saleId = randomUUID();
    const orderId = randomUUID();
    await agora.rt.database.db.transaction().execute((trx) =>
      publishEvents(trx, { source: '/agora/test' }, [
        {
          type: 'flash_sale.started',
          subject: saleId,
          data: {
            saleId,
            name: 'Patience Sale',
            startsAt: new Date().toISOString(),
            endsAt: new Date().toISOString(),
          },
        },
        {
          type: 'order.confirmed',
          subject: orderId,
          data: { orderId, userId: buyer.user.id, total: { amount: 1_000, currency: 'USD' }, sellerIds: [] },
        },
      ]),
    );
    // a marketing email already queued when the mode came on waits too
    const queued: EmailJobPayload = {
      to: buyer.user.email,
      subject: 'Queued offer',
      text: 'offer',
      html: '<p>offer</p>',
      category: 'marketing',
    };
    await agora.jobs.schedule(agora.rt.database.db, EMAIL_JOB, queued);

    await waitFor(
      async () => (await postponed('notifications.announce')) >= 2 && (await postponed(EMAIL_JOB)) >= 2,
      15_000,
      'marketing work postponed twice',
    );
    await waitFor(
      async () => mailTo(buyer.user.email, `Order ${orderId} confirmed`).length === 1,
      10_000,
      'the order email',
    );
    expect(mailTo(buyer.user.email, 'Flash sale: Patience Sale')).toHaveLength(0);
    expect(mailTo(buyer.user.email, 'Queued offer')).toHaveLength(0);

    await setDegraded(false);
    await waitFor(
      async () =>
        mailTo(buyer.user.email, 'Flash sale: Patience Sale').length === 1 &&
        mailTo(buyer.user.email, 'Queued offer').length === 1,
      15_000,
      'marketing email after the degraded mode',
    );
  });
});

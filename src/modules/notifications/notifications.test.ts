import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { databaseModes, startAgora, type TestAgora } from '../../../test/helpers/agora.js';
import { signInAdmin } from '../../../test/helpers/catalog.js';
import { registerUser } from '../../../test/helpers/factories.js';
import { waitFor } from '../../../test/helpers/events.js';
import { startReceiver, startSmtp } from '../../../test/helpers/outbound.js';
import { counting } from '../../../test/helpers/statements.js';
import { publishEvents, type CloudEvent, type NewEvent } from '../../platform/events/outbox.js';
import { notifyOnEvents } from './consumers.js';
import { findRecipient, RecipientLookup, webhooksForTypes } from './repository.js';

const FAST = {
  AGORA_ARGON2_MEMORY_KIB: '1024',
  AGORA_ARGON2_TIME_COST: '1',
  AGORA_RATE_LIMIT_AUTH_MAX: '1000',
  AGORA_EVENTS_RETRY_BASE_MS: '50',
  AGORA_WEBHOOK_RETRY_BASE_MS: '50',
  AGORA_EMAIL_RETRY_BASE_MS: '50',
  AGORA_WEBHOOK_MAX_ATTEMPTS: '4',
  AGORA_ANNOUNCE_PAGE_SIZE: '2',
};

async function publish(agora: TestAgora, events: NewEvent[]) {
  return agora.rt.database.db
    .transaction()
    .execute((trx) => publishEvents(trx, { source: '/agora/test', correlationId: 'req-n' }, events));
}

describe.each(databaseModes())('notifications (%s)', (mode) => {
  let agora: TestAgora;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    smtp = await startSmtp();
    receiver = await startReceiver();
    agora = await startAgora(mode, { ...FAST, SMTP_URL: smtp.url, AGORA_WEBHOOKS_ALLOW_PRIVATE: 'true' });
    await agora.startBackground();
  });
  afterAll(async () => {
    await agora.close();
    await smtp.close();
    await receiver.close();
  });

  const mailTo = (email: string) => smtp.mails.filter((m) => m.to && JSON.stringify(m.to).includes(email));

  it('welcomes a new user by email (over SMTP) and in the app', async () => {
    const user = await registerUser(agora);
    await waitFor(async () => mailTo(user.user.email).length === 1, 10_000, 'the welcome email');
    const mail = mailTo(user.user.email)[0];
    expect(mail.subject).toBe('Welcome to Agora');
    expect(mail.text).toContain('your account is ready');
    expect(mail.html).toContain('<h1>Welcome to Agora</h1>');
    const res = await agora.request({ method: 'GET', url: '/v1/me/notifications', token: user.accessToken });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      unreadCount: 1,
      nextCursor: null,
      items: [{ type: 'user.registered', read: false }],
    });
  });

  it('tells a buyer their order is confirmed and shipped; read marks, read-all and paging work', async () => {
    const buyer = await registerUser(agora);
    const userId = buyer.user.id;
    await publish(agora, [
      {
        type: 'order.confirmed',
        subject: 'o-1',
        data: { orderId: 'o-1', userId, total: { amount: 2599, currency: 'EUR' } },
      },
      {
        type: 'order.shipped',
        subject: 'o-1',
        data: { orderId: 'o-1', userId, carrier: 'DHL', trackingNumber: 'T123' },
      },
    ]);
    await waitFor(async () => mailTo(buyer.user.email).length === 3, 10_000, 'three emails');
    const subjects = mailTo(buyer.user.email)
      .map((m) => m.subject)
      .sort();
    expect(subjects).toEqual(['Order o-1 confirmed', 'Order o-1 shipped', 'Welcome to Agora']);
    expect(mailTo(buyer.user.email).find((m) => m.subject === 'Order o-1 confirmed')!.text).toContain(
      '25.99 EUR',
    );

    const first = await agora.request({
      method: 'GET',
      url: '/v1/me/notifications?limit=2',
      token: buyer.accessToken,
    });
    const page1 = first.json();
    expect(page1.items).toHaveLength(2);
    expect(page1.unreadCount).toBe(3);
    const second = await agora.request({
      method: 'GET',
      url: `/v1/me/notifications?limit=2&cursor=${page1.nextCursor}`,
      token: buyer.accessToken,
    });
    const page2 = second.json();
    expect(page2).toMatchObject({ nextCursor: null });
    // Newest first by arrival; events are not ordered, so only the set of types is fixed.
    const seen = [...page1.items, ...page2.items] as { id: string; type: string }[];
    expect(seen.map((n) => n.type).sort()).toEqual(['order.confirmed', 'order.shipped', 'user.registered']);
    expect(new Set(seen.map((n) => n.id)).size).toBe(3);

    const read = await agora.request({
      method: 'POST',
      url: `/v1/me/notifications/${page1.items[0].id}/read`,
      token: buyer.accessToken,
    });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ read: true });
    const other = await registerUser(agora);
    const stolen = await agora.request({
      method: 'POST',
      url: `/v1/me/notifications/${page1.items[1].id}/read`,
      token: other.accessToken,
    });
    expect(stolen.statusCode).toBe(404);
    const all = await agora.request({
      method: 'POST',
      url: '/v1/me/notifications/read-all',
      token: buyer.accessToken,
    });
    expect(all.json()).toEqual({ updated: 2 });
    const unread = await agora.request({
      method: 'GET',
      url: '/v1/me/notifications?unread=true',
      token: buyer.accessToken,
    });
    expect(unread.json()).toMatchObject({ items: [], unreadCount: 0 });
  });

  it('handles events delivered together with one statement for their notifications and one for their emails', async () => {
    const buyers = await Promise.all([1, 2, 3].map(() => registerUser(agora)));
    const events: CloudEvent[] = buyers.map((b, i) => ({
      specversion: '1.0',
      id: randomUUID(),
      source: '/agora/test',
      type: 'order.confirmed',
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      data: { orderId: `o-batch-${i}`, userId: b.user.id, total: { amount: 1_000 + i, currency: 'EUR' } },
    }));
    const counted = counting(agora.rt.database.db);
    await counted.db
      .transaction()
      .execute((trx) =>
        notifyOnEvents(
          events,
          { trx, log: agora.rt.log, attempt: 1 },
          { jobs: agora.jobs, publicUrl: 'http://agora.test', emailMaxAttempts: 8 },
        ),
      );
    expect(counted.count()).toBe(2);
    for (const [i, b] of buyers.entries()) {
      const subject = `Order o-batch-${i} confirmed`;
      await waitFor(async () => mailTo(b.user.email).some((m) => m.subject === subject), 10_000, subject);
      expect(mailTo(b.user.email).find((m) => m.subject === subject)!.text).toContain(`10.0${i} EUR`);
      const list = await agora.request({ method: 'GET', url: '/v1/me/notifications', token: b.accessToken });
      expect(list.json().items.map((n: { title: string }) => n.title)).toContain(subject);
    }
  });

  it("looks up the recipients of one turn's email jobs with one statement", async () => {
    const buyers = await Promise.all([1, 2].map(() => registerUser(agora)));
    await waitFor(
      async () =>
        (await Promise.all(buyers.map((b) => findRecipient(agora.rt.database.db, b.user.id)))).every(Boolean),
      10_000,
      'the recipients',
    );
    const counted = counting(agora.rt.database.db);
    const lookup = new RecipientLookup(counted.db);
    const found = await Promise.all([
      lookup.find(buyers[0].user.id),
      lookup.find(randomUUID()),
      lookup.find(buyers[1].user.id),
      lookup.find(buyers[0].user.id),
      lookup.find('not-a-uuid'),
    ]);
    expect(found.map((r) => r?.email)).toEqual([
      buyers[0].user.email,
      undefined,
      buyers[1].user.email,
      buyers[0].user.email,
      undefined,
    ]);
    expect(counted.count()).toBe(1);
  });

  it('emails an order confirmation handled before the registration that records the address', async () => {
    const userId = randomUUID();
    const email = `late-${userId.slice(0, 8)}@example.test`;
    await publish(agora, [
      {
        type: 'order.confirmed',
        data: { orderId: 'o-early', userId, total: { amount: 100, currency: 'USD' } },
      },
    ]);
    await new Promise((r) => setTimeout(r, 300));
    expect(mailTo(email)).toHaveLength(0);
    await publish(agora, [{ type: 'user.registered', data: { userId, email, name: 'Late', role: 'buyer' } }]);
    await waitFor(async () => mailTo(email).length === 2, 10_000, 'both emails');
    expect(
      mailTo(email)
        .map((m) => m.subject)
        .sort(),
    ).toEqual(['Order o-early confirmed', 'Welcome to Agora']);
  });

  it('answers bad input with problem+json', async () => {
    const user = await registerUser(agora);
    const badId = await agora.request({
      method: 'POST',
      url: '/v1/me/notifications/nope/read',
      token: user.accessToken,
    });
    expect(badId.statusCode).toBe(400);
    expect(badId.headers['content-type']).toContain('application/problem+json');
    const badCursor = await agora.request({
      method: 'GET',
      url: '/v1/me/notifications?cursor=zzz',
      token: user.accessToken,
    });
    expect(badCursor.json()).toMatchObject({ code: 'validation_failed' });
    // a cursor that decodes to something uuid-like but not a uuid never reaches SQL (it was a 500)
    for (const id of ['-'.repeat(36), 'f'.repeat(36)]) {
      const forged = await agora.request({
        method: 'GET',
        url: `/v1/me/notifications?cursor=${Buffer.from(id).toString('base64url')}`,
        token: user.accessToken,
      });
      expect(forged.statusCode, forged.body).toBe(400);
      expect(forged.json()).toMatchObject({ code: 'validation_failed' });
    }
    const anon = await agora.request({ method: 'GET', url: '/v1/me/notifications' });
    expect(anon.statusCode).toBe(401);
    const badPrefs = await agora.request({
      method: 'PUT',
      url: '/v1/me/notification-preferences',
      token: user.accessToken,
      body: { marketingEmails: 'yes' },
    });
    expect(badPrefs.statusCode).toBe(400);
  });

  it('keeps marketing emails off by default and lets the user change it', async () => {
    const user = await registerUser(agora);
    const url = '/v1/me/notification-preferences';
    expect((await agora.request({ method: 'GET', url, token: user.accessToken })).json()).toEqual({
      marketingEmails: false,
    });
    const put = await agora.request({
      method: 'PUT',
      url,
      token: user.accessToken,
      body: { marketingEmails: true },
    });
    expect(put.json()).toEqual({ marketingEmails: true });
    expect((await agora.request({ method: 'GET', url, token: user.accessToken })).json()).toEqual({
      marketingEmails: true,
    });
  });

  it('announces a flash sale by email to every user who opted in, and to nobody else', async () => {
    const optedIn = await Promise.all([registerUser(agora), registerUser(agora), registerUser(agora)]);
    const optedOut = await registerUser(agora);
    for (const u of optedIn) {
      const res = await agora.request({
        method: 'PUT',
        url: '/v1/me/notification-preferences',
        token: u.accessToken,
        body: { marketingEmails: true },
      });
      expect(res.statusCode).toBe(200);
    }
    // the recipients' addresses arrive with their user.registered events
    await waitFor(
      async () => optedIn.every((u) => mailTo(u.user.email).length === 1),
      10_000,
      'welcome emails',
    );
    const saleId = randomUUID();
    await publish(agora, [
      {
        type: 'flash_sale.started',
        subject: saleId,
        data: {
          saleId,
          name: 'Midnight Madness',
          startsAt: new Date().toISOString(),
          endsAt: new Date(Date.now() + 3_600_000).toISOString(),
          items: [{ sku: 'SKU-HOT', salePrice: { amount: 999, currency: 'USD' }, quantity: 100 }],
        },
      },
    ]);
    const sale = (email: string) => mailTo(email).filter((m) => m.subject === 'Flash sale: Midnight Madness');
    await waitFor(async () => optedIn.every((u) => sale(u.user.email).length === 1), 15_000, 'announcements');
    expect(sale(optedIn[0].user.email)[0].text).toContain(`/flash-sales/${saleId}`);
    expect(sale(optedIn[0].user.email)[0].text).toContain('9.99 USD');
    await new Promise((r) => setTimeout(r, 500));
    expect(sale(optedOut.user.email)).toHaveLength(0);
    expect(optedIn.map((u) => sale(u.user.email).length)).toEqual([1, 1, 1]);
  });

  it('delivers signed webhooks to the seller they concern, retrying failures, every attempt visible', async () => {
    const seller = await registerUser(agora, { role: 'seller' });
    const otherSeller = await registerUser(agora, { role: 'seller' });
    const buyer = await registerUser(agora);
    const forbidden = await agora.request({
      method: 'POST',
      url: '/v1/webhooks',
      token: buyer.accessToken,
      body: { url: receiver.url, events: ['inventory.low_stock'] },
    });
    expect(forbidden.statusCode).toBe(403);
    const created = await agora.request({
      method: 'POST',
      url: '/v1/webhooks',
      token: seller.accessToken,
      body: { url: receiver.url, events: ['inventory.low_stock'] },
    });
    expect(created.statusCode).toBe(201);
    const hook = created.json();
    expect(hook.secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    receiver.state.secret = hook.secret;
    receiver.state.failFirst = 2;
    const list = await agora.request({ method: 'GET', url: '/v1/webhooks', token: seller.accessToken });
    expect(list.json().items).toEqual([expect.objectContaining({ id: hook.id })]);
    expect(list.json().items[0]).not.toHaveProperty('secret');

    const [eventId] = await publish(agora, [
      {
        type: 'inventory.low_stock',
        data: { sku: 'SKU-1', sellerId: seller.user.id, available: 2, threshold: 5 },
      },
      {
        type: 'inventory.low_stock',
        data: { sku: 'SKU-2', sellerId: otherSeller.user.id, available: 1, threshold: 5 },
      },
    ]);
    const deliveries = async () =>
      (
        await agora.request({
          method: 'GET',
          url: `/v1/webhooks/${hook.id}/deliveries`,
          token: seller.accessToken,
        })
      ).json();
    await waitFor(async () => (await deliveries()).items[0]?.status === 'succeeded', 15_000, 'the delivery');
    const [delivery] = (await deliveries()).items;
    expect(delivery).toMatchObject({ eventId, eventType: 'inventory.low_stock', status: 'succeeded' });
    expect(delivery.attempts.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 500, 200]);
    expect((await deliveries()).items).toHaveLength(1);
    expect(receiver.state.received).toHaveLength(3);
    expect(receiver.state.received.every((r) => r.valid)).toBe(true);
    expect(JSON.parse(receiver.state.received[2].body)).toMatchObject({
      specversion: '1.0',
      id: eventId,
      type: 'inventory.low_stock',
      correlationid: 'req-n',
      data: { sku: 'SKU-1' },
    });

    const peek = await agora.request({
      method: 'GET',
      url: `/v1/webhooks/${hook.id}/deliveries`,
      token: otherSeller.accessToken,
    });
    expect(peek.statusCode).toBe(404);
    const del = await agora.request({
      method: 'DELETE',
      url: `/v1/webhooks/${hook.id}`,
      token: seller.accessToken,
    });
    expect(del.statusCode).toBe(204);
    expect(
      (await agora.request({ method: 'GET', url: '/v1/webhooks', token: seller.accessToken })).json().items,
    ).toEqual([]);
  });

  it("a seller's endpoint gets its own part of an order's events, not the other sellers'", async () => {
    const a = await registerUser(agora, { role: 'seller' });
    const b = await registerUser(agora, { role: 'seller' });
    const hookOf = async (s: typeof a) =>
      (
        await agora.request({
          method: 'POST',
          url: '/v1/webhooks',
          token: s.accessToken,
          body: { url: receiver.url, events: ['order.confirmed', 'order.shipped'] },
        })
      ).json().id as string;
    const [hookA, hookB] = [await hookOf(a), await hookOf(b)];
    const line = (sellerId: string, sku: string, quantity: number, amount: number) => ({
      sku,
      productId: randomUUID(),
      sellerId,
      title: sku,
      quantity,
      unitPrice: { amount, currency: 'USD' },
    });
    const orderId = randomUUID();
    const sellerIds = [a.user.id, b.user.id];
    const [confirmed, shipped] = await publish(agora, [
      {
        type: 'order.confirmed',
        data: {
          orderId,
          userId: randomUUID(),
          status: 'confirmed',
          total: { amount: 4_999, currency: 'USD' },
          sellerIds,
          lines: [line(a.user.id, 'A-1', 2, 1_000), line(b.user.id, 'B-1', 1, 2_500)],
        },
      },
      {
        type: 'order.shipped',
        data: {
          orderId,
          userId: randomUUID(),
          sellerId: a.user.id,
          sellerIds,
          carrier: 'UPS',
          trackingNumber: 'T-A',
        },
      },
    ]);
    const deliveries = async (hookId: string, token: string) =>
      (await agora.request({ method: 'GET', url: `/v1/webhooks/${hookId}/deliveries`, token })).json()
        .items as { eventId: string; status: string }[];
    await waitFor(
      async () =>
        (await deliveries(hookA, a.accessToken)).filter((d) => d.status === 'succeeded').length === 2 &&
        (await deliveries(hookB, b.accessToken)).some((d) => d.status === 'succeeded'),
      15_000,
      'the deliveries',
    );
    // Seller a's shipment is a's only.
    expect((await deliveries(hookB, b.accessToken)).map((d) => d.eventId)).toEqual([confirmed]);
    expect((await deliveries(hookA, a.accessToken)).map((d) => d.eventId).sort()).toEqual(
      [confirmed, shipped].sort(),
    );
    const seen = receiver.state.received
      .map((r) => JSON.parse(r.body) as { id: string; data: { lines: { sku: string }[]; total: object } })
      .filter((e) => e.id === confirmed)
      .map((e) => ({ skus: e.data.lines.map((l) => l.sku), total: e.data.total }));
    expect(seen).toContainEqual({ skus: ['A-1'], total: { amount: 2_000, currency: 'USD' } });
    expect(seen).toContainEqual({ skus: ['B-1'], total: { amount: 2_500, currency: 'USD' } });
    expect(seen.every((e) => e.skus.length === 1)).toBe(true);
  });

  it("looks up a batch's endpoints for all its event types with one statement", async () => {
    const seller = await registerUser(agora, { role: 'seller' });
    const hook = async (events: string[]) =>
      (
        await agora.request({
          method: 'POST',
          url: '/v1/webhooks',
          token: seller.accessToken,
          body: { url: receiver.url, events },
        })
      ).json().id as string;
    const shipped = await hook(['order.shipped']);
    const both = await hook(['order.shipped', 'order.cancelled']);
    const byType = await webhooksForTypes(agora.rt.database.db, [
      'order.shipped',
      'order.cancelled',
      'order.refunded',
    ]);
    const ids = (type: string) => byType.get(type)!.map((h) => h.id);
    expect(ids('order.shipped')).toEqual(expect.arrayContaining([shipped, both]));
    expect(ids('order.cancelled')).toContain(both);
    expect(ids('order.cancelled')).not.toContain(shipped);
    expect(ids('order.refunded')).not.toContain(shipped);
    expect(ids('order.refunded')).not.toContain(both);
    expect(await webhooksForTypes(agora.rt.database.db, [])).toEqual(new Map());
    for (const id of [shipped, both])
      await agora.request({ method: 'DELETE', url: `/v1/webhooks/${id}`, token: seller.accessToken });
    expect(
      (await webhooksForTypes(agora.rt.database.db, ['order.shipped']))
        .get('order.shipped')!
        .map((h) => h.id),
    ).not.toContain(shipped);
  });

  it('marks a delivery failed after the last attempt', async () => {
    const admin = await registerUser(agora, { role: 'seller' });
    receiver.state.alwaysFail = true;
    const hook = (
      await agora.request({
        method: 'POST',
        url: '/v1/webhooks',
        token: admin.accessToken,
        body: { url: receiver.url, events: ['order.cancelled'] },
      })
    ).json();
    await publish(agora, [
      {
        type: 'order.cancelled',
        data: { orderId: 'o-9', userId: admin.user.id, sellerIds: [admin.user.id] },
      },
    ]);
    const deliveries = async () =>
      (
        await agora.request({
          method: 'GET',
          url: `/v1/webhooks/${hook.id}/deliveries`,
          token: admin.accessToken,
        })
      ).json();
    await waitFor(
      async () => (await deliveries()).items[0]?.status === 'failed',
      15_000,
      'the failed delivery',
    );
    expect((await deliveries()).items[0].attempts).toHaveLength(4);
    receiver.state.alwaysFail = false;
  });

  it('opens the circuit for an endpoint that keeps failing, recording the attempts it skipped', async () => {
    const seller = await registerUser(agora, { role: 'seller' });
    receiver.state.alwaysFail = true;
    const before = receiver.state.calls;
    const hook = (
      await agora.request({
        method: 'POST',
        url: '/v1/webhooks',
        token: seller.accessToken,
        body: { url: `${receiver.url}?breaker`, events: ['order.refunded'] },
      })
    ).json();
    const refund = (orderId: string) => ({
      type: 'order.refunded',
      data: {
        orderId,
        userId: seller.user.id,
        amount: { amount: 100, currency: 'USD' },
        sellerIds: [seller.user.id],
      },
    });
    await publish(agora, [refund('r-1'), refund('r-2'), refund('r-3')]);
    const deliveries = async () =>
      (
        await agora.request({
          method: 'GET',
          url: `/v1/webhooks/${hook.id}/deliveries`,
          token: seller.accessToken,
        })
      ).json().items as { status: string; attempts: { statusCode: number | null; error: string | null }[] }[];
    await waitFor(
      async () => (await deliveries()).filter((d) => d.status === 'failed').length === 3,
      20_000,
      'three failed deliveries',
    );
    const attempts = (await deliveries()).flatMap((d) => d.attempts);
    expect(attempts).toHaveLength(12);
    const skipped = attempts.filter((a) => a.statusCode === null && /open/i.test(a.error ?? ''));
    expect(skipped.length).toBeGreaterThan(0);
    expect(receiver.state.calls - before).toBe(12 - skipped.length);
    receiver.state.alwaysFail = false;
  });

  it('emails a password reset link whose token sets a new password once and signs out old sessions', async () => {
    const user = await registerUser(agora);
    const unknown = await agora.request({
      method: 'POST',
      url: '/v1/auth/password-reset',
      body: { email: 'nobody-here@example.test' },
    });
    expect(unknown.statusCode).toBe(202);
    const res = await agora.request({
      method: 'POST',
      url: '/v1/auth/password-reset',
      body: { email: user.user.email },
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ status: 'accepted' });
    await waitFor(
      async () => mailTo(user.user.email).some((m) => m.subject === 'Reset your password'),
      10_000,
      'reset email',
    );
    expect(smtp.mails.some((m) => JSON.stringify(m.to).includes('nobody-here'))).toBe(false);
    const text = mailTo(user.user.email).find((m) => m.subject === 'Reset your password')!.text ?? '';
    const token = decodeURIComponent(/token=([^\s]+)/.exec(text)![1]);

    const weak = await agora.request({
      method: 'POST',
      url: '/v1/auth/password-reset/confirm',
      body: { token, password: 'short' },
    });
    expect(weak.statusCode).toBe(400);
    const newPassword = 'a brand new passphrase 42';
    // The weak attempt rolled back, so the token still works once.
    const ok = await agora.request({
      method: 'POST',
      url: '/v1/auth/password-reset/confirm',
      body: { token, password: newPassword },
    });
    expect(ok.statusCode).toBe(204);
    const again = await agora.request({
      method: 'POST',
      url: '/v1/auth/password-reset/confirm',
      body: { token, password: newPassword },
    });
    expect(again.statusCode).toBe(400);
    expect(again.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: '/body/token' }] });
    const oldRefresh = await agora.request({
      method: 'POST',
      url: '/v1/auth/refresh',
      body: { refreshToken: user.refreshToken },
    });
    expect(oldRefresh.statusCode).toBe(401);
    const login = await agora.request({
      method: 'POST',
      url: '/v1/auth/login',
      body: { email: user.user.email, password: newPassword },
    });
    expect(login.statusCode).toBe(200);
    const notes = await agora.request({
      method: 'GET',
      url: '/v1/me/notifications',
      token: user.accessToken,
    });
    expect(notes.json().items.map((n: { type: string }) => n.type)).not.toContain(
      'user.password_reset_requested',
    );
  });

  it('refuses link-local webhook targets even when private ones are allowed', async () => {
    const seller = await registerUser(agora, { role: 'seller' });
    const res = await agora.request({
      method: 'POST',
      url: '/v1/webhooks',
      token: seller.accessToken,
      body: { url: 'http://169.254.169.254/latest/meta-data', events: ['order.confirmed'] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'validation_failed', errors: [{ path: '/body/url' }] });
  });

  it("refuses a seller's endpoint for events that name no seller; an admin's takes them", async () => {
    const seller = await registerUser(agora, { role: 'seller' });
    const events = ['order.confirmed', 'payment.captured', 'inventory.low_stock', 'flash_sale.started'];
    const refused = await agora.request({
      method: 'POST',
      url: '/v1/webhooks',
      token: seller.accessToken,
      body: { url: receiver.url, events },
    });
    expect(refused.statusCode, refused.body).toBe(400);
    expect(refused.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toEqual([
      '/body/events/1',
      '/body/events/3',
    ]);
    const mine = await agora.request({ method: 'GET', url: '/v1/webhooks', token: seller.accessToken });
    expect(mine.json().items).toEqual([]);
    const admin = await agora.request({
      method: 'POST',
      url: '/v1/webhooks',
      token: (await signInAdmin(agora)).accessToken,
      body: { url: receiver.url, events },
    });
    expect(admin.statusCode, admin.body).toBe(201);
  });
});

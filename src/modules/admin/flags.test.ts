import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ErrorCode,
  ProviderEvents,
  StandardResolutionReasons,
  type EventDetails,
} from '@openfeature/server-sdk';
import { databaseModes, startAgora, type TestAgora } from '../../../test/helpers/agora.js';
import { registerUser } from '../../../test/helpers/factories.js';
import { FAST_ENV, signInAdmin } from '../../../test/helpers/catalog.js';

interface Flag {
  key: string;
  enabled: boolean;
  description: string;
  version: number;
  updatedAt: string;
  updatedBy: string | null;
}

describe.each(databaseModes())('feature flags (%s)', (mode) => {
  let agora: TestAgora;
  let admin: { accessToken: string; userId: string };
  let buyer: { accessToken: string };
  let n = 0;
  const newKey = () => `test_flag.${mode}-${++n}-${Date.now().toString(36)}`;

  beforeAll(async () => {
    agora = await startAgora(mode, FAST_ENV);
    admin = await signInAdmin(agora);
    buyer = await registerUser(agora);
  });
  afterAll(() => agora.close());

  const put = (key: string, body: unknown, token = admin.accessToken) =>
    agora.request({ method: 'PUT', url: `/v1/admin/feature-flags/${key}`, token, body });
  const get = (url: string, token = admin.accessToken) => agora.request({ method: 'GET', url, token });

  it('lists the flags in use with their defaults and the degraded mode', async () => {
    const res = await get('/v1/admin/feature-flags');
    expect(res.statusCode).toBe(200);
    const body = res.json<{ items: Flag[]; degradedMode: { active: boolean; reasons: string[] } }>();
    const byKey = new Map(body.items.map((f) => [f.key, f]));
    expect(byKey.get('degraded_mode')).toMatchObject({ enabled: false, version: 1 });
    expect(byKey.get('flash_sales')).toMatchObject({ enabled: true });
    expect(body.degradedMode).toMatchObject({ active: false, reasons: [] });
  });

  it('is for admins only: a buyer gets 403 and an anonymous caller 401 on every route', async () => {
    for (const res of [
      await get('/v1/admin/feature-flags', buyer.accessToken),
      await get('/v1/admin/feature-flags/flash_sales', buyer.accessToken),
      await get('/v1/admin/feature-flags/flash_sales/changes', buyer.accessToken),
      await put('flash_sales', { enabled: false }, buyer.accessToken),
      await get('/v1/admin/analytics/sales', buyer.accessToken),
    ]) {
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'forbidden' });
    }
    const anonymous = await agora.request({
      method: 'PUT',
      url: '/v1/admin/feature-flags/flash_sales',
      body: { enabled: false },
    });
    expect(anonymous.statusCode).toBe(401);
    expect(agora.admin.flags.isEnabled('flash_sales', false)).toBe(true);
  });

  it('creates a flag (201), changes it (200), and every process-local read follows at once', async () => {
    const key = newKey();
    expect(agora.admin.flags.isEnabled(key, true)).toBe(true); // unknown: the fallback
    const created = await put(key, { enabled: false, description: 'a test switch' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      key,
      enabled: false,
      description: 'a test switch',
      version: 1,
      updatedBy: admin.userId,
    });
    expect(agora.admin.flags.isEnabled(key, true)).toBe(false);

    const changed = await put(key, { enabled: true });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ enabled: true, description: 'a test switch', version: 2 });
    expect(agora.admin.flags.isEnabled(key, false)).toBe(true);
    expect((await get(`/v1/admin/feature-flags/${key}`)).json()).toMatchObject({
      key,
      enabled: true,
      version: 2,
    });
  });

  it('audits each change (who, when, old → new) and records nothing for a change that changes nothing', async () => {
    const key = newKey();
    await put(key, { enabled: true, description: 'first' });
    await put(key, { enabled: false });
    const same = await put(key, { enabled: false });
    expect(same.statusCode).toBe(200);
    expect(same.json()).toMatchObject({ version: 2 });
    await put(key, { enabled: false, description: 'second' });

    const res = await get(`/v1/admin/feature-flags/${key}/changes`);
    expect(res.statusCode).toBe(200);
    const { items, nextCursor } = res.json<{ items: Record<string, unknown>[]; nextCursor: string | null }>();
    expect(nextCursor).toBeNull();
    expect(items).toMatchObject([
      {
        key,
        from: false,
        to: false,
        descriptionFrom: 'first',
        descriptionTo: 'second',
        changedBy: admin.userId,
      },
      {
        key,
        from: true,
        to: false,
        descriptionFrom: 'first',
        descriptionTo: 'first',
        changedBy: admin.userId,
      },
      { key, from: null, to: true, descriptionFrom: null, descriptionTo: 'first', changedBy: admin.userId },
    ]);
    expect(Date.parse(items[0].changedAt as string)).toBeGreaterThan(Date.now() - 60_000);

    const page1 = (await get(`/v1/admin/feature-flags/${key}/changes?limit=2`)).json();
    expect(page1.items).toHaveLength(2);
    const page2 = (
      await get(`/v1/admin/feature-flags/${key}/changes?limit=2&cursor=${page1.nextCursor}`)
    ).json();
    expect(page2).toMatchObject({ items: [{ from: null, to: true }], nextCursor: null });
  });

  it('publishes feature_flag.changed in the outbox with the change', async () => {
    const key = newKey();
    await put(key, { enabled: true });
    await put(key, { enabled: false });
    const rows = await agora.rt.database.db
      .selectFrom('platform.outbox')
      .select(['type', 'subject', 'data', 'source'])
      .where('subject', '=', key)
      .orderBy('id')
      .execute();
    const data = rows.map((r) => (typeof r.data === 'string' ? JSON.parse(r.data) : r.data));
    expect(rows.map((r) => r.type)).toEqual(['feature_flag.changed', 'feature_flag.changed']);
    expect(data).toMatchObject([
      { key, enabled: true, previous: null, version: 1, changedBy: admin.userId },
      { key, enabled: false, previous: true, version: 2, changedBy: admin.userId },
    ]);
  });

  it('validates keys, bodies and cursors, and answers 404 for an unknown flag', async () => {
    for (const res of [
      await put('Bad Key', { enabled: true }),
      await put('UPPER', { enabled: true }),
      await put(newKey(), { enabled: 'yes' }),
      await put(newKey(), {}),
      await put(newKey(), { enabled: true, extra: 1 }),
      await put(newKey(), { enabled: true, description: 'x'.repeat(501) }),
      await get('/v1/admin/feature-flags?limit=0'),
      await get('/v1/admin/feature-flags/flash_sales/changes?cursor=bm90LWEtbnVtYmVy'),
    ]) {
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({ code: 'validation_failed' });
    }
    expect((await get('/v1/admin/feature-flags/no_such_flag')).statusCode).toBe(404);
    expect((await get('/v1/admin/feature-flags/no_such_flag/changes')).statusCode).toBe(404);
  });

  it('answers 400 for a flag-list or change-list cursor it did not make', async () => {
    for (const cursor of ['zzz', 'garbage!!', Buffer.from('Not A Key').toString('base64url')]) {
      const res = await get(`/v1/admin/feature-flags?cursor=${encodeURIComponent(cursor)}`);
      expect(res.statusCode, cursor).toBe(400);
      expect(res.json(), cursor).toMatchObject({
        code: 'validation_failed',
        errors: [{ path: '/query/cursor', message: 'is not a valid cursor' }],
      });
    }
    const key = Buffer.from('degraded_mode').toString('base64url');
    expect((await get(`/v1/admin/feature-flags?cursor=${key}`)).statusCode).toBe(200);
    expect((await get(`/v1/admin/feature-flags?cursor=${key}!`)).statusCode).toBe(400);
    for (const id of ['1e3', '0x10', ' 5', '05', '-1', '9'.repeat(20)]) {
      const cursor = Buffer.from(id).toString('base64url');
      const res = await get(`/v1/admin/feature-flags/flash_sales/changes?cursor=${cursor}`);
      expect(res.statusCode, id).toBe(400);
      expect(res.json()).toMatchObject({ errors: [{ path: '/query/cursor' }] });
    }
  });

  it('pages through the flags by key', async () => {
    const first = (await get('/v1/admin/feature-flags?limit=1')).json<{
      items: Flag[];
      nextCursor: string;
    }>();
    expect(first.items).toHaveLength(1);
    const second = (await get(`/v1/admin/feature-flags?limit=1&cursor=${first.nextCursor}`)).json<{
      items: Flag[];
    }>();
    expect(second.items).toHaveLength(1);
    expect(second.items[0].key > first.items[0].key).toBe(true);
  });

  it('evaluates through OpenFeature: details of a known flag, the default for an unknown one, no other types', async () => {
    const key = newKey();
    await put(key, { enabled: true });
    const client = agora.admin.flags.client;
    const details = await client.getBooleanDetails(key, false);
    expect(details).toMatchObject({
      flagKey: key,
      value: true,
      variant: 'on',
      reason: StandardResolutionReasons.STATIC,
    });
    expect(details.flagMetadata).toMatchObject({ version: 1 });
    expect(await client.getBooleanValue(key, false)).toBe(true);

    const unknown = await client.getBooleanDetails('no_such_flag', true);
    expect(unknown).toMatchObject({ value: true, errorCode: ErrorCode.FLAG_NOT_FOUND, reason: 'ERROR' });
    const wrongType = await client.getStringDetails(key, 'x');
    expect(wrongType).toMatchObject({ value: 'x', errorCode: ErrorCode.TYPE_MISMATCH });
  });

  it('tells OpenFeature handlers which flags changed', async () => {
    const key = newKey();
    const seen: string[][] = [];
    const handler = (details?: EventDetails) =>
      seen.push((details?.flagsChanged as string[] | undefined) ?? []);
    agora.admin.flags.client.addHandler(ProviderEvents.ConfigurationChanged, handler);
    try {
      await put(key, { enabled: true });
      expect(seen).toContainEqual([key]);
    } finally {
      agora.admin.flags.client.removeHandler(ProviderEvents.ConfigurationChanged, handler);
    }
  });

  it('the degraded_mode flag switches the degraded mode on and off, shown in the list and as a metric', async () => {
    const metric = async () => /^agora_degraded (\d)$/m.exec((await get('/metrics')).body)?.[1];
    expect(agora.degraded.active()).toBe(false);
    expect(await metric()).toBe('0');
    expect((await put('degraded_mode', { enabled: true })).statusCode).toBe(200);
    try {
      expect(agora.degraded.active()).toBe(true);
      expect((await get('/v1/admin/feature-flags')).json().degradedMode).toMatchObject({
        active: true,
        reasons: ['flag'],
      });
      expect(await metric()).toBe('1');
    } finally {
      await put('degraded_mode', { enabled: false });
    }
    expect(agora.degraded.active()).toBe(false);
    expect((await get('/v1/admin/feature-flags')).json().degradedMode).toMatchObject({
      active: false,
      since: null,
    });
    expect(await metric()).toBe('0');
  });
});

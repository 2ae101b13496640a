import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sql } from 'kysely';
import type { Agora } from '../../src/app.js';
import { agoraBeside, startAgora, type TestAgora } from '../helpers/agora.js';
import { FAST_ENV, signInAdmin } from '../helpers/catalog.js';
import { waitFor } from '../helpers/events.js';

/** Two Agora processes' worth of instances on one PostgreSQL database. */
describe.skipIf(!inject('pgTemplate'))('feature flags across processes (postgres)', () => {
  let a: TestAgora;
  let b: Agora;
  let token: string;

  beforeAll(async () => {
    // a reloads every 300 ms; b practically never on its own, so what b sees arrived by NOTIFY
    a = await startAgora('postgres', { ...FAST_ENV, AGORA_FLAGS_REFRESH_MS: '300' });
    b = await agoraBeside(a, { AGORA_FLAGS_REFRESH_MS: '600000', ...FAST_ENV });
    token = (await signInAdmin(a)).accessToken;
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const put = (key: string, enabled: boolean) =>
    a.request({ method: 'PUT', url: `/v1/admin/feature-flags/${key}`, token, body: { enabled } });

  it('a change made through one process takes effect in the other at once', async () => {
    expect(b.admin.flags.isEnabled('flash_sales', false)).toBe(true);
    expect((await put('flash_sales', false)).statusCode).toBe(200);
    await waitFor(async () => !b.admin.flags.isEnabled('flash_sales', true), 2_000, 'the change in b');

    expect((await put('degraded_mode', true)).statusCode).toBe(200);
    await waitFor(async () => b.degraded.active(), 2_000, 'the degraded mode in b');
    const listed = await b.app.inject({
      method: 'GET',
      url: '/v1/admin/feature-flags',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(listed.json()).toMatchObject({ degradedMode: { active: true, reasons: ['flag'] } });
    expect(
      listed
        .json<{ items: { key: string; enabled: boolean }[] }>()
        .items.find((f) => f.key === 'flash_sales'),
    ).toMatchObject({ enabled: false });

    await put('degraded_mode', false);
    await put('flash_sales', true);
    await waitFor(
      async () => !b.degraded.active() && b.admin.flags.isEnabled('flash_sales', false),
      2_000,
      'both flags back in b',
    );
  });

  it('a change that was never announced still arrives with the periodic reload', async () => {
    await sql`insert into admin.feature_flags (key, enabled) values ('silent_flag', true)`.execute(
      a.rt.database.db,
    );
    await waitFor(
      async () => a.admin.flags.isEnabled('silent_flag', false),
      3_000,
      'the periodic reload in a',
    );
    // b heard nothing (no NOTIFY, no event) and reloads every 10 minutes
    expect(b.admin.flags.isEnabled('silent_flag', false)).toBe(false);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { databaseModes, startAgora, type TestAgora } from '../helpers/agora.js';
import { registerUser } from '../helpers/factories.js';
import { FAST_ENV, buildCategory, buildProduct, signInAdmin } from '../helpers/catalog.js';
import { waitFor } from '../helpers/events.js';
import { publishEvents } from '../../src/platform/events/outbox.js';

/**
 * The degraded mode, switched by its flag both ways: search indexing and sales analytics wait
 * (nothing lost), the sales report answers from its last result, and everything catches up after.
 */
describe.each(databaseModes())('degraded mode defers non-critical work (%s)', (mode) => {
  let agora: TestAgora;
  let admin: string;

  beforeAll(async () => {
    agora = await startAgora(mode, { ...FAST_ENV, AGORA_DEGRADE_DEFER_MS: '200' });
    await agora.startBackground();
    admin = (await signInAdmin(agora)).accessToken;
  });
  afterAll(() => agora.close());

  const setDegraded = async (enabled: boolean) => {
    const res = await agora.request({
      method: 'PUT',
      url: '/v1/admin/feature-flags/degraded_mode',
      token: admin,
      body: { enabled },
    });
    expect(res.statusCode).toBe(200);
  };
  const searchFinds = async (word: string, id: string) =>
    (await agora.request({ method: 'GET', url: `/v1/search?q=${word}` }))
      .json<{ items: { id: string }[] }>()
      .items.some((i) => i.id === id);
  const sales = (query: string) =>
    agora.request({ method: 'GET', url: `/v1/admin/analytics/sales?${query}`, token: admin });
  const postponedRuns = async () => {
    const text = (await agora.request({ method: 'GET', url: '/metrics' })).body;
    const m = /agora_jobs_completed_total\{name="events.deferred",outcome="postponed"\} (\d+)/.exec(text);
    return m ? Number(m[1]) : 0;
  };
  /** Pending deferred deliveries of a consumer. */
  const deferredJobs = async (consumer: string) => {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from platform.jobs
       where name = 'events.deferred' and status = 'pending' and payload->>'consumer' = ${consumer}`.execute(
      agora.rt.database.db,
    );
    return rows[0].n;
  };

  it('search indexing and sales analytics wait while it is on and catch up once it is off', async () => {
    const seller = await registerUser(agora, { role: 'seller' });
    const category = await buildCategory(agora, admin, 'Deferred');
    const query = 'interval=hour&currency=CHF';
    const before = await sales(query);
    expect(before.json()).toMatchObject({ stale: false, totals: { orders: 0 } });

    await setDegraded(true);
    expect(agora.degraded.active()).toBe(true);
    const word = `zq${randomBytes(4).toString('hex')}`;
    const product = await buildProduct(agora, seller.accessToken, category.id, {
      title: `Patient ${word} Lamp`,
    });
    const orderId = randomUUID();
    await agora.rt.database.db.transaction().execute((trx) =>
      publishEvents(trx, { source: '/agora/orders', correlationId: 'degraded-test' }, [
        {
          type: 'order.confirmed',
          subject: orderId,
          data: {
            orderId,
            userId: randomUUID(),
            status: 'confirmed',
            total: { amount: 4_200, currency: 'CHF' },
            sellerIds: [],
            lines: [
              {
                sku: 'L-1',
                productId: product.id,
                title: 'Lamp',
                quantity: 1,
                unitPrice: { amount: 4_200, currency: 'CHF' },
              },
            ],
          },
        },
      ]),
    );
    // both consumers postponed their event, and postponed it again when it came due while still degraded
    await waitFor(
      async () =>
        (await deferredJobs('search.indexer')) === 1 &&
        (await deferredJobs('admin.analytics')) === 1 &&
        (await postponedRuns()) >= 4,
      15_000,
      'deferred deliveries postponed again',
    );
    expect(await searchFinds(word, product.id)).toBe(false);

    // the report answers from its last result, marked stale; a report never computed is refused
    const stale = await sales(query);
    expect(stale.statusCode).toBe(200);
    expect(stale.json()).toMatchObject({
      stale: true,
      generatedAt: before.json().generatedAt,
      totals: { orders: 0 },
    });
    const never = await sales('interval=day&currency=CHF&top=3');
    expect(never.statusCode).toBe(503);
    expect(never.json()).toMatchObject({ code: 'overloaded' });
    expect(Number(never.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    await setDegraded(false);
    await waitFor(async () => searchFinds(word, product.id), 15_000, 'indexing after the degraded mode');
    await waitFor(
      async () => (await sales(query)).json<{ totals: { orders: number } }>().totals.orders === 1,
      15_000,
      'analytics after the degraded mode',
    );
    const fresh = (await sales(query)).json();
    expect(fresh).toMatchObject({
      stale: false,
      totals: { orders: 1, revenue: [{ amount: 4_200, currency: 'CHF' }] },
    });
    expect(await deferredJobs('search.indexer')).toBe(0);
    expect(await deferredJobs('admin.analytics')).toBe(0);
  });
});

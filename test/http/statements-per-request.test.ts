import { AsyncLocalStorage } from 'node:async_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import pg from 'pg';
import { databaseModes, startAgora, type TestAgora } from '../helpers/agora.js';
import { buildCategory, buildProduct, FAST_ENV, uniqueSku } from '../helpers/catalog.js';
import { marketplace } from '../helpers/checkout.js';
import { waitFor } from '../helpers/events.js';
import { registerUser } from '../helpers/factories.js';
import { startReceiver } from '../helpers/outbound.js';

/**
 * No endpoint issues a statement per row it answers (N+1): each list and detail endpoint is asked
 * for a small answer and then for a larger one, with more rows, more sellers and more lines, and
 * the larger answer may not cost more statements than the smaller one. The smaller goes first, so
 * anything it leaves in a cache only makes the larger cheaper; a statement per row still shows.
 *
 * Counted on PostgreSQL at the driver: every statement a request sends (transaction ends not
 * counted), attributed to the request by its async context, so the background does not count.
 */
const counting = new AsyncLocalStorage<string[]>();
// eslint-disable-next-line @typescript-eslint/unbound-method -- applied below with the client as `this`
const send = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const texts = counting.getStore();
  if (texts) {
    const first = args[0] as string | { text?: string } | undefined;
    const text = typeof first === 'string' ? first : (first?.text ?? '');
    if (!/^\s*(begin|commit|rollback)\s*$/i.test(text)) texts.push(text);
  }
  return send.apply(this, args);
} as typeof pg.Client.prototype.query;

describe.skipIf(!databaseModes().includes('postgres'))('statements per request (postgres)', () => {
  let agora: TestAgora;
  let m: Awaited<ReturnType<typeof marketplace>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    agora = await startAgora('postgres', {
      ...FAST_ENV,
      AGORA_RATE_LIMIT: 'false',
      AGORA_JOBS_POLL_MS: '100',
      AGORA_WEBHOOKS_ALLOW_PRIVATE: 'true',
      AGORA_WEBHOOK_RETRY_BASE_MS: '20',
    });
    receiver = await startReceiver();
    // the search index follows the catalog's events
    await agora.startBackground();
    m = await marketplace(agora);
  });
  afterAll(async () => {
    await agora.close();
    await receiver.close();
  });

  /** The request's answer and the statements it sent. */
  async function counted(req: Parameters<TestAgora['request']>[0]) {
    const texts: string[] = [];
    const res = await counting.run(texts, () => agora.request(req));
    expect(res.statusCode, res.body).toBe(200);
    return { body: res.json(), statements: texts.length, texts };
  }

  /** Asks for the small answer, then the large one; the large may not cost more statements. */
  async function noGrowth(
    small: Parameters<TestAgora['request']>[0],
    large: Parameters<TestAgora['request']>[0],
    rows: (body: any) => number, // eslint-disable-line @typescript-eslint/no-explicit-any
    sizes: [number, number],
  ) {
    const a = await counted(small);
    const b = await counted(large);
    expect([rows(a.body), rows(b.body)]).toEqual(sizes);
    expect(a.statements).toBeGreaterThan(0);
    expect(b.statements, b.texts.join('\n')).toBeLessThanOrEqual(a.statements);
  }

  /** A seller with `products` published products of `variants` variants each, in `categoryId`. */
  async function sellerWith(categoryId: string, products: number, variants = 2) {
    const s = await m.seller();
    for (let i = 0; i < products; i++)
      await buildProduct(agora, s.token, categoryId, {
        title: `Product ${i} of ${s.id.slice(0, 8)}`,
        variants: Array.from({ length: variants }, (_, v) => ({
          sku: uniqueSku('NP'),
          title: `Variant ${v}`,
          price: { amount: 1_000 + v, currency: 'USD' },
          initialStock: 50,
        })),
      });
    return s;
  }

  const items = (body: { items: unknown[] }) => body.items.length;

  /**
   * Waits until `count` (a `count(*)::int as n` statement) reaches `n`. Watched in the tables, not
   * through the API, whose caches would then hold the rows before the counted requests.
   */
  const untilCount = (count: ReturnType<typeof sql<{ n: number }>>, n: number, what: string) =>
    waitFor(async () => (await count.execute(agora.rt.database.db)).rows[0].n >= n, 15_000, what);

  it('product list and product page: more products, sellers and variants, no more statements', async () => {
    const category = await buildCategory(agora, m.admin.accessToken, `List ${uniqueSku('C')}`);
    for (let i = 0; i < 4; i++) await sellerWith(category.id, 2);
    await noGrowth(
      { method: 'GET', url: `/v1/products?categoryId=${category.id}&limit=1` },
      { method: 'GET', url: `/v1/products?categoryId=${category.id}&limit=8` },
      items,
      [1, 8],
    );

    const page = await buildCategory(agora, m.admin.accessToken, `Page ${uniqueSku('C')}`);
    const one = await sellerWith(page.id, 1, 1);
    const many = await sellerWith(page.id, 1, 6);
    const idOf = async (sellerId: string) =>
      (await counted({ method: 'GET', url: `/v1/products?sellerId=${sellerId}` })).body.items[0].id as string;
    const [small, large] = [await idOf(one.id), await idOf(many.id)];
    await noGrowth(
      { method: 'GET', url: `/v1/products/${small}` },
      { method: 'GET', url: `/v1/products/${large}` },
      (p: { variants: unknown[] }) => p.variants.length,
      [1, 6],
    );
  });

  it('search: more hits from more sellers, no more statements', async () => {
    const category = await buildCategory(agora, m.admin.accessToken, `Search ${uniqueSku('C')}`);
    for (let i = 0; i < 3; i++) await sellerWith(category.id, 2);
    const url = (limit: number) => `/v1/search?q=product&categoryId=${category.id}&limit=${limit}`;
    await untilCount(
      sql`select count(*)::int as n from search.documents where category_id = ${category.id} and listed`,
      6,
      'the index to hold the six products',
    );
    await noGrowth({ method: 'GET', url: url(1) }, { method: 'GET', url: url(6) }, items, [1, 6]);
  });

  it("a seller's own products", async () => {
    const category = await buildCategory(agora, m.admin.accessToken, `Own ${uniqueSku('C')}`);
    const few = await sellerWith(category.id, 1);
    const lots = await sellerWith(category.id, 6, 3);
    await noGrowth(
      { method: 'GET', url: '/v1/seller/products', token: few.token },
      { method: 'GET', url: '/v1/seller/products', token: lots.token },
      items,
      [1, 6],
    );
  });

  it('a cart: more lines from more sellers, no more statements', async () => {
    const skus: string[] = [];
    for (let i = 0; i < 3; i++) {
      const s = await m.seller();
      skus.push(...(await m.product(s.token, [{ stock: 20 }, { stock: 20 }])));
    }
    const buyer = await m.buyer();
    const small = await m.cartWith(buyer.token, [{ sku: skus[0], quantity: 1 }]);
    const other = await m.buyer();
    const large = await m.cartWith(
      other.token,
      skus.map((sku) => ({ sku, quantity: 2 })),
    );
    await noGrowth(
      { method: 'GET', url: `/v1/carts/${small}`, token: buyer.token },
      { method: 'GET', url: `/v1/carts/${large}`, token: other.token },
      items,
      [1, 6],
    );
  });

  it("orders: a buyer's list, an order, a seller's list, a SKU's ledger, notifications, webhook deliveries", async () => {
    const sellers = [await m.seller(), await m.seller(), await m.seller()];
    // sellers[0] follows its orders by webhook; the receiver fails the first two calls (retried)
    const hook = await agora.request({
      method: 'POST',
      url: '/v1/webhooks',
      token: sellers[0].token,
      body: { url: receiver.url, events: ['order.confirmed'] },
    });
    expect(hook.statusCode, hook.body).toBe(201);
    receiver.state.secret = hook.json<{ secret: string }>().secret;
    receiver.state.failFirst = 2;
    const skus: string[] = [];
    for (const s of sellers) skus.push(...(await m.product(s.token, [{ stock: 100 }, { stock: 100 }])));
    const order = async (token: string, lines: string[]) => {
      const cartId = await m.cartWith(
        token,
        lines.map((sku) => ({ sku, quantity: 1 })),
      );
      const res = await m.checkout(token, cartId);
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ order: { id: string } }>().order.id;
    };
    // a buyer with one order of one line; another with four orders of six lines from three sellers
    const first = await m.buyer();
    const single = await order(first.token, [skus[0]]);
    const second = await m.buyer();
    let wide = '';
    for (let i = 0; i < 4; i++) wide = await order(second.token, skus);

    await noGrowth(
      { method: 'GET', url: '/v1/orders', token: first.token },
      { method: 'GET', url: '/v1/orders', token: second.token },
      items,
      [1, 4],
    );
    await noGrowth(
      { method: 'GET', url: `/v1/orders/${single}`, token: first.token },
      { method: 'GET', url: `/v1/orders/${wide}`, token: second.token },
      (o: { lines: unknown[] }) => o.lines.length,
      [1, 6],
    );
    // sellers[0] sold in all five orders, a new seller in one
    const newcomer = await m.seller();
    const [own] = await m.product(newcomer.token, [{ stock: 5 }]);
    await order(first.token, [own]);
    await noGrowth(
      { method: 'GET', url: '/v1/seller/orders', token: newcomer.token },
      { method: 'GET', url: '/v1/seller/orders', token: sellers[0].token },
      items,
      [1, 5],
    );

    // the ledger of a SKU sold five times, and the buyer's in-app notifications of four orders
    await noGrowth(
      { method: 'GET', url: `/v1/inventory/${skus[0]}/movements?limit=1`, token: sellers[0].token },
      { method: 'GET', url: `/v1/inventory/${skus[0]}/movements?limit=8`, token: sellers[0].token },
      items,
      [1, 8],
    );
    await untilCount(
      sql`select count(*)::int as n from notifications.notifications where user_id = ${second.id}`,
      4,
      "the buyer's notifications",
    );
    await untilCount(
      sql`select count(*)::int as n from notifications.webhook_deliveries where status = 'succeeded'`,
      5,
      "the seller's webhook deliveries",
    );
    const deliveries = `/v1/webhooks/${hook.json<{ id: string }>().id}/deliveries`;
    await noGrowth(
      { method: 'GET', url: `${deliveries}?limit=1`, token: sellers[0].token },
      { method: 'GET', url: `${deliveries}?limit=5`, token: sellers[0].token },
      items,
      [1, 5],
    );
    await noGrowth(
      { method: 'GET', url: '/v1/me/notifications?limit=1', token: second.token },
      { method: 'GET', url: '/v1/me/notifications?limit=4', token: second.token },
      items,
      [1, 4],
    );
  });

  it('recommendations: more products bought together, no more statements', async () => {
    const s = await m.seller();
    const [few, many] = [
      await m.product(s.token, [{ stock: 10 }]),
      await m.product(s.token, [{ stock: 10 }]),
    ];
    const partners: string[] = [];
    for (let i = 0; i < 7; i++) partners.push(...(await m.product(s.token, [{ stock: 10 }])));
    const buyer = await m.buyer();
    // one order of `few` with one other product, one of `many` with six
    for (const skus of [
      [few[0], partners[0]],
      [many[0], ...partners.slice(1)],
    ]) {
      const cartId = await m.cartWith(
        buyer.token,
        skus.map((sku) => ({ sku, quantity: 1 })),
      );
      expect((await m.checkout(buyer.token, cartId)).statusCode).toBe(201);
    }
    const productOf = async (sku: string) => {
      const { rows } = await sql<{ product_id: string }>`
        select product_id from catalog.variants where sku = ${sku}`.execute(agora.rt.database.db);
      return rows[0].product_id;
    };
    const [small, large] = [await productOf(few[0]), await productOf(many[0])];
    await untilCount(
      sql`select count(*)::int as n from recommendations.order_products
           where product_id in (${small}, ${large})`,
      2,
      'both orders recorded for recommendations',
    );
    await noGrowth(
      { method: 'GET', url: `/v1/products/${small}/recommendations?limit=1` },
      { method: 'GET', url: `/v1/products/${large}/recommendations?limit=6` },
      items,
      [1, 6],
    );
  });

  it('admin lists: users and flash sales', async () => {
    for (let i = 0; i < 6; i++) await registerUser(agora);
    await noGrowth(
      { method: 'GET', url: '/v1/admin/users?limit=1', token: m.admin.accessToken },
      { method: 'GET', url: '/v1/admin/users?limit=8', token: m.admin.accessToken },
      items,
      [1, 8],
    );

    const s = await m.seller();
    const skus = await m.product(s.token, [{ stock: 100 }, { stock: 100 }, { stock: 100 }]);
    for (let i = 0; i < 4; i++) {
      const res = await agora.request({
        method: 'POST',
        url: '/v1/admin/flash-sales',
        token: m.admin.accessToken,
        body: {
          name: `Sale ${i}`,
          // one after another: a SKU is in one sale at a time
          startsAt: new Date(Date.now() + (i + 1) * 3_600_000).toISOString(),
          endsAt: new Date(Date.now() + (i + 1) * 3_600_000 + 1_800_000).toISOString(),
          items: skus.map((sku) => ({
            sku,
            salePrice: { amount: 500, currency: 'USD' },
            quantity: 5,
            perCustomerLimit: 1,
          })),
        },
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    await noGrowth(
      { method: 'GET', url: '/v1/flash-sales?limit=1' },
      { method: 'GET', url: '/v1/flash-sales?limit=4' },
      items,
      [1, 4],
    );
  });
});

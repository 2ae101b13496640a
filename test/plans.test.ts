import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import { openDatabase, type AnyDb, type Database } from '../src/platform/db.js';
import { JobRunner } from '../src/platform/jobs/runner.js';
import { findVariants } from '../src/modules/catalog/index.js';
import { boughtTogether } from '../src/modules/recommendations/repository.js';
import { databaseModes, startAgora, type TestAgora } from './helpers/agora.js';
import { marketplace } from './helpers/checkout.js';

/**
 * Hot statements are planned once per connection, not on every run. PostgreSQL plans a named
 * statement for its values five times, then reuses a plan made for any values only if that plan is
 * estimated no dearer; a statement written so that it is dearer (a limit or a short key list as
 * parameters) is planned afresh every time, which cost more than running it. Read off
 * `pg_prepared_statements` on the connection that ran the statement.
 */
describe.skipIf(!databaseModes().includes('postgres'))('plans reused (postgres)', () => {
  let agora: TestAgora;
  /** One connection, so its prepared statements are the ones the checks read. */
  let single: Database;

  beforeAll(async () => {
    agora = await startAgora('postgres');
    single = await openDatabase({ url: agora.databaseUrl!, poolMax: 1 });
  });
  afterAll(async () => {
    await single?.close();
    await agora?.close();
  });

  async function plans(db: AnyDb, like: string) {
    const { rows } = await sql<{ generic: number; custom: number }>`
      select coalesce(sum(generic_plans), 0)::int as generic, coalesce(sum(custom_plans), 0)::int as custom
        from pg_prepared_statements where statement like ${like}`.execute(db);
    return rows[0];
  }

  it("looks a cart's variants up with the plan it made once, for every number of SKUs", async () => {
    const m = await marketplace(agora);
    const seller = await m.seller();
    const skus = await m.product(
      seller.token,
      Array.from({ length: 10 }, (_, i) => ({ stock: 1, price: 1_000 + i })),
    );
    // a catalog of some size (100 products, 1,000 variants), with planner statistics, as
    // autovacuum keeps them for a database in service
    for (let i = 0; i < 99; i++)
      await m.product(
        seller.token,
        Array.from({ length: 10 }, () => ({ stock: 1 })),
      );
    await sql`analyze catalog.variants, catalog.products`.execute(single.db);
    const found = await single.db.transaction().execute(async (trx) => {
      const sizes: number[] = [];
      for (let run = 0; run < 8; run++) {
        sizes.push((await findVariants(trx, skus.slice(run % 2, (run % 2) + 2))).size);
        sizes.push((await findVariants(trx, [skus[run], 'NO-SUCH-SKU', skus[run + 1], skus[run]])).size);
      }
      const many = await findVariants(trx, skus);
      return { sizes, many, plans: await plans(trx, '%from "catalog"."variants" as "v"%') };
    });
    expect(found.sizes).toEqual(Array.from({ length: 8 }, () => [2, 2]).flat());
    expect([...found.many.keys()].sort()).toEqual([...skus].sort());
    expect(found.many.get(skus[3])).toMatchObject({
      sku: skus[3],
      price: { amount: 1_003, currency: 'USD' },
    });
    // two forms (two SKUs, three SKUs) run eight times each: five custom plans each, then the
    // generic one three times each
    expect(found.plans.generic).toBeGreaterThanOrEqual(6);
  });

  it("reads a product's products bought together with the plan it made once", async () => {
    // 3,000 orders of three products each among 300 products, with planner statistics
    await sql`
      insert into recommendations.order_products (order_id, product_id, confirmed_at)
      select ('00000000-0000-7000-8000-' || lpad(to_hex(o), 12, '0'))::uuid,
             ('00000000-0000-7000-9000-' || lpad(to_hex((o * 7 + k * 101) % 300), 12, '0'))::uuid,
             now() - make_interval(mins => o)
        from generate_series(1, 3000) as o, generate_series(0, 2) as k
      on conflict do nothing`.execute(single.db);
    await sql`analyze recommendations.order_products`.execute(single.db);
    const product = (n: number) => `00000000-0000-7000-9000-${n.toString(16).padStart(12, '0')}`;
    const found: number[] = [];
    for (let run = 0; run < 10; run++)
      found.push((await boughtTogether(single.db, product(run * 13))).length);
    expect(found.every((n) => n > 0)).toBe(true);
    const together = await plans(single.db, '%with recent as%');
    // five custom plans, then the generic one for the other runs
    expect(together.generic).toBeGreaterThanOrEqual(3);
  });

  it('claims jobs with the plan it made once', async () => {
    const runner = new JobRunner(single, agora.rt.log, new Registry(), { pollMs: 5_000, concurrency: 4 });
    let ran = 0;
    runner.register('test.plans', async () => {
      ran++;
    });
    // a queue with a backlog, with planner statistics taken then
    await sql`insert into platform.jobs (name, payload)
              select 'test.plans', '{}' from generate_series(1, 3000)`.execute(single.db);
    await sql`analyze platform.jobs`.execute(single.db);
    for (let i = 0; i < 8; i++) expect(await runner.runDue()).toBe(4);
    expect(ran).toBe(32);
    const claim = await plans(single.db, '%update platform.jobs as j%');
    expect(claim.generic).toBeGreaterThanOrEqual(3);
    await runner.stop();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { databaseModes, startAgora, type TestAgora } from '../helpers/agora.js';
import { FAST_ENV } from '../helpers/catalog.js';
import { marketplace } from '../helpers/checkout.js';
import { verifyInventory } from '../../src/modules/inventory/index.js';

/**
 * Many buyers race for few units, through HTTP. On PostgreSQL at full size (200 buyers, 50 units);
 * the embedded database is one connection, so there the race is smaller.
 */
describe.each(databaseModes())('checkout races (%s)', (mode) => {
  let agora: TestAgora;
  let m: Awaited<ReturnType<typeof marketplace>>;
  let seller: { token: string; id: string };
  const big = mode === 'postgres';

  beforeAll(async () => {
    agora = await startAgora(mode, { ...FAST_ENV, AGORA_RATE_LIMIT: 'false', DATABASE_POOL_MAX: '20' });
    m = await marketplace(agora);
    seller = await m.seller();
  });
  afterAll(() => agora.close());

  const buyers = (n: number) => Promise.all(Array.from({ length: n }, () => m.buyer()));

  it('sells exactly the units there are: no oversell, every loser out_of_stock, ledger consistent', async () => {
    const units = big ? 50 : 10;
    const racers = big ? 200 : 40;
    const [sku] = await m.product(seller.token, [{ stock: units }]);
    const people = await buyers(racers);
    const carts = await Promise.all(people.map((b) => m.cartWith(b.token, [{ sku, quantity: 1 }])));
    const answers = await Promise.all(people.map((b, i) => m.checkout(b.token, carts[i])));
    const byStatus = new Map<number, number>();
    for (const a of answers) byStatus.set(a.statusCode, (byStatus.get(a.statusCode) ?? 0) + 1);
    expect(Object.fromEntries(byStatus)).toEqual({ 201: units, 409: racers - units });
    for (const a of answers.filter((x) => x.statusCode === 409)) expect(a.json().code).toBe('out_of_stock');
    expect(await m.stock(seller.token, sku)).toEqual(
      expect.objectContaining({ onHand: 0, reserved: 0, available: 0 }),
    );
    expect(await verifyInventory(agora.rt.database.db)).toEqual([]);
    const paid = await sql<{ n: number }>`
      select count(*)::int as n from orders.orders o join payments.payments p on p.id = o.payment_id
       where o.status = 'confirmed' and p.status = 'captured'
         and o.id in (select order_id from orders.lines where sku = ${sku})`.execute(agora.rt.database.db);
    expect(paid.rows[0].n).toBe(units);
  });

  it('overlapping multi-line carts in every order finish without deadlock and never oversell', async () => {
    const skus = await m.product(seller.token, [{ stock: 8 }, { stock: 8 }, { stock: 8 }]);
    const racers = big ? 60 : 20;
    const people = await buyers(racers);
    const carts = await Promise.all(
      people.map((b, i) => {
        // different subsets of the SKUs, added in different orders
        const rotated = [...skus.slice(i % 3), ...skus.slice(0, i % 3)];
        const lines = rotated.slice(0, 2 + (i % 2)).map((sku) => ({ sku, quantity: 1 }));
        return m.cartWith(b.token, lines);
      }),
    );
    const answers = await Promise.all(people.map((b, i) => m.checkout(b.token, carts[i])));
    expect(
      answers.every(
        (a) => a.statusCode === 201 || (a.statusCode === 409 && a.json().code === 'out_of_stock'),
      ),
    ).toBe(true);
    const sold = new Map<string, number>();
    const { rows } = await sql<{ sku: string; n: number }>`
      select l.sku, sum(l.quantity)::int as n from orders.lines l join orders.orders o on o.id = l.order_id
       where o.status = 'confirmed' and l.sku in (${sql.join(skus)}) group by l.sku`.execute(
      agora.rt.database.db,
    );
    for (const r of rows) sold.set(r.sku, r.n);
    for (const sku of skus) {
      const level = await m.stock(seller.token, sku);
      expect(level.reserved).toBe(0);
      expect(level.onHand).toBe(8 - (sold.get(sku) ?? 0));
      expect(level.onHand).toBeGreaterThanOrEqual(0);
    }
    expect(answers.filter((a) => a.statusCode === 201).length).toBeGreaterThan(0);
    expect(await verifyInventory(agora.rt.database.db)).toEqual([]);
  });
});

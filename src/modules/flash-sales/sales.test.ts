import { sql } from 'kysely';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseModes, startAgora, type TestAgora } from '../../../test/helpers/agora.js';
import type { Ctx } from '../../platform/context.js';
import { MemoryGate } from './gate.js';
import { holdProvider, releaseHolds } from './holds.js';
import type { FindVariants, VariantFacts } from './ports.js';
import { Reservations } from './reservations.js';
import { SaleBook } from './sale-book.js';
import { createSale, endSale, getSale, startSale } from './sale-service.js';
import { seedActiveSale, tableCart, tableInventory } from './test-support.js';
import type { CartPort } from './ports.js';
import type { AppError } from '../../platform/errors.js';
import { WaitingRoom } from './waiting-room.js';

describe.each(databaseModes())('flash-sale lifecycle (%s)', (mode) => {
  let agora: TestAgora;
  let inventory: Awaited<ReturnType<typeof tableInventory>>;
  let cart: Awaited<ReturnType<typeof tableCart>>;
  const variants = new Map<string, VariantFacts>();
  const findVariants: FindVariants = async (_db, skus) =>
    new Map(skus.flatMap((s) => (variants.has(s) ? [[s, variants.get(s)!] as const] : [])));
  const ctx = (): Ctx => ({ db: agora.rt.database.db, actor: null, requestId: 'test', log: agora.rt.log });
  const variant = async (stock: number, price = 2_000) => {
    const sku = `SKU-${randomBytes(4).toString('hex')}`;
    variants.set(sku, {
      sku,
      productId: randomUUID(),
      sellerId: randomUUID(),
      productTitle: 'Lamp',
      variantTitle: 'Blue',
      price: { amount: price, currency: 'USD' },
      status: 'published',
    });
    await inventory.stock(sku, stock);
    return sku;
  };
  const deps = () => ({ inventory, findVariants });
  /** The hot path over `book`, the in-process gate and a roomy waiting room; `cartPort` takes the holds. */
  const reservationsOn = (book: SaleBook, cartPort: CartPort = cart) =>
    new Reservations({
      db: agora.rt.database.db,
      book,
      gate: new MemoryGate(),
      room: new WaitingRoom({
        maxInflight: 100,
        maxQueue: 10,
        admitWindowMs: 1000,
        secret: Buffer.from('k'.repeat(32)),
      }),
      cart: cartPort,
      holdTtlMs: 60_000,
      batch: { maxBatch: 100, windowMs: 0 },
    });
  const soon = (ms: number) => new Date(Date.now() + ms).toISOString();
  const events = async (saleId: string) =>
    (
      await sql<{
        type: string;
        data: unknown;
      }>`select type, data from platform.outbox where subject = ${saleId} order by id`.execute(
        agora.rt.database.db,
      )
    ).rows;

  beforeAll(async () => {
    agora = await startAgora(mode);
    inventory = await tableInventory(agora.rt.database.db);
    cart = await tableCart(agora.rt.database.db);
  });
  afterAll(async () => {
    await agora?.close();
  });

  it('validates the times, the SKUs and the currency, naming each field', async () => {
    const sku = await variant(10);
    await expect(
      createSale(ctx(), deps(), {
        name: ' \t ',
        startsAt: soon(60_000),
        endsAt: soon(30_000),
        items: [
          { sku: 'NOPE-1', salePrice: { amount: 100, currency: 'USD' }, quantity: 1, perCustomerLimit: 1 },
          { sku, salePrice: { amount: 100, currency: 'EUR' }, quantity: 1, perCustomerLimit: 1 },
          { sku, salePrice: { amount: 100, currency: 'USD' }, quantity: 1, perCustomerLimit: 2 },
        ],
      }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      errors: expect.arrayContaining([
        { path: '/body/name', message: 'must not be blank' },
        { path: '/body/endsAt', message: 'must be after startsAt' },
        { path: '/body/items/0/sku', message: 'is not a known SKU' },
        { path: '/body/items/1/salePrice/currency', message: "must be the variant's currency (USD)" },
        { path: '/body/items/2/sku', message: 'appears twice in this sale' },
        { path: '/body/items/2/perCustomerLimit', message: 'must not exceed quantity' },
      ]),
    });
  });

  it('schedules the start and end jobs; starting allocates stock (what exists when short); ending returns the rest', async () => {
    const db = agora.rt.database.db;
    const plenty = await variant(50);
    const short = await variant(3);
    const sale = await createSale(ctx(), deps(), {
      name: 'Lamps',
      startsAt: soon(-1_000),
      endsAt: soon(3_600_000),
      items: [
        { sku: plenty, salePrice: { amount: 900, currency: 'USD' }, quantity: 10, perCustomerLimit: 2 },
        { sku: short, salePrice: { amount: 900, currency: 'USD' }, quantity: 5, perCustomerLimit: 1 },
      ],
    });
    expect(sale.state).toBe('scheduled');
    expect(sale.items.map((i) => i.remaining)).toEqual([10, 5]);
    const jobs = (
      await sql<{
        name: string;
        key: string;
      }>`select name, key from platform.jobs where key like ${'%' + sale.id}`.execute(db)
    ).rows;
    expect(jobs.map((j) => j.name).sort()).toEqual(['flash_sales.end', 'flash_sales.start']);

    expect(await startSale(db, deps(), sale.id)).toBe('started');
    expect(await startSale(db, deps(), sale.id)).toBe('skipped');
    const started = await getSale(db, sale.id);
    expect(started.state).toBe('active');
    expect(started.items.map((i) => [i.allocated, i.remaining])).toEqual([
      [10, 10],
      [3, 3],
    ]);
    expect(await inventory.level(plenty)).toEqual({ on_hand: 50, reserved: 10 });
    expect(await inventory.level(short)).toEqual({ on_hand: 3, reserved: 3 });
    expect((await events(sale.id)).map((e) => e.type)).toEqual(['flash_sale.started']);

    // a buyer holds 2 units; the sale ends; the unheld rest goes back to stock at once
    const book = new SaleBook(db);
    const path = reservationsOn(book);
    await book.refresh();
    const buyer = randomUUID();
    const held = await path.reserve(sale.id, buyer, { sku: plenty, quantity: 2 });
    if (!('reserved' in held)) throw new Error('expected a reservation');
    expect(held.reserved.unitPrice).toEqual({ amount: 900, currency: 'USD' });

    expect(await endSale(db, deps(), sale.id)).toBe(true);
    expect(await endSale(db, deps(), sale.id)).toBe(false);
    const ended = await getSale(db, sale.id);
    expect(ended.state).toBe('ended');
    expect(ended.items.map((i) => i.remaining)).toEqual([0, 0]);
    expect(await inventory.level(plenty)).toEqual({ on_hand: 50, reserved: 2 });
    expect(await inventory.level(short)).toEqual({ on_hand: 3, reserved: 0 });
    const ev = await events(sale.id);
    expect(ev.map((e) => e.type)).toEqual(['flash_sale.started', 'flash_sale.ended']);

    // the buyer's hold outlives the sale; when it expires its units go back to ordinary stock
    await sql`update flash_sales.holds set expires_at = now() - interval '1 second' where sale_id = ${sale.id}`.execute(
      db,
    );
    await db
      .transaction()
      .execute((trx) => releaseHolds(trx, { inventory }, { expired: true, limit: 10 }, 'expired'));
    expect(await inventory.level(plenty)).toEqual({ on_hand: 50, reserved: 0 });
  });

  it('a start or end job scheduled for a time the sale no longer has does nothing', async () => {
    const db = agora.rt.database.db;
    const sku = await variant(5);
    const sale = await createSale(ctx(), deps(), {
      name: 'Moved',
      startsAt: soon(60_000),
      endsAt: soon(3_600_000),
      items: [{ sku, salePrice: { amount: 100, currency: 'USD' }, quantity: 2, perCustomerLimit: 1 }],
    });
    const { rows } = await sql<{ name: string; payload: { saleId: string; at: string } }>`
      select name, payload from platform.jobs where key like ${'%' + sale.id} order by name`.execute(db);
    expect(rows.map((r) => [r.name, r.payload])).toEqual([
      ['flash_sales.end', { saleId: sale.id, at: sale.endsAt }],
      ['flash_sales.start', { saleId: sale.id, at: sale.startsAt }],
    ]);
    expect(await startSale(db, deps(), sale.id, soon(30_000))).toBe('skipped');
    expect((await getSale(db, sale.id)).state).toBe('scheduled');
    expect(await startSale(db, deps(), sale.id, sale.startsAt)).toBe('started');
    expect(await endSale(db, deps(), sale.id, soon(120_000))).toBe(false);
    expect((await getSale(db, sale.id)).state).toBe('active');
    expect(await endSale(db, deps(), sale.id, sale.endsAt)).toBe(true);
    expect((await getSale(db, sale.id)).state).toBe('ended');
  });

  it('checkout claims a hold, converts it into a sale from the allocation, and the sale sells out', async () => {
    const db = agora.rt.database.db;
    const sku = await variant(5);
    const sale = await createSale(ctx(), deps(), {
      name: 'One',
      startsAt: soon(-1_000),
      endsAt: soon(3_600_000),
      items: [{ sku, salePrice: { amount: 100, currency: 'USD' }, quantity: 1, perCustomerLimit: 1 }],
    });
    await startSale(db, deps(), sale.id);
    const book = new SaleBook(db);
    await book.refresh();
    const path = reservationsOn(book);
    const r = await path.reserve(sale.id, randomUUID(), { sku, quantity: 1 });
    if (!('reserved' in r)) throw new Error('expected a reservation');
    const holdId = r.reserved.reservationId;
    const holds = holdProvider({ inventory });
    const order = randomUUID();
    await db.transaction().execute((trx) => holds.claim(trx, [holdId], order));
    await db.transaction().execute((trx) => holds.claim(trx, [holdId], order)); // idempotent
    await expect(
      db.transaction().execute((trx) => holds.claim(trx, [holdId], randomUUID())),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
    // a claimed hold is not released by expiry
    await sql`update flash_sales.holds set expires_at = now() - interval '1 second' where id = ${holdId}`.execute(
      db,
    );
    expect(
      await db
        .transaction()
        .execute((trx) => releaseHolds(trx, { inventory }, { expired: true, limit: 10 }, 'expired')),
    ).toEqual([]);
    await db.transaction().execute((trx) => holds.convert(trx, [holdId], order));
    await db.transaction().execute((trx) => holds.convert(trx, [holdId], order)); // idempotent
    expect(await inventory.level(sku)).toEqual({ on_hand: 4, reserved: 0 });
    const after = await getSale(db, sale.id);
    expect(after.state).toBe('sold_out');
    expect(after.items[0].sold).toBe(1);
    expect((await events(sale.id)).map((e) => e.type)).toEqual(['flash_sale.started', 'flash_sale.sold_out']);
  });

  it('a failed checkout gives the hold back; it then expires and its unit is sold again', async () => {
    const db = agora.rt.database.db;
    const sku = await variant(5);
    const sale = await createSale(ctx(), deps(), {
      name: 'Two',
      startsAt: soon(-1_000),
      endsAt: soon(3_600_000),
      items: [{ sku, salePrice: { amount: 100, currency: 'USD' }, quantity: 1, perCustomerLimit: 1 }],
    });
    await startSale(db, deps(), sale.id);
    const holds = holdProvider({ inventory });
    const holdId = randomUUID();
    const user = randomUUID();
    await sql`update flash_sales.items set remaining = 0 where sale_id = ${sale.id}`.execute(db);
    await sql`insert into flash_sales.holds (id, sale_id, sku, user_id, quantity, unit_price, currency, status, expires_at)
              values (${holdId}, ${sale.id}, ${sku}, ${user}, 1, 100, 'USD', 'held', now() + interval '1 minute')`.execute(
      db,
    );
    await sql`insert into flash_sales.customer_units (sale_id, sku, user_id, units, limit_units) values (${sale.id}, ${sku}, ${user}, 1, 1)`.execute(
      db,
    );
    const order = randomUUID();
    await db.transaction().execute((trx) => holds.claim(trx, [holdId], order));
    await db.transaction().execute((trx) => holds.unclaim(trx, [holdId], order));
    await db.transaction().execute((trx) => holds.unclaim(trx, [holdId], order));
    await sql`update flash_sales.holds set expires_at = now() - interval '1 second' where id = ${holdId}`.execute(
      db,
    );
    const released = await db
      .transaction()
      .execute((trx) => releaseHolds(trx, { inventory }, { expired: true, limit: 10 }, 'expired'));
    expect(released.map((h) => h.id)).toEqual([holdId]);
    expect((await getSale(db, sale.id)).items[0].remaining).toBe(1);
    await expect(db.transaction().execute((trx) => holds.claim(trx, [holdId], order))).rejects.toMatchObject({
      code: 'conflict',
    });
  });

  it('a cart that refuses one buyer gives that buyer the error and the rest of the batch their units', async () => {
    const db = agora.rt.database.db;
    const { saleId, skus } = await seedActiveSale(db, { units: 10, limit: 1 });
    const picky = randomUUID();
    // the buyer's cart is in euros
    const refusing: CartPort = {
      ...cart,
      heldBatch: (users) => {
        const batch = cart.heldBatch(users);
        return {
          ...batch,
          carts: sql`select user_id, cart_id, case when user_id = ${picky}::uuid then 'EUR' else currency end as currency
                       from (${batch.carts}) c`,
        };
      },
    };
    const book = new SaleBook(db);
    await book.refresh();
    const path = reservationsOn(book, refusing);
    const buyers = [randomUUID(), randomUUID(), picky, randomUUID(), randomUUID()];
    const answers = await Promise.all(
      buyers.map((u) =>
        path.reserve(saleId, u, { sku: skus[0], quantity: 1 }).then(
          () => 'reserved',
          (e: AppError) => e.code,
        ),
      ),
    );
    expect(answers).toEqual(['reserved', 'reserved', 'conflict', 'reserved', 'reserved']);
    expect((await getSale(db, saleId)).items[0].remaining).toBe(6);
  });

  it('a buyer twice in one batch: the statement decides each buyer once, the repeat right after', async () => {
    const db = agora.rt.database.db;
    const { saleId, skus } = await seedActiveSale(db, { units: 10, limit: 2 });
    const book = new SaleBook(db);
    await book.refresh();
    const path = reservationsOn(book);
    const twice = randomUUID();
    const other = randomUUID();
    // one turn of the event loop: one batch with `twice` in it twice
    const answers = await Promise.all(
      [twice, other, twice].map((u) =>
        path.reserve(saleId, u, { sku: skus[0], quantity: 1 }).then(
          (a) => ('reserved' in a ? a.reserved.quantity : 'queued'),
          (e: AppError) => e.code,
        ),
      ),
    );
    expect(answers).toEqual([1, 1, 1]);
    expect(path.stats.batches).toBe(1);
    const units = await sql<{ user_id: string; units: number }>`
      select user_id, units from flash_sales.customer_units where sale_id = ${saleId} order by units`.execute(
      db,
    );
    expect(units.rows).toEqual([
      { user_id: other, units: 1 },
      { user_id: twice, units: 2 },
    ]);
    expect((await getSale(db, saleId)).items[0].remaining).toBe(7);
  });

  it('a batch whose last statement finds the limit passed in the database rolls back whole', async () => {
    const db = agora.rt.database.db;
    const { saleId, skus } = await seedActiveSale(db, { units: 10, limit: 3 });
    // the database's own limit for this buyer (1, reached) is below the sale's (3): its backstop
    // refuses the batch at the statement that carries the COMMIT
    const strict = randomUUID();
    await sql`insert into flash_sales.customer_units (sale_id, sku, user_id, units, limit_units)
              values (${saleId}, ${skus[0]}, ${strict}, 1, 1)`.execute(db);
    const book = new SaleBook(db);
    await book.refresh();
    const path = reservationsOn(book);
    const buyers = [randomUUID(), strict, randomUUID()];
    const answers = await Promise.all(
      buyers.map((u) =>
        path.reserve(saleId, u, { sku: skus[0], quantity: 1 }).then(
          () => 'reserved',
          (e: Error) => e.message,
        ),
      ),
    );
    expect(answers).toEqual(Array(3).fill('per-customer limit violated in a batch'));
    expect((await getSale(db, saleId)).items[0].remaining).toBe(10);
    const left = await sql<{ holds: number; units: number; lines: number }>`
      select (select count(*)::int from flash_sales.holds where sale_id = ${saleId}) as holds,
             (select coalesce(sum(units), 0)::int from flash_sales.customer_units where sale_id = ${saleId}) as units,
             (select count(*)::int from ${sql.id('public', cart.table)} where user_id = any(${buyers}::uuid[])) as lines`.execute(
      db,
    );
    expect(left.rows[0]).toEqual({ holds: 0, units: 1, lines: 0 });
  });
});

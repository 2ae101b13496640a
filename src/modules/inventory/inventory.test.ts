import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseModes, startAgora, type TestAgora } from '../../../test/helpers/agora.js';
import { FAST_ENV } from '../../../test/helpers/catalog.js';
import { waitFor } from '../../../test/helpers/events.js';
import { eventsOf, inventoryFixture, levelRow } from '../../../test/helpers/inventory.js';
import type { CloudEvent } from '../../platform/events/outbox.js';
import { HoldNotActiveError, OutOfStockError, verifyInventory, type StockLine } from './index.js';

describe.each(databaseModes())('inventory door (%s)', (mode) => {
  let agora: TestAgora;
  let fx: Awaited<ReturnType<typeof inventoryFixture>>;
  const inTrx = <T>(fn: (trx: never) => Promise<T>) =>
    agora.rt.database.db.transaction().execute((trx) => fn(trx as never));
  const reserve = (lines: StockLine[], ref = 'cart-1', expiresAt: Date | null = null) =>
    inTrx((trx) => agora.inventory.reserve(trx, { lines, ref: { kind: 'cart', id: ref }, expiresAt }));
  const available = async (sku: string) =>
    (await agora.inventory.available(agora.rt.database.db, [sku])).get(sku);

  beforeAll(async () => {
    agora = await startAgora(mode, {
      ...FAST_ENV,
      AGORA_HOLD_SWEEP_MS: '100',
      AGORA_JOBS_POLL_MS: '100',
      // 200 transactions queue for the pool's few connections; on a busy machine that takes a while
      DATABASE_POOL_TIMEOUT_MS: '60000',
    });
    fx = await inventoryFixture(agora);
    await agora.startBackground();
  });
  afterAll(async () => {
    await agora.close();
  });

  it('200 concurrent reservations of a SKU with 50 units: exactly 50 holds, 150 out_of_stock, nothing negative', async () => {
    const [sku] = await fx.stocked([50]);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) => reserve([{ sku, quantity: 1 }], `race-${i}`)),
    );
    const held = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(held).toHaveLength(50);
    expect(refused).toHaveLength(150);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(OutOfStockError);
      expect((r.reason as OutOfStockError).lines).toEqual([{ sku, requested: 1, available: 0 }]);
    }
    expect(await available(sku)).toBe(0);
    expect(await levelRow(agora, sku)).toEqual({ on_hand: 50, reserved: 50 });
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from inventory.hold_lines where sku = ${sku}`.execute(agora.rt.database.db);
    expect(rows[0].n).toBe(50);
    // the crossing to the threshold (5) happened once, however many waited for the row meanwhile
    expect(await eventsOf(agora, 'inventory.low_stock', sku)).toEqual([
      expect.objectContaining({ sku, available: 5, threshold: 5 }),
    ]);
    expect(await verifyInventory(agora.rt.database.db)).toEqual([]);
    const metrics = await agora.rt.metrics.getSingleMetricAsString('agora_inventory_reservations_total');
    expect(metrics).toMatch(/outcome="out_of_stock"} (\d+)/);
  });

  it('overlapping multi-line reservations in random order all finish, without deadlock or overselling', async () => {
    const skus = await fx.stocked([30, 30, 30, 30]);
    const shuffled = () =>
      [...skus].sort(() => Math.random() - 0.5).slice(0, 2 + Math.floor(Math.random() * 3));
    const attempts = Array.from({ length: 80 }, (_, i) => ({
      i,
      lines: shuffled().map((sku) => ({ sku, quantity: 1 + Math.floor(Math.random() * 3) })),
    }));
    const outcomes = await Promise.allSettled(attempts.map((a) => reserve(a.lines, `multi-${a.i}`)));
    const unexpected = outcomes.filter(
      (o) => o.status === 'rejected' && !(o.reason instanceof OutOfStockError),
    );
    expect(unexpected).toEqual([]);
    const reservedBy = new Map<string, number>();
    outcomes.forEach((o, i) => {
      if (o.status === 'fulfilled')
        for (const l of attempts[i].lines) reservedBy.set(l.sku, (reservedBy.get(l.sku) ?? 0) + l.quantity);
    });
    for (const sku of skus) {
      const row = await levelRow(agora, sku);
      expect(row.reserved).toBe(reservedBy.get(sku) ?? 0);
      expect(row.reserved).toBeLessThanOrEqual(row.on_hand);
    }
    expect(await verifyInventory(agora.rt.database.db)).toEqual([]);
  });

  it('an out_of_stock answer names every short line and leaves the other lines untouched', async () => {
    const [a, b, c] = await fx.stocked([5, 2, 1]);
    const err = await reserve([
      { sku: a, quantity: 3 },
      { sku: b, quantity: 2 },
      { sku: b, quantity: 1 },
      { sku: c, quantity: 4 },
    ]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutOfStockError);
    expect((err as OutOfStockError).lines).toEqual(
      [
        { sku: b, requested: 3, available: 2 },
        { sku: c, requested: 4, available: 1 },
      ].sort((x, y) => (x.sku < y.sku ? -1 : 1)),
    );
    // the same transaction goes on: a caller that handles the error keeps nothing half-reserved
    const after = await inTrx(async (trx) => {
      await agora.inventory
        .reserve(trx, {
          lines: [
            { sku: a, quantity: 5 },
            { sku: c, quantity: 9 },
          ],
          ref: { kind: 'cart', id: 'x' },
          expiresAt: null,
        })
        .catch(() => undefined);
      return agora.inventory.available(trx, [a, b, c]);
    });
    expect([...after.values()].sort()).toEqual([1, 2, 5].sort());
  });

  it('commit and release are idempotent; a committed hold cannot be released', async () => {
    const [a, b] = await fx.stocked([10, 10]);
    const hold = await reserve([
      { sku: a, quantity: 3 },
      { sku: b, quantity: 2 },
    ]);
    expect(hold).toMatchObject({ status: 'held', expiresAt: null });
    await inTrx((trx) => agora.inventory.commit(trx, hold.id, { orderId: 'order-1' }));
    await inTrx((trx) => agora.inventory.commit(trx, hold.id, { orderId: 'order-1' }));
    await inTrx((trx) => agora.inventory.release(trx, hold.id, 'too late'));
    expect(await levelRow(agora, a)).toEqual({ on_hand: 7, reserved: 0 });
    expect(await levelRow(agora, b)).toEqual({ on_hand: 8, reserved: 0 });
    expect((await agora.inventory.getHold(agora.rt.database.db, hold.id))?.status).toBe('committed');
    await expect(
      inTrx((trx) => agora.inventory.commit(trx, hold.id, { orderId: 'order-2' })),
    ).rejects.toBeInstanceOf(HoldNotActiveError);

    const other = await reserve([{ sku: a, quantity: 4 }]);
    await inTrx((trx) => agora.inventory.release(trx, other.id, 'cart emptied'));
    await inTrx((trx) => agora.inventory.release(trx, other.id, 'cart emptied'));
    expect(await levelRow(agora, a)).toEqual({ on_hand: 7, reserved: 0 });
    await expect(
      inTrx((trx) => agora.inventory.commit(trx, other.id, { orderId: 'order-3' })),
    ).rejects.toBeInstanceOf(HoldNotActiveError);
    const { rows } = await sql<{
      kind: string;
      delta_on_hand: number;
      delta_reserved: number;
      order_id: string | null;
    }>`
      select kind, delta_on_hand, delta_reserved, order_id from inventory.movements where sku = ${a} order by id`.execute(
      agora.rt.database.db,
    );
    expect(rows).toEqual([
      { kind: 'initial', delta_on_hand: 10, delta_reserved: 0, order_id: null },
      { kind: 'reservation', delta_on_hand: 0, delta_reserved: 3, order_id: null },
      { kind: 'commit', delta_on_hand: -3, delta_reserved: -3, order_id: 'order-1' },
      { kind: 'reservation', delta_on_hand: 0, delta_reserved: 4, order_id: null },
      { kind: 'release', delta_on_hand: 0, delta_reserved: -4, order_id: null },
    ]);
  });

  it('a flash-sale allocation is committed and released in parts', async () => {
    const [sku] = await fx.stocked([20]);
    const hold = await inTrx((trx) =>
      agora.inventory.reserve(trx, {
        lines: [{ sku, quantity: 10 }],
        ref: { kind: 'flash_sale', id: 'sale-1' },
        expiresAt: null,
      }),
    );
    await inTrx((trx) =>
      agora.inventory.commit(trx, hold.id, { orderId: 'fo-1', lines: [{ sku, quantity: 3 }] }),
    );
    await inTrx((trx) =>
      agora.inventory.commit(trx, hold.id, { orderId: 'fo-2', lines: [{ sku, quantity: 2 }] }),
    );
    await inTrx((trx) =>
      agora.inventory.commit(trx, hold.id, { orderId: 'fo-2', lines: [{ sku, quantity: 2 }] }),
    );
    await expect(
      inTrx((trx) =>
        agora.inventory.commit(trx, hold.id, { orderId: 'fo-3', lines: [{ sku, quantity: 6 }] }),
      ),
    ).rejects.toBeInstanceOf(HoldNotActiveError);
    await inTrx((trx) => agora.inventory.release(trx, hold.id, 'unsold part', [{ sku, quantity: 4 }]));
    expect(await agora.inventory.getHold(agora.rt.database.db, hold.id)).toMatchObject({
      status: 'held',
      remaining: [{ sku, quantity: 1 }],
    });
    expect(await levelRow(agora, sku)).toEqual({ on_hand: 15, reserved: 1 });
    await inTrx((trx) => agora.inventory.release(trx, hold.id, 'sale ended'));
    expect(await agora.inventory.getHold(agora.rt.database.db, hold.id)).toMatchObject({
      status: 'committed',
      remaining: [{ sku, quantity: 0 }],
    });
    expect(await levelRow(agora, sku)).toEqual({ on_hand: 15, reserved: 0 });
    expect(await verifyInventory(agora.rt.database.db)).toEqual([]);
  });

  it('a live hold takes more units all or nothing: short lines are named, a settled hold refuses', async () => {
    const [sku, other] = await fx.stocked([10, 2]);
    const hold = await inTrx((trx) =>
      agora.inventory.reserve(trx, {
        lines: [{ sku, quantity: 4 }],
        ref: { kind: 'flash_sale', id: 'sale-grow' },
        expiresAt: null,
      }),
    );
    await inTrx((trx) => agora.inventory.addToHold(trx, hold.id, [{ sku, quantity: 3 }]));
    expect(await levelRow(agora, sku)).toEqual({ on_hand: 10, reserved: 7 });
    // all or nothing: the short line is named, the other keeps its units
    await expect(
      inTrx((trx) =>
        agora.inventory.addToHold(trx, hold.id, [
          { sku, quantity: 1 },
          { sku: other, quantity: 3 },
        ]),
      ),
    ).rejects.toMatchObject({ code: 'out_of_stock', lines: [{ sku: other, requested: 3, available: 2 }] });
    expect(await levelRow(agora, sku)).toEqual({ on_hand: 10, reserved: 7 });
    // a SKU the hold did not have gets a line
    await inTrx((trx) => agora.inventory.addToHold(trx, hold.id, [{ sku: other, quantity: 2 }]));
    expect(await agora.inventory.getHold(agora.rt.database.db, hold.id)).toMatchObject({
      status: 'held',
      lines: expect.arrayContaining([
        { sku, quantity: 7 },
        { sku: other, quantity: 2 },
      ]),
    });
    await inTrx((trx) =>
      agora.inventory.commit(trx, hold.id, { orderId: 'grow-1', lines: [{ sku, quantity: 7 }] }),
    );
    await inTrx((trx) => agora.inventory.release(trx, hold.id, 'done'));
    await expect(
      inTrx((trx) => agora.inventory.addToHold(trx, hold.id, [{ sku, quantity: 1 }])),
    ).rejects.toBeInstanceOf(HoldNotActiveError);
    expect(await levelRow(agora, sku)).toEqual({ on_hand: 3, reserved: 0 });
    expect(await levelRow(agora, other)).toEqual({ on_hand: 2, reserved: 0 });
    expect(await verifyInventory(agora.rt.database.db)).toEqual([]);
  });

  it('the expiry job releases expired holds, the units can be reserved again, and an expired hold cannot be committed', async () => {
    const [sku] = await fx.stocked([2]);
    const hold = await reserve([{ sku, quantity: 2 }], 'cart-exp', new Date(Date.now() + 300));
    await expect(reserve([{ sku, quantity: 1 }])).rejects.toBeInstanceOf(OutOfStockError);
    await waitFor(async () => (await available(sku)) === 2, 10_000, 'the expiry job');
    expect((await agora.inventory.getHold(agora.rt.database.db, hold.id))?.status).toBe('released');
    expect(await eventsOf(agora, 'inventory.hold_expired', hold.id)).toEqual([
      { holdId: hold.id, ref: { kind: 'cart', id: 'cart-exp' }, lines: [{ sku, quantity: 2 }] },
    ]);
    const again = await reserve([{ sku, quantity: 2 }], 'cart-next');
    expect(again.status).toBe('held');

    const [late] = await fx.stocked([1]);
    const stale = await reserve([{ sku: late, quantity: 1 }], 'cart-stale', new Date(Date.now() - 1_000));
    await expect(
      inTrx((trx) => agora.inventory.commit(trx, stale.id, { orderId: 'o-late' })),
    ).rejects.toBeInstanceOf(HoldNotActiveError);
    expect(await verifyInventory(agora.rt.database.db)).toEqual([]);
  });

  it('restock returns sold units once per key', async () => {
    const [sku] = await fx.stocked([5]);
    const hold = await reserve([{ sku, quantity: 5 }]);
    await inTrx((trx) => agora.inventory.commit(trx, hold.id, { orderId: 'ret-1' }));
    for (let i = 0; i < 2; i++)
      await inTrx((trx) =>
        agora.inventory.restock(trx, {
          lines: [{ sku, quantity: 2 }],
          reason: 'order ret-1 cancelled',
          key: 'ret-1',
        }),
      );
    expect(await levelRow(agora, sku)).toEqual({ on_hand: 2, reserved: 0 });
    expect(await verifyInventory(agora.rt.database.db)).toEqual([]);
  });

  it('commits that waited for one hold see what the first did: the same order changes nothing, another takes what is left', async () => {
    const [sku] = await fx.stocked([10]);
    const hold = await inTrx((trx) =>
      agora.inventory.reserve(trx, {
        lines: [{ sku, quantity: 6 }],
        ref: { kind: 'flash_sale', id: 'sale-race' },
        expiresAt: null,
      }),
    );
    const commit = (orderId: string, quantity: number) =>
      inTrx((trx) => agora.inventory.commit(trx, hold.id, { orderId, lines: [{ sku, quantity }] }));
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    let started!: () => void;
    const holding = new Promise<void>((resolve) => (started = resolve));
    const first = inTrx(async (trx) => {
      await agora.inventory.commit(trx, hold.id, { orderId: 'race-1', lines: [{ sku, quantity: 4 }] });
      started();
      await gate;
    });
    await holding;
    // both wait for the hold's lock (PGlite runs them after the first instead: same outcome)
    const again = commit('race-1', 4);
    const other = commit('race-2', 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    finish();
    await Promise.all([first, again, other]);
    expect(await levelRow(agora, sku)).toEqual({ on_hand: 4, reserved: 0 });
    expect(await agora.inventory.getHold(agora.rt.database.db, hold.id)).toMatchObject({
      status: 'committed',
      remaining: [{ sku, quantity: 0 }],
    });
    expect(await verifyInventory(agora.rt.database.db)).toEqual([]);
  });

  it('a sale takes units from the default location first, then the others in id order, with a ledger row each', async () => {
    const [a, b] = await fx.stocked([3, 4]);
    for (const [locationId, delta] of [
      ['west', 5],
      ['east', 2],
    ] as const) {
      const res = await agora.request({
        method: 'POST',
        url: `/v1/inventory/${a}/adjustments`,
        token: fx.seller.accessToken,
        body: { delta, locationId, reason: 'delivery' },
      });
      expect(res.statusCode).toBe(201);
    }
    const hold = await reserve([
      { sku: b, quantity: 4 },
      { sku: a, quantity: 7 },
    ]);
    await inTrx((trx) => agora.inventory.commit(trx, hold.id, { orderId: 'loc-1' }));
    const { rows } = await sql<{ sku: string; location_id: string; delta_on_hand: number }>`
      select sku, location_id, delta_on_hand from inventory.movements
       where order_id = 'loc-1' and kind = 'commit' order by id`.execute(agora.rt.database.db);
    expect(rows).toEqual(
      [
        { sku: a, location_id: 'default', delta_on_hand: -3 },
        { sku: a, location_id: 'east', delta_on_hand: -2 },
        { sku: a, location_id: 'west', delta_on_hand: -2 },
        { sku: b, location_id: 'default', delta_on_hand: -4 },
      ].sort((x, y) => (x.sku < y.sku ? -1 : x.sku > y.sku ? 1 : 0)),
    );
    expect(await levelRow(agora, a)).toEqual({ on_hand: 3, reserved: 0 });
    expect(await levelRow(agora, b)).toEqual({ on_hand: 0, reserved: 0 });
    expect((await eventsOf(agora, 'inventory.stock_changed', a)).at(-1)).toEqual({
      sku: a,
      sellerId: fx.seller.user.id,
      onHand: 3,
      reserved: 0,
      available: 3,
      availableBefore: 3,
      cause: 'commit',
    });
    // a started low (no crossing), went above with the deliveries, and crossed with the reservation
    expect(await eventsOf(agora, 'inventory.low_stock', a)).toEqual([
      { sku: a, sellerId: fx.seller.user.id, available: 3, threshold: 5 },
    ]);
    expect(await eventsOf(agora, 'inventory.low_stock', b)).toEqual([]);
    expect(await verifyInventory(agora.rt.database.db)).toEqual([]);
  });

  it('emits inventory.low_stock once per crossing to the threshold, and again after going back above it', async () => {
    const [sku] = await fx.stocked([10]);
    const first = await reserve([{ sku, quantity: 5 }]);
    await reserve([{ sku, quantity: 1 }]);
    expect(await eventsOf(agora, 'inventory.low_stock', sku)).toHaveLength(1);
    await inTrx((trx) => agora.inventory.release(trx, first.id, 'back above'));
    expect(await eventsOf(agora, 'inventory.low_stock', sku)).toHaveLength(1);
    await reserve([{ sku, quantity: 6 }]);
    const alerts = await eventsOf(agora, 'inventory.low_stock', sku);
    expect(alerts).toHaveLength(2);
    expect(alerts[1]).toMatchObject({ sku, sellerId: fx.seller.user.id, available: 3, threshold: 5 });
  });

  it('the catalog follows stock: a sold-out product leaves the in-stock listing and shows out_of_stock', async () => {
    const [sku] = await fx.stocked([1]);
    const product = (
      await agora.request({ method: 'GET', url: `/v1/products?sellerId=${fx.seller.user.id}&limit=100` })
    )
      .json()
      .items.find((p: { variants: { sku: string }[] }) => p.variants[0].sku === sku);
    expect(product.inStock).toBe(true);
    const hold = await reserve([{ sku, quantity: 1 }]);
    await waitFor(
      async () =>
        (await agora.request({ method: 'GET', url: `/v1/products/${product.id}` })).json().inStock === false,
      10_000,
      'in_stock to follow the reservation',
    );
    const page = (await agora.request({ method: 'GET', url: `/v1/products/${product.id}` })).json();
    expect(page.variants[0].availability).toBe('out_of_stock');
    const listed = async (inStock: boolean) =>
      (
        await agora.request({
          method: 'GET',
          url: `/v1/products?sellerId=${fx.seller.user.id}&inStock=${inStock}&limit=100`,
        })
      )
        .json()
        .items.map((p: { id: string }) => p.id);
    expect(await listed(true)).not.toContain(product.id);
    expect(await listed(false)).toContain(product.id);
    const productEvents = await eventsOf(agora, 'product.updated', product.id);
    expect(productEvents.at(-1)).toMatchObject({ inStock: false });
    await inTrx((trx) => agora.inventory.release(trx, hold.id, 'changed my mind'));
    await waitFor(
      async () =>
        (await agora.request({ method: 'GET', url: `/v1/products/${product.id}` })).json().inStock === true,
      10_000,
      'in_stock to follow the release',
    );
  });

  it('the catalog locks the products of stock events delivered together in id order: batches naming them in opposite orders never deadlock', async () => {
    const [a] = await fx.stocked([5]);
    const [b] = await fx.stocked([5]);
    const [stockSync] = agora.catalog.subscriptions();
    const changed = (sku: string): CloudEvent => ({
      specversion: '1.0',
      id: randomUUID(),
      source: '/agora/inventory',
      type: 'inventory.stock_changed',
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      // a change of shown availability, so the handler locks the product
      data: { sku, available: 0, availableBefore: 5 },
    });
    const deliver = (events: CloudEvent[]) =>
      agora.rt.database.db
        .transaction()
        .execute((trx) => stockSync.handleBatch!(events, { trx, log: agora.rt.log, attempt: 1 }));
    // Locked event by event, the two transactions took A then B and B then A, and PostgreSQL
    // failed one of them with "deadlock detected" within a few rounds.
    for (let round = 0; round < 20; round++)
      await Promise.all([deliver([changed(a), changed(b)]), deliver([changed(b), changed(a)])]);
  });

  it('verify finds a level that disagrees with the ledger', async () => {
    const [sku] = await fx.stocked([7]);
    const db = agora.rt.database.db;
    expect(await verifyInventory(db)).toEqual([]);
    await sql`update inventory.items set on_hand = on_hand + 1 where sku = ${sku}`.execute(db);
    await sql`update inventory.location_levels set on_hand = on_hand + 2 where sku = ${sku}`.execute(db);
    expect(await verifyInventory(db)).toEqual([
      { scope: 'item', sku, locationId: null, field: 'on_hand', expected: 7, actual: 8 },
      { scope: 'location', sku, locationId: 'default', field: 'on_hand', expected: 7, actual: 9 },
    ]);
    await sql`update inventory.items set on_hand = on_hand - 1 where sku = ${sku}`.execute(db);
    await sql`update inventory.location_levels set on_hand = on_hand - 2 where sku = ${sku}`.execute(db);
    await expect(sql`delete from inventory.movements where sku = ${sku}`.execute(db)).rejects.toThrow(
      /append-only/,
    );
    expect(await verifyInventory(db)).toEqual([]);
  });
});

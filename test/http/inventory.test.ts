import { sql } from 'kysely';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookSignature } from '../../src/modules/notifications/index.js';
import { verifyInventory } from '../../src/modules/inventory/index.js';
import { databaseModes, startAgora, type TestAgora } from '../helpers/agora.js';
import { FAST_ENV } from '../helpers/catalog.js';
import { registerUser } from '../helpers/factories.js';
import { eventsOf, inventoryFixture, levelRow } from '../helpers/inventory.js';

const SECRET = 'inventory-webhook-secret-for-tests';

describe.each(databaseModes())('inventory API (%s)', (mode) => {
  let agora: TestAgora;
  let fx: Awaited<ReturnType<typeof inventoryFixture>>;
  let seller: string;
  const get = (url: string, token = seller) => agora.request({ method: 'GET', url, token });
  const adjust = (sku: string, body: unknown, token = seller) =>
    agora.request({ method: 'POST', url: `/v1/inventory/${sku}/adjustments`, token, body });
  const push = (body: unknown, opts: { at?: number; secret?: string; signature?: string } = {}) => {
    const raw = JSON.stringify(body);
    const at = opts.at ?? Math.floor(Date.now() / 1000);
    return agora.request({
      method: 'POST',
      url: '/v1/integrations/inventory',
      body: raw,
      headers: {
        'content-type': 'application/json',
        'x-agora-signature': opts.signature ?? webhookSignature(opts.secret ?? SECRET, raw, at),
      },
    });
  };
  const holdUnits = (sku: string, quantity: number) =>
    agora.rt.database.db.transaction().execute((trx) =>
      agora.inventory.reserve(trx, {
        lines: [{ sku, quantity }],
        ref: { kind: 'order', id: 'o' },
        expiresAt: null,
      }),
    );

  beforeAll(async () => {
    agora = await startAgora(mode, { ...FAST_ENV, AGORA_INVENTORY_WEBHOOK_SECRET: SECRET });
    fx = await inventoryFixture(agora);
    seller = fx.seller.accessToken;
  });
  afterAll(async () => {
    await agora.close();
  });

  it('the owner seller and an admin see a SKU’s levels; another seller gets 404 and a buyer 403', async () => {
    const [sku] = await fx.stocked([12]);
    const level = { sku, onHand: 12, reserved: 0, available: 12, lowStockThreshold: 5 };
    const mine = await get(`/v1/inventory/${sku}`);
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toEqual({ ...level, locations: [{ locationId: 'default', onHand: 12 }] });
    expect((await get(`/v1/inventory/${sku}`, fx.admin.accessToken)).json()).toMatchObject(level);
    const other = await registerUser(agora, { role: 'seller' });
    for (const url of [`/v1/inventory/${sku}`, `/v1/inventory/${sku}/movements`]) {
      const res = await get(url, other.accessToken);
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('not_found');
    }
    const stolen = await adjust(sku, { delta: -12, reason: 'mine now' }, other.accessToken);
    expect(stolen.statusCode).toBe(404);
    const threshold = await agora.request({
      method: 'PUT',
      url: `/v1/inventory/${sku}/threshold`,
      token: other.accessToken,
      body: { lowStockThreshold: 100 },
    });
    expect(threshold.statusCode).toBe(404);
    expect(await levelRow(agora, sku)).toEqual({ on_hand: 12, reserved: 0 });
    const buyer = await registerUser(agora);
    expect((await get(`/v1/inventory/${sku}`, buyer.accessToken)).statusCode).toBe(403);
    expect((await agora.request({ method: 'GET', url: `/v1/inventory/${sku}` })).statusCode).toBe(401);
    expect((await get('/v1/inventory/NO-SUCH-SKU')).statusCode).toBe(404);
  });

  it('adjusts on-hand per location with a ledger row and inventory.adjusted; 409 below reserved or below zero', async () => {
    const [sku] = await fx.stocked([10]);
    const added = await adjust(sku, { delta: 5, locationId: 'east', reason: 'delivery' });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({
      movement: {
        sku,
        kind: 'adjustment',
        locationId: 'east',
        deltaOnHand: 5,
        deltaReserved: 0,
        reason: 'delivery',
      },
      inventory: {
        onHand: 15,
        available: 15,
        locations: [
          { locationId: 'default', onHand: 10 },
          { locationId: 'east', onHand: 5 },
        ],
      },
    });
    const empty = await adjust(sku, { delta: -6, locationId: 'east', reason: 'lost' });
    expect(empty.statusCode).toBe(409);
    expect(empty.json()).toMatchObject({ code: 'conflict', locationId: 'east', onHand: 5 });
    await holdUnits(sku, 12);
    const below = await adjust(sku, { delta: -4, reason: 'damaged' });
    expect(below.statusCode).toBe(409);
    expect(below.json()).toMatchObject({ code: 'conflict', onHand: 15, reserved: 12 });
    const nowhere = await adjust(sku, { delta: -1, locationId: 'west', reason: 'lost' });
    expect(nowhere.statusCode).toBe(409);
    const ok = await adjust(sku, { delta: -3, locationId: 'east', reason: 'damaged' }, fx.admin.accessToken);
    expect(ok.statusCode).toBe(201);
    expect(await levelRow(agora, sku)).toEqual({ on_hand: 12, reserved: 12 });
    expect((await adjust(sku, { delta: 0, reason: 'nothing' })).statusCode).toBe(400);
    expect((await adjust(sku, { delta: 1 })).statusCode).toBe(400);
    const adjusted = await eventsOf(agora, 'inventory.adjusted', sku);
    expect(adjusted).toEqual([
      {
        sku,
        sellerId: fx.seller.user.id,
        locationId: 'east',
        delta: 5,
        onHand: 15,
        reserved: 0,
        available: 15,
        reason: 'delivery',
      },
      expect.objectContaining({ delta: -3, onHand: 12, reserved: 12, available: 0 }),
    ]);
    expect(await verifyInventory(agora.rt.database.db)).toEqual([]);
  });

  it('lists the ledger newest first, a page at a time', async () => {
    const [sku] = await fx.stocked([3]);
    for (const delta of [1, 2, 3]) await adjust(sku, { delta, reason: `restock ${delta}` });
    const first = await get(`/v1/inventory/${sku}/movements?limit=2`);
    expect(first.statusCode).toBe(200);
    const page = first.json();
    expect(page.items.map((m: { deltaOnHand: number }) => m.deltaOnHand)).toEqual([3, 2]);
    expect(page.items[0]).toMatchObject({
      kind: 'adjustment',
      cause: { kind: 'user', id: fx.seller.user.id },
    });
    const rest = (await get(`/v1/inventory/${sku}/movements?limit=2&cursor=${page.nextCursor}`)).json();
    expect(rest.items.map((m: { kind: string; deltaOnHand: number }) => [m.kind, m.deltaOnHand])).toEqual([
      ['adjustment', 1],
      ['initial', 3],
    ]);
    expect(rest.nextCursor).toBeNull();
    expect((await get(`/v1/inventory/${sku}/movements?cursor=nonsense`)).statusCode).toBe(400);
  });

  it('a new threshold that available is already under is a crossing: one inventory.low_stock', async () => {
    const [sku] = await fx.stocked([8]);
    const put = (n: number) =>
      agora.request({
        method: 'PUT',
        url: `/v1/inventory/${sku}/threshold`,
        token: seller,
        body: { lowStockThreshold: n },
      });
    const res = await put(10);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ sku, lowStockThreshold: 10, available: 8 });
    await put(9);
    expect(await eventsOf(agora, 'inventory.low_stock', sku)).toEqual([
      { sku, sellerId: fx.seller.user.id, available: 8, threshold: 10 },
    ]);
    await put(2);
    await put(8);
    expect(await eventsOf(agora, 'inventory.low_stock', sku)).toHaveLength(2);
  });

  describe('POST /v1/integrations/inventory', () => {
    it('refuses a bad, old or missing signature with 401 and changes nothing', async () => {
      const [sku] = await fx.stocked([4]);
      const body = { updates: [{ updateId: `u-${sku}-bad`, sku, onHand: 99 }] };
      const now = Math.floor(Date.now() / 1000);
      for (const res of [
        await push(body, { secret: 'not-the-secret-at-all' }),
        await push(body, { at: now - 301 }),
        await push(body, { at: now + 301 }),
        await push(body, { signature: 't=123' }),
        await push(body, { signature: '' }),
        await agora.request({
          method: 'POST',
          url: '/v1/integrations/inventory',
          headers: { 'x-agora-signature': webhookSignature(SECRET, JSON.stringify(body), now) },
          body: { updates: [{ updateId: `u-${sku}-bad`, sku, onHand: 98 }] },
        }),
      ]) {
        expect(res.statusCode).toBe(401);
        expect(res.json().code).toBe('unauthorized');
      }
      expect(await levelRow(agora, sku)).toEqual({ on_hand: 4, reserved: 0 });
    });

    it('applies absolute levels once per updateId, and says which updates were duplicates or unknown', async () => {
      const [sku] = await fx.stocked([4]);
      const body = {
        updates: [
          { updateId: `u-${sku}-1`, sku, onHand: 30 },
          { updateId: `u-${sku}-2`, sku, locationId: 'north', onHand: 7 },
          { updateId: `u-${sku}-3`, sku: 'NOT-A-SKU', onHand: 5 },
        ],
      };
      const first = await push(body);
      expect(first.statusCode).toBe(200);
      expect(first.json().results).toEqual([
        { updateId: `u-${sku}-1`, sku, outcome: 'applied', onHand: 30, available: 30 },
        { updateId: `u-${sku}-2`, sku, outcome: 'applied', onHand: 37, available: 37 },
        { updateId: `u-${sku}-3`, sku: 'NOT-A-SKU', outcome: 'unknown_sku' },
      ]);
      const again = await push(body);
      expect(again.json().results.map((r: { outcome: string }) => r.outcome)).toEqual([
        'duplicate',
        'duplicate',
        'unknown_sku',
      ]);
      const level = (await get(`/v1/inventory/${sku}`)).json();
      expect(level).toMatchObject({
        onHand: 37,
        locations: [
          { locationId: 'default', onHand: 30 },
          { locationId: 'north', onHand: 7 },
        ],
      });
      const external = (await get(`/v1/inventory/${sku}/movements`))
        .json()
        .items.filter((m: { kind: string }) => m.kind === 'external');
      expect(external).toHaveLength(2);
      expect(await eventsOf(agora, 'inventory.adjusted', sku)).toHaveLength(2);
    });

    it('clamps a level below the reserved units to them, recording the shortfall', async () => {
      const [sku] = await fx.stocked([10]);
      await holdUnits(sku, 6);
      const res = await push({ updates: [{ updateId: `u-${sku}-c`, sku, onHand: 2 }] });
      expect(res.statusCode).toBe(200);
      expect(res.json().results).toEqual([
        { updateId: `u-${sku}-c`, sku, outcome: 'clamped', onHand: 6, available: 0, shortfall: 4 },
      ]);
      expect(await levelRow(agora, sku)).toEqual({ on_hand: 6, reserved: 6 });
      const [movement] = (await get(`/v1/inventory/${sku}/movements?limit=1`)).json().items;
      expect(movement).toMatchObject({
        kind: 'external',
        deltaOnHand: -4,
        cause: { kind: 'external', id: `u-${sku}-c` },
      });
      expect(movement.reason).toMatch(/4 short of the 6 reserved units/);
      expect(await verifyInventory(agora.rt.database.db)).toEqual([]);
    });

    it('validates the signed body like any other (400 naming the field)', async () => {
      const res = await push({ updates: [{ updateId: 'x', sku: 'A', onHand: -1 }] });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].path).toMatch(/onHand/);
    });

    it('refuses a NUL in a signed body as the platform does elsewhere (400 naming the field)', async () => {
      const res = await push({ updates: [{ updateId: 'nul\u0000', sku: 'A', onHand: 1 }] });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().errors).toEqual([expect.objectContaining({ path: '/body/updates/0/updateId' })]);
    });
  });
});

describe('inventory integration without a secret', () => {
  it('answers 503 unavailable', async () => {
    const agora = await startAgora('pglite', FAST_ENV);
    try {
      const raw = JSON.stringify({ updates: [{ updateId: 'u', sku: 'A', onHand: 1 }] });
      const res = await agora.request({
        method: 'POST',
        url: '/v1/integrations/inventory',
        body: raw,
        headers: {
          'content-type': 'application/json',
          'x-agora-signature': webhookSignature('anything-goes-here', raw, Math.floor(Date.now() / 1000)),
        },
      });
      expect(res.statusCode).toBe(503);
      expect(res.json().code).toBe('unavailable');
    } finally {
      await agora.close();
    }
  });
});

describe.runIf(databaseModes().includes('postgres'))('agora inventory verify (postgres)', () => {
  it('exits 0 when levels match the ledger, and 1 naming the SKU after a row is tampered with', async () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const agora = await startAgora('postgres', FAST_ENV);
    try {
      const fx = await inventoryFixture(agora);
      const [sku] = await fx.stocked([9]);
      const run = () =>
        spawnSync(
          process.execPath,
          [
            '--import',
            pathToFileURL(path.join(root, 'node_modules/tsx/dist/esm/index.mjs')).href,
            path.join(root, 'src/cli/main.ts'),
            'inventory',
            'verify',
          ],
          {
            cwd: os.tmpdir(),
            encoding: 'utf8',
            timeout: 90_000,
            env: { PATH: process.env.PATH, DATABASE_URL: agora.databaseUrl, LOG_LEVEL: 'warn' },
          },
        );
      const clean = run();
      expect(clean.stdout).toContain('inventory levels match the ledger');
      expect(clean.status).toBe(0);
      await sql`update inventory.items set reserved = 2, on_hand = 11 where sku = ${sku}`.execute(
        agora.rt.database.db,
      );
      const tampered = run();
      expect(tampered.status).toBe(1);
      expect(tampered.stdout).toContain(`mismatch item ${sku} on_hand: ledger says 9, stored 11`);
      expect(tampered.stdout).toContain(`mismatch holds ${sku} reserved: ledger says 0, stored 2`);
    } finally {
      await agora.close();
    }
  }, 200_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookSignature } from '../../src/modules/notifications/index.js';
import { verifyInventory } from '../../src/modules/inventory/index.js';
import { databaseModes, startAgora, type TestAgora } from '../helpers/agora.js';
import { FAST_ENV } from '../helpers/catalog.js';
import { registerUser } from '../helpers/factories.js';
import { inventoryFixture, levelRow } from '../helpers/inventory.js';

const SECRET = 'inventory-webhook-secret-for-tests';
const BILLION = 1_000_000_000;

describe.each(databaseModes())('inventory adjustments: range and idempotency (%s)', (mode) => {
  let agora: TestAgora;
  let fx: Awaited<ReturnType<typeof inventoryFixture>>;
  let seller: string;
  const adjust = (sku: string, body: unknown, opts: { token?: string; key?: string } = {}) =>
    agora.request({
      method: 'POST',
      url: `/v1/inventory/${sku}/adjustments`,
      token: opts.token ?? seller,
      body,
      headers: opts.key ? { 'idempotency-key': opts.key } : {},
    });
  const movements = async (sku: string) =>
    (
      await agora.request({ method: 'GET', url: `/v1/inventory/${sku}/movements?limit=100`, token: seller })
    ).json<{ items: { kind: string; deltaOnHand: number }[] }>().items;
  const push = (body: unknown) => {
    const raw = JSON.stringify(body);
    return agora.request({
      method: 'POST',
      url: '/v1/integrations/inventory',
      body: raw,
      headers: {
        'content-type': 'application/json',
        'x-agora-signature': webhookSignature(SECRET, raw, Math.floor(Date.now() / 1000)),
      },
    });
  };

  beforeAll(async () => {
    agora = await startAgora(mode, { ...FAST_ENV, AGORA_INVENTORY_WEBHOOK_SECRET: SECRET });
    fx = await inventoryFixture(agora);
    seller = fx.seller.accessToken;
  });
  afterAll(async () => {
    await agora.close();
  });

  describe('levels past the column range', () => {
    it('an adjustment that would take on-hand past 2147483647 is a 409 conflict that changes nothing', async () => {
      const [sku] = await fx.stocked([0]);
      expect((await adjust(sku, { delta: BILLION, reason: 'delivery' })).statusCode).toBe(201);
      expect((await adjust(sku, { delta: BILLION, locationId: 'east', reason: 'delivery' })).statusCode).toBe(
        201,
      );
      for (const locationId of [undefined, 'east', 'west']) {
        const third = await adjust(sku, { delta: BILLION, locationId, reason: 'one too many' });
        expect(third.statusCode).toBe(409);
        expect(third.json()).toMatchObject({
          code: 'conflict',
          sku,
          onHand: 2 * BILLION,
          delta: BILLION,
          max: 2_147_483_647,
        });
        expect(third.json().detail).toContain('2147483647');
      }
      expect(await levelRow(agora, sku)).toEqual({ on_hand: 2 * BILLION, reserved: 0 });
      expect(await movements(sku)).toHaveLength(3);
      // up to the limit itself is fine
      const last = 2_147_483_647 - 2 * BILLION;
      expect((await adjust(sku, { delta: last, reason: 'to the brim' })).statusCode).toBe(201);
      expect((await adjust(sku, { delta: 1, reason: 'over' })).statusCode).toBe(409);
      expect(await verifyInventory(agora.rt.database.db)).toEqual([]);
    });

    it('an external push whose updates would take a SKU past the range is a 409 naming them; nothing of it is applied', async () => {
      const [sku, other] = await fx.stocked([0, 7]);
      const update = (id: string, locationId: string, onHand = BILLION) => ({
        updateId: `${sku}-${id}`,
        sku,
        locationId,
        onHand,
      });
      const body = {
        updates: [
          update('a', 'a'),
          { updateId: `${other}-x`, sku: other, onHand: 9 },
          update('b', 'b'),
          update('c', 'c'),
          update('d', 'd'),
        ],
      };
      const res = await push(body);
      expect(res.statusCode).toBe(409);
      const problem = res.json();
      expect(problem.code).toBe('conflict');
      expect(problem.errors).toEqual([
        { path: '/body/updates/3/onHand', message: expect.stringContaining(`${sku} to ${3 * BILLION}`) },
        { path: '/body/updates/4/onHand', message: expect.stringContaining(`${sku} to ${3 * BILLION}`) },
      ]);
      expect(problem.updates).toEqual([
        expect.objectContaining({ index: 3, updateId: `${sku}-c`, locationId: 'c', wouldBe: 3 * BILLION }),
        expect.objectContaining({ index: 4, updateId: `${sku}-d`, locationId: 'd', wouldBe: 3 * BILLION }),
      ]);
      // one transaction: neither the fitting updates of the SKU nor the other SKU's were applied
      expect(await levelRow(agora, sku)).toEqual({ on_hand: 0, reserved: 0 });
      expect(await levelRow(agora, other)).toEqual({ on_hand: 7, reserved: 0 });
      expect(await movements(sku)).toHaveLength(1);
      // and none was recorded as applied: the same update ids go through once the push fits
      const fixed = await push({ updates: [body.updates[0], body.updates[1], body.updates[2]] });
      expect(fixed.statusCode).toBe(200);
      expect(fixed.json().results.map((r: { outcome: string }) => r.outcome)).toEqual([
        'applied',
        'applied',
        'applied',
      ]);
      expect(await levelRow(agora, sku)).toEqual({ on_hand: 2 * BILLION, reserved: 0 });
      expect(await levelRow(agora, other)).toEqual({ on_hand: 9, reserved: 0 });
      expect(await verifyInventory(agora.rt.database.db)).toEqual([]);
    });
  });

  describe('Idempotency-Key', () => {
    it('the same key and body adjust once and answer the same; another body is a 422', async () => {
      const [sku] = await fx.stocked([10]);
      const key = `adj-${sku}`;
      const first = await adjust(sku, { delta: 5, reason: 'delivery' }, { key });
      expect(first.statusCode).toBe(201);
      expect(first.json()).toMatchObject({ movement: { deltaOnHand: 5 }, inventory: { onHand: 15 } });
      const again = await adjust(sku, { reason: 'delivery', delta: 5 }, { key });
      expect(again.statusCode).toBe(201);
      expect(again.body).toBe(first.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
      const changed = await adjust(sku, { delta: 6, reason: 'delivery' }, { key });
      expect(changed.statusCode).toBe(422);
      expect(changed.json().code).toBe('idempotency_key_reused');
      const [otherSku] = await fx.stocked([1]);
      const elsewhere = await adjust(otherSku, { delta: 5, reason: 'delivery' }, { key });
      expect(elsewhere.statusCode).toBe(422);
      expect(await levelRow(agora, sku)).toEqual({ on_hand: 15, reserved: 0 });
      expect(await levelRow(agora, otherSku)).toEqual({ on_hand: 1, reserved: 0 });
      expect((await movements(sku)).map((m) => m.deltaOnHand)).toEqual([5, 10]);
    });

    it('concurrent requests with one key adjust once and all get the same answer', async () => {
      const [sku] = await fx.stocked([10]);
      const key = `adj-race-${sku}`;
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => adjust(sku, { delta: 5, reason: 'delivery' }, { key })),
      );
      expect(answers.map((a) => a.statusCode)).toEqual(Array(6).fill(201));
      expect(new Set(answers.map((a) => a.body)).size).toBe(1);
      expect(await levelRow(agora, sku)).toEqual({ on_hand: 15, reserved: 0 });
      expect((await movements(sku)).map((m) => m.deltaOnHand)).toEqual([5, 10]);
    });

    it('a refusal is an answer too: replayed as it was, even once it would succeed', async () => {
      const [sku] = await fx.stocked([2]);
      const key = `adj-refused-${sku}`;
      const refused = await adjust(sku, { delta: -3, reason: 'lost' }, { key });
      expect(refused.statusCode).toBe(409);
      expect((await adjust(sku, { delta: 1, reason: 'found' })).statusCode).toBe(201);
      const replay = await adjust(sku, { delta: -3, reason: 'lost' }, { key });
      expect(replay.statusCode).toBe(409);
      expect(replay.body).toBe(refused.body);
      expect(replay.headers['content-type']).toContain('application/problem+json');
      expect(await levelRow(agora, sku)).toEqual({ on_hand: 3, reserved: 0 });
    });

    it('keys are per user, and without a key every request adjusts', async () => {
      const [sku] = await fx.stocked([0]);
      const key = `adj-shared-${sku}`;
      expect((await adjust(sku, { delta: 1, reason: 'a' }, { key })).statusCode).toBe(201);
      // the same key from the admin is the admin's own key: it adjusts
      const admin = await adjust(sku, { delta: 1, reason: 'a' }, { key, token: fx.admin.accessToken });
      expect(admin.statusCode).toBe(201);
      expect(admin.headers['idempotent-replayed']).toBeUndefined();
      // another seller's request with the key cannot read the owner's stored answer
      const stranger = await registerUser(agora, { role: 'seller' });
      const foreign = await adjust(sku, { delta: 1, reason: 'a' }, { key, token: stranger.accessToken });
      expect(foreign.statusCode).toBe(404);
      for (let i = 0; i < 2; i++) expect((await adjust(sku, { delta: 1, reason: 'a' })).statusCode).toBe(201);
      expect(await levelRow(agora, sku)).toEqual({ on_hand: 4, reserved: 0 });
      expect((await adjust(sku, { delta: 1, reason: 'a' }, { key: 'bad key' })).statusCode).toBe(400);
    });
  });
});

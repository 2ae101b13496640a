import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { databaseModes, startAgora, type TestAgora } from '../../../test/helpers/agora.js';
import { registerUser } from '../../../test/helpers/factories.js';
import { FAST_ENV } from '../../../test/helpers/catalog.js';
import { addToCart, buildCartCatalog, holdInCart, newCart } from '../../../test/helpers/cart.js';
import { counting } from '../../../test/helpers/statements.js';
import type { AnyDb } from '../../platform/db.js';
import { AppError } from '../../platform/errors.js';
import { getCart } from './service.js';
import { cartSettings } from './settings.js';

type Catalog = Awaited<ReturnType<typeof buildCartCatalog>>;

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof AppError)) throw new Error(`expected an AppError, got ${String(err)}`);
  return err;
}

describe.each(databaseModes())('cart door (%s)', (mode) => {
  let agora: TestAgora;
  let c: Catalog;
  let db: AnyDb;
  beforeAll(async () => {
    agora = await startAgora(mode, {
      ...FAST_ENV,
      AGORA_CART_TTL_HOURS: '2',
      AGORA_USER_CART_TTL_HOURS: '5',
    });
    c = await buildCartCatalog(agora);
    db = agora.rt.database.db;
  });
  afterAll(() => agora.close());

  const trx = <T>(
    fn: (trx: Parameters<Parameters<ReturnType<AnyDb['transaction']>['execute']>[0]>[0]) => Promise<T>,
  ) => db.transaction().execute(fn);

  describe('forCheckout', () => {
    it('prices the lines live (held lines keep their held price) and totals them for the country', async () => {
      const user = await registerUser(agora);
      const placed = await holdInCart(agora, { userId: user.user.id, sku: c.small, price: 999 });
      await addToCart(agora, placed.cartId, c.small, 2, user.accessToken);
      const out = await trx((t) =>
        agora.cart.forCheckout(t, { cartId: placed.cartId, userId: user.user.id, country: 'DE' }),
      );
      expect(out.id).toBe(placed.cartId);
      expect(out.userId).toBe(user.user.id);
      expect(out.currency).toBe('USD');
      expect(out.lines).toHaveLength(2);
      expect(out.lines).toEqual(
        expect.arrayContaining([
          {
            itemId: placed.itemId,
            sku: c.small,
            quantity: 1,
            unitPrice: { amount: 999, currency: 'USD' },
            productId: c.usd.id,
            sellerId: c.seller.user.id,
            title: 'Trail Lamp (Small)',
            holdId: placed.holdId,
          },
          expect.objectContaining({
            sku: c.small,
            quantity: 2,
            unitPrice: { amount: 1999, currency: 'USD' },
            holdId: null,
          }),
        ]),
      );
      // goods 3 × 19.99 − 10.00 = 49.97 (below free shipping) + 4.99 → 54.96; 19 % = 10.4424
      expect(out.totals).toEqual({
        subtotal: { amount: 5997, currency: 'USD' },
        discount: { amount: 1000, currency: 'USD' },
        shipping: { amount: 499, currency: 'USD' },
        tax: { amount: 1044, currency: 'USD' },
        total: { amount: 6540, currency: 'USD' },
      });
    });

    it('rejects with typed errors: empty, not the owner, a guest cart, not open, unknown country, lines off sale', async () => {
      const user = await registerUser(agora);
      const stranger = await registerUser(agora);
      const cartId = await newCart(agora, user.accessToken);
      const input = { cartId, userId: user.user.id, country: 'US' };
      const empty = await rejection(trx((t) => agora.cart.forCheckout(t, input)));
      expect(empty).toMatchObject({ code: 'conflict', details: { reason: 'cart_empty' } });
      expect(empty.constructor.name).toBe('EmptyCartError');

      await addToCart(agora, cartId, c.small, 1, user.accessToken);
      const notMine = await rejection(
        trx((t) => agora.cart.forCheckout(t, { ...input, userId: stranger.user.id })),
      );
      expect(notMine).toMatchObject({ code: 'not_found' });
      expect(notMine.constructor.name).toBe('CartNotFoundError');

      const guestCart = await newCart(agora);
      await addToCart(agora, guestCart, c.small, 1);
      const guest = await rejection(trx((t) => agora.cart.forCheckout(t, { ...input, cartId: guestCart })));
      expect(guest.constructor.name).toBe('CartNotFoundError');

      const country = await rejection(trx((t) => agora.cart.forCheckout(t, { ...input, country: 'ZZ' })));
      expect(country).toMatchObject({
        code: 'validation_failed',
        errors: [{ path: '/body/shippingAddress/country', message: 'no tax rate is configured for ZZ' }],
      });

      const { buildProduct, uniqueSku } = await import('../../../test/helpers/catalog.js');
      const sku = uniqueSku('GONE');
      const p = await buildProduct(agora, c.seller.accessToken, c.categoryId, {
        variants: [{ sku, title: 'Gone', price: { amount: 700, currency: 'USD' }, initialStock: 4 }],
      });
      const line = (await addToCart(agora, cartId, sku, 1, user.accessToken)).json().items[1];
      await agora.request({ method: 'DELETE', url: `/v1/products/${p.id}`, token: c.seller.accessToken });
      const offSale = await rejection(trx((t) => agora.cart.forCheckout(t, input)));
      expect(offSale).toMatchObject({
        code: 'conflict',
        details: { reason: 'items_unavailable', lines: [{ itemId: line.id, sku, reason: 'unavailable' }] },
      });
      await agora.request({
        method: 'DELETE',
        url: `/v1/carts/${cartId}/items/${line.id}`,
        token: user.accessToken,
      });

      const orderId = randomUUID();
      await trx((t) => agora.cart.markCheckedOut(t, cartId, orderId));
      const closed = await rejection(trx((t) => agora.cart.forCheckout(t, input)));
      expect(closed).toMatchObject({
        code: 'conflict',
        details: { reason: 'cart_not_open', cartStatus: 'checked_out' },
      });
      expect(closed.constructor.name).toBe('CartNotOpenError');
    });

    it.runIf(mode === 'postgres')(
      'holds the cart row locked (FOR UPDATE) until the caller commits',
      async () => {
        const user = await registerUser(agora);
        const cartId = await newCart(agora, user.accessToken);
        await addToCart(agora, cartId, c.small, 1, user.accessToken);
        const other = new pg.Client({ connectionString: agora.databaseUrl });
        await other.connect();
        try {
          await other.query(`set lock_timeout = '200ms'`);
          await trx(async (t) => {
            await agora.cart.forCheckout(t, { cartId, userId: user.user.id, country: 'US' });
            await expect(
              other.query('select id from cart.carts where id = $1 for update', [cartId]),
            ).rejects.toThrow(/lock timeout/);
          });
          const after = await other.query('select id from cart.carts where id = $1 for update', [cartId]);
          expect(after.rowCount).toBe(1);
        } finally {
          await other.end();
        }
      },
    );
  });

  describe('forCheckout, one statement for the cart and its lines', () => {
    const checkout = (cartId: string, userId: string) => {
      const counted = counting(db);
      const out = counted.db
        .transaction()
        .execute((t) => agora.cart.forCheckout(t, { cartId, userId, country: 'US' }));
      return { out, count: counted.count };
    };

    it('locks the cart and reads its lines in one statement (then one for the variants)', async () => {
      const user = await registerUser(agora);
      const cartId = await newCart(agora, user.accessToken);
      await addToCart(agora, cartId, c.small, 1, user.accessToken);
      await addToCart(agora, cartId, c.large, 2, user.accessToken);
      const { out, count } = checkout(cartId, user.user.id);
      expect((await out).lines.map((l) => [l.sku, l.quantity])).toEqual([
        [c.small, 1],
        [c.large, 2],
      ]);
      expect(count()).toBe(2);
    });

    it.runIf(mode === 'postgres')(
      'sees a line added by a transaction it waited for (the lines are read again once the lock is granted)',
      async () => {
        const user = await registerUser(agora);
        const cartId = await newCart(agora, user.accessToken);
        await addToCart(agora, cartId, c.small, 1, user.accessToken);
        const other = new pg.Client({ connectionString: agora.databaseUrl });
        await other.connect();
        try {
          // what a change of the cart does: lock it, add a line, touch the cart row
          await other.query('begin');
          await other.query('select id from cart.carts where id = $1 for update', [cartId]);
          await other.query(`insert into cart.items (id, cart_id, sku, quantity) values ($1, $2, $3, 2)`, [
            randomUUID(),
            cartId,
            c.large,
          ]);
          await other.query('update cart.carts set updated_at = now() where id = $1', [cartId]);
          const { out, count } = checkout(cartId, user.user.id);
          await new Promise((resolve) => setTimeout(resolve, 300));
          await other.query('commit');
          expect((await out).lines.map((l) => [l.sku, l.quantity])).toEqual([
            [c.small, 1],
            [c.large, 2],
          ]);
          expect(count()).toBe(3);
        } finally {
          await other.end();
        }
      },
    );
  });

  describe('markCheckedOut', () => {
    it('closes the cart once; the same order again is a no-op, another order is a conflict', async () => {
      const user = await registerUser(agora);
      const cartId = await newCart(agora, user.accessToken);
      const orderId = randomUUID();
      await trx((t) => agora.cart.markCheckedOut(t, cartId, orderId));
      await trx((t) => agora.cart.markCheckedOut(t, cartId, orderId));
      const row = await sql<{ status: string; order_id: string }>`
        select status, order_id from cart.carts where id = ${cartId}`.execute(db);
      expect(row.rows[0]).toEqual({ status: 'checked_out', order_id: orderId });
      const other = await rejection(trx((t) => agora.cart.markCheckedOut(t, cartId, randomUUID())));
      expect(other.constructor.name).toBe('CartNotOpenError');
      const missing = await rejection(trx((t) => agora.cart.markCheckedOut(t, randomUUID(), orderId)));
      expect(missing.constructor.name).toBe('CartNotFoundError');
    });
  });

  describe('held items', () => {
    const held = (userId: string, sku: string, price = 999) => ({
      userId,
      sku,
      quantity: 1,
      unitPrice: { amount: price, currency: 'USD' },
      holdId: randomUUID(),
      holdExpiresAt: new Date(Date.now() + 600_000),
    });

    it("puts a batch of holds into buyers' carts with the same number of statements whatever its size", async () => {
      const users = await Promise.all(Array.from({ length: 8 }, () => registerUser(agora)));
      const withCart = users[0];
      const existing = await newCart(agora, withCart.accessToken);
      await addToCart(agora, existing, c.small, 1, withCart.accessToken);

      const small = [held(users[0].user.id, c.small), held(users[1].user.id, c.small)];
      const big = [
        ...users.slice(2).map((u) => held(u.user.id, c.small)),
        ...users.slice(2).map((u) => held(u.user.id, c.large, 1500)),
      ];
      const statements: number[] = [];
      const placedSmall = await trx(async (t) => {
        const counted = counting(t);
        const out = await agora.cart.addHeldItems(counted.db, small);
        statements.push(counted.count());
        return out;
      });
      const placedBig = await trx(async (t) => {
        const counted = counting(t);
        const out = await agora.cart.addHeldItems(counted.db, big);
        statements.push(counted.count());
        return out;
      });
      expect(statements[0]).toBe(statements[1]);
      expect(statements[0]).toBeLessThanOrEqual(6);

      expect(placedSmall[0]).toMatchObject({ holdId: small[0].holdId, cartId: existing });
      expect(placedBig).toHaveLength(big.length);
      for (const [i, u] of users.slice(2).entries()) {
        expect(placedBig[i].cartId).toBe(placedBig[i + 6].cartId);
        const cart = await agora.request({
          method: 'GET',
          url: `/v1/carts/${placedBig[i].cartId}`,
          token: u.accessToken,
        });
        expect(cart.json().items.map((item: { held: boolean }) => item.held)).toEqual([true, true]);
      }

      // a retried batch finds its lines in place
      const again = await trx((t) => agora.cart.addHeldItems(t, big));
      expect(again).toEqual(placedBig);
      const count = await sql<{ n: number }>`
        select count(*)::int as n from cart.items where hold_id in (${sql.join(big.map((b) => b.holdId))})`.execute(
        db,
      );
      expect(count.rows[0].n).toBe(big.length);
    });

    it.runIf(mode === 'postgres')(
      'a cart a concurrent caller commits while the batch waits on it is locked and used, not doubled',
      async () => {
        const buyer = await registerUser(agora);
        const theirs = randomUUID();
        const other = new pg.Client({ connectionString: agora.databaseUrl });
        await other.connect();
        try {
          await other.query('begin');
          await other.query(
            `insert into cart.carts (id, user_id, expires_at) values ($1, $2, now() + interval '1 hour')`,
            [theirs, buyer.user.id],
          );
          const batch = [held(buyer.user.id, c.small)];
          const placing = trx((t) => agora.cart.addHeldItems(t, batch));
          // the batch's insert waits on the uncommitted cart's index entry (asked outside `other`'s
          // transaction, which would see one snapshot of pg_stat_activity throughout)
          for (let i = 0; ; i++) {
            const { rows } = await sql<{ n: number }>`
              select count(*)::int as n from pg_stat_activity
               where datname = current_database() and wait_event_type = 'Lock'
                 and query like '%insert into cart.carts%'`.execute(db);
            if (rows[0].n > 0) break;
            if (i > 200) throw new Error('the batch never waited on the cart');
            await new Promise((r) => setTimeout(r, 10));
          }
          await other.query('commit');
          const [placed] = await placing;
          expect(placed.cartId).toBe(theirs);
          const carts = await sql<{ id: string; currency: string | null }>`
            select id, currency from cart.carts where user_id = ${buyer.user.id} and status = 'open'`.execute(
            db,
          );
          expect(carts.rows).toEqual([{ id: theirs, currency: 'USD' }]);
        } finally {
          await other.end();
        }
      },
    );

    it("as pieces of the caller's statements: reads each buyer's cart and currency, writes the lines, and drops the carts it opened that got none", async () => {
      const [euro, fine, idle] = await Promise.all([
        registerUser(agora),
        registerUser(agora),
        registerUser(agora),
      ]);
      const euroCart = await newCart(agora, euro.accessToken);
      await addToCart(agora, euroCart, c.eur, 1, euro.accessToken);
      const line = held(fine.user.id, c.small);
      const placed = await trx(async (t) => {
        const batch = agora.cart.heldBatch(
          [euro, fine, idle].map((u) => ({ userId: u.user.id, currency: 'USD' })),
        );
        await batch.open.execute(t);
        const carts = (await batch.carts.execute(t)).rows;
        expect(carts).toHaveLength(3);
        expect(carts.find((r) => r.user_id === euro.user.id)).toEqual({
          user_id: euro.user.id,
          cart_id: euroCart,
          currency: 'EUR',
        });
        const fineCart = carts.find((r) => r.user_id === fine.user.id)!;
        expect(fineCart.currency).toBe('USD');
        const granted = JSON.stringify([
          {
            line_id: randomUUID(),
            user_id: fine.user.id,
            cart_id: fineCart.cart_id,
            sku: line.sku,
            quantity: 1,
            unit_price: 999,
            currency: 'USD',
            hold_id: line.holdId,
            hold_expires_at: line.holdExpiresAt,
          },
        ]);
        const { rows } = await sql<{ cart_id: string; hold_id: string }>`
          with granted as (
            select * from jsonb_to_recordset(${granted}::jsonb) as g (line_id uuid, user_id uuid, cart_id text,
                   sku text, quantity integer, unit_price bigint, currency text, hold_id uuid, hold_expires_at timestamptz)
          ), ${batch.write('granted', { strict: true })}
          select cart_id, hold_id from cart_lines`.execute(t);
        expect(rows).toEqual([{ cart_id: fineCart.cart_id, hold_id: line.holdId }]);
        return { batch, granted };
      });
      const { rows } = await sql<{ user_id: string; currency: string | null; lines: number }>`
        select c.user_id, c.currency, (select count(*)::int from cart.items i where i.cart_id = c.id) as lines
          from cart.carts c
         where c.user_id in (${sql.join([euro, fine, idle].map((u) => u.user.id))}) and c.status = 'open'`.execute(
        db,
      );
      expect(rows).toEqual(
        expect.arrayContaining([
          { user_id: euro.user.id, currency: 'EUR', lines: 1 },
          { user_id: fine.user.id, currency: 'USD', lines: 1 },
        ]),
      );
      expect(rows).toHaveLength(2);
      // strict: a hold that has its line fails the statement (the line id is a new one)
      const sameHold = JSON.stringify(
        (JSON.parse(placed.granted) as object[]).map((g) => ({ ...g, line_id: randomUUID() })),
      );
      const again = agora.cart.heldBatch([{ userId: fine.user.id, currency: 'USD' }]);
      const err = await trx(async (t) => {
        await again.open.execute(t);
        await sql`with granted as (
                      select * from jsonb_to_recordset(${sameHold}::jsonb) as g (line_id uuid, user_id uuid,
                             cart_id text, sku text, quantity integer, unit_price bigint, currency text, hold_id uuid,
                             hold_expires_at timestamptz)
                    ), ${again.write('granted', { strict: true })}
                    select 1`.execute(t);
      }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: '23505', constraint: 'items_hold_key' });
    });

    it('rejects a batch naming every buyer whose cart is in another currency, and adds nothing', async () => {
      const euro = await registerUser(agora);
      const fine = await registerUser(agora);
      const cartId = await newCart(agora, euro.accessToken);
      await addToCart(agora, cartId, c.eur, 1, euro.accessToken);
      const batch = [held(fine.user.id, c.small), held(euro.user.id, c.small)];
      const err = await rejection(trx((t) => agora.cart.addHeldItems(t, batch)));
      expect(err).toMatchObject({
        code: 'conflict',
        details: {
          reason: 'currency_mismatch',
          buyers: [{ userId: euro.user.id, cartCurrency: 'EUR', currency: 'USD' }],
        },
      });
      const rows = await sql<{ n: number }>`
        select count(*)::int as n from cart.items where hold_id in (${sql.join(batch.map((b) => b.holdId))})`.execute(
        db,
      );
      expect(rows.rows[0].n).toBe(0);
    });

    it('removeHeldItem takes the line out, is idempotent, and publishes nothing', async () => {
      const user = await registerUser(agora);
      const placed = await holdInCart(agora, { userId: user.user.id, sku: c.small, price: 999 });
      await trx((t) => agora.cart.removeHeldItem(t, placed.holdId));
      await trx((t) => agora.cart.removeHeldItem(t, placed.holdId));
      await trx((t) => agora.cart.removeHeldItem(t, 'not-a-hold'));
      const cart = (
        await agora.request({ method: 'GET', url: `/v1/carts/${placed.cartId}`, token: user.accessToken })
      ).json();
      expect(cart).toMatchObject({ items: [], currency: null });
      const events = await db
        .selectFrom('platform.outbox')
        .select('type')
        .where('subject', '=', placed.holdId)
        .execute();
      expect(events).toEqual([]);
    });
  });

  describe('reading a cart', () => {
    it('costs four statements whatever the number of lines (cart, lines, variants, availability)', async () => {
      const deps = { availability: agora.inventory, settings: cartSettings(agora.rt.config) };
      const { buildProduct, uniqueSku } = await import('../../../test/helpers/catalog.js');
      const skus = Array.from({ length: 8 }, () => uniqueSku('N1'));
      await buildProduct(agora, c.seller.accessToken, c.categoryId, {
        variants: skus.map((sku) => ({
          sku,
          title: sku,
          price: { amount: 100, currency: 'USD' },
          initialStock: 9,
        })),
      });
      const one = await newCart(agora);
      await addToCart(agora, one, skus[0], 1);
      const many = await newCart(agora);
      for (const sku of skus) await addToCart(agora, many, sku, 1);
      const counts: number[] = [];
      for (const cartId of [one, many]) {
        const counted = counting(db);
        const ctx = { db: counted.db, actor: null, requestId: 'test', log: agora.rt.log };
        const cart = await getCart(ctx, deps, cartId);
        expect(cart.items.every((i) => i.issue === null)).toBe(true);
        counts.push(counted.count());
      }
      expect(counts).toEqual([4, 4]);
    });
  });

  describe('expiry', () => {
    it('gives guest and user carts their own idle time, and moves it on every change', async () => {
      const user = await registerUser(agora);
      const guestId = await newCart(agora);
      const userCartId = await newCart(agora, user.accessToken);
      const hoursLeft = async (id: string) => {
        const { rows } = await sql<{ h: number }>`
          select extract(epoch from expires_at - now())::float8 / 3600 as h from cart.carts where id = ${id}`.execute(
          db,
        );
        return rows[0].h;
      };
      expect(await hoursLeft(guestId)).toBeCloseTo(2, 1);
      expect(await hoursLeft(userCartId)).toBeCloseTo(5, 1);
      await sql`update cart.carts set expires_at = now() + interval '1 minute' where id = ${guestId}`.execute(
        db,
      );
      await addToCart(agora, guestId, c.small, 1);
      expect(await hoursLeft(guestId)).toBeCloseTo(2, 1);
    });

    it('the job expires idle open carts only, and a held line leaving an expired cart releases its hold', async () => {
      const user = await registerUser(agora);
      const placed = await holdInCart(agora, { userId: user.user.id, sku: c.small, price: 999 });
      const idleGuest = await newCart(agora);
      await addToCart(agora, idleGuest, c.small, 1);
      const fresh = await newCart(agora);
      const checkedOut = await newCart(agora);
      await trx((t) => agora.cart.markCheckedOut(t, checkedOut, randomUUID()));
      await sql`update cart.carts set expires_at = now() - interval '1 second'
                 where id in (${placed.cartId}, ${idleGuest}, ${checkedOut})`.execute(db);

      await agora.jobs.schedule(db, 'cart.expire', {});
      await agora.jobs.runDue();

      const { rows } = await sql<{ id: string; status: string }>`
        select id, status from cart.carts where id in (${placed.cartId}, ${idleGuest}, ${fresh}, ${checkedOut})`.execute(
        db,
      );
      const status = Object.fromEntries(rows.map((r) => [r.id, r.status]));
      expect(status).toEqual({
        [placed.cartId]: 'expired',
        [idleGuest]: 'expired',
        [fresh]: 'open',
        [checkedOut]: 'checked_out',
      });
      const line = await sql`select id from cart.items where hold_id = ${placed.holdId}`.execute(db);
      expect(line.rows).toEqual([]);
      const events = await db
        .selectFrom('platform.outbox')
        .select(['type', 'data'])
        .where('subject', '=', placed.holdId)
        .execute();
      expect(events.map((e: { type: string }) => e.type)).toEqual(['cart.hold_dropped']);
      const data = typeof events[0].data === 'string' ? JSON.parse(events[0].data) : events[0].data;
      expect(data).toEqual({ holdId: placed.holdId, cartId: placed.cartId, userId: user.user.id });
      // the user simply gets a new open cart
      const next = await agora.request({ method: 'POST', url: '/v1/carts', token: user.accessToken });
      expect(next.statusCode).toBe(201);
    });
  });
});

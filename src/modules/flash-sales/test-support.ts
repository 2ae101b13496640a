/**
 * Test support for this module's own tests: an active sale written straight into its tables, and
 * small cart and inventory doors over tables of the test's own (real SQL, no mocks), standing in
 * for the modules built beside this one until they are wired.
 */
import { sql } from 'kysely';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AnyDb } from '../../platform/db.js';
import { AppError } from '../../platform/errors.js';
import type { CartPort, InventoryPort } from './ports.js';

export async function seedActiveSale(
  db: AnyDb,
  opts: { units: number; limit: number; skus?: string[]; price?: number; endsInMs?: number },
): Promise<{ saleId: string; skus: string[] }> {
  const saleId = randomUUID();
  const skus = opts.skus ?? [`FLASH-${randomBytes(4).toString('hex')}`];
  const endsAt = new Date(Date.now() + (opts.endsInMs ?? 3_600_000));
  await sql`insert into flash_sales.sales (id, name, state, starts_at, ends_at, started_at)
            values (${saleId}, 'Test sale', 'active', now() - interval '1 minute', ${endsAt}, now())`.execute(
    db,
  );
  let position = 0;
  for (const sku of skus)
    await sql`insert into flash_sales.items (sale_id, sku, product_id, seller_id, title, sale_price, regular_price,
                currency, quantity, allocated, remaining, per_customer_limit, allocation_hold_id, position)
              values (${saleId}, ${sku}, ${randomUUID()}, ${randomUUID()}, 'Thing', ${opts.price ?? 500}, 1000, 'USD',
                ${opts.units}, ${opts.units}, ${opts.units}, ${opts.limit}, ${`alloc-${sku}`}, ${position++})`.execute(
      db,
    );
  return { saleId, skus };
}

/** A cart door over `public.<table>`: one cart per user, one line per hold. */
export async function tableCart(db: AnyDb): Promise<CartPort & { table: string }> {
  const table = `t_cart_${randomBytes(4).toString('hex')}`;
  await sql`create table ${sql.id('public', table)} (hold_id uuid primary key, user_id uuid not null,
              sku text not null, quantity int not null, unit_price bigint not null)`.execute(db);
  return {
    table,
    heldBatch: (users) => ({
      open: sql`select 1`,
      carts: sql`select u as user_id, 'cart-' || u as cart_id, null::text as currency
                   from unnest(${users.map((u) => u.userId)}::uuid[]) as u`,
      write: (granted) => sql`
        cart_lines as (
          insert into ${sql.id('public', table)} (hold_id, user_id, sku, quantity, unit_price)
          select hold_id, user_id, sku, quantity, unit_price from ${sql.table(granted)}
          returning hold_id
        )`,
    }),
    currencyRefusal: (cartCurrency, currency) =>
      new AppError('conflict', `The cart is in ${cartCurrency}; this item is priced in ${currency}`),
    async removeHeldItem(trx, holdId) {
      await sql`delete from ${sql.id('public', table)} where hold_id = ${holdId}`.execute(trx);
    },
  };
}

/** An inventory door over `public.<table>` with the contract's semantics for one-line holds. */
export async function tableInventory(db: AnyDb): Promise<
  InventoryPort & {
    stock(sku: string, onHand: number): Promise<void>;
    level(sku: string): Promise<{ on_hand: number; reserved: number }>;
  }
> {
  const stock = `t_stock_${randomBytes(4).toString('hex')}`;
  const holds = `t_holds_${randomBytes(4).toString('hex')}`;
  await sql`create table ${sql.id('public', stock)} (sku text primary key, on_hand int not null, reserved int not null default 0,
              check (reserved <= on_hand and reserved >= 0))`.execute(db);
  await sql`create table ${sql.id('public', holds)} (id text primary key, sku text not null, quantity int not null)`.execute(
    db,
  );
  const S = sql.id('public', stock);
  const H = sql.id('public', holds);
  return {
    async stock(sku, onHand) {
      await sql`insert into ${S} (sku, on_hand) values (${sku}, ${onHand})`.execute(db);
    },
    async level(sku) {
      const { rows } = await sql<{
        on_hand: number;
        reserved: number;
      }>`select on_hand, reserved from ${S} where sku = ${sku}`.execute(db);
      return rows[0];
    },
    async reserve(trx, input) {
      const [line] = input.lines;
      const { rows } = await sql<{ available: number }>`
        update ${S} set reserved = reserved + ${line.quantity}
         where sku = ${line.sku} and on_hand - reserved >= ${line.quantity} returning on_hand - reserved as available`.execute(
        trx,
      );
      if (!rows.length) {
        const { rows: a } = await sql<{
          available: number;
        }>`select on_hand - reserved as available from ${S} where sku = ${line.sku}`.execute(trx);
        throw new AppError('out_of_stock', 'short', {
          lines: [{ sku: line.sku, requested: line.quantity, available: a[0]?.available ?? 0 }],
        });
      }
      const id = randomUUID();
      await sql`insert into ${H} (id, sku, quantity) values (${id}, ${line.sku}, ${line.quantity})`.execute(
        trx,
      );
      return { id };
    },
    async addToHold(trx, holdId, lines) {
      for (const l of lines) {
        const { rows } = await sql`
          update ${S} set reserved = reserved + ${l.quantity}
           where sku = ${l.sku} and on_hand - reserved >= ${l.quantity} returning sku`.execute(trx);
        if (!rows.length) {
          const { rows: a } = await sql<{
            available: number;
          }>`select on_hand - reserved as available from ${S} where sku = ${l.sku}`.execute(trx);
          throw new AppError('out_of_stock', 'short', {
            lines: [{ sku: l.sku, requested: l.quantity, available: a[0]?.available ?? 0 }],
          });
        }
        await sql`update ${H} set quantity = quantity + ${l.quantity} where id = ${holdId}`.execute(trx);
      }
    },
    async release(trx, holdId, _reason, lines) {
      for (const l of lines ?? []) {
        await sql`update ${H} set quantity = quantity - ${l.quantity} where id = ${holdId}`.execute(trx);
        await sql`update ${S} set reserved = reserved - ${l.quantity} where sku = ${l.sku}`.execute(trx);
      }
    },
    async commit(trx, holdId, opts) {
      for (const l of opts.lines ?? []) {
        await sql`update ${H} set quantity = quantity - ${l.quantity} where id = ${holdId}`.execute(trx);
        await sql`update ${S} set reserved = reserved - ${l.quantity}, on_hand = on_hand - ${l.quantity} where sku = ${l.sku}`.execute(
          trx,
        );
      }
    },
  };
}

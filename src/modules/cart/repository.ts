import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { randomBytes } from 'node:crypto';
import { isUuid, uuidv7 } from '../../platform/ids.js';
import { scoped, type AnyDb } from '../../platform/db.js';
import { prepared } from '../../platform/prepared.js';
import type { CartRow, CartStatus, CartTables, ItemRow } from './tables.js';

type Db = Kysely<CartTables>;
/** A transaction of the caller's, on the one database of the monolith. */
export type Trx = Transaction<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const t = (db: AnyDb): Db => scoped<CartTables>(db);

/**
 * `status = 'open'` written into the statement, not sent as a parameter: it is the predicate of
 * the partial unique index on `user_id`, which a plan made for any status cannot use, so with a
 * parameter PostgreSQL planned such a statement afresh on every run.
 */
const OPEN = sql.lit<CartStatus>('open');

export const CART_COLUMNS = [
  'id',
  'user_id',
  'status',
  'currency',
  'order_id',
  'merged_into',
  'created_at',
  'updated_at',
  'expires_at',
] as const;

export const ITEM_COLUMNS = [
  'id',
  'cart_id',
  'sku',
  'quantity',
  'held_price_amount',
  'hold_id',
  'hold_expires_at',
  'created_at',
  'updated_at',
] as const;

/**
 * A new cart id: 128 random bits in UUID notation (so it fits a `uuid` column and any UUID
 * validator). A guest cart's id is its owner's only credential, so it must not be guessable;
 * UUIDv4 would give 122 bits, UUIDv7 far fewer.
 */
export function newCartId(): string {
  const h = randomBytes(16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Ids reach SQL only in UUID form (a `uuid` column rejects anything else with an error). */
export { isUuid };

/** `now() + hours` as SQL, so the database clock decides expiry everywhere. */
export const hoursFromNow = (hours: number) => sql<Date>`now() + ${hours} * interval '1 hour'`;

export function insertGuestCart(db: AnyDb, ttlHours: number): Promise<CartRow> {
  return t(db)
    .insertInto('cart.carts')
    .values({
      id: newCartId(),
      user_id: null,
      currency: null,
      order_id: null,
      merged_into: null,
      expires_at: hoursFromNow(ttlHours),
    })
    .returning(CART_COLUMNS)
    .executeTakeFirstOrThrow();
}

export function findCart(db: AnyDb, id: string): Promise<CartRow | undefined> {
  if (!isUuid(id)) return Promise.resolve(undefined);
  return t(db).selectFrom('cart.carts').select(CART_COLUMNS).where('id', '=', id).executeTakeFirst();
}

/** Locks the cart row for the rest of the transaction. */
export function lockCart(trx: AnyDb, id: string): Promise<CartRow | undefined> {
  if (!isUuid(id)) return Promise.resolve(undefined);
  return t(trx)
    .selectFrom('cart.carts')
    .select(CART_COLUMNS)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/**
 * Locks the cart row for the rest of the transaction and reads its lines, in one statement:
 *
 *   select c.<cart columns>, c.xmin = (select xmin from cart.carts where id = $1) as fresh,
 *          i.<item columns>
 *     from cart.carts c left join cart.items i on i.cart_id = c.id
 *    where c.id = $1 order by i.created_at, i.id for update of c
 *
 * The lines are read in the statement's snapshot, taken before the lock is granted. When the lock
 * had to wait for a transaction that changed the cart (every change of lines under the cart lock
 * also updates the cart row), the locked row is that newer version while the lines are older:
 * `fresh` is then false and the lines are read again, now that the lock is held.
 */
export async function lockCartWithItems(
  trx: AnyDb,
  id: string,
): Promise<{ cart: CartRow; items: ItemRow[] } | undefined> {
  if (!isUuid(id)) return undefined;
  const { rows } = await sql<CartRow & { fresh: boolean } & ItemFields>`
    select c.id, c.user_id, c.status, c.currency, c.order_id, c.merged_into, c.created_at, c.updated_at,
           c.expires_at, c.xmin = (select s.xmin from cart.carts s where s.id = ${id}) as fresh,
           i.id as item_id, i.sku, i.quantity, i.held_price_amount, i.hold_id, i.hold_expires_at,
           i.created_at as item_created_at, i.updated_at as item_updated_at
      from cart.carts c
      left join cart.items i on i.cart_id = c.id
     where c.id = ${id}
     order by i.created_at, i.id
       for update of c`.execute(trx);
  if (!rows.length) return undefined;
  const r = rows[0];
  const cart: CartRow = {
    id: r.id,
    user_id: r.user_id,
    status: r.status,
    currency: r.currency,
    order_id: r.order_id,
    merged_into: r.merged_into,
    created_at: r.created_at,
    updated_at: r.updated_at,
    expires_at: r.expires_at,
  };
  if (!r.fresh) return { cart, items: await itemsOf(trx, cart.id) };
  const items = rows
    .filter((i) => i.item_id !== null)
    .map((i) => ({
      id: i.item_id!,
      cart_id: cart.id,
      sku: i.sku!,
      quantity: i.quantity!,
      held_price_amount: i.held_price_amount,
      hold_id: i.hold_id,
      hold_expires_at: i.hold_expires_at,
      created_at: i.item_created_at!,
      updated_at: i.item_updated_at!,
    }));
  return { cart, items };
}

/** The item columns of `lockCartWithItems`' rows (null where the cart has no line). */
interface ItemFields {
  item_id: string | null;
  sku: string | null;
  quantity: number | null;
  held_price_amount: number | null;
  hold_id: string | null;
  hold_expires_at: Date | null;
  item_created_at: Date | null;
  item_updated_at: Date | null;
}

/**
 * Opens a cart for each user (each once in `users`) that has no open one, made as the caller will
 * leave it (with `currency`, its expiry set), in one statement whose rows are the carts it opened;
 * concurrent callers converge on the partial unique index of open user carts. With `lock` (the
 * default) it also locks the open carts that already existed, by the insert's own conflict clause
 * (`do update … where false` locks the row and writes nothing), so a cart a concurrent caller
 * commits while the insert waits on it is locked too. Users are taken in id order: concurrent
 * batches lock their carts in the same order (no deadlock). A cart it opens is written once:
 * opening it, locking it and touching it as three statements wrote the new row three times (a
 * non-HOT update among them, `expires_at` being indexed).
 */
export function openUserCarts(
  users: { id: string; userId: string; currency: string | null }[],
  ttlHours: number,
  opts: { lock: boolean } = { lock: true },
): RawBuilder<{ id: string }> {
  const wanted = users.map((u) => ({ id: u.id, user_id: u.userId, currency: u.currency }));
  return sql<{ id: string }>`
    insert into cart.carts (id, user_id, currency, order_id, merged_into, expires_at)
    select w.id, w.user_id, w.currency, null, null, ${hoursFromNow(ttlHours)}
      from jsonb_to_recordset(${JSON.stringify(wanted)}::jsonb) as w (id uuid, user_id uuid, currency text)
     order by w.user_id
    on conflict (user_id) where status = 'open'
    ${opts.lock ? sql`do update set status = excluded.status where false` : sql`do nothing`}
    returning id`;
}

/** The open carts of `userIds` as a relation `(user_id uuid, cart_id text, currency text)`. */
export function openCartsOf(
  userIds: string[],
): RawBuilder<{ user_id: string; cart_id: string; currency: string | null }> {
  return sql`select user_id, id::text as cart_id, currency from cart.carts
              where user_id = any(${userIds}::uuid[]) and status = 'open'`;
}

export function findOpenUserCart(db: AnyDb, userId: string): Promise<CartRow | undefined> {
  return t(db)
    .selectFrom('cart.carts')
    .select(CART_COLUMNS)
    .where('user_id', '=', userId)
    .where('status', '=', OPEN)
    .executeTakeFirst();
}

/**
 * Records activity on an open cart: moves its expiry, and sets its currency when `currency` is
 * given and the cart has none, or clears it when the cart has no line left.
 */
export async function touchCart(
  db: AnyDb,
  cartId: string,
  ttlHours: number,
  currency?: string,
): Promise<void> {
  await t(db)
    .updateTable('cart.carts')
    .set((eb) => ({
      updated_at: sql<Date>`now()`,
      expires_at: hoursFromNow(ttlHours),
      currency: currency
        ? eb.fn.coalesce('currency', sql<string>`${currency}::text`)
        : sql<string | null>`case when exists (select 1 from cart.items i where i.cart_id = ${cartId}::uuid)
                                  then currency end`,
    }))
    .where('id', '=', cartId)
    .execute();
}

/** Sets each cart's currency where it has none and moves its expiry (one statement). */
export async function touchCarts(db: AnyDb, currencyOf: ReadonlyMap<string, string>, ttlHours: number) {
  if (!currencyOf.size) return;
  const values = [...currencyOf].map(([id, currency]) => sql`(${id}::uuid, ${currency}::text)`);
  await sql`
    update cart.carts c
       set currency = coalesce(c.currency, v.currency), updated_at = now(), expires_at = ${hoursFromNow(ttlHours)}
      from (values ${sql.join(values)}) as v (id, currency)
     where c.id = v.id`.execute(db);
}

/** An emptied cart takes the currency of whatever is added next. */
export async function clearCurrencyIfEmpty(db: AnyDb, cartId: string): Promise<void> {
  await sql`
    update cart.carts set currency = null
     where id = ${cartId}::uuid and currency is not null
       and not exists (select 1 from cart.items where cart_id = ${cartId}::uuid)`.execute(db);
}

export function itemsOf(db: AnyDb, cartId: string): Promise<ItemRow[]> {
  return t(db)
    .selectFrom('cart.items')
    .select(ITEM_COLUMNS)
    .where('cart_id', '=', cartId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export function findItem(db: AnyDb, cartId: string, itemId: string): Promise<ItemRow | undefined> {
  if (!isUuid(itemId)) return Promise.resolve(undefined);
  return t(db)
    .selectFrom('cart.items')
    .select(ITEM_COLUMNS)
    .where('cart_id', '=', cartId)
    .where('id', '=', itemId)
    .executeTakeFirst();
}

/** Sets the quantity of a plain line, creating it when missing (one statement). */
export function upsertPlainLine(db: AnyDb, cartId: string, sku: string, quantity: number): Promise<ItemRow> {
  return t(db)
    .insertInto('cart.items')
    .values({
      id: uuidv7(),
      cart_id: cartId,
      sku,
      quantity,
      held_price_amount: null,
      hold_id: null,
      hold_expires_at: null,
    })
    .onConflict((oc) =>
      oc
        .columns(['cart_id', 'sku'])
        .where('hold_id', 'is', null)
        .doUpdateSet({ quantity: (eb) => eb.ref('excluded.quantity'), updated_at: sql<Date>`now()` }),
    )
    .returning(ITEM_COLUMNS)
    .executeTakeFirstOrThrow();
}

/** Sets many plain lines at once (merging carts). */
export async function upsertPlainLines(
  db: AnyDb,
  cartId: string,
  lines: { sku: string; quantity: number }[],
): Promise<void> {
  if (!lines.length) return;
  await t(db)
    .insertInto('cart.items')
    .values(
      lines.map((l) => ({
        id: uuidv7(),
        cart_id: cartId,
        sku: l.sku,
        quantity: l.quantity,
        held_price_amount: null,
        hold_id: null,
        hold_expires_at: null,
      })),
    )
    .onConflict((oc) =>
      oc
        .columns(['cart_id', 'sku'])
        .where('hold_id', 'is', null)
        .doUpdateSet({ quantity: (eb) => eb.ref('excluded.quantity'), updated_at: sql<Date>`now()` }),
    )
    .execute();
}

export async function setQuantity(db: AnyDb, itemId: string, quantity: number): Promise<ItemRow> {
  return t(db)
    .updateTable('cart.items')
    .set({ quantity, updated_at: sql<Date>`now()` })
    .where('id', '=', itemId)
    .returning(ITEM_COLUMNS)
    .executeTakeFirstOrThrow();
}

export async function deleteItem(db: AnyDb, itemId: string): Promise<void> {
  await t(db).deleteFrom('cart.items').where('id', '=', itemId).execute();
}

/**
 * The `cart_…` common table expressions that write a flash-sale batch's lines, for the caller to
 * put in its statement's WITH list after the relation named `granted` — `(line_id uuid, user_id
 * uuid, cart_id text, sku text, quantity int, unit_price bigint, currency text, hold_id uuid,
 * hold_expires_at timestamptz)`, one row per line (`line_id` the id it takes), in carts opened or
 * locked by `openUserCarts` — in the same statement:
 *
 * - `cart_lines` inserts the lines and returns `(id, cart_id, hold_id)` of those it inserted; a hold
 *   that already has a line is skipped (`itemsByHold` finds it), or with `strict` fails the statement;
 * - `cart_touched` moves the expiry of the carts that existed before (`opened` are the ids the
 *   batch gave the carts it opened) and sets their currency when they had none;
 * - `cart_dropped` deletes the carts the batch opened that got no line, of its own or from before.
 */
export function heldLinesWrite(
  granted: string,
  opened: string[],
  ttlHours: number,
  opts: { strict?: boolean } = {},
): RawBuilder<unknown> {
  const g = sql.table(granted);
  return sql`
    cart_lines as (
      insert into cart.items (id, cart_id, sku, quantity, held_price_amount, hold_id, hold_expires_at)
      select g.line_id, g.cart_id::uuid, g.sku, g.quantity, g.unit_price, g.hold_id, g.hold_expires_at
        from ${g} g
      ${opts.strict ? sql`` : sql`on conflict (hold_id) do nothing`}
      returning id, cart_id, hold_id
    ), cart_touched as (
      update cart.carts c
         set currency = coalesce(c.currency, v.currency), updated_at = now(), expires_at = ${hoursFromNow(ttlHours)}
        from (select distinct cart_id::uuid as id, currency from ${g}) v
       where c.id = v.id and c.id <> all(${opened}::uuid[])
    ), cart_dropped as (
      delete from cart.carts c
       where c.id = any(${opened}::uuid[])
         and c.id not in (select cart_id::uuid from ${g})
         and not exists (select 1 from cart.items i where i.cart_id = c.id)
    )`;
}

export function itemsByHold(db: AnyDb, holdIds: string[]): Promise<ItemRow[]> {
  if (!holdIds.length) return Promise.resolve([]);
  return t(db).selectFrom('cart.items').select(ITEM_COLUMNS).where('hold_id', 'in', holdIds).execute();
}

/** Deletes the line bound to a hold; returns its cart, or undefined when there was none. */
export async function deleteByHold(db: AnyDb, holdId: string): Promise<string | undefined> {
  const row = await t(db)
    .deleteFrom('cart.items')
    .where('hold_id', '=', holdId)
    .returning('cart_id')
    .executeTakeFirst();
  return row?.cart_id;
}

/**
 * Moves an open cart to `checked_out`. Returns false when the cart is not open (the caller decides
 * whether that is a repeat of the same checkout).
 */
export async function checkOut(db: AnyDb, cartId: string, orderId: string): Promise<boolean> {
  if (!isUuid(cartId)) return false;
  const res = await checkOutStatement.run(db, { cartId, orderId });
  return (res.numAffectedRows ?? 0n) > 0n;
}

const checkOutStatement = prepared((d, v: { cartId: string; orderId: string }) =>
  t(d)
    .updateTable('cart.carts')
    .set({ status: 'checked_out', order_id: v.orderId, updated_at: sql<Date>`now()` })
    .where('id', '=', v.cartId)
    .where('status', '=', 'open'),
);

export async function markMerged(db: AnyDb, guestCartId: string, intoId: string): Promise<void> {
  await t(db)
    .updateTable('cart.carts')
    .set({ status: 'merged', merged_into: intoId, updated_at: sql<Date>`now()` })
    .where('id', '=', guestCartId)
    .where('status', '=', 'open')
    .execute();
}

/**
 * Marks up to `limit` open carts past their expiry as expired (skipping rows another transaction
 * holds), and returns them with their held lines, which leave the cart:
 *
 *   with expired as (update cart.carts set status = 'expired' where id in (
 *       select id from cart.carts where status = 'open' and expires_at < now()
 *       order by expires_at limit $1 for update skip locked) returning id, user_id)
 *   select ... from expired left join cart.items on hold_id is not null
 */
export async function expireDue(
  trx: AnyDb,
  limit: number,
): Promise<{ carts: number; held: { holdId: string; cartId: string; userId: string | null }[] }> {
  const { rows } = await sql<{ id: string; user_id: string | null; hold_id: string | null }>`
    with expired as (
      update cart.carts set status = 'expired', updated_at = now()
       where id in (
         select id from cart.carts
          where status = 'open' and expires_at < now()
          order by expires_at
          limit ${limit}
          for update skip locked)
      returning id, user_id),
    dropped as (
      delete from cart.items i using expired e
       where i.cart_id = e.id and i.hold_id is not null
      returning i.cart_id, i.hold_id)
    select e.id, e.user_id, d.hold_id
      from expired e left join dropped d on d.cart_id = e.id`.execute(trx);
  const carts = new Set(rows.map((r) => r.id)).size;
  const held = rows
    .filter((r) => r.hold_id !== null)
    .map((r) => ({ holdId: r.hold_id!, cartId: r.id, userId: r.user_id }));
  return { carts, held };
}

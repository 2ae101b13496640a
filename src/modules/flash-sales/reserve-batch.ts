import { sql, type Transaction } from 'kysely';
import { uuidv7 } from '../../platform/ids.js';
import { isExpectationFailed, lastInTransaction, scoped, type AnyDb } from '../../platform/db.js';
import { pipelined } from '../../platform/pipelined.js';
import type { AppError } from '../../platform/errors.js';
import { CustomerLimitError, SaleNotActiveError, SaleSoldOutError } from './errors.js';
import type { Money } from './events.js';
import type { CartPort, HeldItemInput } from './ports.js';
import type { FlashSalesTables, SaleState } from './tables.js';

type Trx = Transaction<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface ReserveRequest {
  userId: string;
  quantity: number;
}

export type ReserveOutcome =
  | {
      ok: true;
      holdId: string;
      cartId: string;
      expiresAt: Date;
      quantity: number;
      unitPrice: Money;
    }
  | { ok: false; error: AppError };

export interface BatchResult {
  outcomes: ReserveOutcome[];
  /** The item's `remaining` after the batch (null when the item or sale was not found). */
  remaining: number | null;
}

interface HotRow {
  remaining: number;
  per_customer_limit: number;
  sale_price: number;
  currency: string;
  state: SaleState;
  open: boolean;
}

const TRANSIENT = new Set(['40P01', '40001']);
/** What the batch's last statement refuses to commit (`platform.expect`): bugs, never answers. */
const ITEM_CHANGED = 'flash-sale item changed under its lock';
const LIMIT_PASSED = 'per-customer limit violated in a batch';

/**
 * Decides a batch of concurrent reservations of one sale item in ONE transaction, in two round
 * trips:
 *
 *   begin;                                                   -- 1, the three statements together
 *   cart.heldCarts(…buyers…)                                 -- their carts opened or locked
 *   select … from flash_sales.items join sales … for update of items   -- the hot row, locked once
 *   select user_id, units from flash_sales.customer_units where user_id in (…)
 *   -- in arrival order: cart refused → its error; past the limit → limit_exceeded;
 *   -- none left → out_of_stock; else grant min(asked, remaining)
 *   cart.heldLines(…all grants…)                             -- 2, the two statements together
 *   with update flash_sales.items set remaining = remaining - $taken where … and remaining >= $taken,
 *        insert into flash_sales.holds values (…), (…), …,
 *        insert into flash_sales.customer_units … on conflict do update
 *          set units = units + excluded.units where units + excluded.units <= limit_units
 *   select platform.expect(…), …; commit;                    -- with its COMMIT
 *
 * The hot row is locked once per batch, so a batch of N buyers costs about what one buyer costs,
 * and it is held for one round trip. The carts are locked before it (the order every writer of a
 * cart and an item follows), so the next batch, started once this one holds the row (`ordered`),
 * opens and locks its buyers' carts while this one finishes, then waits for the row; every decision
 * is made under the row's lock. Round trips are what a batch's buyers wait for: under a first wave
 * each one waits a turn of a saturated event loop. A batch that grants nothing rolls back (the
 * carts it opened go with it). `currency` is the item's (from the sale book); the carts it opens
 * take it, and the batch starts over with the database's when they differ.
 */
export async function reserveBatch(
  db: AnyDb,
  deps: { cart: CartPort; holdTtlMs: number },
  saleId: string,
  sku: string,
  requests: ReserveRequest[],
  opts: { currency: string; ordered?: () => void },
): Promise<BatchResult> {
  let currency = opts.currency;
  for (let attempt = 1; ; attempt++) {
    try {
      return await db
        .transaction()
        .execute((trx) => decide(trx, deps, saleId, sku, requests, currency, opts.ordered));
    } catch (err) {
      if (err instanceof Settled) return err.result;
      if (err instanceof CurrencyDiffers && attempt < 3) {
        currency = err.currency;
        continue;
      }
      const code = (err as { code?: string }).code;
      if (attempt < 3 && code && TRANSIENT.has(code)) continue;
      throw err;
    }
  }
}

/** Ends a batch that granted nothing with its answers; its transaction rolls back. */
class Settled extends Error {
  constructor(readonly result: BatchResult) {
    super('the batch granted nothing');
  }
}

/** The item's currency is not the one the batch opened carts in. */
class CurrencyDiffers extends Error {
  constructor(readonly currency: string) {
    super(`the item is priced in ${currency}`);
  }
}

async function decide(
  trx: Trx,
  deps: { cart: CartPort; holdTtlMs: number },
  saleId: string,
  sku: string,
  requests: ReserveRequest[],
  currency: string,
  ordered?: () => void,
): Promise<BatchResult> {
  const t = scoped<FlashSalesTables>(trx);
  const userIds = [...new Set(requests.map((r) => r.userId))];
  const carts = deps.cart.heldCarts(userIds.map((userId) => ({ userId, currency })));
  // the buyers' units are read after the row lock is granted (the statements run in order), so
  // they are what every earlier batch committed
  const [cartRows, rows, heldRows] = (await pipelined(trx, [
    carts.statement,
    sql`
      select i.remaining, i.per_customer_limit, i.sale_price, i.currency, s.state,
             (s.starts_at <= now() and s.ends_at > now()) as open
        from flash_sales.items i
        join flash_sales.sales s on s.id = i.sale_id
       where i.sale_id = ${saleId} and i.sku = ${sku}
         for update of i`,
    t
      .selectFrom('flash_sales.customer_units')
      .select(['user_id', 'units'])
      .where('sale_id', '=', saleId)
      .where('sku', '=', sku)
      .where('user_id', 'in', userIds),
  ])) as [unknown[], HotRow[], { user_id: string; units: number }[]];
  ordered?.();
  const item = rows[0];
  if (!item) {
    const error = new SaleNotActiveError(saleId, 'not_on_sale');
    throw new Settled({ outcomes: requests.map(() => ({ ok: false, error })), remaining: null });
  }
  if (item.state === 'sold_out' || (item.state === 'active' && item.open && item.remaining <= 0))
    throw new Settled({
      outcomes: requests.map((r) => ({ ok: false, error: new SaleSoldOutError(saleId, sku, r.quantity) })),
      remaining: item.remaining,
    });
  if (item.state !== 'active' || !item.open) {
    const error = new SaleNotActiveError(saleId, item.state === 'scheduled' ? 'not_started' : 'ended');
    throw new Settled({ outcomes: requests.map(() => ({ ok: false, error })), remaining: item.remaining });
  }
  if (item.currency.trim() !== currency) throw new CurrencyDiffers(item.currency.trim());
  const cartsOf = await carts.finish(trx, cartRows);

  const held = new Map(heldRows.map((r) => [r.user_id, r.units]));
  const limit = item.per_customer_limit;
  const unitPrice: Money = { amount: Number(item.sale_price), currency };
  const expiresAt = new Date(Date.now() + deps.holdTtlMs);

  let remaining = item.remaining;
  const grants: (HeldItemInput & { cartId: string })[] = [];
  const granted = new Map<string, number>();
  const outcomes: ReserveOutcome[] = requests.map((r) => {
    const cart = cartsOf.cartOf(r.userId);
    if ('error' in cart) return { ok: false, error: cart.error };
    const units = held.get(r.userId) ?? 0;
    if (units + r.quantity > limit) return { ok: false, error: new CustomerLimitError(sku, limit, units) };
    if (remaining <= 0) return { ok: false, error: new SaleSoldOutError(saleId, sku, r.quantity) };
    const quantity = Math.min(r.quantity, remaining);
    remaining -= quantity;
    held.set(r.userId, units + quantity);
    granted.set(r.userId, (granted.get(r.userId) ?? 0) + quantity);
    const grant = {
      userId: r.userId,
      sku,
      quantity,
      unitPrice,
      holdId: uuidv7(),
      holdExpiresAt: expiresAt,
      cartId: cart.cartId,
    };
    grants.push(grant);
    return { ok: true, holdId: grant.holdId, cartId: cart.cartId, expiresAt, quantity, unitPrice };
  });
  if (!grants.length) throw new Settled({ outcomes, remaining: item.remaining });

  const taken = item.remaining - remaining;
  // One round trip with the COMMIT: the lines in the carts, then the item's count, the holds and
  // the buyers' units (the limit enforced by the database too: an upsert that would pass it counts
  // no row). The backstops are checked in the statement, so a failed one rolls the batch back.
  const holds = JSON.stringify(
    grants.map((g) => ({
      id: g.holdId,
      user_id: g.userId,
      quantity: g.quantity,
      cart_id: g.cartId,
    })),
  );
  const units = JSON.stringify([...granted].map(([user_id, n]) => ({ user_id, units: n })));
  const write = sql`
    with updated as (
      update flash_sales.items set remaining = remaining - ${taken}
       where sale_id = ${saleId} and sku = ${sku} and remaining >= ${taken}
      returning remaining
    ), held as (
      insert into flash_sales.holds (id, sale_id, sku, user_id, quantity, unit_price, currency, status,
                                     order_id, cart_id, release_reason, expires_at)
      select h.id, ${saleId}::uuid, ${sku}::text, h.user_id, h.quantity, ${unitPrice.amount}::bigint,
             ${unitPrice.currency}::text, 'held', null, h.cart_id, null, ${expiresAt}::timestamptz
        from jsonb_to_recordset(${holds}::jsonb) as h (id uuid, user_id uuid, quantity integer, cart_id text)
    ), counted as (
      insert into flash_sales.customer_units as cu (sale_id, sku, user_id, units, limit_units)
      select ${saleId}::uuid, ${sku}::text, u.user_id, u.units, ${limit}::integer
        from jsonb_to_recordset(${units}::jsonb) as u (user_id uuid, units integer)
      on conflict (sale_id, sku, user_id) do update set units = cu.units + excluded.units
       where cu.units + excluded.units <= cu.limit_units
      returning user_id
    )
    select platform.expect((select remaining from updated) is not distinct from ${remaining}::integer,
                           ${ITEM_CHANGED}),
           -- the limit was checked under the item's lock; the database enforcing it is the backstop
           platform.expect((select count(*) from counted) = ${granted.size}::integer, ${LIMIT_PASSED})`;
  try {
    await pipelined(trx, [deps.cart.heldLines(cartsOf, grants, { strict: true }), lastInTransaction(write)]);
  } catch (err) {
    for (const what of [ITEM_CHANGED, LIMIT_PASSED])
      if (isExpectationFailed(err, what)) throw new Error(what);
    throw err;
  }

  return { remaining, outcomes };
}

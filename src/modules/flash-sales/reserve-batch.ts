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
 * Decides a batch of concurrent reservations of one sale item in ONE transaction, in four round
 * trips:
 *
 *   begin;                                                   -- 1, the two statements together
 *   select … from flash_sales.items join sales … for update of items   -- the hot row, locked once
 *   select user_id, units from flash_sales.customer_units where user_id in (…)
 *   -- in arrival order: past the limit → limit_exceeded; none left → out_of_stock;
 *   -- else grant min(asked, remaining)
 *   cart.addHeldItems(…all grants…)                          -- 2 and 3, the cart's
 *   with update flash_sales.items set remaining = remaining - $taken where … and remaining >= $taken,
 *        insert into flash_sales.holds values (…), (…), …,
 *        insert into flash_sales.customer_units … on conflict do update
 *          set units = units + excluded.units where units + excluded.units <= limit_units
 *   select platform.expect(…), …; commit;                    -- 4, with its COMMIT
 *
 * The hot row is locked once per batch, so a batch of N buyers costs about what one buyer costs.
 * Concurrent batches (other processes) queue on the row lock; every decision is made under it.
 * Round trips are what a batch's buyers wait for: under a first wave each one waits a turn of a
 * saturated event loop, so statements that do not need each other's answers travel together.
 */
export async function reserveBatch(
  db: AnyDb,
  deps: { cart: CartPort; holdTtlMs: number },
  saleId: string,
  sku: string,
  requests: ReserveRequest[],
): Promise<BatchResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute((trx) => decide(trx, deps, saleId, sku, requests));
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt < 3 && code && TRANSIENT.has(code)) continue;
      throw err;
    }
  }
}

async function decide(
  trx: Trx,
  deps: { cart: CartPort; holdTtlMs: number },
  saleId: string,
  sku: string,
  requests: ReserveRequest[],
): Promise<BatchResult> {
  const t = scoped<FlashSalesTables>(trx);
  const userIds = [...new Set(requests.map((r) => r.userId))];
  // the buyers' units are read after the row lock is granted (the statements run in order), so
  // they are what every earlier batch committed
  const [rows, heldRows] = (await pipelined(trx, [
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
  ])) as [HotRow[], { user_id: string; units: number }[]];
  const item = rows[0];
  if (!item) {
    const error = new SaleNotActiveError(saleId, 'not_on_sale');
    return { outcomes: requests.map(() => ({ ok: false, error })), remaining: null };
  }
  if (item.state === 'sold_out' || (item.state === 'active' && item.open && item.remaining <= 0)) {
    return {
      outcomes: requests.map((r) => ({ ok: false, error: new SaleSoldOutError(saleId, sku, r.quantity) })),
      remaining: item.remaining,
    };
  }
  if (item.state !== 'active' || !item.open) {
    const error = new SaleNotActiveError(saleId, item.state === 'scheduled' ? 'not_started' : 'ended');
    return { outcomes: requests.map(() => ({ ok: false, error })), remaining: item.remaining };
  }

  const held = new Map(heldRows.map((r) => [r.user_id, r.units]));
  const limit = item.per_customer_limit;
  const unitPrice: Money = { amount: Number(item.sale_price), currency: item.currency.trim() };
  const expiresAt = new Date(Date.now() + deps.holdTtlMs);

  let remaining = item.remaining;
  const grants: HeldItemInput[] = [];
  const granted = new Map<string, number>();
  const outcomes: (ReserveOutcome | number)[] = requests.map((r) => {
    const units = held.get(r.userId) ?? 0;
    if (units + r.quantity > limit)
      return { ok: false, error: new CustomerLimitError(sku, limit, units) } as const;
    if (remaining <= 0) return { ok: false, error: new SaleSoldOutError(saleId, sku, r.quantity) } as const;
    const quantity = Math.min(r.quantity, remaining);
    remaining -= quantity;
    held.set(r.userId, units + quantity);
    granted.set(r.userId, (granted.get(r.userId) ?? 0) + quantity);
    grants.push({ userId: r.userId, sku, quantity, unitPrice, holdId: uuidv7(), holdExpiresAt: expiresAt });
    return grants.length - 1;
  });
  if (!grants.length) return { outcomes: outcomes as ReserveOutcome[], remaining: item.remaining };

  const taken = item.remaining - remaining;
  const lines = await deps.cart.addHeldItems(trx, grants);
  const cartOf = new Map(lines.map((l) => [l.holdId, l.cartId]));
  const decided: ReserveOutcome[] = outcomes.map((o) => {
    if (typeof o !== 'number') return o;
    const g = grants[o];
    const cartId = cartOf.get(g.holdId);
    if (!cartId) throw new Error(`the cart did not take hold ${g.holdId}`);
    return { ok: true, holdId: g.holdId, cartId, expiresAt, quantity: g.quantity, unitPrice };
  });
  // One round trip with the COMMIT: the item's count, the holds and the buyers' units (the limit
  // enforced by the database too: an upsert that would pass it counts no row). The backstops are
  // checked in the statement, so a failed one rolls the batch back.
  const holds = JSON.stringify(
    grants.map((g) => ({
      id: g.holdId,
      user_id: g.userId,
      quantity: g.quantity,
      cart_id: cartOf.get(g.holdId),
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
    await lastInTransaction(write).execute(trx);
  } catch (err) {
    for (const what of [ITEM_CHANGED, LIMIT_PASSED])
      if (isExpectationFailed(err, what)) throw new Error(what);
    throw err;
  }

  return { remaining, outcomes: decided };
}

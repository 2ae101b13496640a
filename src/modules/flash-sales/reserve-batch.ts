import { sql } from 'kysely';
import { uuidv7 } from '../../platform/ids.js';
import { isExpectationFailed, lastInTransaction, type AnyDb } from '../../platform/db.js';
import { pipelined } from '../../platform/pipelined.js';
import type { AppError } from '../../platform/errors.js';
import { CustomerLimitError, SaleNotActiveError, SaleSoldOutError } from './errors.js';
import type { Money } from './events.js';
import type { CartPort, HeldBatch } from './ports.js';

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

/** A request's row of the deciding statement. */
interface Decided {
  ord: number;
  granted: number;
  refused: Refused | null;
  cart_id: string | null;
  cart_currency: string | null;
  units: number;
  sale_price: number | null;
  currency: string | null;
  per_customer_limit: number | null;
  remaining: number | null;
}

/** Why the deciding statement granted a request nothing (none: out of stock). */
type Refused =
  'not_on_sale' | 'currency' | 'sold_out' | 'not_started' | 'ended' | 'no_cart' | 'cart_currency' | 'limit';

const TRANSIENT = new Set(['40P01', '40001']);
/** What the deciding statement refuses to commit (`platform.expect`): a bug, never an answer. */
const LIMIT_PASSED = 'per-customer limit violated in a batch';

/**
 * Decides a batch of concurrent reservations of one sale item in ONE transaction sent in ONE round
 * trip, with its COMMIT (`pipelined`):
 *
 *   begin;
 *   cart.heldBatch(…buyers…).open                      -- their carts opened or locked
 *   select 1 from flash_sales.items where … for update  -- the hot row, locked once per batch
 *   with … carts, the buyers' units …                   -- decided in the statement, in arrival order:
 *     -- a cart in another currency → its refusal; past the limit → limit_exceeded;
 *     -- none left → out_of_stock; else min(asked, what the requests before it left)
 *     cart_… as (the granted lines into the carts), update flash_sales.items …,
 *     insert into flash_sales.holds …, insert into flash_sales.customer_units … on conflict do update
 *   select …one row per request…; commit;
 *
 * The deciding statement starts after the row's lock is granted, so it reads what every earlier
 * batch committed. Round trips are what a batch's buyers wait for: under a first wave each one
 * waits a turn of a saturated event loop, so the decision is made where the data is instead of
 * being read, decided in JavaScript and written back (two round trips). The carts are locked before
 * the row (the order every writer of a cart and an item follows); the next batch is sent as soon as
 * this one is (`ordered`) and waits in the database for the row, so it starts the moment this one
 * commits; batches are decided about in the order they were sent (nothing depends on it). A batch
 * that grants nothing leaves nothing behind (the carts it opened are dropped in the same statement).
 * `currency` is the item's (from the sale book); new carts take it, and the batch runs again with
 * the database's when they differ. A buyer asking twice in one batch has the later requests decided
 * in rounds right after it (the statement decides each buyer once).
 */
export async function reserveBatch(
  db: AnyDb,
  deps: { cart: CartPort; holdTtlMs: number },
  saleId: string,
  sku: string,
  requests: ReserveRequest[],
  opts: { currency: string; ordered?: () => void },
): Promise<BatchResult> {
  // rounds of distinct buyers: a buyer's n-th request of the batch goes in round n
  const rounds: number[][] = [];
  const seen = new Map<string, number>();
  requests.forEach((r, i) => {
    const n = seen.get(r.userId) ?? 0;
    seen.set(r.userId, n + 1);
    (rounds[n] ??= []).push(i);
  });
  const at = { db, deps, saleId, sku };
  const outcomes = new Array<ReserveOutcome>(requests.length);
  let remaining: number | null = null;
  for (const [n, round] of rounds.entries()) {
    const result = await decideOnce(
      at,
      round.map((i) => requests[i]),
      opts.currency,
      n === 0 ? opts.ordered : undefined,
    );
    round.forEach((i, k) => (outcomes[i] = result.outcomes[k]));
    remaining = result.remaining ?? remaining;
  }
  return { outcomes, remaining };
}

/** One batch of distinct buyers; runs again on a transient error or a currency the book had wrong. */
async function decideOnce(
  {
    db,
    deps,
    saleId,
    sku,
  }: { db: AnyDb; deps: { cart: CartPort; holdTtlMs: number }; saleId: string; sku: string },
  requests: ReserveRequest[],
  bookCurrency: string,
  ordered?: () => void,
): Promise<BatchResult> {
  let currency = bookCurrency;
  for (let attempt = 1; ; attempt++) {
    const holdIds = requests.map(() => uuidv7());
    const expiresAt = new Date(Date.now() + deps.holdTtlMs);
    const batch = deps.cart.heldBatch(requests.map((r) => ({ userId: r.userId, currency })));
    let rows: Decided[];
    try {
      rows = await db.transaction().execute(async (trx) => {
        const sent = pipelined<Decided>(trx, [
          batch.open,
          sql`select 1 from flash_sales.items where sale_id = ${saleId} and sku = ${sku} for update`,
          lastInTransaction(decideStatement(batch, saleId, sku, requests, holdIds, currency, expiresAt)),
        ]);
        if (attempt === 1) ordered?.();
        return (await sent)[2];
      });
    } catch (err) {
      if (isExpectationFailed(err, LIMIT_PASSED)) throw new Error(LIMIT_PASSED);
      const code = (err as { code?: string }).code;
      if (attempt < 3 && code && TRANSIENT.has(code)) continue;
      throw err;
    }
    const item = rows[0];
    if (item?.refused === 'currency' && attempt < 3) {
      currency = item.currency!;
      continue;
    }
    return {
      remaining: item?.remaining ?? null,
      outcomes: rows.map((row) =>
        outcome(deps.cart, saleId, sku, requests[row.ord], holdIds[row.ord], expiresAt, row),
      ),
    };
  }
}

function outcome(
  cart: CartPort,
  saleId: string,
  sku: string,
  request: ReserveRequest,
  holdId: string,
  expiresAt: Date,
  row: Decided,
): ReserveOutcome {
  if (row.granted > 0)
    return {
      ok: true,
      holdId,
      cartId: row.cart_id!,
      expiresAt,
      quantity: row.granted,
      unitPrice: { amount: Number(row.sale_price), currency: row.currency! },
    };
  const refuse = (error: AppError): ReserveOutcome => ({ ok: false, error });
  switch (row.refused) {
    case 'not_on_sale':
    case 'not_started':
    case 'ended':
      return refuse(new SaleNotActiveError(saleId, row.refused));
    case 'cart_currency':
      return refuse(cart.currencyRefusal(row.cart_currency!, row.currency!));
    case 'limit':
      return refuse(new CustomerLimitError(sku, row.per_customer_limit!, row.units));
    case 'no_cart':
    case 'currency':
      throw new Error(`flash batch: ${row.refused} after opening the buyers' carts in the item's currency`);
    case 'sold_out':
    case null: // granted nothing: none left
      return refuse(new SaleSoldOutError(saleId, sku, request.quantity));
  }
}

/**
 * The statement that decides the batch and writes what it granted. The requests' order is their
 * arrival order; a request is granted what the requests before it left of `remaining`, at most
 * what it asked. The buyers' units are the database's, and the limit is checked once more by the
 * units' upsert (a row it would pass is not counted): a batch it catches fails whole.
 */
function decideStatement(
  batch: HeldBatch,
  saleId: string,
  sku: string,
  requests: ReserveRequest[],
  holdIds: string[],
  currency: string,
  expiresAt: Date,
) {
  const asked = JSON.stringify(
    requests.map((r, ord) => ({
      ord,
      user_id: r.userId,
      quantity: r.quantity,
      hold_id: holdIds[ord],
      line_id: uuidv7(),
    })),
  );
  return sql<Decided>`
    with req as (
      select * from jsonb_to_recordset(${asked}::jsonb)
        as r (ord integer, user_id uuid, quantity integer, hold_id uuid, line_id uuid)
    ), item as (
      select i.remaining, i.per_customer_limit, i.sale_price, rtrim(i.currency) as currency, s.state,
             (s.starts_at <= now() and s.ends_at > now()) as open
        from flash_sales.items i
        join flash_sales.sales s on s.id = i.sale_id
       where i.sale_id = ${saleId} and i.sku = ${sku}
    ), carts as (
      ${batch.carts}
    ), asked as (
      select r.ord, r.user_id, r.quantity, r.hold_id, r.line_id, c.cart_id, c.currency as cart_currency,
             coalesce(u.units, 0) as units,
             case
               when i.remaining is null then 'not_on_sale'
               when i.currency <> ${currency} then 'currency'
               when i.state = 'sold_out' or (i.state = 'active' and i.open and i.remaining <= 0) then 'sold_out'
               when i.state = 'scheduled' then 'not_started'
               when i.state <> 'active' or not i.open then 'ended'
               when c.cart_id is null then 'no_cart'
               when c.currency is not null and c.currency <> i.currency then 'cart_currency'
               when coalesce(u.units, 0) + r.quantity > i.per_customer_limit then 'limit'
             end as refused
        from req r
        left join item i on true
        left join carts c on c.user_id = r.user_id
        left join flash_sales.customer_units u
          on u.sale_id = ${saleId} and u.sku = ${sku} and u.user_id = r.user_id
    ), decided as (
      select a.*,
             case when a.refused is null
                  then greatest(0, least(a.quantity, i.remaining - coalesce(sum(a.quantity)
                         filter (where a.refused is null)
                         over (order by a.ord rows between unbounded preceding and 1 preceding), 0)))
                  else 0 end as granted
        from asked a
        left join item i on true
    ), granted as (
      select d.line_id, d.user_id, d.cart_id, ${sku}::text as sku, d.granted as quantity,
             i.sale_price as unit_price, i.currency, d.hold_id, ${expiresAt}::timestamptz as hold_expires_at
        from decided d
       cross join item i
       where d.granted > 0
    ), ${batch.write('granted', { strict: true })},
    taken as (
      update flash_sales.items set remaining = remaining - g.n
        from (select sum(quantity)::integer as n from granted) g
       where sale_id = ${saleId} and sku = ${sku} and g.n > 0
      returning remaining
    ), held as (
      insert into flash_sales.holds (id, sale_id, sku, user_id, quantity, unit_price, currency, status,
                                     order_id, cart_id, release_reason, expires_at)
      select g.hold_id, ${saleId}::uuid, g.sku, g.user_id, g.quantity, g.unit_price, g.currency, 'held',
             null, g.cart_id, null, g.hold_expires_at
        from granted g
    ), counted as (
      insert into flash_sales.customer_units as cu (sale_id, sku, user_id, units, limit_units)
      select ${saleId}::uuid, g.sku, g.user_id, g.quantity, i.per_customer_limit
        from granted g
       cross join item i
      on conflict (sale_id, sku, user_id) do update set units = cu.units + excluded.units
       where cu.units + excluded.units <= cu.limit_units
      returning user_id
    ), checked as (
      -- the limit was checked above; the database enforcing it is the backstop
      select platform.expect((select count(*) from counted) = (select count(*) from granted), ${LIMIT_PASSED})
    )
    select d.ord, d.granted, d.refused, d.cart_id, d.cart_currency, d.units, i.sale_price, i.currency,
           i.per_customer_limit, coalesce((select remaining from taken), i.remaining) as remaining
      from decided d
      left join item i on true
     cross join checked
     order by d.ord`;
}

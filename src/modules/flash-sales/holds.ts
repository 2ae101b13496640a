import { sql, type Transaction } from 'kysely';
import { scoped, type AnyDb } from '../../platform/db.js';
import { publishEvents } from '../../platform/events/outbox.js';
import { scheduleJob } from '../../platform/jobs/runner.js';
import { HoldUnavailableError } from './errors.js';
import { FLASH_SALES_SOURCE, type FlashSaleEvents } from './events.js';
import { HOLD_TRANSITIONS, SALE_TRANSITIONS, sourcesOf } from './lifecycle.js';
import type { InventoryPort } from './ports.js';
import type { FlashSalesTables } from './tables.js';

type Trx = Transaction<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const t = (db: AnyDb) => scoped<FlashSalesTables>(db);

/** Job that removes released holds' lines from carts, after the release committed. */
export const REMOVE_CART_LINES_JOB = 'flash_sales.remove_cart_lines';

export interface ReleasedHold {
  id: string;
  saleId: string;
  sku: string;
  userId: string;
  quantity: number;
}

/**
 * Releases holds still `held` — the expired ones (oldest first, at most `limit`), or the given ids —
 * and gives their units back: to the sale while it runs (`remaining += q`), to ordinary stock
 * (the sale's inventory hold) once it has ended. The buyers' per-customer units go down by the
 * same amount, and a job removes the lines from their carts after commit (cart rows are locked
 * by checkout before holds; doing it here could deadlock with a checkout of the same cart).
 *
 * Lock order, shared with every other writer: holds → sales → items → customer_units.
 */
export async function releaseHolds(
  trx: Trx,
  deps: { inventory: InventoryPort },
  which: { expired: true; limit: number } | { ids: string[] },
  reason: string,
  correlationId?: string,
): Promise<ReleasedHold[]> {
  const from = sourcesOf(HOLD_TRANSITIONS, 'released');
  const pick =
    'ids' in which
      ? sql`select id from flash_sales.holds where id in (${sql.join(which.ids)}) and status in (${sql.join(from)})
             order by id for update skip locked`
      : sql`select id from flash_sales.holds where status in (${sql.join(from)}) and expires_at <= now()
             order by expires_at limit ${which.limit} for update skip locked`;
  if ('ids' in which && !which.ids.length) return [];
  const { rows } = await sql<{ id: string; sale_id: string; sku: string; user_id: string; quantity: number }>`
    update flash_sales.holds h
       set status = 'released', release_reason = ${reason}, updated_at = now()
     where h.id in (${pick})
    returning h.id, h.sale_id, h.sku, h.user_id, h.quantity`.execute(trx);
  if (!rows.length) return [];

  const saleIds = [...new Set(rows.map((r) => r.sale_id))].sort();
  // shares the sale rows with other releases, excludes the end job: an end cannot slip between
  // reading the state and giving the units back
  const { rows: sales } = await sql<{ id: string; state: string }>`
    select id, state from flash_sales.sales where id in (${sql.join(saleIds)}) order by id for share`.execute(
    trx,
  );
  const ended = new Set(sales.filter((s) => s.state === 'ended').map((s) => s.id));

  const perItem = new Map<string, { saleId: string; sku: string; quantity: number }>();
  const perUser = new Map<string, { saleId: string; sku: string; userId: string; quantity: number }>();
  for (const r of rows) {
    const ik = `${r.sale_id}\u0000${r.sku}`;
    const item = perItem.get(ik) ?? { saleId: r.sale_id, sku: r.sku, quantity: 0 };
    item.quantity += r.quantity;
    perItem.set(ik, item);
    const uk = `${ik}\u0000${r.user_id}`;
    const user = perUser.get(uk) ?? { saleId: r.sale_id, sku: r.sku, userId: r.user_id, quantity: 0 };
    user.quantity += r.quantity;
    perUser.set(uk, user);
  }
  const items = [...perItem.values()].sort((a, b) =>
    a.saleId === b.saleId ? a.sku.localeCompare(b.sku) : a.saleId.localeCompare(b.saleId),
  );
  const values = sql.join(
    items.map(
      (i) => sql`(${i.saleId}::uuid, ${i.sku}::text, ${i.quantity}::int, ${ended.has(i.saleId)}::boolean)`,
    ),
  );
  const { rows: touched } = await sql<{ sale_id: string; sku: string; allocation_hold_id: string | null }>`
    update flash_sales.items i
       set remaining = i.remaining + case when v.ended then 0 else v.q end,
           returned = i.returned + case when v.ended then v.q else 0 end
      from (values ${values}) as v(sale_id, sku, q, ended)
     where i.sale_id = v.sale_id and i.sku = v.sku
    returning i.sale_id, i.sku, i.allocation_hold_id`.execute(trx);
  const holdOf = new Map(touched.map((r) => [`${r.sale_id}\u0000${r.sku}`, r.allocation_hold_id]));
  for (const i of items) {
    if (!ended.has(i.saleId)) continue;
    const holdId = holdOf.get(`${i.saleId}\u0000${i.sku}`);
    if (holdId)
      await deps.inventory.release(trx, holdId, `flash_sale_hold_${reason}`, [
        { sku: i.sku, quantity: i.quantity },
      ]);
  }
  const users = sql.join(
    [...perUser.values()].map(
      (u) => sql`(${u.saleId}::uuid, ${u.sku}::text, ${u.userId}::uuid, ${u.quantity}::int)`,
    ),
  );
  await sql`
    update flash_sales.customer_units c
       set units = greatest(0, c.units - v.q)
      from (values ${users}) as v(sale_id, sku, user_id, q)
     where c.sale_id = v.sale_id and c.sku = v.sku and c.user_id = v.user_id`.execute(trx);
  await scheduleJob(
    trx,
    REMOVE_CART_LINES_JOB,
    { holdIds: rows.map((r) => r.id), correlationId },
    new Date(),
    { maxAttempts: 20 },
  );
  return rows.map((r) => ({
    id: r.id,
    saleId: r.sale_id,
    sku: r.sku,
    userId: r.user_id,
    quantity: r.quantity,
  }));
}

/**
 * Marks sales sold out whose every item has nothing left to hold and no hold outstanding, and
 * publishes `flash_sale.sold_out` for each (one statement finds them).
 */
export async function markSoldOut(
  trx: Trx,
  saleIds: string[] | 'all',
  correlationId?: string,
): Promise<string[]> {
  if (saleIds !== 'all' && !saleIds.length) return [];
  const from = sourcesOf(SALE_TRANSITIONS, 'sold_out');
  const only = saleIds === 'all' ? sql`true` : sql`s.id in (${sql.join(saleIds)})`;
  const { rows } = await sql<{ id: string; name: string }>`
    update flash_sales.sales s
       set state = 'sold_out', updated_at = now()
     where ${only} and s.state in (${sql.join(from)})
       and not exists (select 1 from flash_sales.items i where i.sale_id = s.id and i.remaining > 0)
       and not exists (select 1 from flash_sales.holds h where h.sale_id = s.id and h.status in ('held', 'claimed'))
    returning s.id, s.name`.execute(trx);
  if (!rows.length) return [];
  const sold = await t(trx)
    .selectFrom('flash_sales.holds')
    .select(['sale_id', 'sku', (eb) => eb.fn.sum<number>('quantity').as('units')])
    .where(
      'sale_id',
      'in',
      rows.map((r) => r.id),
    )
    .where('status', '=', 'converted')
    .groupBy(['sale_id', 'sku'])
    .execute();
  await publishEvents(
    trx,
    { source: FLASH_SALES_SOURCE, correlationId },
    rows.map((r) => {
      const data: FlashSaleEvents['flash_sale.sold_out'] = {
        saleId: r.id,
        name: r.name,
        items: sold.filter((s) => s.sale_id === r.id).map((s) => ({ sku: s.sku, sold: Number(s.units) })),
      };
      return { type: 'flash_sale.sold_out', subject: r.id, data };
    }),
  );
  return rows.map((r) => r.id);
}

/** Implemented for orders (its `HoldProvider`): checkout claims, converts or gives back holds. */
export interface HoldProvider {
  claim(trx: Trx, holdIds: string[], orderId: string): Promise<void>;
  convert(trx: Trx, holdIds: string[], orderId: string): Promise<void>;
  unclaim(trx: Trx, holdIds: string[], orderId: string): Promise<void>;
}

export function holdProvider(deps: { inventory: InventoryPort }): HoldProvider {
  return {
    /** @throws HoldUnavailableError when a hold is expired, released, or claimed by another order */
    async claim(trx, holdIds, orderId) {
      const ids = [...new Set(holdIds)].sort();
      if (!ids.length) return;
      const from = sourcesOf(HOLD_TRANSITIONS, 'claimed');
      const { rows } = await sql<{ id: string }>`
        update flash_sales.holds
           set status = case when status in (${sql.join(from)}) then 'claimed' else status end,
               order_id = ${orderId}, updated_at = now()
         where id in (${sql.join(ids)})
           and ((status in (${sql.join(from)}) and expires_at > now())
                or (status in ('claimed', 'converted') and order_id = ${orderId}))
        returning id`.execute(trx);
      if (rows.length !== ids.length) {
        const got = new Set(rows.map((r) => r.id));
        throw new HoldUnavailableError(ids.filter((id) => !got.has(id)));
      }
    },

    /** Idempotent per order: the held units are sold from the sale's inventory hold. */
    async convert(trx, holdIds, orderId) {
      const ids = [...new Set(holdIds)].sort();
      if (!ids.length) return;
      const from = sourcesOf(HOLD_TRANSITIONS, 'converted');
      const { rows } = await sql<{ sale_id: string; sku: string; quantity: number }>`
        update flash_sales.holds
           set status = 'converted', updated_at = now()
         where id in (${sql.join(ids)}) and status in (${sql.join(from)}) and order_id = ${orderId}
        returning sale_id, sku, quantity`.execute(trx);
      if (rows.length !== ids.length) {
        const done = await t(trx)
          .selectFrom('flash_sales.holds')
          .select('id')
          .where('id', 'in', ids)
          .where('status', '=', 'converted')
          .where('order_id', '=', orderId)
          .execute();
        if (done.length + rows.length < ids.length) throw new HoldUnavailableError(ids);
      }
      if (!rows.length) return;
      const perItem = new Map<string, { saleId: string; sku: string; quantity: number }>();
      for (const r of rows) {
        const k = `${r.sale_id}\u0000${r.sku}`;
        const e = perItem.get(k) ?? { saleId: r.sale_id, sku: r.sku, quantity: 0 };
        e.quantity += r.quantity;
        perItem.set(k, e);
      }
      const items = await t(trx)
        .selectFrom('flash_sales.items')
        .select(['sale_id', 'sku', 'allocation_hold_id'])
        .where(
          'sale_id',
          'in',
          [...perItem.values()].map((i) => i.saleId),
        )
        .execute();
      const holdOf = new Map(items.map((i) => [`${i.sale_id}\u0000${i.sku}`, i.allocation_hold_id]));
      for (const [k, i] of [...perItem].sort(([a], [b]) => a.localeCompare(b))) {
        const holdId = holdOf.get(k);
        if (!holdId) throw new Error(`flash-sale item ${i.sku} has no inventory allocation`);
        await deps.inventory.commit(trx, holdId, { orderId, lines: [{ sku: i.sku, quantity: i.quantity }] });
      }
      await markSoldOut(trx, [...new Set(rows.map((r) => r.sale_id))]);
    },

    /** Idempotent: the holds go back to `held`; their expiry applies again. */
    async unclaim(trx, holdIds, orderId) {
      const ids = [...new Set(holdIds)].sort();
      if (!ids.length) return;
      await sql`
        update flash_sales.holds
           set status = 'held', order_id = null, updated_at = now()
         where id in (${sql.join(ids)}) and status in (${sql.join(sourcesOf(HOLD_TRANSITIONS, 'held'))})
           and order_id = ${orderId}`.execute(trx);
    },
  };
}

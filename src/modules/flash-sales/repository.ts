import { sql, type Kysely, type Transaction } from 'kysely';
import { scoped, type AnyDb } from '../../platform/db.js';
import type { FlashSalesTables, ItemRow, SaleRow, SaleState } from './tables.js';

type Db = Kysely<FlashSalesTables>;
const t = (db: AnyDb): Db => scoped<FlashSalesTables>(db);
type Trx = Transaction<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const SALE_COLUMNS = [
  'id',
  'name',
  'state',
  'starts_at',
  'ends_at',
  'started_at',
  'ended_at',
  'created_by',
  'created_at',
  'updated_at',
] as const;
export const ITEM_COLUMNS = [
  'sale_id',
  'sku',
  'product_id',
  'seller_id',
  'title',
  'sale_price',
  'regular_price',
  'currency',
  'quantity',
  'allocated',
  'remaining',
  'returned',
  'per_customer_limit',
  'allocation_hold_id',
  'position',
] as const;

export async function insertSale(
  trx: Trx,
  sale: { id: string; name: string; startsAt: Date; endsAt: Date; createdBy: string | null },
  items: Omit<ItemRow, 'allocated' | 'remaining' | 'returned' | 'allocation_hold_id'>[],
): Promise<void> {
  await t(trx)
    .insertInto('flash_sales.sales')
    .values({
      id: sale.id,
      name: sale.name,
      state: 'scheduled',
      starts_at: sale.startsAt,
      ends_at: sale.endsAt,
      started_at: null,
      ended_at: null,
      created_by: sale.createdBy,
    })
    .execute();
  await t(trx)
    .insertInto('flash_sales.items')
    .values(items.map((i) => ({ ...i, allocation_hold_id: null })))
    .execute();
}

/**
 * The SKUs among `skus` already in a sale (other than `except`) that has not ended and whose window
 * meets [startsAt, endsAt), with that sale's id. Takes a transaction lock per SKU first (in SKU
 * order), so two sales created or moved at once for one SKU are checked one after the other.
 */
export async function overlappingItems(
  trx: Trx,
  skus: string[],
  window: { startsAt: Date; endsAt: Date },
  except?: string,
): Promise<{ sku: string; sale_id: string }[]> {
  if (!skus.length) return [];
  for (const sku of [...new Set(skus)].sort())
    await sql`select pg_advisory_xact_lock(hashtext(${`flash_sales.sku:${sku}`}))`.execute(trx);
  let q = t(trx)
    .selectFrom('flash_sales.items as i')
    .innerJoin('flash_sales.sales as s', 's.id', 'i.sale_id')
    .select(['i.sku', 'i.sale_id'])
    .where('i.sku', 'in', skus)
    .where('s.state', '<>', 'ended')
    .where('s.starts_at', '<', window.endsAt)
    .where('s.ends_at', '>', window.startsAt);
  if (except) q = q.where('s.id', '<>', except);
  return q.execute();
}

export async function findSale(db: AnyDb, id: string): Promise<SaleRow | undefined> {
  return t(db).selectFrom('flash_sales.sales').select(SALE_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export async function lockSale(trx: Trx, id: string): Promise<SaleRow | undefined> {
  return t(trx)
    .selectFrom('flash_sales.sales')
    .select(SALE_COLUMNS)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function setSaleState(
  trx: Trx,
  id: string,
  state: SaleState,
  stamps: { startedAt?: Date; endedAt?: Date } = {},
): Promise<void> {
  await t(trx)
    .updateTable('flash_sales.sales')
    .set({
      state,
      updated_at: new Date(),
      ...(stamps.startedAt ? { started_at: stamps.startedAt } : {}),
      ...(stamps.endedAt ? { ended_at: stamps.endedAt } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/** A sale's name and times (an admin's edit). */
export async function updateSale(
  trx: Trx,
  id: string,
  change: { name?: string; startsAt?: Date; endsAt?: Date },
): Promise<void> {
  await t(trx)
    .updateTable('flash_sales.sales')
    .set({
      updated_at: new Date(),
      ...(change.name !== undefined ? { name: change.name } : {}),
      ...(change.startsAt ? { starts_at: change.startsAt } : {}),
      ...(change.endsAt ? { ends_at: change.endsAt } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/** A scheduled sale's items become `items` (nothing is allocated, held or sold before the start). */
export async function replaceItems(
  trx: Trx,
  saleId: string,
  items: Omit<ItemRow, 'allocated' | 'remaining' | 'returned' | 'allocation_hold_id'>[],
): Promise<void> {
  await t(trx).deleteFrom('flash_sales.items').where('sale_id', '=', saleId).execute();
  await t(trx)
    .insertInto('flash_sales.items')
    .values(items.map((i) => ({ ...i, allocation_hold_id: null })))
    .execute();
}

/** A started item's quantity and what it holds from stock (the caller moved the stock). */
export async function setItemQuantity(
  trx: Trx,
  saleId: string,
  sku: string,
  to: { quantity: number; allocated: number; remaining: number; allocationHoldId: string | null },
): Promise<void> {
  await t(trx)
    .updateTable('flash_sales.items')
    .set({
      quantity: to.quantity,
      allocated: to.allocated,
      remaining: to.remaining,
      allocation_hold_id: to.allocationHoldId,
    })
    .where('sale_id', '=', saleId)
    .where('sku', '=', sku)
    .execute();
}

/** Items of these sales, in their order, keyed by sale id (one query). */
export async function itemsOf(db: AnyDb, saleIds: string[], lock = false): Promise<Map<string, ItemRow[]>> {
  const out = new Map<string, ItemRow[]>();
  if (!saleIds.length) return out;
  let q = t(db)
    .selectFrom('flash_sales.items')
    .select(ITEM_COLUMNS)
    .where('sale_id', 'in', saleIds)
    .orderBy('sale_id')
    .orderBy('sku');
  if (lock) q = q.forUpdate();
  for (const row of await q.execute()) {
    const list = out.get(row.sale_id) ?? [];
    list.push(row);
    out.set(row.sale_id, list);
  }
  for (const list of out.values()) list.sort((a, b) => a.position - b.position);
  return out;
}

/** Units turned into orders, per `saleId:sku` (one query). */
export async function soldOf(db: AnyDb, saleIds: string[]): Promise<Map<string, number>> {
  if (!saleIds.length) return new Map();
  const rows = await t(db)
    .selectFrom('flash_sales.holds')
    .select(['sale_id', 'sku', (eb) => eb.fn.sum<number>('quantity').as('units')])
    .where('sale_id', 'in', saleIds)
    .where('status', '=', 'converted')
    .groupBy(['sale_id', 'sku'])
    .execute();
  return new Map(rows.map((r) => [`${r.sale_id}:${r.sku}`, Number(r.units)]));
}

export async function listSales(
  db: AnyDb,
  q: { limit: number; after?: { startsAt: string; id: string }; state?: SaleState },
): Promise<SaleRow[]> {
  let query = t(db)
    .selectFrom('flash_sales.sales')
    .select(SALE_COLUMNS)
    .orderBy('starts_at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit + 1);
  if (q.state) query = query.where('state', '=', q.state);
  if (q.after) {
    const { startsAt, id } = q.after;
    query = query.where((eb) =>
      eb.or([
        eb('starts_at', '<', new Date(startsAt)),
        eb.and([eb('starts_at', '=', new Date(startsAt)), eb('id', '<', id)]),
      ]),
    );
  }
  return query.execute();
}

/** Sales that are running, coming, or ended within the last hour: what the process keeps in memory. */
export async function liveSales(db: AnyDb): Promise<SaleRow[]> {
  return t(db)
    .selectFrom('flash_sales.sales')
    .select(SALE_COLUMNS)
    .where((eb) =>
      eb.or([eb('state', '<>', 'ended'), eb('ended_at', '>', sql<Date>`now() - interval '1 hour'`)]),
    )
    .execute();
}

/** Per-customer units of one sale item, for these users or (no `userIds`) every user. */
export async function customerUnits(
  db: AnyDb,
  saleId: string,
  sku: string,
  userIds?: string[],
): Promise<Map<string, number>> {
  if (userIds && !userIds.length) return new Map();
  let q = t(db)
    .selectFrom('flash_sales.customer_units')
    .select(['user_id', 'units'])
    .where('sale_id', '=', saleId)
    .where('sku', '=', sku);
  if (userIds) q = q.where('user_id', 'in', userIds);
  const rows = await q.execute();
  return new Map(rows.map((r) => [r.user_id, r.units]));
}

/** `remaining` of every item of these sales (one query), for reconciling the gate. */
export async function remainingOf(
  db: AnyDb,
  saleIds: string[],
): Promise<{ saleId: string; sku: string; remaining: number }[]> {
  if (!saleIds.length) return [];
  const rows = await t(db)
    .selectFrom('flash_sales.items')
    .select(['sale_id', 'sku', 'remaining'])
    .where('sale_id', 'in', saleIds)
    .execute();
  return rows.map((r) => ({ saleId: r.sale_id, sku: r.sku, remaining: r.remaining }));
}

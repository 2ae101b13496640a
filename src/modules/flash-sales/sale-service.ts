import { sql, type Transaction } from 'kysely';
import { isIsoInstant, isUuid, uuidv7 } from '../../platform/ids.js';
import type { Ctx } from '../../platform/context.js';
import type { AnyDb } from '../../platform/db.js';
import { AppError, ValidationError } from '../../platform/errors.js';
import { publishEvents } from '../../platform/events/outbox.js';
import { SaleNotFoundError } from './errors.js';
import { FLASH_SALES_SOURCE, type FlashSaleEvents } from './events.js';
import { markSoldOut } from './holds.js';
import { assertTransition, SALE_TRANSITIONS } from './lifecycle.js';
import type { FindVariants, InventoryPort } from './ports.js';
import * as repo from './repository.js';
import {
  blankName,
  itemErrors,
  itemRows,
  jobStillDue,
  NOT_VALID,
  refuseOverlaps,
  scheduleEnd,
  scheduleStart,
  timeErrors,
} from './sale-rules.js';
import type { CreateSaleBody, FlashSale, SaleListQuery } from './schemas.js';
import type { ItemRow, SaleRow } from './tables.js';

type Trx = Transaction<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export { END_JOB, START_JOB } from './sale-rules.js';

export interface SaleDeps {
  inventory: InventoryPort;
  findVariants: FindVariants;
}

/**
 * Schedules a sale: checks the name is not blank, the times and each SKU (it exists, is published, the sale price is in
 * the variant's currency and below its price, no other sale has it at that time), records the
 * sale and its items, and schedules the
 * start and end jobs in the same transaction.
 * @throws ValidationError naming each offending field
 */
export async function createSale(ctx: Ctx, deps: SaleDeps, body: CreateSaleBody): Promise<FlashSale> {
  const startsAt = new Date(body.startsAt);
  const endsAt = new Date(body.endsAt);
  const checked = await itemErrors(ctx.db, deps.findVariants, body.items);
  const errors = [...blankName(body.name), ...timeErrors(startsAt, endsAt), ...checked.errors];
  if (errors.length) throw new ValidationError(errors, NOT_VALID);

  const id = uuidv7();
  await ctx.db.transaction().execute(async (trx) => {
    const index = new Map(body.items.map((item, i) => [item.sku, i]));
    await refuseOverlaps(
      trx,
      body.items.map((i) => i.sku),
      { startsAt, endsAt },
      (sku, other) => ({
        path: `/body/items/${index.get(sku)}/sku`,
        message: `is already in flash sale ${other} at that time`,
      }),
    );
    await repo.insertSale(
      trx,
      { id, name: body.name, startsAt, endsAt, createdBy: ctx.actor?.userId ?? null },
      itemRows(id, body.items, checked.variants),
    );
    await scheduleStart(trx, id, startsAt);
    await scheduleEnd(trx, id, endsAt);
  });
  return getSale(ctx.db, id);
}

/** @throws SaleNotFoundError */
export async function getSale(db: AnyDb, id: string): Promise<FlashSale> {
  const row = await repo.findSale(db, id);
  if (!row) throw new SaleNotFoundError();
  const [items, sold] = await Promise.all([repo.itemsOf(db, [id]), repo.soldOf(db, [id])]);
  return presentSale(row, items.get(id) ?? [], sold);
}

/** Sales, newest start first, keyset paginated (three queries a page). */
export async function listSales(
  db: AnyDb,
  q: SaleListQuery,
): Promise<{ items: FlashSale[]; nextCursor: string | null }> {
  const after = decodeCursor(q.cursor);
  if (q.cursor && !after)
    throw new ValidationError([{ path: '/query/cursor', message: 'is not a valid cursor' }]);
  const rows = await repo.listSales(db, { limit: q.limit, after, state: q.state });
  const page = rows.slice(0, q.limit);
  const ids = page.map((r) => r.id);
  const [items, sold] = await Promise.all([repo.itemsOf(db, ids), repo.soldOf(db, ids)]);
  const last = page.at(-1);
  return {
    items: page.map((r) => presentSale(r, items.get(r.id) ?? [], sold)),
    nextCursor:
      rows.length > q.limit && last
        ? Buffer.from(JSON.stringify([last.starts_at.toISOString(), last.id])).toString('base64url')
        : null,
  };
}

function decodeCursor(cursor: string | undefined): { startsAt: string; id: string } | undefined {
  if (!cursor) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    // only what listSales writes: an ISO timestamp PostgreSQL can hold, and a sale id (a uuid,
    // which the database casts: anything else would fail the query)
    if (
      Array.isArray(v) &&
      v.length === 2 &&
      typeof v[0] === 'string' &&
      isIsoInstant(v[0]) &&
      typeof v[1] === 'string' &&
      isUuid(v[1])
    )
      return { startsAt: v[0], id: v[1] };
  } catch {
    // a malformed cursor is a validation error
  }
  return undefined;
}

export function presentSale(row: SaleRow, items: ItemRow[], sold: Map<string, number>): FlashSale {
  return {
    id: row.id,
    name: row.name,
    state: row.state,
    startsAt: row.starts_at.toISOString(),
    endsAt: row.ends_at.toISOString(),
    startedAt: row.started_at?.toISOString() ?? null,
    endedAt: row.ended_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    items: items.map((i) => {
      const currency = i.currency.trim();
      return {
        sku: i.sku,
        productId: i.product_id,
        title: i.title,
        salePrice: { amount: Number(i.sale_price), currency },
        regularPrice: { amount: Number(i.regular_price), currency },
        quantity: i.quantity,
        allocated: i.allocated,
        // before the start, what will be offered
        remaining: row.state === 'scheduled' ? i.quantity : i.remaining,
        sold: sold.get(`${row.id}:${i.sku}`) ?? 0,
        perCustomerLimit: i.per_customer_limit,
      };
    }),
  };
}

/**
 * The start job: takes the sale's units out of ordinary stock (one inventory hold per item, no
 * expiry); when stock is short, takes what exists and records it as `allocated`. Then the sale is
 * active and `flash_sale.started` is published. Idempotent: a sale not `scheduled` is left alone;
 * a sale whose end has passed is ended instead. `at`: the start time the job was scheduled for; a
 * sale whose start was moved since is left alone (another job starts it).
 */
export async function startSale(
  db: AnyDb,
  deps: SaleDeps,
  saleId: string,
  at?: string,
): Promise<'started' | 'ended' | 'skipped'> {
  return db.transaction().execute(async (trx) => {
    const sale = await repo.lockSale(trx, saleId);
    if (!sale || sale.state !== 'scheduled' || !jobStillDue(at, sale.starts_at)) return 'skipped';
    if (sale.ends_at.getTime() <= Date.now()) {
      await endLocked(trx, deps, sale);
      return 'ended';
    }
    const items = (await repo.itemsOf(trx, [saleId], true)).get(saleId) ?? [];
    const allocations: { sku: string; allocated: number; holdId: string | null }[] = [];
    for (const item of [...items].sort((a, b) => a.sku.localeCompare(b.sku)))
      allocations.push({ sku: item.sku, ...(await allocate(trx, deps.inventory, saleId, item)) });
    if (allocations.length) {
      const values = sql.join(
        allocations.map((a) => sql`(${a.sku}::text, ${a.allocated}::int, ${a.holdId}::text)`),
      );
      await sql`
        update flash_sales.items i
           set allocated = v.allocated, remaining = v.allocated, allocation_hold_id = v.hold_id
          from (values ${values}) as v(sku, allocated, hold_id)
         where i.sale_id = ${saleId} and i.sku = v.sku`.execute(trx);
    }
    assertTransition(SALE_TRANSITIONS, sale.state, 'active', 'flash sale');
    await repo.setSaleState(trx, saleId, 'active', { startedAt: new Date() });
    const allocatedOf = new Map(allocations.map((a) => [a.sku, a.allocated]));
    const data: FlashSaleEvents['flash_sale.started'] = {
      saleId,
      name: sale.name,
      startsAt: sale.starts_at.toISOString(),
      endsAt: sale.ends_at.toISOString(),
      items: items.map((i) => ({
        sku: i.sku,
        productId: i.product_id,
        sellerId: i.seller_id,
        salePrice: { amount: Number(i.sale_price), currency: i.currency.trim() },
        quantity: i.quantity,
        allocated: allocatedOf.get(i.sku) ?? 0,
        perCustomerLimit: i.per_customer_limit,
      })),
    };
    await publishEvents(trx, { source: FLASH_SALES_SOURCE }, [
      { type: 'flash_sale.started', subject: saleId, data },
    ]);
    // nothing could be allocated at all: sold out from the first second
    await markSoldOut(trx, [saleId]);
    return 'started';
  });
}

/**
 * One item's allocation: all it asks for, or what stock has. `reserve` is all or nothing and the
 * failure aborts its statements, so each try runs under a savepoint.
 */
async function allocate(
  trx: Trx,
  inventory: InventoryPort,
  saleId: string,
  item: ItemRow,
): Promise<{ allocated: number; holdId: string | null }> {
  let want = item.quantity;
  for (let attempt = 0; attempt < 5 && want > 0; attempt++) {
    await sql`savepoint flash_allocation`.execute(trx);
    try {
      const hold = await inventory.reserve(trx, {
        lines: [{ sku: item.sku, quantity: want }],
        ref: { kind: 'flash_sale', id: saleId },
        expiresAt: null,
      });
      await sql`release savepoint flash_allocation`.execute(trx);
      return { allocated: want, holdId: hold.id };
    } catch (err) {
      await sql`rollback to savepoint flash_allocation`.execute(trx);
      if (!(err instanceof AppError) || err.code !== 'out_of_stock') throw err;
      const lines = (err.details.lines ?? []) as { sku: string; available: number }[];
      const available = lines.find((l) => l.sku === item.sku)?.available ?? 0;
      want = Math.min(want - 1, Math.max(0, available));
    }
  }
  return { allocated: 0, holdId: null };
}

/**
 * The end job: the sale stops taking reservations, its unsold and unheld units go back to
 * ordinary stock (a partial release of each item's inventory hold), `flash_sale.ended` is
 * published. Holds still outstanding give their units back to stock when they expire. Idempotent.
 * `at`: the end time the job was scheduled for; a sale whose end was moved since is left alone.
 */
export async function endSale(db: AnyDb, deps: SaleDeps, saleId: string, at?: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const sale = await repo.lockSale(trx, saleId);
    if (!sale || sale.state === 'ended' || !jobStillDue(at, sale.ends_at)) return false;
    await endLocked(trx, deps, sale);
    return true;
  });
}

/**
 * Ends a locked sale now (the end job, an admin's end, an edit that ends it): what `endSale` does
 * once the sale is locked. `correlationId`: the request that ended it.
 */
export async function endLocked(
  trx: Trx,
  deps: SaleDeps,
  sale: SaleRow,
  correlationId?: string,
): Promise<void> {
  assertTransition(SALE_TRANSITIONS, sale.state, 'ended', 'flash sale');
  const items = (await repo.itemsOf(trx, [sale.id], true)).get(sale.id) ?? [];
  for (const item of [...items].sort((a, b) => a.sku.localeCompare(b.sku))) {
    if (item.remaining > 0 && item.allocation_hold_id)
      await deps.inventory.release(trx, item.allocation_hold_id, 'flash_sale_ended', [
        { sku: item.sku, quantity: item.remaining },
      ]);
  }
  await sql`
    update flash_sales.items set returned = returned + remaining, remaining = 0
     where sale_id = ${sale.id} and remaining > 0`.execute(trx);
  await repo.setSaleState(trx, sale.id, 'ended', { endedAt: new Date() });
  const sold = await repo.soldOf(trx, [sale.id]);
  const data: FlashSaleEvents['flash_sale.ended'] = {
    saleId: sale.id,
    name: sale.name,
    previousState: sale.state,
    items: items.map((i) => ({
      sku: i.sku,
      quantity: i.quantity,
      allocated: i.allocated,
      sold: sold.get(`${sale.id}:${i.sku}`) ?? 0,
      returnedToStock: i.returned + i.remaining,
    })),
  };
  await publishEvents(trx, { source: FLASH_SALES_SOURCE, correlationId }, [
    { type: 'flash_sale.ended', subject: sale.id, data },
  ]);
}

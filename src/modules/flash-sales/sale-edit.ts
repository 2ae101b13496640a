import { sql, type Transaction } from 'kysely';
import type { Ctx } from '../../platform/context.js';
import type { AnyDb } from '../../platform/db.js';
import { AppError, ValidationError, type FieldError } from '../../platform/errors.js';
import {
  SaleNotEditableError,
  SaleNotFoundError,
  SaleStockShortError,
  StartedSaleEditError,
} from './errors.js';
import { markSoldOut } from './holds.js';
import * as repo from './repository.js';
import {
  blankName,
  itemErrors,
  itemRows,
  NOT_VALID,
  refuseOverlaps,
  scheduleEnd,
  scheduleStart,
  timeErrors,
  type ItemInput,
} from './sale-rules.js';
import { endLocked, getSale, type SaleDeps } from './sale-service.js';
import type { FlashSale, UpdateSaleBody } from './schemas.js';
import type { ItemRow, SaleRow } from './tables.js';

type Trx = Transaction<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * An admin's edit. A `scheduled` sale takes any change a new sale could have (same checks, same
 * messages): name, times, items (`items` is the whole new list; fields an item already in the sale
 * leaves out keep their values). An `active` sale takes a new name, a new `endsAt` (one not in the
 * future ends it now, as `endSaleNow`) and new item quantities: lowered, never below the units
 * buyers hold or bought, the units no longer offered going back to ordinary stock; raised, the
 * extra units taken from ordinary stock into the sale's allocation, all of them or the edit is
 * refused. Everything in one transaction, the sale and its items locked as the end job locks them.
 * @throws SaleNotFoundError; ValidationError (400) naming each invalid field; SaleNotEditableError
 *   (409 `conflict`) for an ended or sold-out sale; StartedSaleEditError (409 `conflict`) for what
 *   a started sale cannot change; SaleStockShortError (409 `out_of_stock`)
 */
export async function updateSale(
  ctx: Ctx,
  deps: SaleDeps,
  id: string,
  body: UpdateSaleBody,
): Promise<FlashSale> {
  await inTransaction(ctx.db, async (trx) => {
    const sale = await repo.lockSale(trx, id);
    if (!sale) throw new SaleNotFoundError();
    const items = (await repo.itemsOf(trx, [id], true)).get(id) ?? [];
    switch (sale.state) {
      case 'scheduled':
        return editScheduled(trx, deps, sale, items, body);
      case 'active':
        return editActive(trx, deps, sale, items, body, ctx.requestId);
      case 'sold_out':
      case 'ended':
        throw new SaleNotEditableError(id, sale.state);
    }
  });
  return getSale(ctx.db, id);
}

/**
 * Ends a scheduled, active or sold-out sale now, the way the end job does (its unsold, unheld units
 * back to stock, `flash_sale.ended`; holds outstanding may still be checked out until they expire).
 * An ended sale is answered as it is: ending is idempotent.
 * @throws SaleNotFoundError
 */
export async function endSaleNow(ctx: Ctx, deps: SaleDeps, id: string): Promise<FlashSale> {
  await inTransaction(ctx.db, async (trx) => {
    const sale = await repo.lockSale(trx, id);
    if (!sale) throw new SaleNotFoundError();
    if (sale.state !== 'ended') await endLocked(trx, deps, sale, ctx.requestId);
  });
  return getSale(ctx.db, id);
}

const TRANSIENT = new Set(['40P01', '40001']);

/**
 * The edit's transaction, run again (twice at most) when PostgreSQL aborts it as a deadlock victim:
 * like the end job, it locks the sale before the inventory hold, and a checkout converting the
 * sale's last units locks them the other way round.
 */
async function inTransaction(db: AnyDb, work: (trx: Trx) => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt < 3 && code && TRANSIENT.has(code)) continue;
      throw err;
    }
  }
}

const sameTime = (iso: string | undefined, time: Date) =>
  iso === undefined || new Date(iso).getTime() === time.getTime();

async function editScheduled(
  trx: Trx,
  deps: SaleDeps,
  sale: SaleRow,
  current: ItemRow[],
  body: UpdateSaleBody,
): Promise<void> {
  const startsAt = body.startsAt ? new Date(body.startsAt) : sale.starts_at;
  const endsAt = body.endsAt ? new Date(body.endsAt) : sale.ends_at;
  const errors: FieldError[] = [...blankName(body.name)];
  if (body.endsAt !== undefined) errors.push(...timeErrors(startsAt, endsAt));
  else if (body.startsAt !== undefined && endsAt.getTime() <= startsAt.getTime())
    errors.push({ path: '/body/startsAt', message: `must be before endsAt (${endsAt.toISOString()})` });

  let items: Required<ItemInput>[] | undefined;
  if (body.items) {
    const had = new Map(current.map((i) => [i.sku, i]));
    const merged = body.items.map((item, i): ItemInput => {
      const was = had.get(item.sku);
      const out: ItemInput = {
        sku: item.sku,
        salePrice:
          item.salePrice ?? (was && { amount: Number(was.sale_price), currency: was.currency.trim() }),
        quantity: item.quantity ?? was?.quantity,
        perCustomerLimit: item.perCustomerLimit ?? was?.per_customer_limit,
      };
      for (const field of ['salePrice', 'quantity', 'perCustomerLimit'] as const)
        if (out[field] === undefined)
          errors.push({
            path: `/body/items/${i}/${field}`,
            message: 'is required for an item new to the sale',
          });
      return out;
    });
    const checked = await itemErrors(trx, deps.findVariants, merged);
    errors.push(...checked.errors);
    if (!errors.length) {
      items = merged as Required<ItemInput>[];
      await repo.replaceItems(trx, sale.id, itemRows(sale.id, items, checked.variants));
    }
  }
  if (errors.length) throw new ValidationError(errors, NOT_VALID);

  if (items || !sameTime(body.startsAt, sale.starts_at) || !sameTime(body.endsAt, sale.ends_at)) {
    const index = new Map(items?.map((item, i) => [item.sku, i]));
    const blamed = body.endsAt !== undefined ? 'endsAt' : 'startsAt';
    await refuseOverlaps(
      trx,
      items ? items.map((i) => i.sku) : current.map((i) => i.sku),
      { startsAt, endsAt },
      (sku, other) =>
        index.has(sku)
          ? {
              path: `/body/items/${index.get(sku)}/sku`,
              message: `is already in flash sale ${other} at that time`,
            }
          : { path: `/body/${blamed}`, message: `puts ${sku} in flash sale ${other}'s time` },
      sale.id,
    );
  }
  await repo.updateSale(trx, sale.id, { name: body.name, startsAt, endsAt });
  if (startsAt.getTime() !== sale.starts_at.getTime()) await scheduleStart(trx, sale.id, startsAt);
  if (endsAt.getTime() !== sale.ends_at.getTime()) await scheduleEnd(trx, sale.id, endsAt);
}

interface QuantityChange {
  index: number;
  item: ItemRow;
  quantity: number;
}

async function editActive(
  trx: Trx,
  deps: SaleDeps,
  sale: SaleRow,
  current: ItemRow[],
  body: UpdateSaleBody,
  requestId: string,
): Promise<void> {
  const errors: FieldError[] = [...blankName(body.name)];
  const conflicts: FieldError[] = [];
  const started = 'cannot change once the sale has started';
  if (!sameTime(body.startsAt, sale.starts_at)) conflicts.push({ path: '/body/startsAt', message: started });

  const endsAt = body.endsAt === undefined ? undefined : new Date(body.endsAt);
  // an end not in the future: the sale ends now
  const endNow = endsAt !== undefined && endsAt.getTime() <= Date.now();
  if (endsAt && !endNow && endsAt.getTime() <= sale.starts_at.getTime())
    errors.push({ path: '/body/endsAt', message: 'must be after startsAt' });

  const changes: QuantityChange[] = [];
  if (body.items) {
    const had = new Map(current.map((i) => [i.sku, i]));
    const seen = new Set<string>();
    body.items.forEach((input, index) => {
      const path = `/body/items/${index}`;
      const item = had.get(input.sku);
      if (seen.has(input.sku))
        return errors.push({ path: `${path}/sku`, message: 'appears twice in this sale' });
      seen.add(input.sku);
      if (!item)
        return conflicts.push({ path: `${path}/sku`, message: 'cannot be added once the sale has started' });
      const price = input.salePrice;
      if (price && (price.amount !== Number(item.sale_price) || price.currency !== item.currency.trim()))
        conflicts.push({ path: `${path}/salePrice`, message: started });
      if (input.perCustomerLimit !== undefined && input.perCustomerLimit !== item.per_customer_limit)
        conflicts.push({ path: `${path}/perCustomerLimit`, message: started });
      if (input.quantity === undefined || input.quantity === item.quantity) return;
      // what buyers hold or bought: allocated units neither free to hold nor given back
      const taken = item.allocated - item.remaining - item.returned;
      if (input.quantity < item.per_customer_limit)
        errors.push({
          path: `${path}/quantity`,
          message: `must not be below perCustomerLimit (${item.per_customer_limit})`,
        });
      else if (input.quantity < taken)
        conflicts.push({
          path: `${path}/quantity`,
          message: `must be at least ${taken}, the units sold or held`,
        });
      else changes.push({ index, item, quantity: input.quantity });
    });
    for (const item of current)
      if (!seen.has(item.sku))
        conflicts.push({
          path: '/body/items',
          message: `must keep ${item.sku}: items cannot be removed once the sale has started`,
        });
  }
  if (errors.length) throw new ValidationError(errors, NOT_VALID);
  if (conflicts.length) throw new StartedSaleEditError(sale.id, conflicts);

  if (endsAt && !endNow && endsAt.getTime() > sale.ends_at.getTime())
    await refuseOverlaps(
      trx,
      current.map((i) => i.sku),
      { startsAt: sale.starts_at, endsAt },
      (sku, other) => ({ path: '/body/endsAt', message: `puts ${sku} in flash sale ${other}'s time` }),
      sale.id,
    );

  await changeQuantities(trx, deps, sale.id, changes, requestId);
  const name = body.name ?? sale.name;
  if (endNow) {
    if (body.name !== undefined) await repo.updateSale(trx, sale.id, { name });
    return endLocked(trx, deps, { ...sale, name }, requestId);
  }
  await repo.updateSale(trx, sale.id, { name: body.name, endsAt });
  if (endsAt && endsAt.getTime() !== sale.ends_at.getTime()) await scheduleEnd(trx, sale.id, endsAt);
  // a lowered quantity may leave nothing to hold and nothing held
  await markSoldOut(trx, [sale.id], requestId);
}

/**
 * A started item's quantity. Lowered: the units past the new quantity (never what buyers hold or
 * bought, checked by the caller under the item's lock) go back to stock from the sale's inventory
 * hold. Raised: the item's allocation grows to the new quantity from ordinary stock (the sale's
 * inventory hold takes the extra units; a new hold when it has none left), all or nothing per item,
 * and every short item is named. Items in SKU order, the order inventory locks its rows in.
 * @throws SaleStockShortError
 */
async function changeQuantities(
  trx: Trx,
  deps: SaleDeps,
  saleId: string,
  changes: QuantityChange[],
  requestId: string,
): Promise<void> {
  const short: { index: number; sku: string; requested: number; available: number }[] = [];
  for (const { index, item, quantity } of [...changes].sort((a, b) => (a.item.sku < b.item.sku ? -1 : 1))) {
    let { allocated, remaining, allocation_hold_id: holdId } = item;
    if (quantity < allocated) {
      const back = allocated - quantity;
      await deps.inventory.release(trx, holdId!, 'flash_sale_quantity_lowered', [
        { sku: item.sku, quantity: back },
      ]);
      allocated -= back;
      remaining -= back;
    } else if (quantity > item.quantity && quantity > allocated) {
      const extra = quantity - allocated;
      const got = await takeFromStock(trx, deps, saleId, item.sku, extra, holdId, requestId);
      if ('available' in got) {
        short.push({ index, sku: item.sku, requested: extra, available: got.available });
        continue;
      }
      holdId = got.holdId;
      allocated += extra;
      remaining += extra;
    }
    await repo.setItemQuantity(trx, saleId, item.sku, {
      quantity,
      allocated,
      remaining,
      allocationHoldId: holdId,
    });
  }
  if (short.length)
    throw new SaleStockShortError(
      saleId,
      short.sort((a, b) => a.index - b.index),
    );
}

/**
 * `units` more of `sku` from ordinary stock into the sale's allocation: added to its inventory hold
 * while the hold is live, else (no hold, or one with nothing left in it, so no buyer's units depend
 * on it) a new hold. Each try under a savepoint, as the start's allocation does.
 */
async function takeFromStock(
  trx: Trx,
  deps: SaleDeps,
  saleId: string,
  sku: string,
  units: number,
  holdId: string | null,
  correlationId: string,
): Promise<{ holdId: string } | { available: number }> {
  const lines = [{ sku, quantity: units }];
  const attempt = async <T>(run: () => Promise<T>): Promise<T | AppError> => {
    await sql`savepoint flash_quantity`.execute(trx);
    try {
      const out = await run();
      await sql`release savepoint flash_quantity`.execute(trx);
      return out;
    } catch (err) {
      await sql`rollback to savepoint flash_quantity`.execute(trx);
      if (err instanceof AppError && (err.code === 'out_of_stock' || err.code === 'conflict')) return err;
      throw err;
    }
  };
  const shortOf = (err: AppError) => {
    const found = ((err.details.lines ?? []) as { sku: string; available: number }[]).find(
      (l) => l.sku === sku,
    );
    return { available: Math.max(0, found?.available ?? 0) };
  };
  if (holdId) {
    const added = await attempt(() => deps.inventory.addToHold(trx, holdId, lines, correlationId));
    if (!(added instanceof AppError)) return { holdId };
    if (added.code === 'out_of_stock') return shortOf(added);
    // the hold is spent (every unit sold or given back): a new one takes its place
  }
  const hold = await attempt(() =>
    deps.inventory.reserve(trx, {
      lines,
      ref: { kind: 'flash_sale', id: saleId },
      expiresAt: null,
      correlationId,
    }),
  );
  if (hold instanceof AppError) {
    if (hold.code === 'out_of_stock') return shortOf(hold);
    throw hold;
  }
  return { holdId: hold.id };
}

/**
 * What a sale's fields must be, checked alike when it is created and when a scheduled sale is
 * edited (same rules, same messages, each offending field named), and the jobs that start and end
 * it at its times.
 */
import type { Transaction } from 'kysely';
import type { AnyDb } from '../../platform/db.js';
import { ValidationError, type FieldError } from '../../platform/errors.js';
import { scheduleJob } from '../../platform/jobs/runner.js';
import type { Money } from './events.js';
import type { FindVariants, VariantFacts } from './ports.js';
import * as repo from './repository.js';
import type { ItemRow } from './tables.js';

type Trx = Transaction<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const START_JOB = 'flash_sales.start';
export const END_JOB = 'flash_sales.end';

export const NOT_VALID = 'The flash sale is not valid';

/** An item as a request names it; an edit may leave out what the item already has. */
export interface ItemInput {
  sku: string;
  salePrice?: Money;
  quantity?: number;
  perCustomerLimit?: number;
}

export const blankName = (name: string | undefined): FieldError[] =>
  name !== undefined && !name.trim() ? [{ path: '/body/name', message: 'must not be blank' }] : [];

/** `endsAt` after `startsAt` and in the future. */
export function timeErrors(startsAt: Date, endsAt: Date, now = Date.now()): FieldError[] {
  const errors: FieldError[] = [];
  if (endsAt.getTime() <= startsAt.getTime())
    errors.push({ path: '/body/endsAt', message: 'must be after startsAt' });
  if (endsAt.getTime() <= now) errors.push({ path: '/body/endsAt', message: 'must be in the future' });
  return errors;
}

/**
 * Each item: named once, a known SKU of a published product, the sale price in the variant's
 * currency and not above its price, `perCustomerLimit ≤ quantity`. Fields an item leaves out are
 * not checked (an edit's caller names those missing). One catalog query.
 */
export async function itemErrors(
  db: AnyDb,
  findVariants: FindVariants,
  items: ItemInput[],
): Promise<{ errors: FieldError[]; variants: Map<string, VariantFacts> }> {
  const variants = await findVariants(
    db,
    items.map((i) => i.sku),
  );
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const path = `/body/items/${i}`;
    if (seen.has(item.sku)) errors.push({ path: `${path}/sku`, message: 'appears twice in this sale' });
    seen.add(item.sku);
    const v = variants.get(item.sku);
    if (!v) return errors.push({ path: `${path}/sku`, message: 'is not a known SKU' });
    if (v.status !== 'published')
      errors.push({ path: `${path}/sku`, message: 'belongs to a product that is not published' });
    if (item.salePrice) {
      if (v.price.currency !== item.salePrice.currency)
        errors.push({
          path: `${path}/salePrice/currency`,
          message: `must be the variant's currency (${v.price.currency})`,
        });
      else if (item.salePrice.amount > v.price.amount)
        errors.push({ path: `${path}/salePrice/amount`, message: 'must not exceed the regular price' });
    }
    if (
      item.perCustomerLimit !== undefined &&
      item.quantity !== undefined &&
      item.perCustomerLimit > item.quantity
    )
      errors.push({ path: `${path}/perCustomerLimit`, message: 'must not exceed quantity' });
  });
  return { errors, variants };
}

/**
 * A SKU is in one sale at a time (pages show one sale price, and one sale holds its units): refuses
 * the SKUs already in another sale that has not ended and whose window meets `window`. `at` names
 * the field to blame for a SKU.
 * @throws ValidationError
 */
export async function refuseOverlaps(
  trx: Trx,
  skus: string[],
  window: { startsAt: Date; endsAt: Date },
  at: (sku: string, otherSaleId: string) => FieldError,
  except?: string,
): Promise<void> {
  const taken = new Map(
    (await repo.overlappingItems(trx, skus, window, except)).map((r) => [r.sku, r.sale_id]),
  );
  if (taken.size)
    throw new ValidationError(
      skus.flatMap((sku) => (taken.has(sku) ? [at(sku, taken.get(sku)!)] : [])),
      NOT_VALID,
    );
}

/** The rows of a sale's items, in the order given, with what the catalog says of each variant. */
export function itemRows(
  saleId: string,
  items: Required<ItemInput>[],
  variants: Map<string, VariantFacts>,
): Omit<ItemRow, 'allocated' | 'remaining' | 'returned' | 'allocation_hold_id'>[] {
  return items.map((item, position) => {
    const v = variants.get(item.sku)!;
    return {
      sale_id: saleId,
      sku: item.sku,
      product_id: v.productId,
      seller_id: v.sellerId,
      title: v.variantTitle ? `${v.productTitle} — ${v.variantTitle}` : v.productTitle,
      sale_price: item.salePrice.amount,
      regular_price: v.price.amount,
      currency: item.salePrice.currency,
      quantity: item.quantity,
      per_customer_limit: item.perCustomerLimit,
      position,
    };
  });
}

/**
 * The job that starts (or ends) the sale at `at`. The job carries its time: a sale whose time was
 * moved since is left alone by it (the move scheduled another), so a job never acts at a time the
 * sale no longer has. Keyed by sale and time: moving a time back reuses the pending job.
 */
export async function scheduleStart(trx: Trx, saleId: string, at: Date): Promise<void> {
  await scheduleJob(trx, START_JOB, { saleId, at: at.toISOString() }, at, {
    key: `start:${at.getTime()}:${saleId}`,
  });
}

export async function scheduleEnd(trx: Trx, saleId: string, at: Date): Promise<void> {
  await scheduleJob(trx, END_JOB, { saleId, at: at.toISOString() }, at, {
    key: `end:${at.getTime()}:${saleId}`,
  });
}

/** Whether a job scheduled for `at` (absent: a job from before jobs carried their time) is due for `time`. */
export const jobStillDue = (at: string | undefined, time: Date): boolean =>
  at === undefined || new Date(at).getTime() === time.getTime();

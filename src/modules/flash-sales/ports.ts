/**
 * What flash sales needs from other modules, in the shapes of their doors (inventory, cart,
 * catalog's `findVariants`, admin's feature flags). The composition root passes the real doors.
 */
import type { RawBuilder, Transaction } from 'kysely';
import type { AnyDb } from '../../platform/db.js';
import type { AppError } from '../../platform/errors.js';
import type { Compilable } from '../../platform/pipelined.js';
import type { Money } from './events.js';

type Trx = Transaction<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface StockLine {
  sku: string;
  quantity: number;
}

/** The part of inventory's door a sale uses for its allocation. */
export interface InventoryPort {
  reserve(
    trx: Trx,
    input: {
      lines: StockLine[];
      ref: { kind: 'flash_sale'; id: string };
      expiresAt: Date | null;
      correlationId?: string;
    },
  ): Promise<{ id: string }>;
  release(trx: Trx, holdId: string, reason: string, lines?: StockLine[]): Promise<void>;
  /** All or nothing; `out_of_stock` naming the short lines; `conflict` when the hold is not live. */
  addToHold(trx: Trx, holdId: string, lines: StockLine[], correlationId?: string): Promise<void>;
  commit(trx: Trx, holdId: string, opts: { orderId: string; lines?: StockLine[] }): Promise<void>;
}

/**
 * A batch's cart work, in pieces of the batch's own statements (cart's `HeldBatch`): `open` opens
 * or locks the buyers' carts and is sent before the item is locked; in the statement that decides
 * the batch, `carts` is a relation `(user_id uuid, cart_id text, currency text)` of those carts and
 * `write('granted')` the `cart_…` common table expressions that put the lines of the relation
 * `granted` into them — `(line_id uuid, user_id uuid, cart_id text, sku text, quantity int,
 * unit_price bigint, currency text, hold_id uuid, hold_expires_at timestamptz)` — and drop the carts
 * `open` made that got none.
 */
export interface HeldBatch {
  open: Compilable;
  carts: RawBuilder<unknown>;
  write(granted: string, opts?: { strict?: boolean }): RawBuilder<unknown>;
}

/** The part of cart's door the hot path and the expiry use. */
export interface CartPort {
  heldBatch(users: { userId: string; currency: string }[]): HeldBatch;
  /** The refusal of a buyer whose cart is in another currency than the item. */
  currencyRefusal(cartCurrency: string, currency: string): AppError;
  removeHeldItem(trx: Trx, holdId: string): Promise<void>;
}

/** What a sale needs to know of a variant (catalog's `VariantInfo`). */
export interface VariantFacts {
  sku: string;
  productId: string;
  sellerId: string;
  productTitle: string;
  variantTitle: string;
  price: Money;
  status: string;
}

export type FindVariants = (db: AnyDb, skus: string[]) => Promise<Map<string, VariantFacts>>;

/** Admin's feature flags, served from memory. */
export interface FeatureFlags {
  isEnabled(key: string, fallback: boolean): boolean;
}

/** Whether the flags leave a sale on: `flash_sales` (every sale) and `flash_sale.<id>` (this one). */
export const switchedOn = (flags: FeatureFlags | undefined, saleId: string): boolean =>
  !flags || (flags.isEnabled('flash_sales', true) && flags.isEnabled(`flash_sale.${saleId}`, true));

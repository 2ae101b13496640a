/**
 * What flash sales needs from other modules, in the shapes of their doors (inventory, cart,
 * catalog's `findVariants`, admin's feature flags). The composition root passes the real doors.
 */
import type { Transaction } from 'kysely';
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
  commit(trx: Trx, holdId: string, opts: { orderId: string; lines?: StockLine[] }): Promise<void>;
}

export interface HeldItemInput {
  userId: string;
  sku: string;
  quantity: number;
  unitPrice: Money;
  holdId: string;
  holdExpiresAt: Date;
}

/** A buyer's open cart for held lines, or the refusal that keeps a line out of it. */
export type HeldCart = { cartId: string } | { error: AppError };

export interface HeldCarts {
  cartOf(userId: string): HeldCart;
}

/**
 * The part of cart's door the hot path and the expiry use. A batch puts its lines in its buyers'
 * carts in two statements that travel with its own (`pipelined`): `heldCarts` opens or locks the
 * carts (`finish` reads its rows), `heldLines` inserts the lines into them.
 */
export interface CartPort {
  heldCarts(users: { userId: string; currency: string }[]): {
    statement: Compilable;
    finish(trx: Trx, rows: unknown[]): Promise<HeldCarts>;
  };
  heldLines(carts: HeldCarts, inputs: HeldItemInput[], opts?: { strict?: boolean }): Compilable;
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

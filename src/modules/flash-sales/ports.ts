/**
 * What flash sales needs from other modules, in the shapes of their doors (inventory, cart,
 * catalog's `findVariants`, admin's feature flags). The composition root passes the real doors.
 */
import type { Transaction } from 'kysely';
import type { AnyDb } from '../../platform/db.js';
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

/** The part of cart's door the hot path and the expiry use. */
export interface CartPort {
  addHeldItems(
    trx: Trx,
    inputs: HeldItemInput[],
  ): Promise<{ holdId: string; cartId: string; itemId: string }[]>;
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

import type { Transaction } from 'kysely';
import type { AnyDb } from '../../platform/db.js';

/**
 * What orders needs from inventory, cart and flash sales: the doors of the contract, narrowed to
 * the calls orders makes. The composition root passes the real modules (they satisfy these).
 */
type Trx = Transaction<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Money {
  amount: number;
  currency: string;
}

export interface StockLine {
  sku: string;
  quantity: number;
}

export interface InventoryPort {
  reserve(
    trx: Trx,
    input: {
      lines: StockLine[];
      ref: { kind: 'cart' | 'order' | 'flash_sale'; id: string };
      expiresAt: Date | null;
      correlationId?: string;
    },
  ): Promise<{ id: string }>;
  release(trx: Trx, holdId: string, reason: string, lines?: StockLine[]): Promise<void>;
  commit(trx: Trx, holdId: string, opts: { orderId: string; lines?: StockLine[] }): Promise<void>;
  restock(
    trx: Trx,
    input: { lines: StockLine[]; reason: string; key: string; orderId?: string; correlationId?: string },
  ): Promise<void>;
  available(db: AnyDb, skus: string[]): Promise<Map<string, number>>;
}

export interface CheckoutLine {
  itemId: string;
  sku: string;
  quantity: number;
  unitPrice: Money;
  productId: string;
  sellerId: string;
  title: string;
  /** A flash-sale hold the line is bound to. */
  holdId: string | null;
}

export interface CheckoutCart {
  id: string;
  userId: string;
  currency: string;
  lines: CheckoutLine[];
  totals: { subtotal: Money; discount: Money; shipping: Money; tax: Money; total: Money };
}

export interface CartPort {
  forCheckout(trx: Trx, input: { cartId: string; userId: string; country: string }): Promise<CheckoutCart>;
  markCheckedOut(trx: Trx, cartId: string, orderId: string): Promise<void>;
}

/** Implemented by flash-sales, passed to createOrdersModule by app.ts (absent = no held lines). */
export interface HoldProvider {
  /** Marks these holds as being checked out by orderId, so expiry skips them; throws (code
   *  conflict / sale_not_active) when a hold is expired, released or claimed by another order. */
  claim(trx: Trx, holdIds: string[], orderId: string): Promise<void>;
  /** The order is paid: the held units become sold (calls inventory.commit on the sale allocation). */
  convert(trx: Trx, holdIds: string[], orderId: string): Promise<void>;
  /** The checkout failed: the holds go back to 'held' (their expiry still applies). Idempotent. */
  unclaim(trx: Trx, holdIds: string[], orderId: string): Promise<void>;
}

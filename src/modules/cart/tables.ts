import type { ColumnType, Generated, Selectable } from 'kysely';

export type CartStatus = 'open' | 'checked_out' | 'merged' | 'expired';

/** bigint columns come back as numbers (see platform/db.ts) and are written as numbers. */
type Int8 = ColumnType<number, number, number>;

export interface CartTables {
  'cart.carts': {
    id: string;
    /** null for a guest cart. */
    user_id: string | null;
    status: Generated<CartStatus>;
    /** Set by the first line; null while the cart is empty. */
    currency: string | null;
    /** The order that checked the cart out. */
    order_id: string | null;
    /** The user cart a merged guest cart went into. */
    merged_into: string | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
    /** Open carts idle past this are marked expired by the expiry job; every change moves it. */
    expires_at: Date;
  };
  'cart.items': {
    id: string;
    cart_id: string;
    sku: string;
    quantity: number;
    /** Flash-sale lines: the price fixed by the hold (in the cart's currency); null on plain lines. */
    held_price_amount: Int8 | null;
    hold_id: string | null;
    hold_expires_at: Date | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
}

export type CartRow = Selectable<CartTables['cart.carts']>;
export type ItemRow = Selectable<CartTables['cart.items']>;

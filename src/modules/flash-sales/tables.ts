import type { Generated, Selectable } from 'kysely';

export type SaleState = 'scheduled' | 'active' | 'sold_out' | 'ended';
export type HoldStatus = 'held' | 'claimed' | 'converted' | 'released';

export interface FlashSalesTables {
  'flash_sales.sales': {
    id: string;
    name: string;
    state: SaleState;
    starts_at: Date;
    ends_at: Date;
    started_at: Date | null;
    ended_at: Date | null;
    created_by: string | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  'flash_sales.items': {
    sale_id: string;
    sku: string;
    product_id: string;
    seller_id: string;
    title: string;
    sale_price: number;
    regular_price: number;
    currency: string;
    /** Units offered. */
    quantity: number;
    /** Units the sale's inventory hold got at start (less than `quantity` when stock was short). */
    allocated: Generated<number>;
    /** Allocated units not held by a buyer nor sold: what the hot path hands out. */
    remaining: Generated<number>;
    /** Units given back to ordinary stock (at the end, and expired holds after it). */
    returned: Generated<number>;
    per_customer_limit: number;
    /** The inventory hold that keeps the sale's units apart from ordinary stock. */
    allocation_hold_id: string | null;
    position: number;
  };
  'flash_sales.holds': {
    id: string;
    sale_id: string;
    sku: string;
    user_id: string;
    quantity: number;
    unit_price: number;
    currency: string;
    status: HoldStatus;
    order_id: string | null;
    cart_id: string | null;
    release_reason: string | null;
    expires_at: Date;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  'flash_sales.customer_units': {
    sale_id: string;
    sku: string;
    user_id: string;
    units: number;
    limit_units: number;
  };
}

export type SaleRow = Selectable<FlashSalesTables['flash_sales.sales']>;
export type ItemRow = Selectable<FlashSalesTables['flash_sales.items']>;
export type HoldRow = Selectable<FlashSalesTables['flash_sales.holds']>;

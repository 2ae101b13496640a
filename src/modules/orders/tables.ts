import type { ColumnType, Generated } from 'kysely';

type Json<T> = ColumnType<T, string, string>;

export type OrderStatus =
  'pending' | 'confirmed' | 'shipped' | 'delivered' | 'cancelled' | 'refunded' | 'partially_refunded';
export type PartStatus = 'pending' | 'confirmed' | 'shipped' | 'delivered' | 'cancelled';
export type SagaStatus = 'running' | 'awaiting_payment' | 'completed' | 'failed';

export interface ShippingAddress {
  name: string;
  line1: string;
  line2?: string | null;
  city: string;
  region?: string | null;
  postalCode: string;
  country: string;
  phone?: string | null;
}

export interface OrdersTables {
  'orders.orders': {
    id: string;
    user_id: string;
    cart_id: string;
    status: OrderStatus;
    currency: string;
    subtotal: number;
    discount: number;
    shipping: number;
    tax: number;
    total: number;
    refunded_amount: Generated<number>;
    shipping_address: Json<ShippingAddress>;
    payment_id: string;
    payment_provider: string;
    cancel_reason: string | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  'orders.lines': {
    id: string;
    order_id: string;
    position: number;
    sku: string;
    product_id: string;
    seller_id: string;
    title: string;
    quantity: number;
    unit_price: number;
    /** The flash-sale hold the line was bought under. */
    hold_id: string | null;
  };
  'orders.parts': {
    order_id: string;
    seller_id: string;
    status: PartStatus;
    subtotal: number;
    carrier: string | null;
    tracking_number: string | null;
    shipped_at: Date | null;
    delivered_at: Date | null;
    updated_at: Generated<Date>;
  };
  'orders.history': {
    id: Generated<number>;
    order_id: string;
    status: string;
    note: string | null;
    /** The seller the entry is about (its part shipped or delivered); null for the order's own. */
    seller_id: Generated<string | null>;
    at: Generated<Date>;
  };
  'orders.sagas': {
    id: string;
    cart_id: string;
    user_id: string;
    order_id: string;
    idempotency_key: string;
    status: SagaStatus;
    /** The last step whose effects are committed ('' before the first). */
    step: string;
    /** What the steps learned (cart snapshot, hold id, payment), for resuming or compensating. */
    state: Json<Record<string, unknown>>;
    /** Input the steps need again on resume (shipping address, provider, country). */
    input: Json<Record<string, unknown>>;
    error: Json<{ code: string; message: string; details?: Record<string, unknown> } | null>;
    attempts: Generated<number>;
    lease_owner: string | null;
    locked_until: Date | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
    finished_at: Date | null;
  };
}

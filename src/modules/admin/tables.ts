import type { Generated, Selectable } from 'kysely';

export interface AdminTables {
  'admin.feature_flags': {
    key: string;
    enabled: boolean;
    description: Generated<string>;
    version: Generated<number>;
    updated_at: Generated<Date>;
    updated_by: string | null;
  };
  'admin.feature_flag_changes': {
    id: Generated<number>;
    key: string;
    old_enabled: boolean | null;
    new_enabled: boolean;
    old_description: string | null;
    new_description: string;
    actor_id: string | null;
    request_id: string | null;
    changed_at: Generated<Date>;
  };
  'admin.sales_orders': {
    order_id: string;
    currency: string | null;
    total_amount: number | null;
    confirmed_at: Date | null;
    cancelled: Generated<boolean>;
    refunded_amount: Generated<number>;
    updated_at: Generated<Date>;
  };
  'admin.sales_order_lines': {
    order_id: string;
    sku: string;
    product_id: string | null;
    title: Generated<string>;
    quantity: Generated<number>;
    amount: Generated<number>;
    currency: string | null;
    refunded_quantity: Generated<number>;
  };
  'admin.sales_hourly': {
    bucket: Date;
    currency: string;
    orders: Generated<number>;
    units: Generated<number>;
    revenue: Generated<number>;
    refunded: Generated<number>;
  };
  'admin.product_sales_hourly': {
    bucket: Date;
    product_id: string;
    currency: string;
    title: string;
    units: Generated<number>;
    revenue: Generated<number>;
  };
}

export type FlagRow = Selectable<AdminTables['admin.feature_flags']>;
export type FlagChangeRow = Selectable<AdminTables['admin.feature_flag_changes']>;

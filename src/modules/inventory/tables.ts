import type { Generated, Selectable } from 'kysely';

export type HoldStatus = 'held' | 'committed' | 'released';
export type RefKind = 'cart' | 'order' | 'flash_sale';
export type MovementKind =
  'initial' | 'adjustment' | 'reservation' | 'release' | 'commit' | 'return' | 'external';

export interface InventoryTables {
  'inventory.locations': {
    id: string;
    name: string;
    created_at: Generated<Date>;
  };
  'inventory.items': {
    sku: string;
    seller_id: string;
    on_hand: number;
    reserved: Generated<number>;
    low_stock_threshold: Generated<number>;
    low_stock_alerted: Generated<boolean>;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  'inventory.location_levels': {
    sku: string;
    location_id: string;
    on_hand: number;
  };
  'inventory.holds': {
    id: string;
    ref_kind: RefKind;
    ref_id: string;
    status: HoldStatus;
    expires_at: Date | null;
    correlation_id: string | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  'inventory.hold_lines': {
    hold_id: string;
    sku: string;
    quantity: number;
    remaining: number;
    committed: Generated<number>;
  };
  'inventory.hold_commits': {
    hold_id: string;
    order_id: string;
    at: Generated<Date>;
  };
  'inventory.restocks': {
    key: string;
    at: Generated<Date>;
  };
  'inventory.movements': {
    id: Generated<number>;
    sku: string;
    location_id: string | null;
    kind: MovementKind;
    delta_on_hand: number;
    delta_reserved: number;
    reason: string;
    cause_kind: string | null;
    cause_id: string | null;
    order_id: string | null;
    correlation_id: string | null;
    at: Generated<Date>;
  };
  'inventory.external_updates': {
    update_id: string;
    sku: string;
    location_id: string;
    requested_on_hand: number;
    outcome: 'applied' | 'clamped';
    shortfall: number;
    received_at: Generated<Date>;
  };
}

export type ItemRow = Selectable<InventoryTables['inventory.items']>;
export type MovementRow = Selectable<InventoryTables['inventory.movements']>;
export type HoldRow = Selectable<InventoryTables['inventory.holds']>;

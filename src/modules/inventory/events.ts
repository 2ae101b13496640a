import type { MovementKind, RefKind } from './tables.js';

export const INVENTORY_SOURCE = '/agora/inventory';

export interface StockLine {
  sku: string;
  quantity: number;
}

/** Events inventory publishes (CloudEvents `type` → `data`). */
export interface InventoryEvents {
  /** On-hand changed by hand (API) or by an external system. */
  'inventory.adjusted': {
    sku: string;
    sellerId: string;
    locationId: string;
    delta: number;
    onHand: number;
    reserved: number;
    available: number;
    reason: string;
  };
  /** Available fell to or below the SKU's threshold (once per crossing; re-armed above it). */
  'inventory.low_stock': { sku: string; sellerId: string; available: number; threshold: number };
  /** A hold reached its expiry and the expiry job returned its units. */
  'inventory.hold_expired': { holdId: string; ref: { kind: RefKind; id: string }; lines: StockLine[] };
  /** Any change of a SKU's levels, with the new levels: for outbound sync and read models. */
  'inventory.stock_changed': {
    sku: string;
    sellerId: string;
    onHand: number;
    reserved: number;
    available: number;
    availableBefore: number;
    cause: MovementKind;
  };
}

export type InventoryEventType = keyof InventoryEvents;

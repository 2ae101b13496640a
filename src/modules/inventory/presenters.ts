import type { Level } from './repository.js';
import type { InventoryLevel, Movement } from './schemas.js';
import type { MovementRow } from './tables.js';

export function presentLevel(
  level: Level,
  locations: { locationId: string; onHand: number }[],
): InventoryLevel {
  return {
    sku: level.sku,
    onHand: level.onHand,
    reserved: level.reserved,
    available: level.onHand - level.reserved,
    locations,
    lowStockThreshold: level.threshold,
  };
}

export function presentMovement(r: MovementRow): Movement {
  return {
    id: String(r.id),
    sku: r.sku,
    locationId: r.location_id,
    kind: r.kind,
    deltaOnHand: r.delta_on_hand,
    deltaReserved: r.delta_reserved,
    reason: r.reason,
    cause: r.cause_kind && r.cause_id ? { kind: r.cause_kind, id: r.cause_id } : null,
    orderId: r.order_id,
    correlationId: r.correlation_id,
    at: new Date(r.at).toISOString(),
  };
}

/** Movement cursors: the last id served, opaque to clients. */
export const encodeCursor = (id: number) => Buffer.from(`m:${id}`).toString('base64url');

export function decodeCursor(cursor: string | undefined): number | undefined | null {
  if (!cursor) return undefined;
  const m = /^m:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  return m ? Number(m[1]) : null;
}

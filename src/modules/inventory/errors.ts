import {
  AppError,
  ConflictError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
} from '../../platform/errors.js';

export interface ShortLine {
  sku: string;
  requested: number;
  available: number;
}

/** Fewer units available than asked for; names every short line of the request. */
export class OutOfStockError extends AppError {
  constructor(readonly lines: ShortLine[]) {
    super(
      'out_of_stock',
      lines.length === 1
        ? `Only ${lines[0].available} of ${lines[0].sku} available, ${lines[0].requested} requested`
        : `Not enough stock for ${lines.map((l) => l.sku).join(', ')}`,
      { lines },
    );
    this.name = 'OutOfStockError';
  }
}

/** No such SKU, or one the caller may not see (another seller's: the same answer, nothing leaks). */
export class InventoryItemNotFoundError extends NotFoundError {
  constructor() {
    super('Inventory item');
  }
}

/** An adjustment that would take on-hand below what is reserved. */
export class BelowReservedError extends ConflictError {
  constructor(level: { sku: string; onHand: number; reserved: number }, delta: number) {
    super(
      `On-hand of ${level.sku} cannot go below the ${level.reserved} reserved units (on hand ${level.onHand}, delta ${delta})`,
      { sku: level.sku, onHand: level.onHand, reserved: level.reserved, delta },
    );
  }
}

/**
 * A change that would take a SKU's on-hand past what a level can hold (`max`, the columns' range):
 * refused, nothing changed.
 */
export class LevelOutOfRangeError extends ConflictError {
  constructor(level: { sku: string; onHand: number }, delta: number, max: number) {
    super(`On-hand of ${level.sku} cannot go above ${max} units (on hand ${level.onHand}, delta ${delta})`, {
      sku: level.sku,
      onHand: level.onHand,
      delta,
      max,
    });
  }
}

/** An external update that would take its SKU's on-hand past what a level can hold. */
export interface OutOfRangeUpdate {
  /** Its index in the request's `updates`. */
  index: number;
  updateId: string;
  sku: string;
  locationId: string;
  onHand: number;
  /** The SKU's on-hand (every location) the update would have left. */
  wouldBe: number;
}

/**
 * External updates that would take SKUs' on-hand past `max`: the whole request is refused (it is
 * one transaction) and nothing of it is applied; every offending update is named.
 */
export class ExternalLevelsOutOfRangeError extends AppError {
  constructor(updates: OutOfRangeUpdate[], max: number) {
    super(
      'conflict',
      `Nothing was applied: ${updates.length === 1 ? 'an update' : `${updates.length} updates`} would take a SKU's on-hand above ${max} units (${updates.map((u) => `${u.updateId}: ${u.sku} to ${u.wouldBe}`).join(', ')})`,
      { updates, max },
      updates.map((u) => ({
        path: `/body/updates/${u.index}/onHand`,
        message: `would take the on-hand of ${u.sku} to ${u.wouldBe}, above ${max}`,
      })),
    );
  }
}

/** An adjustment that would take a location's on-hand below zero. */
export class LocationBelowZeroError extends ConflictError {
  constructor(sku: string, locationId: string, onHand: number, delta: number) {
    super(`Location ${locationId} holds ${onHand} of ${sku}; it cannot give ${-delta}`, {
      sku,
      locationId,
      onHand,
      delta,
    });
  }
}

export class HoldNotFoundError extends NotFoundError {
  constructor() {
    super('Hold');
  }
}

/** A commit of a hold that was released or has expired, or of more units than it still holds. */
export class HoldNotActiveError extends ConflictError {
  constructor(holdId: string, why: string) {
    super(`Hold ${holdId} ${why}`, { holdId });
  }
}

/** Lines that name no unit to move: empty, zero or negative quantities, fractions. */
export class InvalidStockLinesError extends ValidationError {
  constructor(message: string) {
    super([{ path: '/lines', message }], 'The stock lines are not valid');
  }
}

/** Restocking a SKU inventory does not know: a fault of the caller. */
export class UnknownSkuError extends NotFoundError {
  constructor(sku: string) {
    super(`SKU ${sku}`);
  }
}

export class BadSignatureError extends UnauthorizedError {
  constructor(why: string) {
    super(`Invalid signature: ${why}`);
  }
}

/** The inbound integration is not configured (no shared secret). */
export class IntegrationUnavailableError extends AppError {
  constructor() {
    super('unavailable', 'The inventory integration is not configured on this server');
  }
}

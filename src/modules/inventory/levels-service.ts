import type { Ctx } from '../../platform/context.js';
import { UnauthorizedError, ValidationError } from '../../platform/errors.js';
import type { Actor } from '../../platform/http/auth.js';
import {
  BelowReservedError,
  InventoryItemNotFoundError,
  LevelOutOfRangeError,
  LocationBelowZeroError,
} from './errors.js';
import { available, lowStockEvents, record, type Trx } from './ledger.js';
import { publishEvents } from '../../platform/events/outbox.js';
import { INVENTORY_SOURCE } from './events.js';
import { decodeCursor, encodeCursor, presentLevel, presentMovement } from './presenters.js';
import { movementsOf } from './ledger-repository.js';
import * as repo from './repository.js';
import type { AdjustmentBody, InventoryLevel, Movement, MovementListQuery } from './schemas.js';

function actorRequired(ctx: Ctx): Actor {
  if (!ctx.actor) throw new UnauthorizedError();
  return ctx.actor;
}

/** The seller whose SKUs the actor may see, or undefined for an admin (every SKU). */
const ownerFilter = (actor: Actor): string | undefined => (actor.role === 'admin' ? undefined : actor.userId);

/** A SKU the actor may see; another seller's SKU is "not found", like one that does not exist. */
async function visibleItem(ctx: Ctx, sku: string): Promise<repo.Level> {
  const owner = ownerFilter(actorRequired(ctx));
  const item = await repo.findItem(ctx.db, sku);
  if (!item || (owner && item.sellerId !== owner)) throw new InventoryItemNotFoundError();
  return item;
}

/** @throws InventoryItemNotFoundError */
export async function getLevel(ctx: Ctx, sku: string): Promise<InventoryLevel> {
  const item = await visibleItem(ctx, sku);
  return presentLevel(item, await repo.locationsOf(ctx.db, sku));
}

export interface AdjustmentAnswer {
  movement: Movement;
  inventory: InventoryLevel;
}

/**
 * Changes on-hand at a location by `delta`, with a ledger row and `inventory.adjusted`. On-hand may
 * not drop below what is reserved, nor a location below zero, nor rise past `MAX_LEVEL`.
 * @throws InventoryItemNotFoundError, BelowReservedError, LocationBelowZeroError,
 *   LevelOutOfRangeError, ValidationError
 */
export async function adjust(
  ctx: Ctx,
  sku: string,
  body: AdjustmentBody,
  opts: {
    /** Runs in the adjustment's transaction with its answer (an idempotent request stores it there). */
    onAdjusted?: (trx: Trx, answer: AdjustmentAnswer) => Promise<void>;
  } = {},
): Promise<AdjustmentAnswer> {
  const actor = actorRequired(ctx);
  if (body.delta === 0) throw new ValidationError([{ path: '/body/delta', message: 'must not be 0' }]);
  const locationId = body.locationId ?? repo.DEFAULT_LOCATION;
  const owner = ownerFilter(actor);
  return ctx.db.transaction().execute(async (trx) => {
    const level = await repo.changeOnHand(trx, sku, body.delta, owner);
    if (!level) {
      const item = await repo.findItem(trx, sku);
      if (!item || (owner && item.sellerId !== owner)) throw new InventoryItemNotFoundError();
      if (!repo.fitsLevel(item.onHand, body.delta))
        throw new LevelOutOfRangeError(item, body.delta, repo.MAX_LEVEL);
      throw new BelowReservedError(item, body.delta);
    }
    if (body.delta > 0) await repo.ensureLocation(trx, locationId);
    if ((await repo.addAtLocation(trx, sku, locationId, body.delta)) === undefined)
      throw new LocationBelowZeroError(
        sku,
        locationId,
        await repo.locationOnHand(trx, sku, locationId),
        body.delta,
      );
    const [movement] = await record(trx, ctx.requestId, {
      movements: [
        {
          sku,
          locationId,
          kind: 'adjustment',
          deltaOnHand: body.delta,
          deltaReserved: 0,
          reason: body.reason,
          cause: { kind: 'user', id: actor.userId },
        },
      ],
      changes: [{ level, availableBefore: available(level) - body.delta, cause: 'adjustment' }],
      adjusted: [
        {
          sku,
          sellerId: level.sellerId,
          locationId,
          delta: body.delta,
          onHand: level.onHand,
          reserved: level.reserved,
          available: available(level),
          reason: body.reason,
        },
      ],
    });
    const answer = {
      movement: presentMovement(movement),
      inventory: presentLevel(level, await repo.locationsOf(trx, sku)),
    };
    await opts.onAdjusted?.(trx, answer);
    return answer;
  });
}

/**
 * Sets the low-stock threshold; when available is already at or below the new threshold (and was
 * not flagged), that is a crossing and `inventory.low_stock` is emitted.
 * @throws InventoryItemNotFoundError
 */
export async function setThreshold(ctx: Ctx, sku: string, threshold: number): Promise<InventoryLevel> {
  const owner = ownerFilter(actorRequired(ctx));
  return ctx.db.transaction().execute(async (trx) => {
    const level = await repo.setThreshold(trx, sku, threshold, owner);
    if (!level) throw new InventoryItemNotFoundError();
    await publishEvents(
      trx,
      { source: INVENTORY_SOURCE, correlationId: ctx.requestId },
      await lowStockEvents(trx, [sku]),
    );
    return presentLevel(level, await repo.locationsOf(trx, sku));
  });
}

/** @throws InventoryItemNotFoundError, ValidationError for a malformed cursor */
export async function listMovements(
  ctx: Ctx,
  sku: string,
  q: MovementListQuery,
): Promise<{ items: Movement[]; nextCursor: string | null }> {
  const before = decodeCursor(q.cursor);
  if (before === null)
    throw new ValidationError([{ path: '/query/cursor', message: 'is not a valid cursor' }]);
  await visibleItem(ctx, sku);
  const rows = await movementsOf(ctx.db, sku, before, q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map(presentMovement),
    nextCursor: rows.length > q.limit && last ? encodeCursor(Number(last.id)) : null,
  };
}

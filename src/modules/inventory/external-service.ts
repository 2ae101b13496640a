import type { AnyDb } from '../../platform/db.js';
import { ExternalLevelsOutOfRangeError, type OutOfRangeUpdate } from './errors.js';
import { available, record, type Trx } from './ledger.js';
import { claimExternalUpdate, markClamped } from './once-repository.js';
import * as repo from './repository.js';
import type { ExternalUpdateResult, ExternalUpdatesBody } from './schemas.js';

type Update = ExternalUpdatesBody['updates'][number];

/**
 * Applies absolute stock levels pushed by an external inventory system, each `updateId` once, in
 * one transaction (SKU order, so two concurrent pushes cannot deadlock). A level that would leave
 * fewer units on hand than are reserved is clamped to the reservations: sold-but-unshipped units
 * are not taken away from buyers; the shortfall is written in the ledger reason and the answer.
 * An unknown SKU is not recorded, so the same update can be sent again once the SKU exists.
 * An update that would take its SKU's on-hand (the sum over its locations) past `MAX_LEVEL` refuses
 * the whole request: nothing of it is applied, and every such update is named.
 * @throws ExternalLevelsOutOfRangeError (conflict)
 */
export async function applyExternalUpdates(
  db: AnyDb,
  correlationId: string,
  updates: Update[],
): Promise<ExternalUpdateResult[]> {
  const order = updates
    .map((u, i) => ({ u, i }))
    .sort((a, b) => (a.u.sku < b.u.sku ? -1 : a.u.sku > b.u.sku ? 1 : a.i - b.i));
  return db.transaction().execute(async (trx) => {
    const results: ExternalUpdateResult[] = new Array<ExternalUpdateResult>(updates.length);
    const outOfRange: OutOfRangeUpdate[] = [];
    for (const { u, i } of order) {
      const result = await applyOne(trx, correlationId, u);
      if ('wouldBe' in result) outOfRange.push({ ...result, index: i });
      else results[i] = result;
    }
    // thrown after every update was tried, so the answer names each offending one; the
    // transaction rolls back, so none of the request is applied
    if (outOfRange.length)
      throw new ExternalLevelsOutOfRangeError(
        outOfRange.sort((a, b) => a.index - b.index),
        repo.MAX_LEVEL,
      );
    return results;
  });
}

async function applyOne(
  trx: Trx,
  correlationId: string,
  u: Update,
): Promise<ExternalUpdateResult | Omit<OutOfRangeUpdate, 'index'>> {
  const locationId = u.locationId ?? repo.DEFAULT_LOCATION;
  const item = await repo.lockItem(trx, u.sku);
  if (!item) return { updateId: u.updateId, sku: u.sku, outcome: 'unknown_sku' };
  if (!(await claimExternalUpdate(trx, { ...u, locationId })))
    return { updateId: u.updateId, sku: u.sku, outcome: 'duplicate' };
  // The row is locked, so the location's level cannot change before the UPDATEs below.
  const atLocation = await repo.locationOnHand(trx, u.sku, locationId);
  let delta = u.onHand - atLocation;
  // the SKU's on-hand is the sum over its locations: each within range does not make it so
  if (!repo.fitsLevel(item.onHand, delta))
    return { updateId: u.updateId, sku: u.sku, locationId, onHand: u.onHand, wouldBe: item.onHand + delta };
  const shortfall = Math.max(0, item.reserved - (item.onHand + delta));
  delta += shortfall;
  let level = item;
  if (delta !== 0) {
    const changed = await repo.changeOnHand(trx, u.sku, delta);
    if (!changed) throw new Error(`inventory of ${u.sku} changed under its lock`);
    level = changed;
    if (delta > 0) await repo.ensureLocation(trx, locationId);
    if ((await repo.addAtLocation(trx, u.sku, locationId, delta)) === undefined)
      throw new Error(`inventory of ${u.sku} at ${locationId} changed under its lock`);
    const reason =
      `external update ${u.updateId}: ${locationId} set to ${u.onHand}` +
      (shortfall
        ? `; clamped to ${u.onHand + shortfall}, ${shortfall} short of the ${item.reserved} reserved units`
        : '');
    await record(trx, correlationId, {
      movements: [
        {
          sku: u.sku,
          locationId,
          kind: 'external',
          deltaOnHand: delta,
          deltaReserved: 0,
          reason,
          cause: { kind: 'external', id: u.updateId },
        },
      ],
      changes: [{ level, availableBefore: available(level) - delta, cause: 'external' }],
      adjusted: [
        {
          sku: u.sku,
          sellerId: level.sellerId,
          locationId,
          delta,
          onHand: level.onHand,
          reserved: level.reserved,
          available: available(level),
          reason,
        },
      ],
    });
  }
  if (shortfall) await markClamped(trx, u.updateId, shortfall);
  return {
    updateId: u.updateId,
    sku: u.sku,
    outcome: shortfall ? 'clamped' : 'applied',
    onHand: level.onHand,
    available: available(level),
    ...(shortfall ? { shortfall } : {}),
  };
}

import type { Kysely } from 'kysely';
import { scoped, type AnyDb } from '../../platform/db.js';
import type { InventoryTables } from './tables.js';

type Db = Kysely<InventoryTables>;
const t = (db: AnyDb): Db => scoped<InventoryTables>(db);

/* Keys that make an operation happen once: restocks per caller key, external updates per id. */

/** True the first time `key` is claimed: makes a restock happen once per caller key. */
export async function claimRestockKey(trx: AnyDb, key: string): Promise<boolean> {
  const row = await t(trx)
    .insertInto('inventory.restocks')
    .values({ key })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('key')
    .executeTakeFirst();
  return row !== undefined;
}

/** True the first time an external `updateId` is seen (recorded as applied). */
export async function claimExternalUpdate(
  trx: AnyDb,
  u: { updateId: string; sku: string; locationId: string; onHand: number },
): Promise<boolean> {
  const row = await t(trx)
    .insertInto('inventory.external_updates')
    .values({
      update_id: u.updateId,
      sku: u.sku,
      location_id: u.locationId,
      requested_on_hand: u.onHand,
      outcome: 'applied',
      shortfall: 0,
    })
    .onConflict((oc) => oc.column('update_id').doNothing())
    .returning('update_id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function markClamped(trx: AnyDb, updateId: string, shortfall: number): Promise<void> {
  await t(trx)
    .updateTable('inventory.external_updates')
    .set({ outcome: 'clamped', shortfall })
    .where('update_id', '=', updateId)
    .execute();
}

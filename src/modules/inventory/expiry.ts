import type { AnyDb } from '../../platform/db.js';
import type { NewEvent } from '../../platform/events/outbox.js';
import type { InventoryEvents } from './events.js';
import * as holds from './hold-repository.js';
import { available, compareSku, record, type LevelChange } from './ledger.js';
import * as repo from './repository.js';

export const HOLD_SWEEP_JOB = 'inventory.expire-holds';

/**
 * Releases expired holds, `batch` per transaction, until none is left. Holds are claimed with
 * FOR UPDATE SKIP LOCKED (a hold being committed or released right now is skipped, and several
 * workers can sweep at once); per transaction, units go back per SKU in SKU order, then one
 * `inventory.hold_expired` per hold. Returns how many holds expired.
 */
export async function expireHolds(db: AnyDb, batch: number): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await db.transaction().execute(async (trx) => {
      const expired = await holds.claimExpired(trx, batch);
      if (!expired.length) return 0;
      const ids = expired.map((h) => h.id);
      const lines = await holds.remainingOf(trx, ids);
      const perSku = new Map<string, number>();
      for (const l of lines) perSku.set(l.sku, (perSku.get(l.sku) ?? 0) + l.remaining);
      const changes: LevelChange[] = [];
      for (const [sku, q] of [...perSku].sort(([a], [b]) => compareSku(a, b))) {
        const level = await repo.unreserveUnits(trx, sku, q);
        if (!level) throw new Error(`inventory of ${sku} holds fewer reserved units than its expired holds`);
        changes.push({ level, availableBefore: available(level) - q, cause: 'release' });
      }
      await holds.emptyHolds(trx, ids);
      await holds.settleHolds(trx, ids);
      const events: NewEvent[] = expired.map((h) => {
        const data: InventoryEvents['inventory.hold_expired'] = {
          holdId: h.id,
          ref: { kind: h.refKind, id: h.refId },
          lines: lines.filter((l) => l.holdId === h.id).map((l) => ({ sku: l.sku, quantity: l.remaining })),
        };
        return { type: 'inventory.hold_expired', subject: h.id, data };
      });
      const refOf = new Map(expired.map((h) => [h.id, h]));
      await record(trx, null, {
        movements: lines.map((l) => ({
          sku: l.sku,
          locationId: null,
          kind: 'release',
          deltaOnHand: 0,
          deltaReserved: -l.remaining,
          reason: 'hold expired',
          cause: { kind: 'hold', id: l.holdId },
          orderId: refOf.get(l.holdId)?.refKind === 'order' ? (refOf.get(l.holdId)?.refId ?? null) : null,
        })),
        changes,
        events,
      });
      return expired.length;
    });
    total += n;
    if (n < batch) return total;
  }
}

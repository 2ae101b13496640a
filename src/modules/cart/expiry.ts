import type { AnyDb } from '../../platform/db.js';
import { publishEvents } from '../../platform/events/outbox.js';
import type { Logger } from '../../platform/logger.js';
import { CART_SOURCE, type CartEvents } from './events.js';
import * as repo from './repository.js';

export const EXPIRE_JOB = 'cart.expire';

/**
 * Marks open carts idle past their `expires_at` as expired, in batches (rows another transaction
 * holds are skipped and picked up next run). Lines bound to flash-sale holds leave an expired cart
 * with a `cart.hold_dropped` each, so the held units are released. Returns how many carts expired.
 */
export async function expireIdleCarts(db: AnyDb, log: Logger, batchSize = 500): Promise<number> {
  let total = 0;
  for (;;) {
    const carts = await db.transaction().execute(async (trx) => {
      const { carts, held } = await repo.expireDue(trx, batchSize);
      await publishEvents(
        trx,
        { source: CART_SOURCE },
        held.map((h) => {
          const data: CartEvents['cart.hold_dropped'] = h;
          return { type: 'cart.hold_dropped', subject: h.holdId, data };
        }),
      );
      return carts;
    });
    total += carts;
    if (carts < batchSize) break;
  }
  if (total) log.info({ carts: total }, 'idle carts expired');
  return total;
}

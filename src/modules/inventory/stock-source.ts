import type { StockSource } from '../catalog/index.js';
import type { InventoryEvents } from './events.js';
import { bySku } from './ledger.js';
import { publishEvents, type NewEvent } from '../../platform/events/outbox.js';
import { INVENTORY_SOURCE } from './events.js';
import * as repo from './repository.js';

/**
 * The catalog's `StockSource` over inventory's tables: availability for product pages and lists,
 * and the initial stock of SKUs the catalog creates.
 */
export const inventoryStock: StockSource = {
  available: (db, variants) =>
    repo.availableOf(
      db,
      variants.map((v) => v.sku),
    ),

  async initialize(trx, { sellerId, lines, correlationId }) {
    const wanted = bySku(lines, true);
    if (!wanted.length) return { otherSellers: [] };
    const created = await repo.insertItems(
      trx,
      wanted.map(([sku, quantity]) => ({ sku, sellerId, quantity })),
      correlationId ?? null,
    );
    // read after the insert, which waited for any concurrent writer of the same SKU: a SKU is never
    // handed from one seller to another (its stock and its ledger stay with its seller)
    const otherSellers = await repo.skusOfOtherSellers(
      trx,
      wanted.map(([sku]) => sku),
      sellerId,
    );
    if (otherSellers.length) return { otherSellers };
    const events: NewEvent[] = created.map((c) => {
      const data: InventoryEvents['inventory.stock_changed'] = {
        sku: c.sku,
        sellerId: c.sellerId,
        onHand: c.onHand,
        reserved: 0,
        available: c.onHand,
        availableBefore: 0,
        cause: 'initial',
      };
      return { type: 'inventory.stock_changed', subject: c.sku, data };
    });
    await publishEvents(trx, { source: INVENTORY_SOURCE, correlationId }, events);
    return { otherSellers: [] };
  },

  async seed(db, rows) {
    await repo.insertItems(db, rows, null);
  },
};

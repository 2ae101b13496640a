import { sql } from 'kysely';
import type { TestAgora } from './agora.js';
import { recordedEvents } from './outbox.js';
import { buildCategory, buildProduct, signInAdmin, uniqueSku } from './catalog.js';
import { registerUser } from './factories.js';

/** A seller with a category to put products in, and an admin token. */
export async function inventoryFixture(agora: TestAgora) {
  const admin = await signInAdmin(agora);
  const seller = await registerUser(agora, { role: 'seller' });
  const category = await buildCategory(agora, admin.accessToken, 'Stock');
  /** Creates a published product (through the catalog API) whose variants have these stocks. */
  const stocked = async (stocks: number[], token = seller.accessToken): Promise<string[]> => {
    const skus = stocks.map(() => uniqueSku('INV'));
    const variants = stocks.map((initialStock, i) => ({
      sku: skus[i],
      title: `V${i}`,
      price: { amount: 1_000 + i, currency: 'USD' },
      initialStock,
    }));
    await buildProduct(agora, token, category.id, { variants });
    return skus;
  };
  return { admin, seller, category, stocked };
}

export async function levelRow(agora: TestAgora, sku: string) {
  const { rows } = await sql<{ on_hand: number; reserved: number }>`
    select on_hand, reserved from inventory.items where sku = ${sku}`.execute(agora.rt.database.db);
  return rows[0];
}

/** Events of `type` recorded for `subject` so far. */
export async function eventsOf(agora: TestAgora, type: string, subject: string) {
  const { rows } = await sql<{ data: unknown }>`
    select data from ${recordedEvents} where type = ${type} and subject = ${subject} order by id`.execute(
    agora.rt.database.db,
  );
  return rows.map(
    (r) => (typeof r.data === 'string' ? JSON.parse(r.data) : r.data) as Record<string, unknown>,
  );
}

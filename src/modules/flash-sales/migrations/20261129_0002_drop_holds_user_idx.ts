import { sql, type Kysely } from 'kysely';

/**
 * Drops `holds_user_idx (user_id, created_at desc)`: no query reads holds by buyer (a buyer's
 * units are `customer_units`), and a flash batch inserts hundreds of holds under the item's row
 * lock, each paying every index of the table while the next batch waits for that lock.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`drop index flash_sales.holds_user_idx`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`create index holds_user_idx on flash_sales.holds (user_id, created_at desc)`.execute(db);
}

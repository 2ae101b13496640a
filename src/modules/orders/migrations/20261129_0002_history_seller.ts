import { sql, type Kysely } from 'kysely';

/**
 * The seller a history entry is about (a part shipped or delivered), null for the order's own
 * entries: a seller reading the order sees the order's entries and its own, not another seller's.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table orders.history add column seller_id uuid`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table orders.history drop column seller_id`.execute(db);
}

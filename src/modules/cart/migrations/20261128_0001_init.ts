import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // A cart id is 128 random bits written as a UUID: for a guest it is the only proof of ownership.
  await sql`
    create table cart.carts (
      id uuid primary key,
      user_id uuid,
      status text not null default 'open'
        check (status in ('open', 'checked_out', 'merged', 'expired')),
      currency text,
      order_id uuid,
      merged_into uuid,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      expires_at timestamptz not null
    )`.execute(db);
  // At most one open cart per user: concurrent "get or create" calls converge on it.
  await sql`create unique index carts_user_open_key on cart.carts (user_id) where status = 'open'`.execute(
    db,
  );
  await sql`create index carts_expiry_idx on cart.carts (expires_at) where status = 'open'`.execute(db);
  await sql`
    create table cart.items (
      id uuid primary key,
      cart_id uuid not null references cart.carts (id) on delete cascade,
      sku text not null,
      quantity integer not null check (quantity > 0),
      held_price_amount bigint check (held_price_amount >= 0),
      hold_id uuid,
      hold_expires_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check ((hold_id is null) = (held_price_amount is null) and (hold_id is null) = (hold_expires_at is null))
    )`.execute(db);
  // One plain line per SKU per cart; a line bound to a flash-sale hold stands on its own.
  await sql`create unique index items_cart_sku_key on cart.items (cart_id, sku) where hold_id is null`.execute(
    db,
  );
  await sql`create unique index items_hold_key on cart.items (hold_id)`.execute(db);
  await sql`create index items_cart_idx on cart.items (cart_id, created_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table cart.items, cart.carts`.execute(db);
}

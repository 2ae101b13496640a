import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table inventory.locations (
      id text primary key,
      name text not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`insert into inventory.locations (id, name) values ('default', 'Default location')`.execute(db);

  // One row per SKU: the unit of locking. Reservations are per SKU; on-hand is also kept per
  // location (location_levels), whose sum is on_hand. Every change is a row in movements.
  await sql`
    create table inventory.items (
      sku text primary key,
      seller_id uuid not null,
      on_hand integer not null,
      reserved integer not null default 0,
      low_stock_threshold integer not null default 5 check (low_stock_threshold >= 0),
      low_stock_alerted boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint items_reserved_nonnegative check (reserved >= 0),
      constraint items_on_hand_covers_reserved check (on_hand >= reserved)
    )`.execute(db);
  await sql`create index items_seller_idx on inventory.items (seller_id, sku)`.execute(db);

  await sql`
    create table inventory.location_levels (
      sku text not null references inventory.items (sku),
      location_id text not null references inventory.locations (id),
      on_hand integer not null constraint location_levels_nonnegative check (on_hand >= 0),
      primary key (sku, location_id)
    )`.execute(db);

  await sql`
    create table inventory.holds (
      id uuid primary key,
      ref_kind text not null check (ref_kind in ('cart', 'order', 'flash_sale')),
      ref_id text not null,
      status text not null check (status in ('held', 'committed', 'released')),
      expires_at timestamptz,
      correlation_id text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  // The expiry sweep reads only live holds with an expiry, oldest first.
  await sql`create index holds_expiry_idx on inventory.holds (expires_at) where status = 'held' and expires_at is not null`.execute(
    db,
  );
  await sql`create index holds_ref_idx on inventory.holds (ref_kind, ref_id)`.execute(db);

  await sql`
    create table inventory.hold_lines (
      hold_id uuid not null references inventory.holds (id),
      sku text not null references inventory.items (sku),
      quantity integer not null check (quantity > 0),
      remaining integer not null,
      committed integer not null default 0,
      primary key (hold_id, sku),
      constraint hold_lines_remaining_range check (remaining >= 0 and remaining <= quantity),
      constraint hold_lines_committed_range check (committed >= 0 and committed + remaining <= quantity)
    )`.execute(db);

  // Makes commit idempotent per (hold, order).
  await sql`
    create table inventory.hold_commits (
      hold_id uuid not null references inventory.holds (id),
      order_id text not null,
      at timestamptz not null default now(),
      primary key (hold_id, order_id)
    )`.execute(db);

  // Makes restock idempotent per caller key.
  await sql`
    create table inventory.restocks (
      key text primary key,
      at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table inventory.movements (
      id bigint generated always as identity primary key,
      sku text not null,
      location_id text,
      kind text not null check (kind in
        ('initial', 'adjustment', 'reservation', 'release', 'commit', 'return', 'external')),
      delta_on_hand integer not null,
      delta_reserved integer not null,
      reason text not null default '',
      cause_kind text,
      cause_id text,
      order_id text,
      correlation_id text,
      at timestamptz not null default now(),
      -- a change of on-hand is always somewhere
      constraint movements_on_hand_has_location check (delta_on_hand = 0 or location_id is not null)
    )`.execute(db);
  await sql`create index movements_sku_idx on inventory.movements (sku, id desc)`.execute(db);
  // Append-only: the ledger is what levels are rebuilt from and checked against.
  await sql`
    create function inventory.movements_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'inventory.movements is append-only';
    end $$`.execute(db);
  await sql`
    create trigger movements_append_only before update or delete or truncate on inventory.movements
    for each statement execute function inventory.movements_append_only()`.execute(db);

  await sql`
    create table inventory.external_updates (
      update_id text primary key,
      sku text not null,
      location_id text not null,
      requested_on_hand integer not null,
      outcome text not null check (outcome in ('applied', 'clamped')),
      shortfall integer not null default 0,
      received_at timestamptz not null default now()
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table inventory.external_updates, inventory.movements, inventory.restocks,
    inventory.hold_commits, inventory.hold_lines, inventory.holds, inventory.location_levels,
    inventory.items, inventory.locations`.execute(db);
  await sql`drop function inventory.movements_append_only()`.execute(db);
}

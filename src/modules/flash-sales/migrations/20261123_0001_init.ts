import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table flash_sales.sales (
      id uuid primary key,
      name text not null,
      state text not null check (state in ('scheduled', 'active', 'sold_out', 'ended')),
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      started_at timestamptz,
      ended_at timestamptz,
      created_by uuid,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (ends_at > starts_at)
    )`.execute(db);
  await sql`create index sales_live_idx on flash_sales.sales (state, ends_at) where state <> 'ended'`.execute(
    db,
  );
  await sql`create index sales_list_idx on flash_sales.sales (starts_at desc, id desc)`.execute(db);

  // One row per SKU on sale: the hot row of a flash sale. `remaining` is what the sale can still
  // hold for buyers; it never goes below zero, and `quantity - allocated` units were never there.
  await sql`
    create table flash_sales.items (
      sale_id uuid not null references flash_sales.sales (id),
      sku text not null,
      product_id uuid not null,
      seller_id uuid not null,
      title text not null,
      sale_price bigint not null check (sale_price >= 0),
      regular_price bigint not null check (regular_price >= 0),
      currency char(3) not null,
      quantity integer not null check (quantity > 0),
      allocated integer not null default 0 check (allocated >= 0 and allocated <= quantity),
      remaining integer not null default 0 check (remaining >= 0 and remaining <= allocated),
      returned integer not null default 0 check (returned >= 0),
      per_customer_limit integer not null check (per_customer_limit >= 1),
      allocation_hold_id text,
      position integer not null,
      primary key (sale_id, sku)
    )`.execute(db);
  await sql`create index items_sku_idx on flash_sales.items (sku)`.execute(db);

  await sql`
    create table flash_sales.holds (
      id uuid primary key,
      sale_id uuid not null,
      sku text not null,
      user_id uuid not null,
      quantity integer not null check (quantity > 0),
      unit_price bigint not null check (unit_price >= 0),
      currency char(3) not null,
      status text not null check (status in ('held', 'claimed', 'converted', 'released')),
      order_id uuid,
      cart_id text,
      release_reason text,
      expires_at timestamptz not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      foreign key (sale_id, sku) references flash_sales.items (sale_id, sku),
      check ((status = 'held') = (order_id is null) or status = 'released')
    )`.execute(db);
  // the expiry sweep reads only live holds, oldest expiry first
  await sql`create index holds_expiry_idx on flash_sales.holds (expires_at) where status = 'held'`.execute(
    db,
  );
  await sql`create index holds_item_idx on flash_sales.holds (sale_id, sku, status)`.execute(db);
  await sql`create index holds_user_idx on flash_sales.holds (user_id, created_at desc)`.execute(db);

  // Units a customer holds or bought per sale item: the per-customer limit, enforced by the database.
  await sql`
    create table flash_sales.customer_units (
      sale_id uuid not null,
      sku text not null,
      user_id uuid not null,
      units integer not null check (units >= 0),
      limit_units integer not null check (limit_units >= 1),
      primary key (sale_id, sku, user_id),
      foreign key (sale_id, sku) references flash_sales.items (sale_id, sku),
      check (units <= limit_units)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table flash_sales.customer_units, flash_sales.holds, flash_sales.items, flash_sales.sales`.execute(
    db,
  );
}

import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table orders.orders (
      id uuid primary key,
      user_id uuid not null,
      cart_id uuid not null,
      status text not null check (status in ('pending', 'confirmed', 'shipped', 'delivered', 'cancelled',
        'refunded', 'partially_refunded')),
      currency char(3) not null,
      subtotal bigint not null,
      discount bigint not null,
      shipping bigint not null,
      tax bigint not null,
      total bigint not null check (total >= 0),
      refunded_amount bigint not null default 0 check (refunded_amount between 0 and total),
      shipping_address jsonb not null,
      payment_id uuid not null,
      payment_provider text not null,
      cancel_reason text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  // One order per cart that is not cancelled: a webhook and a storefront call cannot make two.
  await sql`create unique index orders_live_cart_key on orders.orders (cart_id) where status <> 'cancelled'`.execute(
    db,
  );
  await sql`create index orders_user_idx on orders.orders (user_id, id desc)`.execute(db);

  await sql`
    create table orders.lines (
      id uuid primary key,
      order_id uuid not null references orders.orders (id),
      position integer not null,
      sku text not null,
      product_id uuid not null,
      seller_id uuid not null,
      title text not null,
      quantity integer not null check (quantity > 0),
      unit_price bigint not null check (unit_price >= 0),
      hold_id text
    )`.execute(db);
  await sql`create index lines_order_idx on orders.lines (order_id, position)`.execute(db);

  await sql`
    create table orders.parts (
      order_id uuid not null references orders.orders (id),
      seller_id uuid not null,
      status text not null check (status in ('pending', 'confirmed', 'shipped', 'delivered', 'cancelled')),
      subtotal bigint not null,
      carrier text,
      tracking_number text,
      shipped_at timestamptz,
      delivered_at timestamptz,
      updated_at timestamptz not null default now(),
      primary key (order_id, seller_id)
    )`.execute(db);
  await sql`create index parts_seller_idx on orders.parts (seller_id, order_id desc)`.execute(db);

  await sql`
    create table orders.history (
      id bigint generated always as identity primary key,
      order_id uuid not null references orders.orders (id),
      status text not null,
      note text,
      at timestamptz not null default now()
    )`.execute(db);
  await sql`create index history_order_idx on orders.history (order_id, id)`.execute(db);

  await sql`
    create table orders.sagas (
      id uuid primary key,
      cart_id uuid not null,
      user_id uuid not null,
      order_id uuid not null,
      idempotency_key text not null,
      status text not null check (status in ('running', 'awaiting_payment', 'completed', 'failed')),
      step text not null default '',
      state jsonb not null default '{}',
      input jsonb not null default '{}',
      error jsonb,
      attempts integer not null default 0,
      lease_owner text,
      locked_until timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      finished_at timestamptz
    )`.execute(db);
  // The checkout of a cart has one live saga: completion is keyed by the cart.
  await sql`create unique index sagas_live_cart_key on orders.sagas (cart_id) where status <> 'failed'`.execute(
    db,
  );
  await sql`create index sagas_open_idx on orders.sagas (locked_until) where status in ('running', 'awaiting_payment')`.execute(
    db,
  );
  await sql`create index sagas_finished_idx on orders.sagas (finished_at) where finished_at is not null`.execute(
    db,
  );
}

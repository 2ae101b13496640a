import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Who can be written to: filled from identity's `user.registered` (no cross-schema reads).
  await sql`
    create table notifications.recipients (
      user_id uuid primary key,
      email text not null,
      name text not null,
      role text not null,
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table notifications.preferences (
      user_id uuid primary key,
      marketing_emails boolean not null default false,
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table notifications.notifications (
      id uuid primary key,
      user_id uuid not null,
      type text not null,
      title text not null,
      body text not null,
      data jsonb not null default '{}'::jsonb,
      event_id uuid,
      read_at timestamptz,
      created_at timestamptz not null default now()
    )`.execute(db);
  // Newest first per user; ids are UUIDv7, so id order is time order.
  await sql`create index notifications_user_idx on notifications.notifications (user_id, id desc)`.execute(
    db,
  );
  await sql`create index notifications_unread_idx on notifications.notifications (user_id) where read_at is null`.execute(
    db,
  );
  await sql`
    create table notifications.webhooks (
      id uuid primary key,
      owner_id uuid not null,
      owner_role text not null,
      url text not null,
      events text[] not null,
      secret text not null,
      created_at timestamptz not null default now(),
      deleted_at timestamptz
    )`.execute(db);
  await sql`create index webhooks_owner_idx on notifications.webhooks (owner_id) where deleted_at is null`.execute(
    db,
  );
  await sql`
    create table notifications.webhook_deliveries (
      id uuid primary key,
      webhook_id uuid not null references notifications.webhooks (id),
      event_id uuid not null,
      event_type text not null,
      payload text not null,
      status text not null default 'pending' check (status in ('pending', 'succeeded', 'failed', 'cancelled')),
      attempts integer not null default 0,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (webhook_id, event_id)
    )`.execute(db);
  await sql`create index webhook_deliveries_hook_idx on notifications.webhook_deliveries (webhook_id, id desc)`.execute(
    db,
  );
  await sql`
    create table notifications.webhook_attempts (
      id bigint generated always as identity primary key,
      delivery_id uuid not null references notifications.webhook_deliveries (id),
      attempt integer not null,
      status_code integer,
      error text,
      duration_ms integer not null,
      at timestamptz not null default now()
    )`.execute(db);
  await sql`create index webhook_attempts_delivery_idx on notifications.webhook_attempts (delivery_id, id)`.execute(
    db,
  );
}

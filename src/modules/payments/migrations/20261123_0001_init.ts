import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table payments.payments (
      id uuid primary key,
      order_id uuid not null,
      cart_id uuid not null,
      requested_provider text not null,
      provider text not null,
      provider_ref text,
      status text not null check (status in ('pending', 'requires_action', 'authorized', 'captured',
        'partially_refunded', 'refunded', 'voiding', 'voided', 'failed')),
      amount bigint not null check (amount >= 0),
      currency char(3) not null,
      captured_amount bigint not null default 0 check (captured_amount between 0 and amount),
      refunded_amount bigint not null default 0 check (refunded_amount between 0 and captured_amount),
      idempotency_key text not null unique,
      -- the provider's token (not card data), kept until the authorization's outcome is known:
      -- replaying or voiding an authorization whose answer was lost needs it
      token text,
      failure_code text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index payments_order_idx on payments.payments (order_id)`.execute(db);
  await sql`create unique index payments_provider_ref_key on payments.payments (provider, provider_ref)`.execute(
    db,
  );

  await sql`
    create table payments.attempts (
      id bigint generated always as identity primary key,
      payment_id uuid not null references payments.payments (id),
      provider text not null,
      operation text not null check (operation in ('authorize', 'capture', 'void', 'refund')),
      idempotency_key text not null,
      outcome text not null,
      error text,
      duration_ms integer not null,
      at timestamptz not null default now()
    )`.execute(db);
  await sql`create index attempts_payment_idx on payments.attempts (payment_id, id)`.execute(db);

  await sql`
    create table payments.refunds (
      id uuid primary key,
      payment_id uuid not null references payments.payments (id),
      key text not null unique,
      amount bigint not null check (amount > 0),
      currency char(3) not null,
      reason text not null,
      status text not null check (status in ('pending', 'succeeded', 'failed')),
      provider_ref text,
      error text,
      created_at timestamptz not null default now(),
      finished_at timestamptz
    )`.execute(db);
  await sql`create index refunds_payment_idx on payments.refunds (payment_id)`.execute(db);

  await sql`
    create table payments.webhook_events (
      provider text not null,
      event_id text not null,
      type text not null,
      payment_id uuid,
      received_at timestamptz not null default now(),
      primary key (provider, event_id)
    )`.execute(db);
}

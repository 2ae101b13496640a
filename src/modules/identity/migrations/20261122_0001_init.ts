import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table identity.users (
      id uuid primary key,
      email text not null,
      password_hash text not null,
      name text not null,
      role text not null check (role in ('buyer', 'seller', 'admin')),
      disabled_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create unique index users_email_key on identity.users (email)`.execute(db);
  await sql`create index users_created_idx on identity.users (created_at desc, id desc)`.execute(db);

  await sql`
    create table identity.sessions (
      id uuid primary key,
      user_id uuid not null references identity.users (id) on delete cascade,
      created_at timestamptz not null default now(),
      revoked_at timestamptz,
      revoke_reason text
    )`.execute(db);
  await sql`create index sessions_user_idx on identity.sessions (user_id) where revoked_at is null`.execute(
    db,
  );

  await sql`
    create table identity.refresh_tokens (
      token_hash text primary key,
      session_id uuid not null references identity.sessions (id) on delete cascade,
      user_id uuid not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      used_at timestamptz
    )`.execute(db);
  await sql`create index refresh_tokens_session_idx on identity.refresh_tokens (session_id)`.execute(db);
  await sql`create index refresh_tokens_expiry_idx on identity.refresh_tokens (expires_at)`.execute(db);

  await sql`
    create table identity.addresses (
      id uuid primary key,
      user_id uuid not null references identity.users (id) on delete cascade,
      name text not null,
      line1 text not null,
      line2 text,
      city text not null,
      region text,
      postal_code text not null,
      country char(2) not null,
      phone text,
      is_default boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index addresses_user_idx on identity.addresses (user_id, id)`.execute(db);
  await sql`create unique index addresses_one_default on identity.addresses (user_id) where is_default`.execute(
    db,
  );

  await sql`
    create table identity.signing_keys (
      kid text primary key,
      alg text not null,
      public_jwk jsonb not null,
      private_jwk jsonb not null,
      created_at timestamptz not null default now(),
      retired_at timestamptz
    )`.execute(db);
}

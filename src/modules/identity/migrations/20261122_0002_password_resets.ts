import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Only the token's SHA-256 is kept; the token itself travels in the reset email.
  await sql`
    create table identity.password_resets (
      token_hash text primary key,
      user_id uuid not null references identity.users (id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      used_at timestamptz
    )`.execute(db);
  await sql`create index password_resets_user_idx on identity.password_resets (user_id)`.execute(db);
}

import type { Generated, Selectable } from 'kysely';
import type { Role } from '../../platform/http/auth.js';

export interface IdentityTables {
  'identity.users': {
    id: string;
    email: string;
    password_hash: string;
    name: string;
    role: Role;
    disabled_at: Date | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  'identity.sessions': {
    id: string;
    user_id: string;
    created_at: Generated<Date>;
    revoked_at: Date | null;
    revoke_reason: string | null;
    /** When its access tokens were revoked too (account disabled, role changed). */
    access_revoked_at: Date | null;
  };
  'identity.refresh_tokens': {
    token_hash: string;
    session_id: string;
    user_id: string;
    created_at: Generated<Date>;
    expires_at: Date;
    used_at: Date | null;
  };
  'identity.addresses': {
    id: string;
    user_id: string;
    name: string;
    line1: string;
    line2: string | null;
    city: string;
    region: string | null;
    postal_code: string;
    country: string;
    phone: string | null;
    is_default: boolean;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  'identity.password_resets': {
    token_hash: string;
    user_id: string;
    created_at: Generated<Date>;
    expires_at: Date;
    used_at: Date | null;
  };
  'identity.login_failures': {
    /** Normalized; any address tried, registered or not. */
    email: string;
    failures: number;
    /** The window starts at its first failure and lasts AGORA_LOGIN_LOCK_SECONDS. */
    window_ends_at: Date;
  };
  'identity.signing_keys': {
    kid: string;
    alg: string;
    public_jwk: unknown;
    private_jwk: unknown;
    created_at: Generated<Date>;
    retired_at: Date | null;
  };
}

export type UserRow = Selectable<IdentityTables['identity.users']>;
/** What a profile shows: an account without its password hash. */
export type ProfileRow = Omit<UserRow, 'password_hash'>;
export type AddressRow = Selectable<IdentityTables['identity.addresses']>;

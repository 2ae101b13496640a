import type { Role } from '../../platform/http/auth.js';

/** Events the identity module publishes (CloudEvents `type` → `data`). */
export interface IdentityEvents {
  'user.registered': { userId: string; email: string; name: string; role: Role };
  'user.updated': { userId: string; role: Role; disabled: boolean };
  /** Carries the one-time token so the notifications module can email the link. */
  'user.password_reset_requested': { userId: string; email: string; token: string; expiresAt: string };
}

export const IDENTITY_SOURCE = '/agora/identity';

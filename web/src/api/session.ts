import type { AuthResult, User } from './types';

/**
 * Who is signed in. The access token lives only in memory; the refresh token in localStorage, so
 * a reload (or a new tab) signs in again by refreshing.
 */
export interface Session {
  user: User;
  accessToken: string;
}

const REFRESH_KEY = 'agora.refreshToken';

let current: Session | null = null;
let restoring = readRefreshToken() !== null;
const listeners = new Set<() => void>();

function emit() {
  for (const l of listeners) l();
}

function readRefreshToken(): string | null {
  try {
    return localStorage.getItem(REFRESH_KEY);
  } catch {
    return null;
  }
}

export const session = {
  subscribe: (listener: () => void): (() => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  get: (): Session | null => {
    return current;
  },
  /** True while a stored refresh token is being exchanged on start-up. */
  isRestoring: (): boolean => {
    return restoring;
  },
  refreshToken: readRefreshToken,
  signIn: (result: AuthResult) => {
    localStorage.setItem(REFRESH_KEY, result.refreshToken);
    current = { user: result.user, accessToken: result.accessToken };
    restoring = false;
    emit();
  },
  setUser: (user: User) => {
    if (current) {
      current = { ...current, user };
      emit();
    }
  },
  clear: () => {
    localStorage.removeItem(REFRESH_KEY);
    current = null;
    restoring = false;
    emit();
  },
  restored: () => {
    restoring = false;
    emit();
  },
};

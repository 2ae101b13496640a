import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import { api } from './client';
import { guestCart } from './guest-cart';
import { keys } from './keys';
import { session, type Session } from './session';
import type { Address, AddressInput, AuthResult, Page, Role, User } from './types';

/** The signed-in session (null when signed out) and whether a stored one is still being restored. */
export function useSession(): { current: Session | null; restoring: boolean } {
  const current = useSyncExternalStore(session.subscribe, session.get);
  const restoring = useSyncExternalStore(session.subscribe, session.isRestoring);
  return { current, restoring };
}

/** Signs in, bringing this browser's guest cart along (the server merges it into the user's cart). */
async function logIn(email: string, password: string): Promise<AuthResult> {
  const cartId = guestCart.get() ?? undefined;
  const result = await api<AuthResult>('/v1/auth/login', {
    method: 'POST',
    body: { email, password, cartId },
  });
  if (cartId) guestCart.clear();
  return result;
}

export function useSignUp() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: {
      email: string;
      password: string;
      name: string;
      role?: 'buyer' | 'seller';
    }) => {
      const registered = await api<AuthResult>('/v1/auth/register', { method: 'POST', body });
      if (!guestCart.get()) return registered;
      // Registering takes no cart: a guest with one signs in as well, which merges it, and ends
      // the session the registration opened.
      const signedIn = await logIn(body.email, body.password);
      await fetch('/v1/auth/logout', {
        method: 'POST',
        headers: { authorization: `Bearer ${registered.accessToken}` },
      }).catch(() => undefined);
      return signedIn;
    },
    onSuccess: (result) => {
      session.signIn(result);
      void client.invalidateQueries({ queryKey: keys.cart.all });
    },
  });
}

export function useSignIn() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { email: string; password: string }) => logIn(body.email, body.password),
    onSuccess: (result) => {
      session.signIn(result);
      void client.invalidateQueries({ queryKey: keys.cart.all });
    },
  });
}

export function useSignOut() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<void>('/v1/auth/logout', { method: 'POST' }),
    // Signed out locally whatever the server said: the refresh token is forgotten either way.
    onSettled: () => {
      session.clear();
      client.removeQueries({ queryKey: keys.me });
      client.removeQueries({ queryKey: ['admin'] });
      client.removeQueries({ queryKey: ['seller'] });
      client.removeQueries({ queryKey: keys.orders.all });
      client.removeQueries({ queryKey: keys.cart.all });
    },
  });
}

export function useUpdateProfile() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string }) => api<User>('/v1/me', { method: 'PATCH', body }),
    onSuccess: (user) => {
      session.setUser(user);
      client.setQueryData(keys.me, user);
    },
  });
}

export function useAddresses() {
  return useQuery({
    queryKey: keys.addresses,
    queryFn: ({ signal }) => api<Page<Address>>('/v1/me/addresses?limit=100', { signal }),
  });
}

export function useSaveAddress() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: AddressInput }) =>
      id
        ? api<Address>(`/v1/me/addresses/${id}`, { method: 'PATCH', body })
        : api<Address>('/v1/me/addresses', { method: 'POST', body }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.addresses }),
  });
}

export function useDeleteAddress() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/v1/me/addresses/${id}`, { method: 'DELETE' }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.addresses }),
  });
}

export function useAdminUsers(query: { email?: string; role?: string; cursor?: string }) {
  return useQuery({
    queryKey: keys.admin.users(query),
    queryFn: ({ signal }) => {
      const params = new URLSearchParams({ limit: '50' });
      for (const [k, v] of Object.entries(query)) if (v) params.set(k, v);
      return api<Page<User>>(`/v1/admin/users?${params}`, { signal });
    },
  });
}

export function useUpdateUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: { role?: Role; disabled?: boolean } }) =>
      api<User>(`/v1/admin/users/${id}`, { method: 'PATCH', body }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['admin', 'users'] }),
  });
}

/** Asks for a password reset link by email; the server accepts any address (it says nothing of which exist). */
export function useRequestPasswordReset() {
  return useMutation({
    mutationFn: (body: { email: string }) =>
      api<{ status: 'accepted' }>('/v1/auth/password-reset', { method: 'POST', body }),
  });
}

/** Sets a new password with the token of a reset link; the account's sessions end. */
export function useConfirmPasswordReset() {
  return useMutation({
    mutationFn: (body: { token: string; password: string }) =>
      api<void>('/v1/auth/password-reset/confirm', { method: 'POST', body }),
  });
}

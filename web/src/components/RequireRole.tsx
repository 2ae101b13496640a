import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useSession } from '@/api/identity';
import type { Role } from '@/api/types';
import { Loading } from './Status';

/** Shows `children` to a signed-in user with one of `roles`; sends anyone else to sign in. */
export function RequireRole({ roles, children }: { roles?: Role[]; children: ReactNode }) {
  const { current, restoring } = useSession();
  const location = useLocation();
  if (restoring) return <Loading label="Signing in…" />;
  if (!current) {
    // The whole address comes back after signing in: a shared link's query is part of what it shows.
    const next = `${location.pathname}${location.search}${location.hash}`;
    return <Navigate to={`/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  if (roles && !roles.includes(current.user.role))
    return (
      <div className="error" role="alert">
        <p>This page is for {roles.join(' or ')} accounts.</p>
      </div>
    );
  return <>{children}</>;
}

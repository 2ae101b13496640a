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
  if (!current) return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname)}`} replace />;
  if (roles && !roles.includes(current.user.role))
    return (
      <div className="error" role="alert">
        <p>This page is for {roles.join(' or ')} accounts.</p>
      </div>
    );
  return <>{children}</>;
}

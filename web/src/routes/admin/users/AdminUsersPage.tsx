import { useId, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useAdminUsers, useSession, useUpdateUser } from '@/api/identity';
import type { Role, User } from '@/api/types';
import { AreaNav } from '@/components/AreaNav';
import { ErrorNotice, Loading } from '@/components/Status';
import { useDocumentTitle } from '@/components/useDocumentTitle';

const ROLES: Role[] = ['buyer', 'seller', 'admin'];

function UserRow({ user, self }: { user: User; self: boolean }) {
  const update = useUpdateUser();
  const roleId = useId();
  return (
    <tr className={user.disabled ? 'muted' : undefined}>
      <td>
        {user.name}
        <br />
        <small>{user.email}</small>
        <ErrorNotice error={update.error} />
      </td>
      <td>
        <label htmlFor={roleId} className="visually-hidden">
          Role of {user.email}
        </label>
        <select
          id={roleId}
          value={user.role}
          disabled={self || update.isPending}
          onChange={(e) => update.mutate({ id: user.id, body: { role: e.target.value as Role } })}
        >
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </td>
      <td>{user.disabled ? 'Disabled' : 'Active'}</td>
      <td>
        <button
          type="button"
          className={user.disabled ? 'secondary' : 'danger'}
          disabled={self || update.isPending}
          onClick={() => update.mutate({ id: user.id, body: { disabled: !user.disabled } })}
          aria-label={`${user.disabled ? 'Enable' : 'Disable'} ${user.email}`}
        >
          {user.disabled ? 'Enable' : 'Disable'}
        </button>
      </td>
    </tr>
  );
}

export default function AdminUsersPage() {
  useDocumentTitle('Users');
  const { current } = useSession();
  const [params, setParams] = useSearchParams();
  const [email, setEmail] = useState(params.get('email') ?? '');
  const emailId = useId();
  const roleId = useId();
  const query = {
    email: params.get('email') ?? undefined,
    role: params.get('role') ?? undefined,
    cursor: params.get('cursor') ?? undefined,
  };
  const users = useAdminUsers(query);
  const set = (k: string, v: string | null) =>
    setParams((prev) => {
      const next = new URLSearchParams(prev);
      if (v) next.set(k, v);
      else next.delete(k);
      if (k !== 'cursor') next.delete('cursor');
      return next;
    });

  return (
    <section>
      <AreaNav area="admin" />
      <h1>Users</h1>
      <form
        className="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          set('email', email.trim() || null);
        }}
      >
        <div className="field inline">
          <label htmlFor={emailId}>Email starts with</label>
          <input id={emailId} type="search" value={email} onChange={(e) => setEmail(e.target.value)} />
        </div>
        <div className="field inline">
          <label htmlFor={roleId}>Role</label>
          <select id={roleId} value={query.role ?? ''} onChange={(e) => set('role', e.target.value || null)}>
            <option value="">Any</option>
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </div>
        <button type="submit">Filter</button>
      </form>
      {users.isPending && <Loading label="Loading users…" />}
      <ErrorNotice error={users.error} onRetry={() => void users.refetch()} />
      {users.data && (
        <div className="table-scroll">
          <table className="responsive">
            <caption className="visually-hidden">Users</caption>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.data.items.map((u) => (
                <UserRow key={u.id} user={u} self={u.id === current?.user.id} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav className="pager" aria-label="Pages">
        {query.cursor && (
          <button type="button" className="secondary" onClick={() => set('cursor', null)}>
            First page
          </button>
        )}
        {users.data?.nextCursor && (
          <button type="button" className="secondary" onClick={() => set('cursor', users.data.nextCursor)}>
            Next page
          </button>
        )}
      </nav>
    </section>
  );
}

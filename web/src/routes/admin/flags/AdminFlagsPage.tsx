import { useState, type FormEvent } from 'react';
import { useFlags, usePutFlag } from '@/api/admin';
import type { FeatureFlag } from '@/api/types';
import { AreaNav } from '@/components/AreaNav';
import { Field } from '@/components/Field';
import { formatDate } from '@/components/OrderView';
import { ErrorNotice, Loading } from '@/components/Status';
import { useDocumentTitle } from '@/components/useDocumentTitle';

function FlagRow({ flag }: { flag: FeatureFlag }) {
  const put = usePutFlag();
  return (
    <tr>
      <td>
        <code>{flag.key}</code>
        <br />
        <small>{flag.description}</small>
        <ErrorNotice error={put.error} />
      </td>
      <td>
        <label className="check">
          <input
            type="checkbox"
            role="switch"
            checked={flag.enabled}
            disabled={put.isPending}
            onChange={(e) => put.mutate({ key: flag.key, enabled: e.target.checked })}
          />
          <span>{flag.enabled ? 'On' : 'Off'}</span>
          <span className="visually-hidden"> {flag.key}</span>
        </label>
      </td>
      <td>
        <time dateTime={flag.updatedAt}>{formatDate(flag.updatedAt)}</time>
      </td>
    </tr>
  );
}

function NewFlag() {
  const put = usePutFlag();
  const [key, setKey] = useState('');
  const [description, setDescription] = useState('');
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    put.mutate(
      { key: key.trim(), enabled: false, description: description.trim() },
      {
        onSuccess: () => {
          setKey('');
          setDescription('');
        },
      },
    );
  };
  return (
    <form className="form" onSubmit={onSubmit} aria-labelledby="new-flag-heading">
      <h2 id="new-flag-heading">New flag</h2>
      <Field
        label="Key"
        required
        pattern="[a-z0-9][a-z0-9_.\-]{0,127}"
        title="Lower-case letters, digits, _ . -"
        value={key}
        onChange={(e) => setKey(e.target.value)}
      />
      <Field
        label="Description"
        maxLength={500}
        value={description}
        onChange={(e) => setDescription(e.target.value)}
      />
      <ErrorNotice error={put.error} />
      <button type="submit" disabled={put.isPending}>
        Add flag (off)
      </button>
    </form>
  );
}

export default function AdminFlagsPage() {
  useDocumentTitle('Feature flags');
  const flags = useFlags();
  return (
    <section>
      <AreaNav area="admin" />
      <h1>Feature flags</h1>
      {flags.isPending && <Loading />}
      <ErrorNotice error={flags.error} onRetry={() => void flags.refetch()} />
      {flags.data?.degradedMode.active && (
        <p className="error" role="status">
          Degraded mode is on ({flags.data.degradedMode.reasons.join(', ')}): non-critical work is deferred.
        </p>
      )}
      {flags.data && (
        <div className="table-scroll">
          <table className="responsive">
            <caption className="visually-hidden">Feature flags</caption>
            <thead>
              <tr>
                <th scope="col">Flag</th>
                <th scope="col">State</th>
                <th scope="col">Changed</th>
              </tr>
            </thead>
            <tbody>
              {flags.data.items.map((f) => (
                <FlagRow key={f.key} flag={f} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <NewFlag />
    </section>
  );
}

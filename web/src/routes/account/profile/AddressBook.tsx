import { useState } from 'react';
import { useAddresses, useDeleteAddress } from '@/api/identity';
import type { Address } from '@/api/types';
import { ErrorNotice, Loading } from '@/components/Status';
import { AddressForm } from './AddressForm';

function AddressCard({ address, onEdit }: { address: Address; onEdit: () => void }) {
  const remove = useDeleteAddress();
  const a = address;
  return (
    <li className="address">
      <address>
        <strong>{a.name}</strong>
        {a.isDefault && <span className="badge">Default</span>}
        <br />
        {a.line1}
        {a.line2 && (
          <>
            <br />
            {a.line2}
          </>
        )}
        <br />
        {a.postalCode} {a.city}
        {a.region ? `, ${a.region}` : ''}, {a.country}
        {a.phone && (
          <>
            <br />
            {a.phone}
          </>
        )}
      </address>
      <div className="actions">
        <button
          type="button"
          className="secondary"
          onClick={onEdit}
          aria-label={`Edit address ${a.name}, ${a.line1}`}
        >
          Edit
        </button>
        <button
          type="button"
          className="danger"
          disabled={remove.isPending}
          onClick={() => remove.mutate(a.id)}
          aria-label={`Delete address ${a.name}, ${a.line1}`}
        >
          Delete
        </button>
      </div>
      <ErrorNotice error={remove.error} />
    </li>
  );
}

/** The user's addresses: list, add, edit, delete. */
export function AddressBook() {
  const addresses = useAddresses();
  const [editing, setEditing] = useState<Address | 'new' | null>(null);
  return (
    <section aria-labelledby="addresses-heading">
      <h2 id="addresses-heading">Addresses</h2>
      {addresses.isPending && <Loading label="Loading addresses…" />}
      <ErrorNotice error={addresses.error} onRetry={() => void addresses.refetch()} />
      {addresses.data && addresses.data.items.length === 0 && !editing && (
        <p className="empty">No addresses yet.</p>
      )}
      {addresses.data && addresses.data.items.length > 0 && (
        <ul className="addresses">
          {addresses.data.items.map((a) => (
            <AddressCard key={a.id} address={a} onEdit={() => setEditing(a)} />
          ))}
        </ul>
      )}
      {editing ? (
        <AddressForm
          key={editing === 'new' ? 'new' : editing.id}
          address={editing === 'new' ? undefined : editing}
          onDone={() => setEditing(null)}
        />
      ) : (
        <button type="button" onClick={() => setEditing('new')}>
          Add an address
        </button>
      )}
    </section>
  );
}

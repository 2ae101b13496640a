import { useState, type FormEvent } from 'react';
import { ApiError } from '@/api/client';
import { useSaveAddress } from '@/api/identity';
import type { Address, AddressInput } from '@/api/types';
import { Field } from '@/components/Field';
import { ErrorNotice } from '@/components/Status';

const EMPTY = {
  name: '',
  line1: '',
  line2: '',
  city: '',
  region: '',
  postalCode: '',
  country: '',
  phone: '',
};
type Text = typeof EMPTY;

const FIELDS: { key: keyof Text; label: string; required?: boolean; autoComplete: string }[] = [
  { key: 'name', label: 'Full name', required: true, autoComplete: 'name' },
  { key: 'line1', label: 'Address line 1', required: true, autoComplete: 'address-line1' },
  { key: 'line2', label: 'Address line 2 (optional)', autoComplete: 'address-line2' },
  { key: 'city', label: 'City', required: true, autoComplete: 'address-level2' },
  { key: 'region', label: 'State or region (optional)', autoComplete: 'address-level1' },
  { key: 'postalCode', label: 'Postal code', required: true, autoComplete: 'postal-code' },
  { key: 'country', label: 'Country code (2 letters, e.g. US)', required: true, autoComplete: 'country' },
  { key: 'phone', label: 'Phone (optional)', autoComplete: 'tel' },
];

export function AddressForm({ address, onDone }: { address?: Address; onDone: () => void }) {
  const save = useSaveAddress();
  const [text, setText] = useState<Text>(() =>
    address
      ? (Object.fromEntries(Object.keys(EMPTY).map((k) => [k, address[k as keyof Text] ?? ''])) as Text)
      : EMPTY,
  );
  const [isDefault, setDefault] = useState(address?.isDefault ?? false);
  const fieldError = (key: string) =>
    save.error instanceof ApiError
      ? save.error.problem.errors?.find((e) => e.path.endsWith(`/${key}`))?.message
      : undefined;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const optional = (v: string) => (v.trim() ? v.trim() : null);
    const body: AddressInput = {
      name: text.name.trim(),
      line1: text.line1.trim(),
      line2: optional(text.line2),
      city: text.city.trim(),
      region: optional(text.region),
      postalCode: text.postalCode.trim(),
      country: text.country.trim().toUpperCase(),
      phone: optional(text.phone),
      isDefault,
    };
    save.mutate({ id: address?.id, body }, { onSuccess: onDone });
  };

  return (
    <form onSubmit={onSubmit} className="form" aria-label={address ? 'Edit address' : 'New address'}>
      <h3>{address ? 'Edit address' : 'New address'}</h3>
      {FIELDS.map((f) => (
        <Field
          key={f.key}
          label={f.label}
          required={f.required}
          autoComplete={f.autoComplete}
          maxLength={f.key === 'country' ? 2 : 200}
          value={text[f.key]}
          error={fieldError(f.key)}
          onChange={(e) => setText({ ...text, [f.key]: e.target.value })}
        />
      ))}
      <label className="check">
        <input type="checkbox" checked={isDefault} onChange={(e) => setDefault(e.target.checked)} />
        Use as my default address
      </label>
      <ErrorNotice error={save.error} />
      <div className="actions">
        <button type="submit" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save address'}
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

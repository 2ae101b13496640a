import { Field } from '@/components/Field';

export const EMPTY_ADDRESS = {
  name: '',
  line1: '',
  line2: '',
  city: '',
  region: '',
  postalCode: '',
  country: '',
  phone: '',
};
export type AddressText = typeof EMPTY_ADDRESS;

const FIELDS: { key: keyof AddressText; label: string; required?: boolean; autoComplete: string }[] = [
  { key: 'name', label: 'Full name', required: true, autoComplete: 'shipping name' },
  { key: 'line1', label: 'Address line 1', required: true, autoComplete: 'shipping address-line1' },
  { key: 'line2', label: 'Address line 2 (optional)', autoComplete: 'shipping address-line2' },
  { key: 'city', label: 'City', required: true, autoComplete: 'shipping address-level2' },
  { key: 'region', label: 'State or region (optional)', autoComplete: 'shipping address-level1' },
  { key: 'postalCode', label: 'Postal code', required: true, autoComplete: 'shipping postal-code' },
  {
    key: 'country',
    label: 'Country code (2 letters, e.g. US)',
    required: true,
    autoComplete: 'shipping country',
  },
  { key: 'phone', label: 'Phone (optional)', autoComplete: 'shipping tel' },
];

/** The shipping address fields of the checkout form. */
export function AddressFields({
  value,
  onChange,
  errorOf,
}: {
  value: AddressText;
  onChange: (next: AddressText) => void;
  errorOf: (key: string) => string | undefined;
}) {
  return (
    <>
      {FIELDS.map((f) => (
        <Field
          key={f.key}
          label={f.label}
          required={f.required}
          autoComplete={f.autoComplete}
          maxLength={f.key === 'country' ? 2 : f.key === 'postalCode' ? 20 : 200}
          value={value[f.key]}
          error={errorOf(f.key)}
          onChange={(e) => onChange({ ...value, [f.key]: e.target.value })}
        />
      ))}
    </>
  );
}

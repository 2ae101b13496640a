import { useId, type InputHTMLAttributes } from 'react';

/** A labelled input; `error` is read out with the field. */
export function Field({
  label,
  error,
  ...input
}: { label: string; error?: string } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-e` : undefined}
        {...input}
      />
      {error && (
        <span id={`${id}-e`} className="field-error">
          {error}
        </span>
      )}
    </div>
  );
}

import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { fieldError } from '@/api/client';
import { useConfirmPasswordReset } from '@/api/identity';
import { Field } from '@/components/Field';
import { ErrorNotice } from '@/components/Status';
import { useDocumentTitle } from '@/components/useDocumentTitle';

/** The page a reset email links to (`/reset-password?token=…`): sets the new password. */
export default function ResetPasswordPage() {
  useDocumentTitle('Set a new password');
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const confirm = useConfirmPasswordReset();
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setMismatch(password !== again);
    if (password === again) confirm.mutate({ token, password });
  };
  if (!token)
    return (
      <section className="narrow">
        <h1>Set a new password</h1>
        <p role="alert">This page needs the link from the reset email, which carries its token.</p>
        <p>
          <Link to="/forgot-password">Ask for a new link</Link>
        </p>
      </section>
    );
  if (confirm.isSuccess)
    return (
      <section className="narrow">
        <h1>Password changed</h1>
        <p role="status">
          Your new password is set, and every device that was signed in has been signed out.
        </p>
        <p>
          <Link to="/sign-in">Sign in</Link>
        </p>
      </section>
    );
  const passwordError = fieldError(confirm.error, 'password');
  return (
    <section className="narrow">
      <h1>Set a new password</h1>
      <form onSubmit={onSubmit} className="form">
        <Field
          label="New password"
          type="password"
          autoComplete="new-password"
          required
          value={password}
          error={passwordError}
          onChange={(e) => setPassword(e.target.value)}
        />
        <Field
          label="New password again"
          type="password"
          autoComplete="new-password"
          required
          value={again}
          error={mismatch ? 'The two passwords differ' : undefined}
          onChange={(e) => setAgain(e.target.value)}
        />
        {!passwordError && <ErrorNotice error={confirm.error} />}
        {confirm.isError && !passwordError && (
          <p>
            <Link to="/forgot-password">Ask for a new link</Link>
          </p>
        )}
        <button type="submit" disabled={confirm.isPending}>
          {confirm.isPending ? 'Saving…' : 'Set the password'}
        </button>
      </form>
    </section>
  );
}

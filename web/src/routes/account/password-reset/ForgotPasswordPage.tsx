import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { fieldError } from '@/api/client';
import { useRequestPasswordReset } from '@/api/identity';
import { Field } from '@/components/Field';
import { ErrorNotice } from '@/components/Status';
import { useDocumentTitle } from '@/components/useDocumentTitle';

/** Asks for a reset link. The answer is the same whether the address has an account or not. */
export default function ForgotPasswordPage() {
  useDocumentTitle('Reset your password');
  const request = useRequestPasswordReset();
  const [email, setEmail] = useState('');
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    request.mutate({ email: email.trim() });
  };
  if (request.isSuccess)
    return (
      <section className="narrow">
        <h1>Check your email</h1>
        <p role="status">
          If an account uses {email.trim()}, we have sent it a link to set a new password. The link works once
          and for a limited time.
        </p>
        <p>
          <Link to="/sign-in">Back to sign in</Link>
        </p>
      </section>
    );
  return (
    <section className="narrow">
      <h1>Reset your password</h1>
      <p>Enter the email address of your account and we will send you a link to set a new password.</p>
      <form onSubmit={onSubmit} className="form">
        <Field
          label="Email"
          type="email"
          autoComplete="email"
          required
          value={email}
          error={fieldError(request.error, 'email')}
          onChange={(e) => setEmail(e.target.value)}
        />
        <ErrorNotice error={fieldError(request.error, 'email') ? null : request.error} />
        <button type="submit" disabled={request.isPending}>
          {request.isPending ? 'Sending…' : 'Send the link'}
        </button>
      </form>
      <p>
        Remembered it? <Link to="/sign-in">Sign in</Link>
      </p>
    </section>
  );
}

import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiError } from '@/api/client';
import { useSignUp } from '@/api/identity';
import { Field } from '@/components/Field';
import { ErrorNotice } from '@/components/Status';
import { useDocumentTitle } from '@/components/useDocumentTitle';

export default function SignUpPage() {
  useDocumentTitle('Create an account');
  const navigate = useNavigate();
  const signUp = useSignUp();
  const [form, setForm] = useState({ name: '', email: '', password: '', seller: false });
  const fieldError = (name: string) =>
    signUp.error instanceof ApiError
      ? signUp.error.problem.errors?.find((e) => e.path.endsWith(`/${name}`))?.message
      : undefined;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    signUp.mutate(
      { name: form.name, email: form.email, password: form.password, role: form.seller ? 'seller' : 'buyer' },
      { onSuccess: () => void navigate(form.seller ? '/seller/products' : '/account') },
    );
  };
  return (
    <section className="narrow">
      <h1>Create an account</h1>
      <form onSubmit={onSubmit} className="form">
        <Field
          label="Name"
          autoComplete="name"
          required
          maxLength={100}
          value={form.name}
          error={fieldError('name')}
          onChange={(e) => setForm({ ...form, name: e.target.value })}
        />
        <Field
          label="Email"
          type="email"
          autoComplete="email"
          required
          value={form.email}
          error={fieldError('email')}
          onChange={(e) => setForm({ ...form, email: e.target.value })}
        />
        <Field
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          value={form.password}
          error={fieldError('password')}
          onChange={(e) => setForm({ ...form, password: e.target.value })}
        />
        <label className="check">
          <input
            type="checkbox"
            checked={form.seller}
            onChange={(e) => setForm({ ...form, seller: e.target.checked })}
          />
          I want to sell on Agora
        </label>
        <ErrorNotice error={signUp.error} />
        <button type="submit" disabled={signUp.isPending}>
          {signUp.isPending ? 'Creating…' : 'Create account'}
        </button>
      </form>
      <p>
        Already have an account? <Link to="/sign-in">Sign in</Link>
      </p>
    </section>
  );
}

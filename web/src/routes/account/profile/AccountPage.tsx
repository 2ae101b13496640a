import { useState, type FormEvent } from 'react';
import { useSession, useUpdateProfile } from '@/api/identity';
import { Field } from '@/components/Field';
import { ErrorNotice } from '@/components/Status';
import { useDocumentTitle } from '@/components/useDocumentTitle';
import { AddressBook } from './AddressBook';

function ProfileForm({ name, email }: { name: string; email: string }) {
  const update = useUpdateProfile();
  const [value, setValue] = useState(name);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    update.mutate({ name: value });
  };
  return (
    <form onSubmit={onSubmit} className="form" aria-labelledby="profile-heading">
      <h2 id="profile-heading">Profile</h2>
      <p>
        Signed in as <strong>{email}</strong>
      </p>
      <Field
        label="Name"
        autoComplete="name"
        required
        maxLength={100}
        value={value}
        onChange={(e) => setValue(e.target.value)}
      />
      <ErrorNotice error={update.error} />
      {update.isSuccess && (
        <p className="success" role="status">
          Saved.
        </p>
      )}
      <button type="submit" disabled={update.isPending || value === name}>
        Save name
      </button>
    </form>
  );
}

export default function AccountPage() {
  useDocumentTitle('Your account');
  const { current } = useSession();
  if (!current) return null;
  return (
    <section>
      <h1>Your account</h1>
      <div className="columns">
        <ProfileForm name={current.user.name} email={current.user.email} />
        <AddressBook />
      </div>
    </section>
  );
}

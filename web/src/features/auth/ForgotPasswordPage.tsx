import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { sessionApi } from '../../api/endpoints';
import { FormAlert, TextField, useSubmit } from '../../components/forms';
import { useTitle } from '../../lib/useTitle';

export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const form = useSubmit();
  useTitle('Reset your password');

  function submit(event: FormEvent) {
    event.preventDefault();
    const address = email.trim();
    void form.run(() => sessionApi.requestPasswordReset(address), () => setSent(address));
  }

  if (sent) {
    return (
      <>
        <h1 tabIndex={-1}>Check your email</h1>
        <div role="status">
          <p>
            If an account uses <strong>{sent}</strong>, we have sent it a link to choose a new password. The link works
            once and expires soon.
          </p>
        </div>
        <p>
          <Link to="/signin">Back to sign in</Link>
        </p>
      </>
    );
  }

  return (
    <>
      <h1 tabIndex={-1}>Reset your password</h1>
      <p>Enter the email address of your account and we will send you a link to choose a new password.</p>
      <form ref={form.formRef} onSubmit={submit} noValidate className="stack">
        <FormAlert error={form.error} fields={['email']} />
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={form.fieldError('email')}
          autoFocus
        />
        <button type="submit" className="button primary block" disabled={form.busy}>
          {form.busy ? 'Sending…' : 'Send reset link'}
        </button>
      </form>
      <ul className="auth-links">
        <li>
          <Link to="/signin">Back to sign in</Link>
        </li>
      </ul>
    </>
  );
}

import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { sessionApi } from '../../api/endpoints';
import { FormAlert, TextField, localInvalid, useSubmit } from '../../components/forms';
import { useTitle } from '../../lib/useTitle';
import { PASSWORD_MIN } from '../../shared/server';

/** External reporters create their own accounts; staff are invited by a lead. */
export function SignUpPage() {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const form = useSubmit();
  useTitle(done ? 'Check your email' : 'Create a reporter account');

  function submit(event: FormEvent) {
    event.preventDefault();
    if (password.length < PASSWORD_MIN) {
      form.setError(localInvalid('password', `must be at least ${PASSWORD_MIN} characters`));
      return;
    }
    const address = email.trim();
    void form.run(() => sessionApi.signUp(name.trim(), address, password), () => setDone(address));
  }

  if (done) {
    return (
      <>
        <h1 tabIndex={-1}>Check your email</h1>
        <div role="status">
          <p>
            We sent a link to <strong>{done}</strong>. Open it to verify your address; then you can sign in.
          </p>
        </div>
        <p className="hint">The link expires after a while. If nothing arrives, check your spam folder.</p>
        <p>
          <Link to="/signin">Go to sign in</Link>
        </p>
      </>
    );
  }

  return (
    <>
      <h1 tabIndex={-1}>Create a reporter account</h1>
      <p>
        An account lets you follow your reports, talk with the security team and be credited. Staff accounts are
        created by invitation.
      </p>
      <form ref={form.formRef} onSubmit={submit} noValidate className="stack">
        <FormAlert error={form.error} fields={['name', 'email', 'password']} />
        <TextField
          label="Name"
          name="name"
          autoComplete="name"
          hint="Shown to the security team, and in credits if you ask to be credited."
          optional
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={form.fieldError('name')}
        />
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={form.fieldError('email')}
          required
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          hint={`At least ${PASSWORD_MIN} characters. A passphrase of a few words is easy to remember and hard to guess.`}
          minLength={PASSWORD_MIN}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={form.fieldError('password')}
          required
        />
        <button type="submit" className="button primary block" disabled={form.busy}>
          {form.busy ? 'Creating account…' : 'Create account'}
        </button>
      </form>
      <ul className="auth-links">
        <li>
          Already have an account? <Link to="/signin">Sign in</Link>
        </li>
      </ul>
    </>
  );
}

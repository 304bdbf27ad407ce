import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { sessionApi } from '../../api/endpoints';
import { FormAlert, TextField, localInvalid, useSubmit } from '../../components/forms';
import { useTitle } from '../../lib/useTitle';
import { PASSWORD_MIN } from '../../shared/server';

/**
 * Completes a password reset. The same page serves invitation and first-admin links
 * (`?token=…&setup=1`), where the person sets a password for the first time.
 */
export function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const setup = params.get('setup') === '1';
  const title = setup ? 'Set your password' : 'Choose a new password';
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [done, setDone] = useState(false);
  const form = useSubmit();
  useTitle(title);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (password.length < PASSWORD_MIN) {
      form.setError(localInvalid('password', `must be at least ${PASSWORD_MIN} characters`));
      return;
    }
    if (password !== confirm) {
      form.setError(localInvalid('confirm', 'does not match the password above'));
      return;
    }
    void form.run(() => sessionApi.completePasswordReset(token, password), () => setDone(true));
  }

  if (!token) {
    return (
      <>
        <h1 tabIndex={-1}>{title}</h1>
        <div className="alert alert-error" role="alert">
          <p>This link is incomplete. Open the link from the email again, or copy the whole address into the browser.</p>
        </div>
        <p>
          <Link to="/forgot-password">Ask for a new link</Link>
        </p>
      </>
    );
  }

  if (done) {
    return (
      <>
        <h1 tabIndex={-1}>{setup ? 'Password set' : 'Password changed'}</h1>
        <div className="alert alert-success" role="status">
          <p>{setup ? 'Your password is set.' : 'Your password has been changed.'} You can sign in with it now.</p>
        </div>
        {setup && (
          <p className="hint">
            Staff accounts set up two-factor authentication right after the first sign-in; have an authenticator app ready.
          </p>
        )}
        <p>
          <Link to="/signin" className="button primary">
            Sign in
          </Link>
        </p>
      </>
    );
  }

  const linkProblem = form.error && ['link_expired', 'token_invalid', 'not_found'].includes(form.error.code);

  return (
    <>
      <h1 tabIndex={-1}>{title}</h1>
      {setup && <p>Welcome to cvdesk. Choose the password you will sign in with.</p>}
      <form ref={form.formRef} onSubmit={submit} noValidate className="stack">
        <FormAlert error={form.error} fields={['password', 'confirm']} />
        {linkProblem && (
          <p>
            {setup ? 'Ask the person who invited you for a new invitation, or ' : ''}
            <Link to="/forgot-password">ask for a new link</Link>.
          </p>
        )}
        <TextField
          label={setup ? 'Password' : 'New password'}
          name="password"
          type="password"
          autoComplete="new-password"
          hint={`At least ${PASSWORD_MIN} characters.`}
          minLength={PASSWORD_MIN}
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={form.fieldError('password')}
          autoFocus
        />
        <TextField
          label="Repeat the password"
          name="confirm"
          type="password"
          autoComplete="new-password"
          required
          value={confirm}
          onChange={(e) => setConfirm(e.target.value)}
          error={form.fieldError('confirm')}
        />
        <button type="submit" className="button primary block" disabled={form.busy}>
          {form.busy ? 'Saving…' : setup ? 'Set password' : 'Change password'}
        </button>
      </form>
    </>
  );
}

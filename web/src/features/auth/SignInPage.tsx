import { useState, type FormEvent } from 'react';
import { Link, Navigate, useSearchParams } from 'react-router';
import { isApiError } from '../../api/client';
import { sessionApi } from '../../api/endpoints';
import { ENROLLMENT_PATH } from '../../app/guards';
import { useSession } from '../../app/session';
import { Splash } from '../../app/Splash';
import { FormAlert, StatusMessage, TextField, useSubmit } from '../../components/forms';
import { safeNext } from '../../lib/navigation';
import { useTitle } from '../../lib/useTitle';

export function SignInPage() {
  const { status, session } = useSession();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  useTitle('Sign in');

  if (status !== 'ready') return <Splash />;
  if (session?.stage === 'full') return <Navigate to={next} replace />;
  if (session?.stage === 'mfa_enrollment') return <Navigate to={ENROLLMENT_PATH} replace />;
  if (session?.stage === 'mfa_pending') return <CodeStep />;
  return <PasswordStep />;
}

function PasswordStep() {
  const { setSession, reason } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const form = useSubmit();

  function submit(event: FormEvent) {
    event.preventDefault();
    void form.run(() => sessionApi.signIn(email.trim(), password), (session) => setSession(session));
  }

  const unverified = isApiError(form.error, 'email_not_verified');

  return (
    <>
      <h1 tabIndex={-1}>Sign in</h1>
      {reason === 'expired' && <StatusMessage tone="info">Your session has ended. Sign in again to continue.</StatusMessage>}
      {reason === 'signed_out' && <StatusMessage tone="info">You have signed out.</StatusMessage>}
      <form ref={form.formRef} onSubmit={submit} noValidate className="stack">
        <FormAlert error={form.error} fields={['email', 'password']} />
        {unverified && (
          <p className="hint">
            Open the link in the email we sent when you created the account. It may be in your spam folder.
          </p>
        )}
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={form.fieldError('email')}
          autoFocus
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={form.fieldError('password')}
        />
        <button type="submit" className="button primary block" disabled={form.busy}>
          {form.busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <ul className="auth-links">
        <li>
          <Link to="/forgot-password">Forgot your password?</Link>
        </li>
        <li>
          Reporting a vulnerability? <Link to="/signup">Create a reporter account</Link>
        </li>
      </ul>
    </>
  );
}

/** The second step: a 6-digit code from the authenticator app, or one recovery code. */
function CodeStep() {
  const { setSession, signOut } = useSession();
  const [mode, setMode] = useState<'totp' | 'recovery'>('totp');
  const [code, setCode] = useState('');
  const form = useSubmit();

  function submit(event: FormEvent) {
    event.preventDefault();
    const value = mode === 'totp' ? code.replace(/\s+/g, '') : code.trim();
    void form.run(
      () =>
        sessionApi.mfa(value).catch((error: unknown) => {
          // The half-finished sign-in timed out: start again.
          if (isApiError(error, 'authentication_required')) setSession(null, 'expired');
          throw error;
        }),
      (session) => setSession(session),
    );
  }

  function switchMode() {
    setMode((m) => (m === 'totp' ? 'recovery' : 'totp'));
    setCode('');
    form.setError(undefined);
  }

  return (
    <>
      <h1 tabIndex={-1}>Two-factor check</h1>
      <p>
        {mode === 'totp'
          ? 'Enter the 6-digit code your authenticator app shows for cvdesk.'
          : 'Enter one of the recovery codes you saved when you set up two-factor. Each works once.'}
      </p>
      <form ref={form.formRef} onSubmit={submit} noValidate className="stack">
        <FormAlert error={form.error} fields={['code']} />
        {mode === 'totp' ? (
          <TextField
            key="totp"
            label="Authentication code"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9 ]*"
            maxLength={7}
            required
            className="code-field"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            error={form.fieldError('code')}
            autoFocus
          />
        ) : (
          <TextField
            key="recovery"
            label="Recovery code"
            name="code"
            autoComplete="off"
            autoCapitalize="off"
            spellCheck={false}
            required
            className="code-field"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            error={form.fieldError('code')}
            autoFocus
          />
        )}
        <button type="submit" className="button primary block" disabled={form.busy || code.trim() === ''}>
          {form.busy ? 'Checking…' : 'Verify'}
        </button>
      </form>
      <ul className="auth-links">
        <li>
          <button type="button" className="link-button" onClick={switchMode}>
            {mode === 'totp' ? 'Use a recovery code instead' : 'Use the authenticator app instead'}
          </button>
        </li>
        <li>
          <button type="button" className="link-button" onClick={() => void signOut()}>
            Cancel and sign in as someone else
          </button>
        </li>
      </ul>
    </>
  );
}

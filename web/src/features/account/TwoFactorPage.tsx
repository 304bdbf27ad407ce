import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { meApi } from '../../api/endpoints';
import type { TwoFactorSetup } from '../../api/types';
import { useSession, useSignedIn } from '../../app/session';
import { FormAlert, StatusMessage, TextField, useSubmit } from '../../components/forms';
import { Chip, CopyButton, PageHeader } from '../../components/ui';
import { groupSecret } from '../../lib/format';
import { useTitle } from '../../lib/useTitle';
import { isStaff } from '../../shared/server';

/**
 * Two-factor with an authenticator app (TOTP). Staff who have not enrolled land here after
 * signing in and can do nothing else until they finish.
 */
export function TwoFactorPage() {
  const session = useSignedIn();
  const { refresh } = useSession();
  const navigate = useNavigate();
  const enrolling = session.stage === 'mfa_enrollment';
  const [codes, setCodes] = useState<string[] | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  useTitle('Two-factor authentication');

  async function acknowledged() {
    const regenerated = session.user.mfaEnabled && !enrolling;
    setCodes(null);
    await refresh().catch(() => undefined);
    if (enrolling) navigate('/', { replace: true });
    else setNotice(regenerated ? 'Your new recovery codes are in use; the old ones no longer work.' : 'Two-factor authentication is on.');
  }

  return (
    <section className="page narrow">
      <PageHeader
        title="Two-factor authentication"
        description="A code from an app on your phone, asked for at sign-in, so a stolen password is not enough."
      />
      {enrolling && !codes && (
        <div className="alert alert-info">
          <p>
            <strong>Staff accounts need two-factor authentication.</strong> Set it up to continue; it takes a minute.
          </p>
        </div>
      )}
      <StatusMessage>{notice}</StatusMessage>
      {codes ? (
        <RecoveryCodesPanel codes={codes} onDone={() => void acknowledged()} />
      ) : session.user.mfaEnabled && !enrolling ? (
        <Enabled onCodes={setCodes} onDisabled={() => setNotice('Two-factor authentication is off.')} />
      ) : (
        <Setup onConfirmed={setCodes} />
      )}
    </section>
  );
}

function Setup({ onConfirmed }: { onConfirmed: (codes: string[]) => void }) {
  const [setup, setSetup] = useState<TwoFactorSetup | null>(null);
  const [code, setCode] = useState('');
  const start = useSubmit();
  const confirm = useSubmit();
  const stepHeading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (setup) stepHeading.current?.focus();
  }, [setup]);

  if (!setup) {
    return (
      <section className="panel" aria-labelledby="tf-start">
        <h2 id="tf-start">Set up an authenticator app</h2>
        <p>
          You need an authenticator app on your phone or computer — for example one from your password manager, or a
          standalone app such as FreeOTP, Aegis or Google Authenticator.
        </p>
        <FormAlert error={start.error} />
        <button
          type="button"
          className="button primary"
          disabled={start.busy}
          onClick={() => void start.run(() => meApi.setupTwoFactor(), setSetup)}
        >
          {start.busy ? 'Preparing…' : 'Begin setup'}
        </button>
      </section>
    );
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    void confirm.run(() => meApi.confirmTwoFactor(code.replace(/\s+/g, '')), (result) => onConfirmed(result.recoveryCodes));
  }

  return (
    <section className="panel" aria-labelledby="tf-scan">
      <h2 id="tf-scan" ref={stepHeading} tabIndex={-1}>
        1. Add cvdesk to your app
      </h2>
      <div className="totp-setup">
        <img
          className="qr"
          src={setup.qrDataUrl}
          width={200}
          height={200}
          alt="QR code to scan with your authenticator app. The same secret is written out beside it."
        />
        <div className="stack">
          <p>Scan the QR code with the app. If you cannot scan, type this secret into the app instead:</p>
          <p className="secret">
            <code>{groupSecret(setup.secret)}</code> <CopyButton text={setup.secret} label="Copy secret" />
          </p>
          <details>
            <summary>Show the setup link</summary>
            <p className="break">
              <code>{setup.otpauthUrl}</code>
            </p>
            <CopyButton text={setup.otpauthUrl} label="Copy link" />
          </details>
        </div>
      </div>
      <h2 className="step-heading">2. Confirm with a code</h2>
      <form ref={confirm.formRef} onSubmit={submit} noValidate className="stack">
        <FormAlert error={confirm.error} fields={['code']} />
        <TextField
          label="6-digit code from the app"
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9 ]*"
          maxLength={7}
          className="code-field"
          required
          value={code}
          onChange={(e) => setCode(e.target.value)}
          error={confirm.fieldError('code')}
        />
        <div>
          <button type="submit" className="button primary" disabled={confirm.busy || code.trim() === ''}>
            {confirm.busy ? 'Checking…' : 'Turn on two-factor'}
          </button>
        </div>
      </form>
    </section>
  );
}

/** Shown once, right after they are made: the server keeps only their hashes. */
function RecoveryCodesPanel({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const [saved, setSaved] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const checkId = useId();
  useEffect(() => heading.current?.focus(), []);

  return (
    <section className="panel emphasis" aria-labelledby="rc-heading">
      <h2 id="rc-heading" ref={heading} tabIndex={-1}>
        Save your recovery codes
      </h2>
      <p>
        If you lose your phone, each of these codes lets you sign in once instead of a code from the app.{' '}
        <strong>This is the only time they are shown.</strong> Keep them in your password manager or print them.
      </p>
      <ol className="recovery-codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ol>
      <p>
        <CopyButton text={codes.join('\n')} label="Copy all codes" className="button" />
      </p>
      <div className="acknowledge">
        <div className="checkbox">
          <input id={checkId} type="checkbox" checked={saved} onChange={(e) => setSaved(e.target.checked)} />
          <label htmlFor={checkId}>I have saved them somewhere safe</label>
        </div>
        <div>
          <button type="button" className="button primary" disabled={!saved} onClick={onDone}>
            Continue
          </button>
        </div>
      </div>
    </section>
  );
}

function Enabled({ onCodes, onDisabled }: { onCodes: (codes: string[]) => void; onDisabled: () => void }) {
  const session = useSignedIn();
  const staff = isStaff(session.user.roles);
  return (
    <>
      <section className="panel" aria-labelledby="tf-on">
        <h2 id="tf-on">
          Status <Chip tone="success">on</Chip>
        </h2>
        <p>Sign-in asks for a code from your authenticator app, or one of your recovery codes.</p>
      </section>
      <RegenerateCodes onCodes={onCodes} />
      {staff ? (
        <section className="panel" aria-labelledby="tf-off">
          <h2 id="tf-off">Turning it off</h2>
          <p>Staff accounts must keep two-factor on. If you lost your authenticator, ask a security lead.</p>
        </section>
      ) : (
        <DisableTwoFactor onDisabled={onDisabled} />
      )}
    </>
  );
}

function RegenerateCodes({ onCodes }: { onCodes: (codes: string[]) => void }) {
  const [code, setCode] = useState('');
  const form = useSubmit();
  function submit(event: FormEvent) {
    event.preventDefault();
    void form.run(() => meApi.regenerateRecoveryCodes(code.replace(/\s+/g, '')), (r) => onCodes(r.recoveryCodes));
  }
  return (
    <section className="panel" aria-labelledby="rc-new">
      <h2 id="rc-new">New recovery codes</h2>
      <p>Makes a new set of recovery codes. The old ones stop working.</p>
      <form ref={form.formRef} onSubmit={submit} noValidate className="stack">
        <FormAlert error={form.error} fields={['code']} />
        <TextField
          label="Current code from your app"
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9 ]*"
          maxLength={7}
          className="code-field"
          required
          value={code}
          onChange={(e) => setCode(e.target.value)}
          error={form.fieldError('code')}
        />
        <div>
          <button type="submit" className="button" disabled={form.busy || code.trim() === ''}>
            {form.busy ? 'Making codes…' : 'Make new recovery codes'}
          </button>
        </div>
      </form>
    </section>
  );
}

function DisableTwoFactor({ onDisabled }: { onDisabled: () => void }) {
  const { refresh } = useSession();
  const [password, setPassword] = useState('');
  const form = useSubmit();
  function submit(event: FormEvent) {
    event.preventDefault();
    void form.run(
      () => meApi.disableTwoFactor(password),
      () => {
        setPassword('');
        onDisabled();
        void refresh().catch(() => undefined);
      },
    );
  }
  return (
    <section className="panel" aria-labelledby="tf-off">
      <h2 id="tf-off">Turn off two-factor</h2>
      <p>Your account will be protected by your password alone. Your recovery codes stop working.</p>
      <form ref={form.formRef} onSubmit={submit} noValidate className="stack">
        <FormAlert error={form.error} fields={['password']} />
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
        <div>
          <button type="submit" className="button danger" disabled={form.busy || password === ''}>
            {form.busy ? 'Turning off…' : 'Turn off two-factor'}
          </button>
        </div>
      </form>
    </section>
  );
}

import { useState, type FormEvent, type ReactNode } from 'react';
import { Link } from 'react-router';
import { SECURITY_TXT_URL, keysApi } from '../../api/endpoints';
import type { OpenPgpKey, SecurityTxtStatus } from '../../api/types';
import { useSignedIn } from '../../app/session';
import { FormAlert, StatusMessage, TextField, localInvalid, useSubmit } from '../../components/forms';
import { Chip, LoadError, Loading, PageHeader, Time } from '../../components/ui';
import { can } from '../../lib/access';
import { formatDateTime } from '../../lib/format';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { Fingerprint, groupFingerprint } from './common';
import './keys.css';

function shortFingerprint(fingerprint: string): string {
  return groupFingerprint(fingerprint).slice(-4).join(' ');
}

/** Why the served file is (not) signed, in a sentence. */
function explain(status: SecurityTxtStatus, current: OpenPgpKey | undefined): ReactNode {
  const sig = status.signature;
  if (status.signed && sig) {
    return (
      <>
        Signed by {sig.signedBy} <Time value={sig.signedAt} relative /> with the current key (…{shortFingerprint(sig.fingerprint)}
        ). It is served signed until a setting changes, the key changes, or it expires on <Time value={sig.expiresAt} />.
      </>
    );
  }
  if (!current) {
    return (
      <>
        There is no current OpenPGP key, so the file has no <code>Encryption</code> field and cannot be signed.{' '}
        <Link to="/admin/keys">OpenPGP keys</Link> shows how to add one.
      </>
    );
  }
  if (!sig) return 'Nobody has signed it yet, so the unsigned rendering is served.';
  switch (sig.problem) {
    case 'settings_changed':
      return (
        <>
          It was signed by {sig.signedBy} on {formatDateTime(sig.signedAt)}, but the settings changed since, so that copy
          no longer says the right thing and the unsigned rendering is served. Sign again.
        </>
      );
    case 'key_changed':
      return (
        <>
          The last signed copy (by {sig.signedBy} on {formatDateTime(sig.signedAt)}) was made with key …
          {shortFingerprint(sig.fingerprint)}, which is no longer the current key. Sign again with the current one.
        </>
      );
    case 'expired':
      return (
        <>
          The last signed copy (by {sig.signedBy}) passed its <code>Expires</code> date on {formatDateTime(sig.expiresAt)}.
          Sign again.
        </>
      );
    default:
      return 'The signed copy is not in use.';
  }
}

/**
 * What /.well-known/security.txt serves now, signed or not and why; leads sign it here with the
 * current key's passphrase, which unlocks the key for that one request and is never stored.
 */
export function SecurityTxtPage() {
  useTitle('security.txt');
  const { user } = useSignedIn();
  const canSign = can(user.roles, 'keys.manage');
  const status = useResource((signal) => keysApi.securityTxt(signal), []);
  const keys = useResource((signal) => keysApi.list(signal), []);
  const current = keys.data?.items.find((k) => k.status === 'current');
  const [notice, setNotice] = useState<ReactNode>(null);

  return (
    <section className="page securitytxt-page">
      <PageHeader
        title="security.txt"
        description={
          <>
            The RFC 9116 file at <a href={SECURITY_TXT_URL}>/.well-known/security.txt</a> tells researchers how to reach
            you. cvdesk builds it from the <Link to="/admin/settings">settings</Link> at every request, with an{' '}
            <code>Expires</code> that renews itself daily.
          </>
        }
      />
      <StatusMessage>{notice}</StatusMessage>

      {status.loading && !status.data && <Loading />}
      {status.error && <LoadError error={status.error} onRetry={status.reload} />}
      {status.data && (
        <section className="panel" aria-labelledby="served-heading">
          <h2 id="served-heading">
            Served now{' '}
            {status.data.signed ? <Chip tone="success">signed</Chip> : <Chip tone="warning">not signed</Chip>}
          </h2>
          <p className="securitytxt-why">{keys.data || keys.error ? explain(status.data, current) : null}</p>
          <dl className="properties compact">
            <div>
              <dt>Expires</dt>
              <dd>
                <Time value={status.data.expiresAt} />
              </dd>
            </div>
            {status.data.signature && (
              <div>
                <dt>Last signed</dt>
                <dd>
                  <Time value={status.data.signature.signedAt} /> by {status.data.signature.signedBy}
                  {!status.data.signature.inUse && <span className="muted"> (not in use)</span>}
                </dd>
              </div>
            )}
            {current && (
              <div>
                <dt>Current key</dt>
                <dd>
                  <Fingerprint value={current.fingerprint} />
                </dd>
              </div>
            )}
          </dl>
          <pre className="securitytxt-text">
            {status.data.text
              .replace(/\n$/, '')
              .split('\n')
              .map((line, i) => (
                // One block per line: a long line that wraps on a small screen is indented under itself.
                <span key={i} className="line">
                  {line || ' '}
                </span>
              ))}
          </pre>
          <p className="button-row">
            <a className="button" href={SECURITY_TXT_URL}>
              Open /.well-known/security.txt
            </a>
            <button type="button" className="button ghost" onClick={status.reload} disabled={status.loading}>
              {status.loading ? 'Refreshing…' : 'Refresh'}
            </button>
          </p>
          <p className="hint">
            Browsers and proxies may keep the public file for up to an hour (<code>Cache-Control: max-age=3600</code>);
            this page always shows what the server serves now.
          </p>
        </section>
      )}

      {canSign ? (
        <SignForm
          hasKey={keys.data ? current !== undefined : undefined}
          signed={status.data?.signed ?? false}
          onSigned={(expiresAt) => {
            setNotice(`security.txt signed. It is served signed until a setting or the key changes, or until ${formatDateTime(expiresAt)}.`);
            status.reload();
          }}
        />
      ) : (
        <p className="alert alert-info">Only security leads can sign security.txt.</p>
      )}
    </section>
  );
}

function SignForm({
  hasKey,
  signed,
  onSigned,
}: {
  hasKey: boolean | undefined;
  signed: boolean;
  onSigned: (expiresAt: string) => void;
}) {
  const [passphrase, setPassphrase] = useState('');
  const form = useSubmit();

  function submit(event: FormEvent) {
    event.preventDefault();
    // The passphrase leaves the field at once, whatever the answer.
    const value = passphrase;
    setPassphrase('');
    if (!value) {
      form.setError(localInvalid('passphrase', 'enter the passphrase of the current key'));
      return;
    }
    void form.run(
      () => keysApi.signSecurityTxt(value),
      (result) => onSigned(result.signature.expiresAt),
    );
  }

  return (
    <section className="panel" aria-labelledby="sign-heading">
      <h2 id="sign-heading">{signed ? 'Sign again' : 'Sign security.txt'}</h2>
      <p>
        Signing makes an OpenPGP cleartext signature of today's file with the current key, so researchers can check it
        came from you. Sign again after changing the settings or rotating the key; until then the unsigned file is
        served, never a stale signed one.
      </p>
      {hasKey === false ? (
        <p className="alert alert-warning">
          There is no current key to sign with. <Link to="/admin/keys">See how to generate or import one</Link>.
        </p>
      ) : (
        <form ref={form.formRef} onSubmit={submit} noValidate className="stack sign-form">
          <FormAlert error={form.error} fields={['passphrase']} />
          <TextField
            label="Passphrase of the current key"
            name="passphrase"
            type="password"
            autoComplete="off"
            autoCapitalize="off"
            spellCheck={false}
            value={passphrase}
            onChange={(e) => setPassphrase(e.target.value)}
            error={form.fieldError('passphrase')}
            hint="Sent once over this connection to unlock the key for this signature, then dropped: cvdesk never stores or logs it. The field is cleared when you submit."
          />
          <div>
            <button type="submit" className="button primary" disabled={form.busy}>
              {form.busy ? 'Signing…' : 'Sign security.txt'}
            </button>
          </div>
          <p className="hint">
            The same from the server's shell: <code>printf '%s\n' "$PASSPHRASE" | cvdesk keys sign-securitytxt --passphrase-stdin</code>
          </p>
        </form>
      )}
    </section>
  );
}

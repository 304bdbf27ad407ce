import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { Dialog } from '../../components/Dialog';
import { FormActions } from '../../components/FormActions';
import { FormAlert, StatusMessage, TextField, localInvalid, useSubmit } from '../../components/forms';
import { Chip, LoadError, Loading, Time, type Tone } from '../../components/ui';
import { useResource } from '../../lib/useResource';
import { CopyFor, Fingerprint, groupFingerprint } from './common';
import { NOTICE_SIGNING_KEY_URL, noticeSigningApi, type NoticeSigningKey, type NoticeSigningKeyStatus } from './notice-signing-api';

const STATUS: Record<NoticeSigningKeyStatus, { tone: Tone; label: string }> = {
  current: { tone: 'success', label: 'current' },
  retired: { tone: 'neutral', label: 'retired' },
  revoked: { tone: 'danger', label: 'revoked' },
};

/** The last 16 hex digits (the key ID GnuPG prints), grouped: enough to tell keys apart in a sentence. */
function keyId(fingerprint: string): string {
  return groupFingerprint(fingerprint.slice(-16)).join(' ');
}

/**
 * The key cvdesk signs case notices with (docs/keys.md, "Notice-signing key"). Unlike the
 * organisation key it has no passphrase (cvdesk keeps it sealed with the master key and signs by
 * itself), so a lead can make and rotate it here. Every member of staff sees it; the server
 * refuses the action to anyone but leads, and the page does not offer it to them.
 */
export function NoticeSigningPanel({ canManage }: { canManage: boolean }) {
  const keys = useResource((signal) => noticeSigningApi.list(signal), []);
  const [rotating, setRotating] = useState(false);
  const [notice, setNotice] = useState<ReactNode>(null);
  const items = keys.data?.items ?? [];
  const current = items.find((k) => k.status === 'current');
  const earlier = items.filter((k) => k.status !== 'current');

  function onRotated(key: NoticeSigningKey, previous: NoticeSigningKey | undefined, revoked: boolean) {
    setRotating(false);
    setNotice(
      <>
        Case notices are signed with the new key …{keyId(key.fingerprint)} from now on.
        {previous ? ` The previous key …${keyId(previous.fingerprint)} is ${revoked ? 'revoked' : 'retired'} and stays published.` : ''}
      </>,
    );
    keys.reload();
  }

  return (
    <section className="panel notice-signing" aria-labelledby="notice-signing-heading">
      <h2 id="notice-signing-heading">Notice-signing key</h2>
      <p>
        Case notices to vendors are signed with this key, so vendors can check a notice came from you. cvdesk makes it
        and keeps it sealed with the master key, without a passphrase, so the mail job can sign by itself. It is not the
        key reporters encrypt to. Vendors find it at <a href={NOTICE_SIGNING_KEY_URL}>{NOTICE_SIGNING_KEY_URL}</a>, with
        the retired and revoked ones so earlier notices still verify.
      </p>
      <StatusMessage>{notice}</StatusMessage>

      {keys.loading && !keys.data && <Loading />}
      {keys.error && <LoadError error={keys.error} onRetry={keys.reload} />}

      {keys.data && !current && (
        <div className="alert alert-warning">
          <p>
            <strong>There is no notice-signing key: case notices go out unsigned.</strong>{' '}
            {canManage ? 'Make one below.' : 'A security lead can make one here.'}
          </p>
        </div>
      )}

      {current && (
        <dl className="properties notice-signing-current" aria-label="Current notice-signing key">
          <div>
            <dt>Fingerprint</dt>
            <dd className="fingerprint-row">
              <Fingerprint value={current.fingerprint} />
              <CopyFor text={current.fingerprint} what="the fingerprint of the notice-signing key" />
            </dd>
          </div>
          <div>
            <dt>User ID</dt>
            <dd className="key-uid">{current.uid}</dd>
          </div>
          <div>
            <dt>Created</dt>
            <dd>
              <Time value={current.createdAt} />
            </dd>
          </div>
        </dl>
      )}

      {earlier.length > 0 && (
        <>
          <h3 className="notice-signing-earlier">Earlier keys</h3>
          <ul className="notice-key-list" aria-label="Earlier notice-signing keys">
            {earlier.map((key) => (
              <li key={key.id} className={`notice-key notice-key-${key.status}`}>
                <p className="notice-key-heading">
                  <Chip tone={STATUS[key.status].tone}>{STATUS[key.status].label}</Chip> <Fingerprint value={key.fingerprint} />
                </p>
                <dl className="properties compact">
                  <div>
                    <dt>Created</dt>
                    <dd>
                      <Time value={key.createdAt} />
                    </dd>
                  </div>
                  {key.status === 'retired' && (
                    <div>
                      <dt>Retired</dt>
                      <dd>
                        <Time value={key.retiredAt} />
                      </dd>
                    </div>
                  )}
                  {key.status === 'revoked' && (
                    <div>
                      <dt>Revoked</dt>
                      <dd>
                        <Time value={key.revokedAt} />
                        {key.revocationReason ? <span className="notice-key-reason">: {key.revocationReason}</span> : null}
                      </dd>
                    </div>
                  )}
                </dl>
              </li>
            ))}
          </ul>
        </>
      )}

      {canManage ? (
        keys.data && (
          <p className="button-row">
            <button type="button" className="button" onClick={() => setRotating(true)}>
              {current ? 'Rotate' : 'Make a key'}
            </button>
          </p>
        )
      ) : (
        <p className="hint">Only security leads can make or rotate the notice-signing key.</p>
      )}
      <p className="hint">
        The same on the server: <code>cvdesk keys notice-signing-key rotate [--revoke-previous "reason"]</code>.
      </p>

      {canManage && (
        <Dialog open={rotating} onClose={() => setRotating(false)} title={current ? 'Rotate the notice-signing key?' : 'Make a notice-signing key?'}>
          <RotateForm current={current} onDone={onRotated} onCancel={() => setRotating(false)} />
        </Dialog>
      )}
    </section>
  );
}

function RotateForm({
  current,
  onDone,
  onCancel,
}: {
  current: NoticeSigningKey | undefined;
  onDone: (key: NoticeSigningKey, previous: NoticeSigningKey | undefined, revoked: boolean) => void;
  onCancel: () => void;
}) {
  const [revoke, setRevoke] = useState(false);
  const [reason, setReason] = useState('');
  const form = useSubmit();
  const ids = useId();

  function submit(event: FormEvent) {
    event.preventDefault();
    // Only the empty field is checked here; what a reason may hold is the server's to say.
    if (revoke && reason === '') {
      form.setError(localInvalid('revokePrevious', 'say why the key is revoked'));
      return;
    }
    void form.run(
      () => noticeSigningApi.rotate(revoke ? reason : undefined),
      (result) => onDone(result.key, current, revoke),
    );
  }

  return (
    <form ref={form.formRef} onSubmit={submit} noValidate className="stack dialog-body">
      {current ? (
        <p>
          cvdesk makes a new Ed25519 signing key and signs every case notice with it from now on. The current key …
          {keyId(current.fingerprint)} is retired: it stays published at <code>{NOTICE_SIGNING_KEY_URL}</code>, so
          notices it signed still verify.
        </p>
      ) : (
        <p>
          cvdesk makes an Ed25519 signing key and signs every case notice with it from now on. Its public key is
          published at <code>{NOTICE_SIGNING_KEY_URL}</code>; each notice tells the vendor where to find it.
        </p>
      )}
      <FormAlert error={form.error} fields={['revokePrevious']} />
      {current && (
        <>
          <div className="checkbox">
            <input type="checkbox" id={`${ids}-revoke`} checked={revoke} onChange={(e) => setRevoke(e.target.checked)} />
            <label htmlFor={`${ids}-revoke`}>
              Revoke the previous key (compromised)
              <span className="hint">
                Only when it may have leaked, such as when the master key or a backup holding it was exposed: it is
                published with a revocation (reason "key compromised") instead of being retired.
              </span>
            </label>
          </div>
          {revoke && (
            <TextField
              label="Why it is revoked"
              name="revokePrevious"
              maxLength={500}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              error={form.fieldError('revokePrevious')}
              hint="Published in the revocation, so vendors' tools show it: at most 500 characters."
            />
          )}
        </>
      )}
      <FormActions
        submit={current ? (revoke ? 'Rotate and revoke' : 'Rotate the key') : 'Make the key'}
        busy={form.busy}
        busyLabel={current ? 'Rotating…' : 'Making the key…'}
        onCancel={onCancel}
        danger={revoke}
      />
    </form>
  );
}

import { useState, type FormEvent } from 'react';
import { FormAlert, TextField, localInvalid, useSubmit } from './forms';
import { mergeUnlocked, unlockOrganisationKeys, type UnlockedOrganisationKeys } from '../lib/org-keys';
import { WrongPassphrase } from '../lib/openpgp';

/**
 * The passphrase form that unlocks the organisation keys in this page (lib/org-keys.ts). The
 * passphrase is never sent: only the protected keys are fetched, and each fetch is audited.
 * `otherKeys` names the older keys worth fetching too (content encrypted before a rotation).
 */
export function OrgKeyUnlockForm({
  otherKeys,
  onUnlocked,
  submitLabel = 'Unlock and decrypt',
  className = 'stack',
}: {
  otherKeys: () => readonly string[] | Promise<readonly string[]>;
  onUnlocked: (unlocked: UnlockedOrganisationKeys) => void;
  submitLabel?: string;
  className?: string;
}) {
  const form = useSubmit();
  const [passphrase, setPassphrase] = useState('');
  // Keys opened so far, while a key rotated with a passphrase of its own is still locked.
  const [partial, setPartial] = useState<UnlockedOrganisationKeys | null>(null);
  function submit(event: FormEvent) {
    event.preventDefault();
    if (!passphrase) return form.setError(localInvalid('passphrase', 'enter the passphrase of the organisation key'));
    void form.run(
      async () => {
        try {
          const opened = await unlockOrganisationKeys(passphrase, await otherKeys());
          return partial ? mergeUnlocked(partial, opened) : opened;
        } catch (error) {
          if (error instanceof WrongPassphrase) throw localInvalid('passphrase', partial ? 'this passphrase opens none of the keys still locked' : 'this passphrase does not unlock the organisation key');
          throw error;
        }
      },
      (unlocked) => {
        setPassphrase('');
        if (unlocked.locked.length > 0 && unlocked.keys.length > (partial?.keys.length ?? 0)) setPartial(unlocked);
        else {
          setPartial(null);
          onUnlocked(unlocked);
        }
      },
    );
  }
  return (
    <form ref={form.formRef} onSubmit={submit} noValidate className={className}>
      <FormAlert error={form.error} fields={['passphrase']} />
      {partial && (
        <div className="alert alert-warning" role="status">
          <p>
            This passphrase did not open{' '}
            {partial.locked.map((key, i) => (
              <span key={key.fingerprint}>
                {i > 0 && ', '}the {key.status} key <code>{key.fingerprint.slice(-16)}</code>
              </span>
            ))}
            : it has a passphrase of its own. Enter it to read what was encrypted to it, or go on without it.
          </p>
          <button
            type="button"
            className="button small"
            onClick={() => {
              const unlocked = partial;
              setPartial(null);
              onUnlocked(unlocked);
            }}
          >
            Go on without it
          </button>
        </div>
      )}
      <TextField
        label="Key passphrase"
        name="passphrase"
        type="password"
        autoComplete="off"
        hint="The key is unlocked in this browser; the passphrase is never sent to the server. Fetching the protected key is audited."
        value={passphrase}
        onChange={(event) => setPassphrase(event.target.value)}
        error={form.fieldError('passphrase')}
      />
      <div className="button-row">
        <button type="submit" className="button primary" disabled={form.busy} aria-busy={form.busy || undefined}>
          {form.busy ? 'Unlocking…' : submitLabel}
        </button>
      </div>
    </form>
  );
}

import { useEffect, useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import type { PrivateKey } from 'openpgp';
import { isApiError } from '../../api/client';
import { FormAlert, StatusMessage, TextField, localInvalid, useSubmit } from '../../components/forms';
import { TextAreaField } from '../../components/TextAreaField';
import { LoadError, Loading, PageHeader, Time } from '../../components/ui';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { incidentsApi } from './api';
import { FilePicker, IncidentStateChip, MessageList, OwnKeyUnlock } from './parts';
import { formatSize } from '../../lib/downloads';
import { unlockKey } from '../../lib/openpgp';
import { encryptTo, packFiles, packIncident, receiptPassphrase } from './sealed';
import type { IntakeInfo } from './types';
import { useDecrypted } from './useDecrypted';

interface Access {
  receipt: string;
  token: string;
}

/**
 * `/report/follow-up`: an anonymous reporter comes back with their receipt code, reads the
 * team's replies (decrypted here with the reply key, which the receipt unlocks, or with their own
 * key) and adds information (encrypted here to the organisation key).
 */
export function FollowUpPage() {
  useTitle('Follow up on your report');
  const [access, setAccess] = useState<Access | null>(null);
  return (
    <section className="page narrow incident-followup-page">
      <PageHeader title="Follow up on your report" description="Enter the receipt code you were given when you sent your encrypted report." />
      {access ? <FollowUp access={access} onExpired={() => setAccess(null)} /> : <ReceiptForm onAccess={setAccess} />}
    </section>
  );
}

function ReceiptForm({ onAccess }: { onAccess: (access: Access) => void }) {
  const form = useSubmit();
  const [receipt, setReceipt] = useState('');
  function submit(event: FormEvent) {
    event.preventDefault();
    if (receipt.replace(/\D/g, '').length === 0) return form.setError(localInvalid('receipt', 'enter your receipt code: 9 groups of 4 digits'));
    void form.run(
      async () => {
        try {
          return await incidentsApi.redeemReceipt(receipt.trim());
        } catch (error) {
          // One clear answer, on the field, for a wrong, unknown or expired receipt.
          if (isApiError(error, 'receipt_invalid')) throw localInvalid('receipt', 'this receipt code is wrong, unknown or expired. Check the digits and try again');
          throw error;
        }
      },
      (grant) => onAccess({ receipt: receipt.trim(), token: grant.token }),
    );
  }
  return (
    <form ref={form.formRef} onSubmit={submit} noValidate className="stack panel receipt-form">
      <FormAlert error={form.error} fields={['receipt']} />
      <TextField
        label="Receipt code"
        name="receipt"
        autoComplete="off"
        spellCheck={false}
        inputMode="numeric"
        hint="36 digits, e.g. 4821-0937-5512-…; spaces and dashes do not matter. Wrong codes are counted: after a few the code is locked for a while."
        value={receipt}
        onChange={(event) => setReceipt(event.target.value)}
        error={form.fieldError('receipt')}
      />
      <div className="button-row">
        <button type="submit" className="button primary" disabled={form.busy} aria-busy={form.busy || undefined}>
          {form.busy ? 'Checking…' : 'Open my report'}
        </button>
      </div>
      <p className="hint">
        No receipt? Without it cvdesk cannot tell who you are; <Link to="/report">send a new report</Link> instead.
      </p>
    </form>
  );
}

function FollowUp({ access, onExpired }: { access: Access; onExpired: () => void }) {
  const { data: detail, error, reload: load } = useResource((signal) => incidentsApi.followUp(access.token, signal), [access.token]);
  const [keys, setKeys] = useState<PrivateKey[]>([]);
  const [keyProblem, setKeyProblem] = useState('');
  const [notice, setNotice] = useState('');

  // The reply key kept on the server is locked with the receipt: unlock it here.
  useEffect(() => {
    if (!detail?.replyKey || keys.length > 0) return;
    unlockKey(detail.replyKey, receiptPassphrase(access.receipt)).then(
      (key) => setKeys([key]),
      () => setKeyProblem('Your reply key could not be unlocked with this receipt code.'),
    );
  }, [detail?.replyKey, access.receipt, keys.length]);

  const { messages, decrypting } = useDecrypted(detail?.items, keys);

  if (error) {
    if (isApiError(error, 'receipt_invalid')) {
      return (
        <div className="alert alert-warning" role="alert">
          <p>This follow-up session has ended (it lasts 30 minutes). Enter your receipt code again.</p>
          <button type="button" className="button small" onClick={onExpired}>
            Enter the code again
          </button>
        </div>
      );
    }
    return <LoadError error={error} onRetry={load} />;
  }
  if (!detail) return <Loading />;
  const replies = detail.items.filter((m) => m.author === 'staff').length;
  return (
    <div className="stack">
      <section className="panel" aria-labelledby="followup-state">
        <h2 id="followup-state">Your report</h2>
        <dl className="incident-facts">
          <dt>Received</dt>
          <dd>
            <Time value={detail.receivedAt} />
          </dd>
          <dt>State</dt>
          <dd>
            <IncidentStateChip state={detail.state} />
          </dd>
          <dt>Messages</dt>
          <dd>
            {detail.items.length} ({replies} from the security team)
          </dd>
          {detail.unsealedAt && (
            <>
              <dt>Opened for work</dt>
              <dd>
                <Time value={detail.unsealedAt} />
              </dd>
            </>
          )}
        </dl>
      </section>
      <StatusMessage>{notice}</StatusMessage>
      {keyProblem && <p className="alert alert-warning">{keyProblem}</p>}
      {decrypting && <Loading label="Decrypting…" />}
      <MessageList
        messages={messages}
        sealedNote={(m) =>
          m.author === 'reporter'
            ? 'What you sent, encrypted for the security team: only they can read it.'
            : detail.hasReporterKey
              ? 'A reply, encrypted to your key: unlock your key below to read it.'
              : 'A reply you cannot decrypt (you gave no key).'
        }
      />
      {keys.length === 0 && detail.hasReporterKey && !detail.replyKey && replies > 0 && (
        <section className="panel" aria-labelledby="own-key">
          <h2 id="own-key">Read the replies with your key</h2>
          <OwnKeyUnlock unlock={unlockKey} onUnlocked={(key) => setKeys([key])} />
        </section>
      )}
      <AddInformation
        onAdded={() => {
          setNotice('Your message was encrypted and sent.');
          load();
        }}
        send={(message) => incidentsApi.followUpMessage(access.token, message)}
      />
    </div>
  );
}

/** More information from the reporter: the same package format, encrypted to the current organisation key. */
export function AddInformation({ send, onAdded }: { send: (message: string) => Promise<unknown>; onAdded: () => void }) {
  const ids = useId();
  const form = useSubmit();
  const [text, setText] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [intake, setIntake] = useState<IntakeInfo | undefined>();
  useEffect(() => {
    incidentsApi.intake().then(setIntake, () => undefined);
  }, []);
  function submit(event: FormEvent) {
    event.preventDefault();
    if (!text.trim() && files.length === 0) return form.setError(localInvalid('information', 'write something or add a file'));
    void form.run(
      async () => {
        const info = intake ?? (await incidentsApi.intake());
        if (!info.key) throw localInvalid('information', 'the organisation has no key to encrypt to right now');
        const message = await encryptTo([info.key.publicKey], packIncident({ description: text }, await packFiles(files)));
        if (message.length > info.maxMessageBytes) throw localInvalid('attachments', `the encrypted message is ${formatSize(message.length)}; at most ${formatSize(info.maxMessageBytes)} can be sent`);
        return send(message);
      },
      () => {
        setText('');
        setFiles([]);
        onAdded();
      },
    );
  }
  return (
    <section className="panel" aria-labelledby={`${ids}-add`}>
      <h2 id={`${ids}-add`}>Add information</h2>
      <form ref={form.formRef} onSubmit={submit} noValidate className="stack">
        <FormAlert error={form.error} fields={['information', 'attachments', 'message']} />
        <TextAreaField
          label="More information"
          name="information"
          rows={5}
          hint="Encrypted in this browser to the organisation key, like your report."
          value={text}
          onChange={(event) => setText(event.target.value)}
          error={form.fieldError('information') ?? form.fieldError('message')}
        />
        <FilePicker files={files} onChange={setFiles} error={form.fieldError('attachments')} />
        <div className="button-row">
          <button type="submit" className="button primary" disabled={form.busy} aria-busy={form.busy || undefined}>
            {form.busy ? 'Encrypting and sending…' : 'Encrypt and send'}
          </button>
        </div>
      </form>
    </section>
  );
}

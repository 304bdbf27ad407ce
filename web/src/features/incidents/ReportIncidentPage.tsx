import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import type { PrivateKey } from 'openpgp';
import { isApiError } from '../../api/client';
import { PGP_KEY_URL } from '../../api/endpoints';
import { useSession } from '../../app/session';
import { FormAlert, SelectField, TextField, localInvalid, useSubmit } from '../../components/forms';
import { TextAreaField } from '../../components/TextAreaField';
import { CopyButton, LoadError, Loading, PageHeader, Time } from '../../components/ui';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { Fingerprint } from '../keys/common';
import { programsApi } from '../reports/api';
import { incidentsApi } from './api';
import { FilePicker } from './parts';
import { RadioGroup } from './RadioGroup';
import { formatSize } from '../../lib/downloads';
import { encryptTo, generateReplyKey, packFiles, packIncident, protectReplyKey } from './sealed';
import type { ContactMethod, IntakeInfo, NewIncident, SubmittedIncident } from './types';

const FIELDS = ['title', 'description', 'steps', 'impact', 'asset', 'attachments', 'accept_unconditional', 'contact', 'publicKey', 'program', 'message'];

type ReplyKeyChoice = 'generate' | 'own' | 'none';

/** What the page says, in plain words, before anyone writes anything. */
export const UNCONDITIONAL_SENTENCE =
  'Information you send this way is shared unconditionally: no embargo demands, payment demands or agreements can be attached to it.';

/**
 * `/report`: the encrypted report form (no account needed). Everything the reporter writes and
 * every file is packed into one document and encrypted here, with OpenPGP.js, to the
 * organisation's current key; only the armoured ciphertext is sent.
 */
export function ReportIncidentPage() {
  useTitle('Report an incident, encrypted');
  const intake = useResource((signal) => incidentsApi.intake(signal), []);
  const [sent, setSent] = useState<{ submitted: SubmittedIncident; replyKey: PrivateKey | null } | null>(null);

  return (
    <section className="page narrow incident-report-page">
      {intake.loading && !intake.data && <Loading />}
      {intake.error && <LoadError error={intake.error} onRetry={intake.reload} />}
      {sent ? (
        <Submitted submitted={sent.submitted} replyKey={sent.replyKey} />
      ) : (
        intake.data && <ReportForm intake={intake.data} onStatementChanged={intake.reload} onSent={(submitted, replyKey) => setSent({ submitted, replyKey })} />
      )}
    </section>
  );
}

function ReportForm({ intake, onSent, onStatementChanged }: { intake: IntakeInfo; onSent: (s: SubmittedIncident, replyKey: PrivateKey | null) => void; onStatementChanged: () => void }) {
  const ids = useId();
  const form = useSubmit();
  const { session } = useSession();
  const signedIn = session?.stage === 'full';
  const programs = useResource((signal) => programsApi.list(signal), []);
  const [fields, setFields] = useState({ title: '', description: '', steps: '', impact: '', asset: '', contact: '' });
  const [program, setProgram] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [method, setMethod] = useState<ContactMethod>(signedIn ? 'none' : 'receipt');
  const [email, setEmail] = useState('');
  const [keyChoice, setKeyChoice] = useState<ReplyKeyChoice>(signedIn ? 'none' : 'generate');
  const [publicKey, setPublicKey] = useState('');
  const [accepted, setAccepted] = useState(false);
  // A new statement must be accepted again.
  useEffect(() => setAccepted(false), [intake.statement.version]);
  const [stage, setStage] = useState<'' | 'encrypting' | 'sending'>('');
  const set = (name: keyof typeof fields) => (event: { target: { value: string } }) => setFields((f) => ({ ...f, [name]: event.target.value }));
  const totalSize = files.reduce((sum, f) => sum + f.size, 0);
  const key = intake.key;
  const wantsReplies = method !== 'none' || signedIn;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!key) return;
    if (!fields.title.trim()) return form.setError(localInvalid('title', 'give the report a title'));
    if (!fields.description.trim()) return form.setError(localInvalid('description', 'describe what happened'));
    if (method === 'email' && !signedIn && !email.trim()) return form.setError(localInvalid('contact/email', 'give the address to notify, or choose another way'));
    if (keyChoice === 'own' && !publicKey.trim().startsWith('-----BEGIN PGP PUBLIC KEY BLOCK-----')) {
      return form.setError(localInvalid('publicKey', 'paste your armoured public key (-----BEGIN PGP PUBLIC KEY BLOCK-----)'));
    }
    if (totalSize > intake.maxMessageBytes) return form.setError(localInvalid('attachments', `the files are ${formatSize(totalSize)}; at most ${formatSize(intake.maxMessageBytes)} can be sent`));
    if (!accepted) return form.setError(localInvalid('accept_unconditional', 'tick the box: information sent this way is shared unconditionally, and is not accepted otherwise'));

    let replyKey: PrivateKey | null = null;
    void form.run(
      async () => {
        setStage('encrypting');
        const plaintext = packIncident({ ...fields, program }, await packFiles(files));
        const message = await encryptTo([key.publicKey], plaintext);
        if (message.length > intake.maxMessageBytes) {
          throw localInvalid('attachments', `the encrypted report is ${formatSize(message.length)}; at most ${formatSize(intake.maxMessageBytes)} can be sent — leave out some files`);
        }
        // A reply key is made only for an anonymous reporter who will come back with a receipt.
        if (keyChoice === 'generate' && !signedIn && method !== 'none') replyKey = (await generateReplyKey()).privateKey;
        setStage('sending');
        const body: NewIncident = {
          message,
          accept_unconditional: true,
          statementVersion: intake.statement.version,
          ...(program ? { program } : {}),
          contact: {
            method,
            ...(method === 'email' && email.trim() ? { email: email.trim() } : {}),
            ...(keyChoice === 'own' && wantsReplies ? { publicKey: publicKey.trim() } : {}),
          },
        };
        return incidentsApi.submit(body);
      },
      (submitted) => onSent(submitted, replyKey),
    ).then(() => setStage(''));
  }

  const statementChanged = form.error && isApiError(form.error, 'conflict') && form.error.fieldError('statementVersion');

  return (
    <>
      <PageHeader
        title="Report an incident, encrypted"
        description="Tell the security team about an incident or a vulnerability. No account is needed. What you write and every file you add are encrypted in this browser before anything is sent."
      />
      {!key ? (
        <div className="alert alert-warning" role="alert">
          <p>
            <strong>Encrypted reports cannot be taken yet:</strong> the organisation has no OpenPGP key. Please use the contact in its security.txt
            instead.
          </p>
        </div>
      ) : (
        <form ref={form.formRef} onSubmit={submit} noValidate className="stack incident-form">
          {statementChanged ? (
            <div className="form-alert" role="alert">
              <div className="alert alert-warning">
                <p>
                  <strong>The statement changed while you were writing.</strong> Nothing you wrote is lost. Read it again below, tick the box and send.
                </p>
                <button type="button" className="button small" onClick={onStatementChanged}>
                  Show the new statement
                </button>
              </div>
            </div>
          ) : (
            <FormAlert error={form.error} fields={FIELDS} />
          )}

          <section className="panel form-section" aria-labelledby={`${ids}-how`}>
            <h2 id={`${ids}-how`}>How this works</h2>
            <ul className="checklist">
              <li>
                Your report is encrypted here with OpenPGP to the organisation&rsquo;s key; the server stores only the ciphertext and cannot read it.
                Only the security team, with the key&rsquo;s passphrase, can.
              </li>
              <li>
                The key: <Fingerprint value={key.fingerprint} /> ({key.uid}) — also at <a href={PGP_KEY_URL}>{PGP_KEY_URL}</a>, to compare.
              </li>
              <li>{signedIn ? 'You are signed in: this report is linked to your account. To report anonymously, sign out first.' : 'You are not signed in: nothing links this report to you unless you say who you are.'}</li>
            </ul>
          </section>

          <section className="panel form-section" aria-labelledby={`${ids}-what`}>
            <h2 id={`${ids}-what`}>What happened</h2>
            {/* No spell check or autofill: browsers may send typed text to a cloud spell checker or keep it on disk. */}
            <TextField label="Title" name="title" required maxLength={300} autoComplete="off" spellCheck={false} hint="One line: what and where." value={fields.title} onChange={set('title')} error={form.fieldError('title')} />
            <TextAreaField
              label="Description"
              name="description"
              rows={8}
              required
              counter
              maxLength={100_000}
              spellCheck={false}
              hint="What you found or saw, where, and why it matters. Plain text; it is shown to the team as you write it."
              value={fields.description}
              onChange={set('description')}
              error={form.fieldError('description')}
            />
            <TextAreaField label="Steps to reproduce" name="steps" rows={5} optional counter maxLength={100_000} spellCheck={false} value={fields.steps} onChange={set('steps')} error={form.fieldError('steps')} />
            <TextAreaField label="Impact" name="impact" rows={3} optional counter maxLength={50_000} spellCheck={false} value={fields.impact} onChange={set('impact')} error={form.fieldError('impact')} />
            <TextField label="Affected system or asset" name="asset" optional maxLength={1000} autoComplete="off" spellCheck={false} hint="A host, URL, app or package." value={fields.asset} onChange={set('asset')} error={form.fieldError('asset')} />
            {programs.data && programs.data.items.length > 0 && (
              <SelectField
                label="Programme"
                name="program"
                optional
                value={program}
                onChange={(event) => setProgram(event.target.value)}
                hint="Which programme it concerns, if you know. This is the one thing sent in the clear, to route the report."
                error={form.fieldError('program')}
              >
                <option value="">Not sure / none</option>
                {programs.data.items.map((p) => (
                  <option key={p.id} value={p.slug}>
                    {p.name}
                  </option>
                ))}
              </SelectField>
            )}
            <FilePicker files={files} onChange={setFiles} error={form.fieldError('attachments')} />
          </section>

          <section className="panel form-section" aria-labelledby={`${ids}-replies`}>
            <h2 id={`${ids}-replies`}>Replies</h2>
            {signedIn ? (
              <RadioGroup<ContactMethod>
                legend="How should the team reach you?"
                name="method"
                value={method}
                onChange={setMethod}
                options={[
                  { value: 'none', label: 'In my account', hint: 'Follow the report under Incidents.' },
                  { value: 'email', label: 'In my account, and a mail when there is a reply', hint: 'The mail says only that a reply is waiting.' },
                ]}
              />
            ) : (
              <RadioGroup<ContactMethod>
                legend="How do you want to come back for replies?"
                name="method"
                value={method}
                onChange={setMethod}
                options={[
                  { value: 'receipt', label: 'With a receipt code', hint: 'Shown once after sending: write it down.' },
                  { value: 'email', label: 'With a receipt code, and a mail when there is a reply', hint: 'The mail says only that a reply is waiting; the address is kept sealed.' },
                  { value: 'none', label: 'No replies', hint: 'Send and forget: no receipt, no way back to this report.' },
                ]}
              />
            )}
            {method === 'email' && (
              <TextField
                label="Email address for notices"
                name="contact/email"
                type="email"
                autoComplete="email"
                optional={signedIn}
                hint={signedIn ? 'Leave it empty to use your account’s address.' : undefined}
                value={email}
                onChange={(event) => setEmail(event.target.value)}
                error={form.fieldError('contact/email')}
              />
            )}
            {wantsReplies && (
              <RadioGroup<ReplyKeyChoice>
                legend="Encrypted replies"
                name="replyKey"
                value={keyChoice}
                onChange={setKeyChoice}
                options={[
                  ...(!signedIn
                    ? [{ value: 'generate' as const, label: 'Make a reply key for me', hint: 'A key pair is made in this browser; its private half is kept on the server locked with your receipt code, so only the code opens the replies.' }]
                    : []),
                  { value: 'own', label: 'Use my own OpenPGP key', hint: 'Replies are encrypted to your public key; you read them with your private key, which never leaves your machine.' },
                  { value: 'none', label: 'No key', hint: 'The team cannot send you encrypted replies.' },
                ]}
              />
            )}
            {wantsReplies && keyChoice === 'own' && (
              <TextAreaField
                label="Your public key"
                name="publicKey"
                rows={5}
                spellCheck={false}
                hint="Armoured: -----BEGIN PGP PUBLIC KEY BLOCK-----."
                value={publicKey}
                onChange={(event) => setPublicKey(event.target.value)}
                error={form.fieldError('publicKey') ?? form.fieldError('contact/publicKey')}
              />
            )}
            <TextAreaField
              label="Anything else about reaching you"
              name="contact"
              rows={2}
              optional
              hint="Encrypted with the report: only the team reads it."
              value={fields.contact}
              onChange={set('contact')}
            />
          </section>

          <section className="panel form-section emphasis" aria-labelledby={`${ids}-terms`}>
            <h2 id={`${ids}-terms`}>Shared unconditionally</h2>
            <p>
              <strong>{UNCONDITIONAL_SENTENCE}</strong>
            </p>
            <div className="statement">{intake.statement.text}</div>
            <div className={['checkbox', 'accept', form.fieldError('accept_unconditional') ? 'has-error' : ''].join(' ').trim()}>
              <input
                type="checkbox"
                id={`${ids}-accept`}
                name="accept_unconditional"
                checked={accepted}
                aria-invalid={form.fieldError('accept_unconditional') ? true : undefined}
                aria-describedby={form.fieldError('accept_unconditional') ? `${ids}-accept-error` : undefined}
                onChange={(event) => setAccepted(event.target.checked)}
              />
              <label htmlFor={`${ids}-accept`}>I accept that what I send is shared unconditionally (statement version {intake.statement.version}).</label>
            </div>
            {form.fieldError('accept_unconditional') && (
              <p id={`${ids}-accept-error`} className="field-error">
                {form.fieldError('accept_unconditional')}
              </p>
            )}
            <div className="button-row">
              <button type="submit" className="button primary" disabled={form.busy} aria-busy={form.busy || undefined}>
                {stage === 'encrypting' ? 'Encrypting…' : stage === 'sending' ? 'Sending…' : 'Encrypt and send'}
              </button>
              {files.length > 0 && <span className="muted">{files.length} file{files.length === 1 ? '' : 's'}, {formatSize(totalSize)}</span>}
            </div>
          </section>
        </form>
      )}
    </>
  );
}

/**
 * After sending: the receipt, once. With a reply key made here, it is locked with the receipt
 * and stored (PUT /incidents/followup/reply-key) before the page lets go of it.
 */
function Submitted({ submitted, replyKey }: { submitted: SubmittedIncident; replyKey: PrivateKey | null }) {
  const { session } = useSession();
  const [keyState, setKeyState] = useState<'idle' | 'storing' | 'stored' | 'failed'>(replyKey ? 'storing' : 'idle');
  const started = useRef(false);
  const receipt = submitted.receipt;
  useEffect(() => {
    if (!replyKey || !receipt || started.current) return;
    started.current = true;
    void (async () => {
      try {
        const grant = await incidentsApi.redeemReceipt(receipt);
        await incidentsApi.setReplyKey(grant.token, await protectReplyKey(replyKey, receipt));
        setKeyState('stored');
      } catch {
        setKeyState('failed');
      }
    })();
  }, [replyKey, receipt]);
  return (
    <>
      <PageHeader title="Report received" description={<>Encrypted and stored at <Time value={submitted.receivedAt} />. The security team has been alerted.</>} />
      {receipt ? (
        <section className="panel receipt-panel" aria-labelledby="receipt-heading">
          <h2 id="receipt-heading">Your receipt code</h2>
          <p className="alert alert-warning">
            <strong>Write this down now.</strong> It is shown only once: cvdesk keeps only a hash of it and cannot show it again. Without it you
            cannot read replies or add information.
          </p>
          <p className="receipt-code" data-testid="receipt">
            {receipt}
          </p>
          <p>
            <CopyButton text={receipt} label="Copy the receipt code" />
          </p>
          {submitted.receiptExpiresAt && (
            <p className="hint">
              Valid until <Time value={submitted.receiptExpiresAt} />, and longer each time you use it.
            </p>
          )}
          <div role="status">
            {keyState === 'storing' && <p className="muted">Storing your reply key, locked with this code…</p>}
            {keyState === 'stored' && <p>Your reply key is stored, locked with this code: replies will be encrypted to it.</p>}
            {keyState === 'failed' && (
              <p className="alert alert-warning">Your reply key could not be stored. The team can still see your report; replies may not be readable.</p>
            )}
          </div>
          <p>
            Come back at <Link to="/report/follow-up">/report/follow-up</Link> with the code to read replies and add information.
          </p>
        </section>
      ) : (
        <section className="panel">
          {session?.stage === 'full' ? (
            <p>
              It is linked to your account: <Link to={`/incidents/${submitted.id}`}>follow it there</Link>.
            </p>
          ) : (
            <p>You chose no replies: there is nothing more to do. Thank you.</p>
          )}
        </section>
      )}
    </>
  );
}

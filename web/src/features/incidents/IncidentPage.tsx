import { useEffect, useId, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import type { PrivateKey } from 'openpgp';
import { useSignedIn } from '../../app/session';
import { Dialog } from '../../components/Dialog';
import { FormActions } from '../../components/FormActions';
import { OrgKeyUnlockForm } from '../../components/OrgKeyUnlockForm';
import { FormAlert, SelectField, StatusMessage, TextField, localInvalid, useSubmit } from '../../components/forms';
import { TextAreaField } from '../../components/TextAreaField';
import { LoadError, Loading, PageHeader, Time } from '../../components/ui';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { Fingerprint } from '../keys/common';
import { programsApi } from '../reports/api';
import { triages } from '../reports/roles';
import { incidentsApi } from './api';
import { AddInformation } from './FollowUpPage';
import { FilePicker, IncidentStateChip, MessageList, OwnKeyUnlock, type MessageView } from './parts';
import { formatSize } from '../../lib/downloads';
import { unlockKey } from '../../lib/openpgp';
import { encryptTo, packFiles, packReply, type SealedContent } from './sealed';
import type { Incident, IncidentDetail } from './types';
import { useDecrypted } from './useDecrypted';

/**
 * `/incidents/:id`: one sealed incident. Staff unlock the organisation key here with its
 * passphrase (neither the passphrase nor the unlocked key is sent anywhere), read the report and
 * its files, reply encrypted, acknowledge, close, and unseal it into an ordinary report. Every
 * opening of this page is an audited reading of the sealed content. Plain mail (not `sealed`) has
 * nothing sealed: the page points to its open report and offers acknowledging and closing.
 */
export function IncidentPage() {
  const { id = '' } = useParams();
  const session = useSignedIn();
  const staff = triages(session.user.roles);
  const resource = useResource((signal) => incidentsApi.get(id, signal), [id]);
  const [keys, setKeys] = useState<PrivateKey[]>([]);
  const [orgPublicKey, setOrgPublicKey] = useState<string | null>(null);
  const [notice, setNotice] = useState('');
  const detail = resource.data;
  useTitle(detail && !detail.sealed ? 'Incident: plain mail' : 'Sealed incident');
  const { messages, decrypting } = useDecrypted(detail?.items, keys);

  return (
    <section className="page incident-page">
      <p className="breadcrumbs">
        <Link to="/incidents">Sealed incidents</Link>
      </p>
      {resource.loading && !detail && <Loading />}
      {resource.error && <LoadError error={resource.error} onRetry={resource.reload} />}
      {detail && (
        <>
          <PageHeader title={<>Incident received <Time value={detail.receivedAt} /></>} description={<IncidentStateChip state={detail.state} />} />
          <StatusMessage>{notice}</StatusMessage>
          <Facts incident={detail} />
          {staff && (
            <Actions
              incident={detail}
              messages={messages}
              onChanged={(incident, text) => {
                resource.setData((d) => (d ? { ...d, ...incident } : d));
                setNotice(text);
              }}
            />
          )}
          {!detail.sealed ? (
            <OpenReport incident={detail} />
          ) : keys.length === 0 ? (
            staff ? (
              <OrgKeyUnlock
                incident={detail}
                onUnlocked={(unlocked, publicKey) => {
                  setKeys(unlocked);
                  setOrgPublicKey(publicKey);
                }}
              />
            ) : (
              detail.items.some((m) => m.author === 'staff') && (
                <section className="panel" aria-labelledby="own-key">
                  <h2 id="own-key">Read the replies with your key</h2>
                  <OwnKeyUnlock unlock={unlockKey} onUnlocked={(key) => setKeys([key])} />
                </section>
              )
            )
          ) : (
            <p className="alert alert-info unlocked-note">
              The key is unlocked in this page only. Leaving or reloading the page locks it again.{' '}
              <button type="button" className="button small" onClick={() => setKeys([])}>
                Lock now
              </button>
            </p>
          )}
          {detail.sealed && (
            <section aria-labelledby="messages-heading">
              <h2 id="messages-heading">Messages</h2>
              {decrypting && <Loading label="Decrypting…" />}
              <MessageList
                messages={messages}
                sealedNote={(m) =>
                  !staff && m.author === 'reporter'
                    ? 'What you sent, encrypted for the security team: only they can read it.'
                    : keys.length > 0
                      ? 'This message could not be decrypted with the unlocked key.'
                      : 'Sealed. Unlock the key to read it.'
                }
              />
            </section>
          )}
          {staff && keys.length > 0 && orgPublicKey && (
            <ReplyForm
              incident={detail}
              orgPublicKey={orgPublicKey}
              onSent={() => {
                setNotice('Your reply was encrypted and sent.');
                resource.reload();
              }}
            />
          )}
          {!staff && detail.sealed && (
            <AddInformation
              send={(message) => incidentsApi.reply(detail.id, message)}
              onAdded={() => {
                setNotice('Your message was encrypted and sent.');
                resource.reload();
              }}
            />
          )}
        </>
      )}
    </section>
  );
}

function Facts({ incident }: { incident: IncidentDetail }) {
  return (
    <section className="panel" aria-labelledby="facts-heading">
      <h2 id="facts-heading" className="visually-hidden">
        Facts
      </h2>
      <dl className="incident-facts">
        <dt>Programme</dt>
        <dd>{incident.program?.name ?? <span className="muted">none named</span>}</dd>
        <dt>From</dt>
        <dd>{incident.source === 'mail' ? (incident.sealed ? 'Mail intake' : 'Mail intake, unencrypted') : 'Web form'}</dd>
        {incident.sealed && (
          <>
            <dt>Size</dt>
            <dd>{formatSize(incident.size)} encrypted</dd>
            <dt>Replies</dt>
            <dd>
              {incident.contactMethod === 'none' ? 'No way back to the reporter' : incident.contactMethod === 'email' ? 'Receipt code and mail notice' : 'Receipt code'}
              {incident.hasReporterKey ? '; encrypted to the reporter’s key' : '; the reporter gave no key'}
            </dd>
          </>
        )}
        <dt>Accepted</dt>
        <dd>
          Shared unconditionally (statement version {incident.acceptance.statementVersion}
          {incident.acceptance.programPolicyVersion ? `, programme policy version ${incident.acceptance.programPolicyVersion}` : ''}) at{' '}
          <Time value={incident.acceptance.acceptedAt} />
        </dd>
        <dt>Alarms</dt>
        <dd>
          {incident.alarms}
          {incident.acknowledgedAt && (
            <>
              {' '}
              · acknowledged <Time value={incident.acknowledgedAt} />
              {incident.acknowledgedBy ? ` by ${incident.acknowledgedBy}` : ''}
            </>
          )}
        </dd>
        {incident.unsealedAt && (
          <>
            <dt>Unsealed</dt>
            <dd>
              <Time value={incident.unsealedAt} />
              {incident.unsealedBy ? ` by ${incident.unsealedBy}` : ''}
              {incident.reportId && (
                <>
                  {' '}
                  — <Link to={`/reports/${incident.reportId}`}>open the report</Link>
                </>
              )}
            </dd>
          </>
        )}
        {incident.deletesAt && (
          <>
            <dt>Deleted</dt>
            <dd>
              <Time value={incident.deletesAt} /> (retention)
            </dd>
          </>
        )}
        {incident.sealed && (
          <>
            <dt>Encrypted to</dt>
            <dd>
              {incident.encryptedTo.map((r) => (
                <div key={r.keyId}>
                  <Fingerprint value={r.fingerprint} />
                </div>
              ))}
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}

/** Plain mail: what was sent is the open report, read and answered there (public replies are mailed to the sender). */
function OpenReport({ incident }: { incident: IncidentDetail }) {
  return (
    <section className="panel" aria-labelledby="open-report-heading">
      <h2 id="open-report-heading">Sent unencrypted</h2>
      <p>
        This came in by mail without encryption and was filed as an open report. Nothing of it is sealed here: read it and answer it on the report
        (public replies there are mailed to the sender). Acknowledge it here to stop the alarms.
      </p>
      {incident.reportId && (
        <p>
          <Link className="button primary" to={`/reports/${incident.reportId}`}>
            Open the report
          </Link>
        </p>
      )}
    </section>
  );
}

/**
 * Unlocks the organisation keys this incident may need: the current one and the ones it was
 * encrypted to (each fetch is audited), with the passphrase, here.
 */
function OrgKeyUnlock({ incident, onUnlocked }: { incident: IncidentDetail; onUnlocked: (keys: PrivateKey[], currentPublicKey: string) => void }) {
  const ids = useId();
  return (
    <section className="panel" aria-labelledby={`${ids}-unlock`}>
      <h2 id={`${ids}-unlock`}>Unlock the organisation key</h2>
      <OrgKeyUnlockForm otherKeys={() => incident.encryptedTo.map((r) => r.fingerprint)} onUnlocked={({ keys, currentPublicKey }) => onUnlocked(keys, currentPublicKey)} />
    </section>
  );
}

function ReplyForm({ incident, orgPublicKey, onSent }: { incident: IncidentDetail; orgPublicKey: string; onSent: () => void }) {
  const ids = useId();
  const form = useSubmit();
  const [text, setText] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const reporterKey = incident.contact?.publicKey ?? null;
  const mailed = incident.source === 'mail';
  function submit(event: FormEvent) {
    event.preventDefault();
    if (!text.trim()) return form.setError(localInvalid('reply', 'write a reply'));
    void form.run(
      async () => {
        // Mailed-in reporters get the armoured reply by mail: plain text, readable by any mail client.
        const plaintext = mailed ? text : packReply(text, await packFiles(files));
        const message = await encryptTo(reporterKey ? [reporterKey, orgPublicKey] : [orgPublicKey], plaintext);
        return incidentsApi.reply(incident.id, message);
      },
      () => {
        setText('');
        setFiles([]);
        onSent();
      },
    );
  }
  return (
    <section className="panel" aria-labelledby={`${ids}-reply`}>
      <h2 id={`${ids}-reply`}>Reply</h2>
      {!reporterKey && (
        <>
          <p className="alert alert-warning">
            The reporter gave no key: a reply is encrypted to the organisation key only, and the reporter cannot read it.
          </p>
          {/* A reporter with a receipt gives their own key with it. */}
          {incident.contactMethod !== 'receipt' && <ReporterKeyForm incident={incident} onSet={onSent} />}
        </>
      )}
      <form ref={form.formRef} onSubmit={submit} noValidate className="stack">
        <FormAlert error={form.error} fields={['reply', 'attachments', 'message']} />
        <TextAreaField
          label="Your reply"
          name="reply"
          rows={5}
          hint={reporterKey ? 'Encrypted here to the reporter’s key and the organisation key.' : 'Encrypted here to the organisation key.'}
          value={text}
          onChange={(event) => setText(event.target.value)}
          error={form.fieldError('reply') ?? form.fieldError('message')}
        />
        {!mailed && <FilePicker files={files} onChange={setFiles} error={form.fieldError('attachments')} />}
        <div className="button-row">
          <button type="submit" className="button primary" disabled={form.busy} aria-busy={form.busy || undefined}>
            {form.busy ? 'Encrypting and sending…' : 'Encrypt and send reply'}
          </button>
        </div>
      </form>
    </section>
  );
}

/** Staff give the reporter's public key (sent another way, or inside the encrypted mail); it cannot be changed afterwards. */
function ReporterKeyForm({ incident, onSet }: { incident: IncidentDetail; onSet: () => void }) {
  const form = useSubmit();
  const [publicKey, setPublicKey] = useState('');
  function submit(event: FormEvent) {
    event.preventDefault();
    if (!publicKey.trim()) return form.setError(localInvalid('publicKey', 'paste the reporter’s armoured public key'));
    void form.run(
      () => incidentsApi.setReporterKey(incident.id, publicKey.trim()),
      () => {
        setPublicKey('');
        onSet();
      },
    );
  }
  return (
    <form ref={form.formRef} onSubmit={submit} noValidate className="stack">
      <FormAlert error={form.error} fields={['publicKey']} />
      <TextAreaField
        label="The reporter’s public key"
        name="publicKey"
        rows={4}
        hint="If the reporter sent their key another way (or inside the encrypted mail), paste it here: replies are then encrypted to it. It cannot be changed afterwards."
        value={publicKey}
        onChange={(event) => setPublicKey(event.target.value)}
        error={form.fieldError('publicKey')}
      />
      <div className="button-row">
        <button type="submit" className="button" disabled={form.busy} aria-busy={form.busy || undefined}>
          Use this key
        </button>
      </div>
    </form>
  );
}

function Actions({ incident, messages, onChanged }: { incident: IncidentDetail; messages: MessageView[]; onChanged: (incident: Incident, notice: string) => void }) {
  const ack = useSubmit();
  const [closing, setClosing] = useState(false);
  const [unsealing, setUnsealing] = useState(false);
  return (
    <section className="panel incident-actions" aria-labelledby="actions-heading">
      <h2 id="actions-heading">Actions</h2>
      <FormAlert error={ack.error} />
      <div className="button-row">
        {incident.state === 'new' && (
          <button
            type="button"
            className="button primary"
            disabled={ack.busy}
            onClick={() => void ack.run(() => incidentsApi.acknowledge(incident.id), (changed) => onChanged(changed, 'Acknowledged: the alarms have stopped.'))}
          >
            Acknowledge
          </button>
        )}
        {incident.state === 'closed' && (
          <button
            type="button"
            className="button"
            disabled={ack.busy}
            onClick={() => void ack.run(() => incidentsApi.acknowledge(incident.id), (changed) => onChanged(changed, 'Reopened.'))}
          >
            Reopen
          </button>
        )}
        {incident.state !== 'closed' && (
          <button type="button" className="button" onClick={() => setClosing(true)}>
            Close
          </button>
        )}
        {incident.sealed && !incident.unsealedAt && (
          <button type="button" className="button danger" onClick={() => setUnsealing(true)}>
            Unseal…
          </button>
        )}
      </div>
      <Dialog open={closing} onClose={() => setClosing(false)} title="Close this incident">
        <CloseForm
          incident={incident}
          onCancel={() => setClosing(false)}
          onClosed={(changed) => {
            setClosing(false);
            onChanged(changed, 'Closed.');
          }}
        />
      </Dialog>
      <Dialog open={unsealing} onClose={() => setUnsealing(false)} title="Unseal into a report" wide>
        <UnsealForm incident={incident} messages={messages} onCancel={() => setUnsealing(false)} />
      </Dialog>
    </section>
  );
}

function CloseForm({ incident, onCancel, onClosed }: { incident: Incident; onCancel: () => void; onClosed: (incident: Incident) => void }) {
  const form = useSubmit();
  const [reason, setReason] = useState('');
  return (
    <form
      ref={form.formRef}
      className="dialog-body stack"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void form.run(() => incidentsApi.close(incident.id, reason.trim() || undefined), onClosed);
      }}
    >
      <FormAlert error={form.error} fields={['reason']} />
      <TextAreaField label="Reason" name="reason" rows={3} optional maxLength={2000} value={reason} onChange={(event) => setReason(event.target.value)} error={form.fieldError('reason')} />
      {!incident.reportId && <p className="hint">A closed incident that was never unsealed is deleted when its retention time has passed.</p>}
      <FormActions submit="Close incident" busy={form.busy} busyLabel="Closing…" onCancel={onCancel} />
    </form>
  );
}

/** What the unseal form starts from: the web form's fields, or a mailed-in message's subject and text. */
function unsealFields(content: SealedContent | null | undefined): Record<string, string> {
  if (content?.kind === 'incident') return Object.fromEntries(content.fields);
  if (content?.kind === 'mime') return { title: (content.subject ?? '').slice(0, 200), description: content.texts.join('\n\n') };
  return {};
}

/**
 * Unsealing: what the triager decrypted and chooses (they may redact) becomes an ordinary report.
 * An explicit, audited act: the reason is required and kept in the audit log with who did it.
 */
function UnsealForm({ incident, messages, onCancel }: { incident: IncidentDetail; messages: MessageView[]; onCancel: () => void }) {
  const navigate = useNavigate();
  const form = useSubmit();
  const programs = useResource((signal) => programsApi.list(signal), []);
  const first = messages.find((m) => m.content?.kind === 'incident' || m.content?.kind === 'mime')?.content;
  const decrypted = unsealFields(first);
  const [reason, setReason] = useState('');
  const [program, setProgram] = useState(incident.program?.slug ?? '');
  const [report, setReport] = useState({
    title: decrypted.title ?? '',
    description: decrypted.description ?? '',
    steps: decrypted.steps ?? '',
    impact: decrypted.impact ?? '',
    assetOther: decrypted.asset ?? '',
  });
  useEffect(() => {
    if (!program && programs.data?.items[0]) setProgram(programs.data.items[0].slug);
  }, [programs.data, program]);
  const set = (name: keyof typeof report) => (event: { target: { value: string } }) => setReport((r) => ({ ...r, [name]: event.target.value }));
  function submit(event: FormEvent) {
    event.preventDefault();
    if (!reason.trim()) return form.setError(localInvalid('reason', 'say why this incident is unsealed: it is kept in the audit log'));
    if (!report.title.trim()) return form.setError(localInvalid('report/title', 'give the report a title'));
    if (!report.description.trim()) return form.setError(localInvalid('report/description', 'the report needs a description'));
    void form.run(
      () =>
        incidentsApi.unseal(incident.id, reason.trim(), {
          ...(program ? { program } : {}),
          title: report.title.trim(),
          description: report.description,
          ...(report.steps.trim() ? { steps: report.steps } : {}),
          ...(report.impact.trim() ? { impact: report.impact } : {}),
          ...(report.assetOther.trim() ? { assetOther: report.assetOther.trim() } : {}),
        }),
      (result) => navigate(`/reports/${result.reportId}`),
    );
  }
  return (
    <form ref={form.formRef} className="dialog-body stack" noValidate onSubmit={submit}>
      <p>
        Unsealing files what you enter below as an ordinary report, readable by everyone who works reports. The sealed original stays sealed. It is
        recorded in the audit log with your name and your reason. {first ? 'The fields are filled from the decrypted report: remove what should not be opened.' : 'Unlock the key first to fill the fields from the report.'}
      </p>
      <FormAlert error={form.error} fields={['reason', 'report/title', 'report/description', 'report/steps', 'report/impact', 'report/program', 'report/assetOther']} />
      <TextAreaField label="Why unseal it?" name="reason" rows={2} maxLength={2000} required value={reason} onChange={(event) => setReason(event.target.value)} error={form.fieldError('reason')} />
      <SelectField label="Programme" name="report/program" value={program} onChange={(event) => setProgram(event.target.value)} error={form.fieldError('report/program')}>
        {!incident.program && <option value="">Choose a programme…</option>}
        {incident.program && <option value={incident.program.slug}>{incident.program.name}</option>}
        {programs.data?.items
          .filter((p) => p.slug !== incident.program?.slug)
          .map((p) => (
            <option key={p.id} value={p.slug}>
              {p.name}
            </option>
          ))}
      </SelectField>
      <TextField label="Title" name="report/title" maxLength={200} value={report.title} onChange={set('title')} error={form.fieldError('report/title')} />
      <TextAreaField label="Description" name="report/description" rows={6} value={report.description} onChange={set('description')} error={form.fieldError('report/description')} />
      <TextAreaField label="Steps to reproduce" name="report/steps" rows={4} optional value={report.steps} onChange={set('steps')} error={form.fieldError('report/steps')} />
      <TextAreaField label="Impact" name="report/impact" rows={3} optional value={report.impact} onChange={set('impact')} error={form.fieldError('report/impact')} />
      <TextField label="Affected asset" name="report/assetOther" optional maxLength={500} value={report.assetOther} onChange={set('assetOther')} error={form.fieldError('report/assetOther')} />
      <FormActions submit="Unseal into a report" busy={form.busy} busyLabel="Unsealing…" onCancel={onCancel} danger />
    </form>
  );
}

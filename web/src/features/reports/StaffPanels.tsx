import { useEffect, useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Link } from 'react-router';
import { toApiError, type ApiError } from '../../api/client';
import { useSignedIn } from '../../app/session';
import { CvssVectorsField, filledVectors } from '../../components/CvssVectorsField';
import { CwePicker, type CweValue } from '../../components/CwePicker';
import { Dialog } from '../../components/Dialog';
import { FormAlert, SelectField, TextField, localInvalid, useSubmit } from '../../components/forms';
import { FormActions } from '../../components/FormActions';
import { StateChip } from '../../components/ReportChips';
import { TextAreaField } from '../../components/TextAreaField';
import { Empty, LoadError, Loading, Time } from '../../components/ui';
import type { Resource } from '../../lib/useResource';
import { referenceApi, reportsApi } from './api';
import { STATE_HINTS, stateLabel } from './labels';
import { CLOSING_STATES, PRIORITIES, type DuplicateSuggestion, type Priority, type Report, type ReportState, type ScopeAsset } from './types';
import type { StaffMember } from './useStaffDirectory';
import { DraftCveRecordButton } from '../cve-records/DraftFromReport';
import { shortRef } from '../../shared/server';

/** The verb on the button that moves a report to a state. */
const MOVE_LABELS: Partial<Record<ReportState, string>> = {
  new: 'Reopen',
  triaged: 'Triage',
  needs_more_info: 'Ask for more info',
  duplicate: 'Duplicate…',
  informative: 'Informative…',
  not_applicable: 'Not applicable…',
  spam: 'Spam…',
  resolved: 'Resolve…',
};

export function moveLabel(report: Report, to: ReportState): string {
  if (to === 'triaged' && report.state === 'resolved') return 'Reopen as triaged';
  if (to === 'triaged' && report.state === 'needs_more_info') return 'Triage';
  return MOVE_LABELS[to] ?? stateLabel(to);
}

/** State buttons, assignee, priority, labels, asset and the severity editor: what a triager changes. */
export function TriagePanel({
  report,
  members,
  scope,
  duplicates,
  onChanged,
  transitionTo,
  setTransitionTo,
}: {
  report: Report;
  members: StaffMember[];
  /** The programme's scope assets, once loaded. */
  scope: ScopeAsset[];
  duplicates: DuplicateSuggestion[];
  onChanged: (report: Report | null, notice: string) => void;
  transitionTo: ReportState | null;
  setTransitionTo: (state: ReportState | null) => void;
}) {
  const { user } = useSignedIn();
  const [editingSeverity, setEditingSeverity] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [busy, setBusy] = useState<string | null>(null);
  const allowed = report.allowedTransitions ?? [];

  async function patch(field: string, changes: Parameters<typeof reportsApi.triage>[1], notice: string) {
    setBusy(field);
    setError(undefined);
    try {
      onChanged(await reportsApi.triage(report.id, changes), notice);
    } catch (reason) {
      setError(toApiError(reason));
    } finally {
      setBusy(null);
    }
  }

  const others = members.filter((m) => m.id !== user.id);
  const assigneeKnown = !report.assigneeId || report.assigneeId === user.id || others.some((m) => m.id === report.assigneeId);

  return (
    <section className="panel triage-panel" aria-labelledby="triage-heading">
      <h2 id="triage-heading" tabIndex={-1}>
        Triage
      </h2>
      <FormAlert error={error} />

      <div className="triage-block">
        <h3 className="mini-heading">Move to</h3>
        {allowed.length === 0 ? (
          <p className="muted">This report cannot change state any more.</p>
        ) : (
          <div className="button-row state-buttons">
            {/* "Disclosed" is reached through the disclosure panel, which publishes the report. */}
            {allowed.filter((to) => to !== 'disclosed').map((to) => (
              <button
                key={to}
                type="button"
                className={to === 'triaged' || to === 'resolved' ? 'button small primary' : 'button small'}
                title={STATE_HINTS[to]}
                onClick={() => setTransitionTo(to)}
              >
                {moveLabel(report, to)}
              </button>
            ))}
          </div>
        )}
      </div>

      <SelectField
        label="Assignee"
        name="assignee"
        value={report.assigneeId ?? ''}
        disabled={busy === 'assignee'}
        onChange={(event) => {
          const value = event.target.value || null;
          const who = value === null ? 'nobody' : value === user.id ? 'you' : (members.find((m) => m.id === value)?.name ?? 'them');
          void patch('assignee', { assigneeId: value }, `Assigned to ${who}.`);
        }}
      >
        <option value="">Unassigned</option>
        <option value={user.id}>Me ({user.name || user.email})</option>
        {others.map((m) => (
          <option key={m.id} value={m.id}>
            {m.name}
          </option>
        ))}
        {!assigneeKnown && <option value={report.assigneeId!}>Account {shortRef(report.assigneeId!)}</option>}
      </SelectField>

      <SelectField
        label="Priority"
        name="priority"
        value={report.priority ?? 'P3'}
        disabled={busy === 'priority'}
        hint="Suggested from the score, and follows it until set here; P1 is the most urgent."
        onChange={(event) => void patch('priority', { priority: event.target.value as Priority }, `Priority set to ${event.target.value}.`)}
      >
        {PRIORITIES.map((p) => (
          <option key={p} value={p}>
            {p}
          </option>
        ))}
      </SelectField>

      <LabelEditor labels={report.labels ?? []} busy={busy === 'labels'} onSave={(labels, notice) => void patch('labels', { labels }, notice)} />

      {scope.length > 0 && (
        <SelectField
          label="Asset"
          name="assetId"
          value={report.asset?.id ?? ''}
          disabled={busy === 'asset'}
          hint={report.asset?.reportedAs ? `The reporter named “${report.asset.reportedAs}”. The asset's tier sets the reward range.` : "The asset's tier sets the reward range."}
          onChange={(event) => {
            const asset = scope.find((a) => a.id === event.target.value);
            if (asset) void patch('asset', { assetId: asset.id }, `Filed against ${asset.identifier}.`);
          }}
        >
          {!report.asset?.id && <option value="">{report.asset ? `Not listed: ${report.asset.identifier}` : 'Not given'}</option>}
          {scope.map((a) => (
            <option key={a.id} value={a.id}>
              {a.identifier} ({a.inScope ? `tier ${a.tier}` : 'out of scope'})
            </option>
          ))}
        </SelectField>
      )}

      <div className="triage-block">
        <h3 className="mini-heading">Severity and weakness</h3>
        <p>
          {report.cvss.length ? (
            report.cvss.map((v) => (
              <code key={v.vector} className="vector">
                {v.vector}
              </code>
            ))
          ) : (
            <span className="muted">No CVSS vector.</span>
          )}
        </p>
        <button type="button" className="button small" onClick={() => setEditingSeverity(true)}>
          Edit CVSS and CWE
        </button>
      </div>

      {user.roles.some((r) => r === 'triager' || r === 'lead' || r === 'cna') && <DraftCveRecordButton reportId={report.id} />}

      <Dialog open={editingSeverity} onClose={() => setEditingSeverity(false)} title="Severity and weakness" wide>
        {editingSeverity && (
          <SeverityForm
            report={report}
            onSaved={(updated) => {
              setEditingSeverity(false);
              onChanged(updated, 'Severity and weakness saved.');
            }}
            onCancel={() => setEditingSeverity(false)}
          />
        )}
      </Dialog>

      <Dialog open={transitionTo !== null} onClose={() => setTransitionTo(null)} title={transitionTo ? `Move to “${stateLabel(transitionTo)}”` : ''}>
        {transitionTo && (
          <TransitionForm
            report={report}
            to={transitionTo}
            duplicates={duplicates}
            onDone={(updated) => {
              setTransitionTo(null);
              onChanged(updated, `Moved to ${stateLabel(updated.state)}.`);
              // The button that opened the dialog may be gone (other moves are allowed now).
              window.setTimeout(() => document.getElementById('triage-heading')?.focus(), 0);
            }}
            onCancel={() => setTransitionTo(null)}
          />
        )}
      </Dialog>
    </section>
  );
}

function LabelEditor({ labels, busy, onSave }: { labels: string[]; busy: boolean; onSave: (labels: string[], notice: string) => void }) {
  const [text, setText] = useState('');
  const inputId = useId();

  function add() {
    const label = text.trim();
    if (!label) return;
    setText('');
    if (labels.includes(label)) return;
    onSave([...labels, label], `Label “${label}” added.`);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'Enter' || event.key === ',') {
      event.preventDefault();
      add();
    }
  }

  return (
    <div className="field label-editor">
      <label htmlFor={inputId}>Labels</label>
      {labels.length > 0 && (
        <ul className="label-list" aria-label="Labels on this report">
          {labels.map((label) => (
            <li key={label} className="label-chip">
              {label}
              <button
                type="button"
                className="label-remove"
                aria-label={`Remove label ${label}`}
                disabled={busy}
                onClick={() =>
                  onSave(
                    labels.filter((l) => l !== label),
                    `Label “${label}” removed.`,
                  )
                }
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="inline-add">
        <input id={inputId} type="text" maxLength={40} value={text} placeholder="Add a label, then Enter" onChange={(e) => setText(e.target.value)} onKeyDown={onKeyDown} />
        <button type="button" className="button small" onClick={add} disabled={busy || !text.trim()}>
          Add
        </button>
      </div>
    </div>
  );
}

function SeverityForm({ report, onSaved, onCancel }: { report: Report; onSaved: (report: Report) => void; onCancel: () => void }) {
  const [vectors, setVectors] = useState<string[]>(report.cvss.length ? report.cvss.map((v) => v.vector) : ['']);
  const [cwe, setCwe] = useState<CweValue | null>(report.cwe ? { id: report.cwe, name: '' } : null);
  const form = useSubmit();

  useEffect(() => {
    if (!report.cwe) return;
    const controller = new AbortController();
    referenceApi.cwe(String(report.cwe), controller.signal).then(
      (page) => {
        const match = page.items.find((e) => e.id === report.cwe);
        if (match) setCwe((current) => (current?.id === match.id ? { id: match.id, name: match.name } : current));
      },
      () => undefined,
    );
    return () => controller.abort();
  }, [report.cwe]);

  function submit(event: FormEvent) {
    event.preventDefault();
    void form.run(() => reportsApi.triage(report.id, { cvss: filledVectors(vectors), cwe: cwe?.id ?? null }), onSaved);
  }

  return (
    <form ref={form.formRef} onSubmit={submit} noValidate className="stack dialog-body">
      <FormAlert error={form.error} fields={['cvss', 'cwe']} />
      <CwePicker label="Weakness (CWE)" value={cwe} onChange={setCwe} error={form.fieldError('cwe')} />
      <CvssVectorsField vectors={vectors} onChange={setVectors} error={form.fieldError('cvss')} />
      <FormActions submit="Save severity" busy={form.busy} onCancel={onCancel} />
    </form>
  );
}

const OTHER_REPORT = '__other__';

/** A move to another state: closing states need a reason; a duplicate needs its original. */
function TransitionForm({
  report,
  to,
  duplicates,
  onDone,
  onCancel,
}: {
  report: Report;
  to: ReportState;
  duplicates: DuplicateSuggestion[];
  onDone: (report: Report) => void;
  onCancel: () => void;
}) {
  const closing = CLOSING_STATES.includes(to);
  const [reason, setReason] = useState('');
  const [original, setOriginal] = useState(duplicates[0]?.id ?? OTHER_REPORT);
  const [otherId, setOtherId] = useState('');
  const form = useSubmit();
  const ids = useId();

  function submit(event: FormEvent) {
    event.preventDefault();
    if (closing && !reason.trim()) return form.setError(localInvalid('reason', 'say why; the reporter reads it'));
    // A pasted link to the original works as well as its id.
    const typed = otherId.trim().match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i)?.[0] ?? otherId.trim();
    const duplicateOf = to === 'duplicate' ? (original === OTHER_REPORT ? typed : original) : undefined;
    if (to === 'duplicate' && !duplicateOf) return form.setError(localInvalid('duplicateOf', 'name the original report'));
    void form.run(() => reportsApi.transition(report.id, to, reason.trim() || undefined, duplicateOf), onDone);
  }

  return (
    <form ref={form.formRef} onSubmit={submit} noValidate className="stack dialog-body">
      <p className="muted">
        <StateChip state={report.state} /> → <StateChip state={to} /> {STATE_HINTS[to]}
      </p>
      <FormAlert error={form.error} fields={['reason', 'duplicateOf']} />
      {to === 'duplicate' && (
        <fieldset className={['field', 'duplicate-choice', form.fieldError('duplicateOf') ? 'has-error' : ''].join(' ').trim()} aria-invalid={form.fieldError('duplicateOf') ? true : undefined}>
          <legend>Duplicate of</legend>
          {duplicates.length > 0 ? (
            <p className="hint">The likeliest earlier reports of this programme:</p>
          ) : (
            <p className="hint">No likely originals were found; give the original’s id.</p>
          )}
          <div className="checkbox-options">
            {duplicates.map((d) => (
              <div className="checkbox" key={d.id}>
                <input type="radio" id={`${ids}-${d.id}`} name={`${ids}-original`} value={d.id} checked={original === d.id} onChange={() => setOriginal(d.id)} />
                <label htmlFor={`${ids}-${d.id}`}>
                  <span>
                    {d.title} <StateChip state={d.state} />
                  </span>
                  <span className="hint">
                    {d.reasons.join('; ')} · <Time value={d.createdAt} compact />
                  </span>
                </label>
              </div>
            ))}
            <div className="checkbox">
              <input type="radio" id={`${ids}-other`} name={`${ids}-original`} value={OTHER_REPORT} checked={original === OTHER_REPORT} onChange={() => setOriginal(OTHER_REPORT)} />
              <label htmlFor={`${ids}-other`}>Another report</label>
            </div>
          </div>
          {original === OTHER_REPORT && (
            <TextField label="Original report" hint="Its id, or a link to it." name="duplicateOf" autoComplete="off" spellCheck={false} value={otherId} onChange={(e) => setOtherId(e.target.value)} error={form.fieldError('duplicateOf')} />
          )}
          {original !== OTHER_REPORT && form.fieldError('duplicateOf') && <p className="field-error">{form.fieldError('duplicateOf')}</p>}
        </fieldset>
      )}
      <TextAreaField
        label={closing ? 'Reason' : 'Message to the reporter'}
        name="reason"
        optional={!closing}
        rows={4}
        maxLength={5000}
        hint={closing ? 'Required. The reporter reads it on the report and in their notification.' : 'Shown on the report’s timeline.'}
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        error={form.fieldError('reason')}
      />
      <FormActions submit={`Move to ${stateLabel(to)}`} busyLabel="Moving…" busy={form.busy} onCancel={onCancel} danger={to === 'spam'} />
    </form>
  );
}

/** Earlier reports this one may duplicate, with the reasons the server gives (staff). */
export function DuplicatesPanel({ duplicates, canMark, onMark }: { duplicates: Resource<DuplicateSuggestion[]>; canMark: boolean; onMark: () => void }) {
  const ids = useId();
  const items = duplicates.data ?? [];
  return (
    <section className="panel" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>Possible duplicates</h2>
      {duplicates.loading && !duplicates.data && <Loading label="Looking for similar reports…" />}
      {duplicates.error && <LoadError error={duplicates.error} onRetry={duplicates.reload} />}
      {duplicates.data && items.length === 0 && <Empty>No similar earlier reports.</Empty>}
      {items.length > 0 && (
        <ul className="duplicate-list">
          {items.map((d) => (
            <li key={d.id}>
              <span>
                <Link to={`/reports/${d.id}`}>{d.title}</Link> <StateChip state={d.state} />
              </span>
              <span className="hint">
                {d.reasons.join('; ')} · <Time value={d.createdAt} compact />
              </span>
            </li>
          ))}
        </ul>
      )}
      {canMark && items.length > 0 && (
        <button type="button" className="button small" onClick={onMark}>
          Mark as a duplicate…
        </button>
      )}
    </section>
  );
}

/** Staff ask the reporter to confirm a fix (resolved reports). */
export function RetestRequest({ report, onDone }: { report: Report; onDone: (notice: string) => void }) {
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const form = useSubmit();
  if (report.state !== 'resolved') return null;
  return (
    <div className="triage-block">
      <h3 className="mini-heading">Retest</h3>
      <p className="muted">
        {report.retestState === 'requested'
          ? 'Waiting for the reporter to retest.'
          : report.retestState === 'confirmed'
            ? 'The reporter confirmed the fix.'
            : 'Ask the reporter to check the fix.'}
      </p>
      {report.retestState !== 'requested' && (
        <button type="button" className="button small" onClick={() => setOpen(true)}>
          Ask for a retest
        </button>
      )}
      <Dialog open={open} onClose={() => setOpen(false)} title="Ask for a retest">
        <form
          ref={form.formRef}
          noValidate
          className="stack dialog-body"
          onSubmit={(event) => {
            event.preventDefault();
            void form.run(
              () => reportsApi.requestRetest(report.id, note.trim() || undefined),
              () => {
                setOpen(false);
                setNote('');
                onDone('Retest requested.');
              },
            );
          }}
        >
          <FormAlert error={form.error} fields={['note']} />
          <TextAreaField label="Note to the reporter" name="note" optional rows={4} hint="What changed, and where to test it." value={note} onChange={(e) => setNote(e.target.value)} error={form.fieldError('note')} />
          <FormActions submit="Ask for a retest" busyLabel="Sending…" busy={form.busy} onCancel={() => setOpen(false)} />
        </form>
      </Dialog>
    </div>
  );
}


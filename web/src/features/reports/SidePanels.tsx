import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { toApiError, type ApiError } from '../../api/client';
import { Dialog } from '../../components/Dialog';
import { FormAlert, SelectField, TextField, localInvalid, useSubmit } from '../../components/forms';
import { FormActions } from '../../components/FormActions';
import { TextAreaField } from '../../components/TextAreaField';
import { Chip, LoadError, Time, type Tone } from '../../components/ui';
import { formatRelative, isPast } from '../../lib/format';
import type { Resource } from '../../lib/useResource';
import { reportsApi, rewardsApi } from './api';
import { AwardForm } from '../rewards/AwardForm';
import { formatMinor, formatMoney, SLA_LABELS } from './labels';
import { initialRedactions, redactionChanges } from './redactions';
import { PublicTimelinePreview, TimelineRedactionFields } from './TimelineRedactions';
import type { Disclosure, Program, Report, ReportEvent, ReportRewards, RewardSuggestion, SlaClock } from './types';

const SLA_TONE: Record<SlaClock['state'], Tone> = { met: 'success', missed: 'danger', breached: 'danger', pending: 'info', void: 'neutral' };
const SLA_WORD: Record<SlaClock['state'], string> = { met: 'met', missed: 'missed', breached: 'overdue', pending: 'running', void: 'not needed' };

/** Response-target clocks: met, running (with time left), overdue, missed. */
export function SlaPanel({ clocks }: { clocks: SlaClock[] }) {
  const ids = useId();
  return (
    <section className="panel" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>Response targets</h2>
      {clocks.length === 0 ? (
        <p className="muted">This programme sets no response targets.</p>
      ) : (
        <ul className="sla-clocks">
          {clocks.map((clock) => (
            <li key={clock.metric} className={`sla-clock sla-${clock.state}`}>
              <span className="sla-name">{SLA_LABELS[clock.metric]}</span>
              <Chip tone={SLA_TONE[clock.state]}>{SLA_WORD[clock.state]}</Chip>
              <span className="sla-when">
                {clock.metAt ? (
                  <>
                    done <Time value={clock.metAt} compact />
                    {clock.state === 'missed' ? (
                      <>
                        , due <Time value={clock.dueAt} compact />
                      </>
                    ) : null}
                  </>
                ) : clock.state === 'void' ? (
                  <span className="muted">—</span>
                ) : (
                  <>
                    due <Time value={clock.dueAt} compact />{' '}
                    <span className={isPast(clock.dueAt) ? 'sla-late' : 'muted'}>({formatRelative(clock.dueAt)})</span>
                  </>
                )}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The reporter answers a retest request: fixed, or still broken (with what is broken). */
export function RetestAnswer({ report, onDone }: { report: Report; onDone: (notice: string) => void }) {
  const [outcome, setOutcome] = useState<'fixed' | 'incomplete' | null>(null);
  const [note, setNote] = useState('');
  const form = useSubmit();
  const ids = useId();
  if (report.retestState !== 'requested' || report.state !== 'resolved') return null;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!outcome) return;
    if (outcome === 'incomplete' && !note.trim()) return form.setError(localInvalid('note', 'say what is still broken'));
    void form.run(
      () => reportsApi.answerRetest(report.id, outcome, note.trim() || undefined),
      () => onDone(outcome === 'fixed' ? 'Thank you: the fix is confirmed.' : 'Thank you: the report is open again for the team.'),
    );
  }

  return (
    <section className="panel emphasis" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>Please retest</h2>
      <p>The team believes this is fixed. Does your proof of concept still work?</p>
      <form ref={form.formRef} onSubmit={submit} noValidate className="stack">
        <FormAlert error={form.error} fields={['note']} />
        <fieldset className="field">
          <legend>Your result</legend>
          <div className="checkbox-options">
            <div className="checkbox">
              <input type="radio" id={`${ids}-fixed`} name={`${ids}-outcome`} checked={outcome === 'fixed'} onChange={() => setOutcome('fixed')} />
              <label htmlFor={`${ids}-fixed`}>It is fixed</label>
            </div>
            <div className="checkbox">
              <input type="radio" id={`${ids}-broken`} name={`${ids}-outcome`} checked={outcome === 'incomplete'} onChange={() => setOutcome('incomplete')} />
              <label htmlFor={`${ids}-broken`}>It still works (the fix is incomplete)</label>
            </div>
          </div>
        </fieldset>
        <TextAreaField
          label="Notes"
          name="note"
          optional={outcome !== 'incomplete'}
          rows={3}
          hint={outcome === 'incomplete' ? 'Required: what still works, and how.' : undefined}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          error={form.fieldError('note')}
        />
        <div>
          <button type="submit" className="button primary" disabled={!outcome || form.busy}>
            {form.busy ? 'Sending…' : 'Send the result'}
          </button>
        </div>
      </form>
    </section>
  );
}

/**
 * Disclosure: either side asks (or agrees); staff write the public summary and redact the text
 * before it is published (timeline replies included), and choose full or limited.
 */
export function DisclosurePanel({
  report,
  program,
  disclosure,
  events,
  side,
  onChanged,
}: {
  report: Report;
  program: Program | undefined;
  disclosure: Resource<Disclosure | null>;
  /** The report's timeline as the viewer sees it: staff choose which public replies to redact. */
  events: ReportEvent[];
  side: 'reporter' | 'staff' | 'reader';
  onChanged: (notice: string) => void;
}) {
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [editing, setEditing] = useState(false);
  const ids = useId();
  const row = disclosure.data;
  const mode = program?.disclosure.mode;
  if (report.state !== 'resolved' && report.state !== 'disclosed' && !row) return null;

  const mine = side === 'reporter' ? row?.reporterAgreedAt : side === 'staff' ? row?.staffAgreedAt : null;
  const theirs = side === 'reporter' ? row?.staffAgreedAt : side === 'staff' ? row?.reporterAgreedAt : null;

  async function agree() {
    setBusy(true);
    setError(undefined);
    try {
      const result = await reportsApi.agreeDisclosure(report.id);
      disclosure.setData(result);
      onChanged(result.publishedAt ? 'The report is disclosed.' : row ? 'You agreed to disclose.' : 'Disclosure requested.');
    } catch (reason) {
      setError(toApiError(reason));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>Disclosure</h2>
      {disclosure.error && <LoadError error={disclosure.error} onRetry={disclosure.reload} />}
      <FormAlert error={error} />
      {mode === 'none' && !row ? (
        <p className="muted">This programme does not publish reports.</p>
      ) : row?.publishedAt ? (
        <p>
          Published <Time value={row.publishedAt} /> ({row.level === 'full' ? 'full report' : 'summary only'}).{' '}
          <Link to={`/disclosed/${report.id}`}>Read the public page</Link>
        </p>
      ) : row ? (
        <>
          <dl className="properties compact">
            <div>
              <dt>Asked by</dt>
              <dd>
                {row.requestedBy === 'reporter' ? 'the reporter' : 'the security team'}, <Time value={row.requestedAt} compact />
              </dd>
            </div>
            <div>
              <dt>Reporter</dt>
              <dd>{row.reporterAgreedAt ? <Chip tone="success">agreed</Chip> : <Chip>not yet</Chip>}</dd>
            </div>
            <div>
              <dt>Team</dt>
              <dd>{row.staffAgreedAt ? <Chip tone="success">agreed</Chip> : <Chip>not yet</Chip>}</dd>
            </div>
            <div>
              <dt>Level</dt>
              <dd>{row.level === 'full' ? 'Full report, redacted' : 'Summary only'}</dd>
            </div>
            {row.dueAt && (
              <div>
                <dt>Publishes</dt>
                <dd>
                  <Time value={row.dueAt} /> at the latest
                </dd>
              </div>
            )}
          </dl>
          {row.level === 'limited' && !row.summary.trim() && <p className="hint">A summary-only disclosure waits until the team has written the summary.</p>}
          {side !== 'reader' && !mine && report.state === 'resolved' && (
            <button type="button" className="button primary small" onClick={() => void agree()} disabled={busy}>
              {busy ? 'Working…' : 'Agree to disclose'}
            </button>
          )}
          {side !== 'reader' && mine && !theirs && <p className="muted">You agreed; waiting for the {side === 'reporter' ? 'team' : 'reporter'}.</p>}
          {side === 'staff' && (
            <p>
              <button type="button" className="button small" onClick={() => setEditing(true)}>
                Edit what is published
              </button>
            </p>
          )}
        </>
      ) : (
        <>
          <p className="muted">
            {mode === 'open'
              ? `Once asked, the report is published ${program?.disclosure.delayDays ?? ''} days later, or when both sides agree.`
              : 'Published when both the reporter and the team agree.'}
          </p>
          {side !== 'reader' && report.state === 'resolved' && (
            <button type="button" className="button small" onClick={() => void agree()} disabled={busy}>
              {busy ? 'Working…' : 'Ask to disclose'}
            </button>
          )}
        </>
      )}
      {side === 'staff' && row && !row.publishedAt && (
        <Dialog open={editing} onClose={() => setEditing(false)} title="What is published" wide>
          {editing && (
            <DisclosureEditor
              report={report}
              disclosure={row}
              events={events}
              onSaved={(saved) => {
                disclosure.setData(saved);
                setEditing(false);
                onChanged('Disclosure text saved.');
              }}
              onCancel={() => setEditing(false)}
            />
          )}
        </Dialog>
      )}
    </section>
  );
}

function DisclosureEditor({
  report,
  disclosure,
  events,
  onSaved,
  onCancel,
}: {
  report: Report;
  disclosure: Disclosure;
  events: ReportEvent[];
  onSaved: (d: Disclosure) => void;
  onCancel: () => void;
}) {
  const [title, setTitle] = useState(disclosure.title);
  const [summary, setSummary] = useState(disclosure.summary);
  const [level, setLevel] = useState(disclosure.level);
  const [description, setDescription] = useState(disclosure.description ?? report.description.markdown);
  const [steps, setSteps] = useState(disclosure.steps ?? report.steps.markdown);
  const [impact, setImpact] = useState(disclosure.impact ?? report.impact.markdown);
  const [redactions, setRedactions] = useState(() => initialRedactions(events, disclosure.timelineRedactions));
  const form = useSubmit();

  function submit(event: FormEvent) {
    event.preventDefault();
    // Unchanged text is sent as null: "the original", so later edits of the report still show.
    const redacted = (text: string, original: string) => (text === original ? null : text);
    const timelineRedactions = redactionChanges(events, disclosure.timelineRedactions, redactions);
    void form.run(
      () =>
        reportsApi.editDisclosure(report.id, {
          title: title.trim(),
          summary,
          level,
          description: redacted(description, report.description.markdown),
          steps: redacted(steps, report.steps.markdown),
          impact: redacted(impact, report.impact.markdown),
          ...(timelineRedactions ? { timelineRedactions } : {}),
        }),
      onSaved,
    );
  }

  return (
    <form ref={form.formRef} onSubmit={submit} noValidate className="stack dialog-body">
      <FormAlert error={form.error} fields={['title', 'summary', 'level', 'description', 'steps', 'impact', 'timelineRedactions']} />
      <TextField label="Public title" name="title" value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} error={form.fieldError('title')} />
      <SelectField label="Level" name="level" value={level} onChange={(e) => setLevel(e.target.value as 'full' | 'limited')} hint="Limited publishes the summary only.">
        <option value="full">Full report (with the redactions below)</option>
        <option value="limited">Summary only</option>
      </SelectField>
      <TextAreaField label="Summary" name="summary" rows={4} hint="Markdown. What the flaw was, its impact, and the fix." value={summary} onChange={(e) => setSummary(e.target.value)} error={form.fieldError('summary')} />
      {level === 'full' && (
        <>
          <p className="hint">Redact by editing the text below: remove hosts, credentials, personal data. Only this version is published.</p>
          <TextAreaField label="Description (published)" name="description" rows={6} value={description} onChange={(e) => setDescription(e.target.value)} error={form.fieldError('description')} />
          <TextAreaField label="Steps (published)" name="steps" rows={5} value={steps} onChange={(e) => setSteps(e.target.value)} error={form.fieldError('steps')} />
          <TextAreaField label="Impact (published)" name="impact" rows={3} value={impact} onChange={(e) => setImpact(e.target.value)} error={form.fieldError('impact')} />
          <fieldset className="field">
            <legend>Public timeline</legend>
            <TimelineRedactionFields events={events} value={redactions} onChange={setRedactions} fieldError={form.fieldError} />
          </fieldset>
        </>
      )}
      <PublicTimelinePreview events={events} redactions={redactions} level={level} />
      <FormActions submit="Save" busy={form.busy} onCancel={onCancel} />
    </form>
  );
}

/**
 * Rewards on the report: the split and the entries the viewer may see; triagers award a bounty
 * or bonus from the programme's suggested range.
 */
export function RewardsPanel({
  report,
  program,
  rewards,
  suggestion,
  canAward,
  onAwarded,
}: {
  report: Report;
  program: Program | undefined;
  rewards: Resource<ReportRewards>;
  suggestion: Resource<RewardSuggestion | null>;
  canAward: boolean;
  onAwarded: (notice: string) => void;
}) {
  const ids = useId();
  const [awarding, setAwarding] = useState(false);
  if (program?.kind !== 'bounty') return null;
  const items = rewards.data?.items ?? [];
  const split = rewards.data?.split ?? [];
  const rewardable = report.state === 'triaged' || report.state === 'resolved' || report.state === 'disclosed';

  return (
    <section className="panel" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>Rewards</h2>
      {rewards.error && <LoadError error={rewards.error} onRetry={rewards.reload} />}
      {items.length === 0 ? (
        <p className="muted">No rewards yet.</p>
      ) : (
        <ul className="reward-list">
          {items.map((r) => (
            <li key={r.id}>
              <strong>{formatMinor(r.amount, r.currency)}</strong> {r.kind}
              {split.length > 1 ? ` (${r.share}%)` : ''} <Chip tone={r.state === 'paid' ? 'success' : r.state === 'cancelled' ? 'neutral' : 'info'}>{r.state}</Chip>
              {r.note && <span className="hint"> {r.note}</span>}
            </li>
          ))}
        </ul>
      )}
      {split.length > 1 && (
        <p className="hint">
          Split: {split.map((s) => `${s.submitter ? 'submitter' : 'collaborator'} ${s.share}%`).join(', ')}.
        </p>
      )}
      {canAward && (
        <>
          {suggestion.data?.range ? (
            <p className="hint">
              Suggested for tier {suggestion.data.tier} × {suggestion.data.severity}: {formatMoney(suggestion.data.range.min, suggestion.data.currency)}–
              {formatMoney(suggestion.data.range.max, suggestion.data.currency)}.
            </p>
          ) : suggestion.data?.reason ? (
            <p className="hint">{suggestion.data.reason}.</p>
          ) : null}
          {rewardable ? (
            <p>
              <button type="button" className="button small" onClick={() => setAwarding(true)}>
                Award a reward…
              </button>
            </p>
          ) : (
            <p className="hint">Rewards are awarded once a report is triaged (and still after it is resolved or disclosed).</p>
          )}
          <Dialog open={awarding} onClose={() => setAwarding(false)} title="Award a reward">
            {awarding && (
              <AwardForm
                report={report}
                currency={suggestion.data?.currency ?? program.rewards.currency}
                suggestion={suggestion.data ?? null}
                onDone={(notice) => {
                  setAwarding(false);
                  rewards.reload();
                  onAwarded(notice);
                }}
                onCancel={() => setAwarding(false)}
              />
            )}
          </Dialog>
        </>
      )}
    </section>
  );
}

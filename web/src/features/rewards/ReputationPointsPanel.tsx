import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import { FormAlert, StatusMessage, TextField, useSubmit } from '../../components/forms';
import { LoadError, Loading } from '../../components/ui';
import { useResource } from '../../lib/useResource';
import { reputationApi } from '../reports/api';
import { REPUTATION_OUTCOMES, type ReputationOutcome, type ReputationPoints } from '../reports/types';

/** Mirrors POINTS_RANGE in src/domain/reputation/reputation.ts, which the server enforces. */
const POINTS_MIN = -1000;
const POINTS_MAX = 1000;

const OUTCOME_LABELS: Record<ReputationOutcome, string> = {
  resolved: 'Resolved',
  informative: 'Informative',
  not_applicable: 'Not applicable',
  spam: 'Spam',
  duplicate: 'Duplicate (filed before the original was disclosed)',
  duplicate_after_disclosure: 'Duplicate of an already disclosed report',
};

type Draft = Record<ReputationOutcome, string>;

/** Every field's problem at once, shaped like the server's validation error so the fields show them. */
function readDraft(draft: Draft, current: ReputationPoints): { changes: Partial<ReputationPoints> } | { error: ApiError } {
  const changes: Partial<ReputationPoints> = {};
  const details: { field: string; message: string }[] = [];
  for (const outcome of REPUTATION_OUTCOMES) {
    const text = draft[outcome].trim();
    const points = /^[-−]?\d{1,4}$/.test(text) ? Number(text.replace('−', '-')) : NaN;
    if (!Number.isInteger(points) || points < POINTS_MIN || points > POINTS_MAX) details.push({ field: `/${outcome}`, message: `must be a whole number from ${POINTS_MIN} to ${POINTS_MAX}` });
    else if (points !== current[outcome]) changes[outcome] = points;
  }
  if (details.length > 0) return { error: new ApiError(0, 'validation_failed', 'Please correct the fields marked below.', details) };
  return { changes };
}

/** Leads set how many reputation points each report outcome earns; recorded entries keep theirs. */
export function ReputationPointsPanel() {
  const points = useResource((signal) => reputationApi.points(signal), []);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const form = useSubmit();

  if (points.error) return <LoadError error={points.error} onRetry={points.reload} />;
  if (!points.data) return <Loading />;
  const current = points.data;
  const values: Draft = draft ?? (Object.fromEntries(REPUTATION_OUTCOMES.map((o) => [o, String(current[o])])) as Draft);

  function submit(event: FormEvent) {
    event.preventDefault();
    setStatus(null);
    const read = readDraft(values, current);
    if ('error' in read) return form.setError(read.error);
    if (Object.keys(read.changes).length === 0) return setStatus('Nothing changed.');
    void form.run(
      () => reputationApi.changePoints(read.changes),
      (saved) => {
        points.setData(saved);
        setDraft(null);
        setStatus('Reputation points saved. They apply to outcomes recorded from now on.');
      },
    );
  }

  return (
    <section className="panel form-section" aria-labelledby="reputation-points-heading">
      <h2 id="reputation-points-heading">Reputation points per outcome</h2>
      <p className="hint">
        What a closed report earns its reporter on every programme ({POINTS_MIN} to {POINTS_MAX}; negative numbers cost points). Changes apply to outcomes recorded from now on.
      </p>
      <StatusMessage>{status}</StatusMessage>
      <form ref={form.formRef} onSubmit={submit} noValidate className="stack">
        <FormAlert error={form.error} fields={REPUTATION_OUTCOMES} />
        <div className="form-grid">
          {REPUTATION_OUTCOMES.map((outcome) => (
            <TextField
              key={outcome}
              label={OUTCOME_LABELS[outcome]}
              name={outcome}
              inputMode="numeric"
              className="short"
              autoComplete="off"
              value={values[outcome]}
              onChange={(e) => setDraft({ ...values, [outcome]: e.target.value })}
              error={form.fieldError(outcome)}
            />
          ))}
        </div>
        <div>
          <button type="submit" className="button primary" disabled={form.busy}>
            {form.busy ? 'Saving…' : 'Save points'}
          </button>
        </div>
      </form>
    </section>
  );
}

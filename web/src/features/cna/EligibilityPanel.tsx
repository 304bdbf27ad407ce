import { useState, type FormEvent } from 'react';
import { useSignedIn } from '../../app/session';
import { FormAlert, useSubmit } from '../../components/forms';
import { LoadError, Time } from '../../components/ui';
import { can } from '../../lib/access';
import { useResource } from '../../lib/useResource';
import { cveRecordsApi, type CveRecord } from '../cve-records/api';
import { cnaApi, type Answers, type CnaTag, type Decision, type Nature, type Scope } from './api';

const NATURES: [Nature, string][] = [
  ['vulnerability', 'A vulnerability'],
  ['insecure-default', 'An insecure default (counts as a vulnerability)'],
  ['documented-non-default-configuration', 'Needs a documented, non-default configuration (not a vulnerability)'],
  ['dependency-update-only', 'Only a dependency update (not a vulnerability by itself)'],
  ['not-a-vulnerability', 'Not a vulnerability'],
];
const SCOPES: [Scope, string][] = [
  ['own-product', 'Our own product'],
  ['third-party-no-other-cna', 'Third-party software no other CNA covers'],
  ['other-cna', 'A product another CNA covers'],
];
const TAGS: CnaTag[] = ['exclusively-hosted-service', 'unsupported-when-assigned', 'disputed'];
const OUTCOMES = { assign: 'Assign a CVE ID', do_not_assign: 'Do not assign', refer: 'Refer elsewhere' } as const;

/**
 * The eligibility questionnaire (CNA Operational Rules 4.x and the organisation's exclusions):
 * the answers derive the outcome on the server; the rationale is the person's. An ID from the pool
 * is offered only once the decision in force is "assign".
 */
export function EligibilityPanel({ record, onAssigned }: { record: CveRecord; onAssigned: () => void }) {
  const decisions = useResource((signal) => cnaApi.decisions(record.id, signal), [record.id]);
  if (!decisions.data) return decisions.error ? <LoadError error={decisions.error} onRetry={decisions.reload} /> : null;
  // Keyed by the decision in force, so the questionnaire starts from its answers.
  return <Questionnaire key={decisions.data.items[0]?.id ?? 'none'} record={record} current={decisions.data.items[0]} onDecided={decisions.reload} onAssigned={onAssigned} />;
}

function Questionnaire({ record, current, onDecided, onAssigned }: { record: CveRecord; current: Decision | undefined; onDecided: () => void; onAssigned: () => void }) {
  const { user } = useSignedIn();
  const canDecide = can(user.roles, 'cna.manage');
  const profile = useResource((signal) => (canDecide ? cnaApi.profile(signal) : Promise.resolve(null)), [canDecide]);
  const [answers, setAnswers] = useState<Answers>(current?.answers ?? { nature: 'vulnerability', scope: 'own-product', independentlyFixable: true, willBePublic: true, tags: [] });
  const [rationale, setRationale] = useState('');
  const submit = useSubmit();
  const assign = useSubmit();

  function decide(event: FormEvent) {
    event.preventDefault();
    const clean: Answers = { ...answers };
    for (const key of ['otherCna', 'sharesIdWith', 'existingCve', 'exclusion'] as const) if (!clean[key]) delete clean[key];
    void submit.run(() => cnaApi.decide(record.id, clean, rationale), () => {
      setRationale('');
      onDecided();
    });
  }

  return (
    <section className="panel eligibility-panel" aria-labelledby="eligibility-heading">
      <h2 id="eligibility-heading">Eligibility</h2>
      {current ? (
        <div className="decision">
          <p className={`outcome-${current.outcome}`}>
            <strong>{OUTCOMES[current.outcome]}</strong>
            {current.referTo ? ` → ${current.referTo}` : ''} — {current.decidedBy}, <Time value={current.decidedAt} />
          </p>
          {current.reasons.length > 0 && (
            <ul>
              {current.reasons.map((r) => (
                <li key={r.rule}>{r.message}</li>
              ))}
            </ul>
          )}
          <p>Rationale: {current.rationale}</p>
        </div>
      ) : (
        <p className="muted">No decision yet: an ID is assigned only to an eligible vulnerability.</p>
      )}
      {canDecide && current?.outcome === 'assign' && !record.cveId && record.state === 'draft' && (
        <form ref={assign.formRef} onSubmit={(e) => (e.preventDefault(), void assign.run(() => cveRecordsApi.assignId(record.id), onAssigned))}>
          <button type="submit" className="button primary" disabled={assign.busy}>
            Assign a CVE ID from the pool
          </button>
          <FormAlert error={assign.error} />
        </form>
      )}
      {canDecide && (
        <form className="questionnaire" ref={submit.formRef} onSubmit={decide}>
          <h3 className="mini-heading">{current ? 'Decide again' : 'Decide'}</h3>
          <fieldset>
            <legend>Is it a vulnerability?</legend>
            {NATURES.map(([value, label]) => (
              <label key={value} className="radio">
                <input type="radio" name="nature" value={value} checked={answers.nature === value} onChange={() => setAnswers({ ...answers, nature: value })} /> {label}
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>Whose product?</legend>
            {SCOPES.map(([value, label]) => (
              <label key={value} className="radio">
                <input type="radio" name="scope" value={value} checked={answers.scope === value} onChange={() => setAnswers({ ...answers, scope: value })} /> {label}
              </label>
            ))}
            {answers.scope === 'other-cna' && (
              <label>
                Which CNA <input name="otherCna" value={answers.otherCna ?? ''} onChange={(e) => setAnswers({ ...answers, otherCna: e.target.value })} />
              </label>
            )}
          </fieldset>
          <fieldset>
            <legend>One flaw, one ID</legend>
            <label className="checkbox">
              <input type="checkbox" name="independentlyFixable" checked={answers.independentlyFixable} onChange={(e) => setAnswers({ ...answers, independentlyFixable: e.target.checked })} /> Independently fixable
            </label>
            {!answers.independentlyFixable && (
              <label>
                Shares the ID of <input name="sharesIdWith" value={answers.sharesIdWith ?? ''} onChange={(e) => setAnswers({ ...answers, sharesIdWith: e.target.value })} />
              </label>
            )}
            <label>
              Already has a CVE ID <input name="existingCve" placeholder="CVE-YYYY-NNNN" value={answers.existingCve ?? ''} onChange={(e) => setAnswers({ ...answers, existingCve: e.target.value })} />
            </label>
            <label className="checkbox">
              <input type="checkbox" name="willBePublic" checked={answers.willBePublic} onChange={(e) => setAnswers({ ...answers, willBePublic: e.target.checked })} /> Will be made public
            </label>
          </fieldset>
          {(profile.data?.exclusions.length ?? 0) > 0 && (
            <label>
              Exclusion of our policy{' '}
              <select name="exclusion" value={answers.exclusion ?? ''} onChange={(e) => setAnswers({ ...answers, exclusion: e.target.value })}>
                <option value="">none applies</option>
                {profile.data!.exclusions.map((x) => (
                  <option key={x.id} value={x.id}>
                    {x.title}
                  </option>
                ))}
              </select>
            </label>
          )}
          <fieldset>
            <legend>Tags</legend>
            {TAGS.map((tag) => (
              <label key={tag} className="checkbox">
                <input
                  type="checkbox"
                  name="tags"
                  checked={answers.tags.includes(tag)}
                  onChange={(e) => setAnswers({ ...answers, tags: e.target.checked ? [...answers.tags, tag] : answers.tags.filter((t) => t !== tag) })}
                />{' '}
                {tag}
              </label>
            ))}
          </fieldset>
          <label>
            Rationale
            <textarea name="rationale" rows={3} required value={rationale} onChange={(e) => setRationale(e.target.value)} />
          </label>
          <FormAlert error={submit.error} />
          <button type="submit" className="button" disabled={submit.busy}>
            Record the decision
          </button>
        </form>
      )}
    </section>
  );
}

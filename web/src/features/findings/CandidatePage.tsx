import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useSignedIn } from '../../app/session';
import { FormAlert, SelectField, StatusMessage, useSubmit } from '../../components/forms';
import { TextAreaField } from '../../components/TextAreaField';
import { Chip, LoadError, Loading, PageHeader, Time } from '../../components/ui';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { triages } from '../reports/roles';
import { findingsApi } from './api';
import { CandidateStateChip, REASON_LABELS, SeverityScore, percent } from './parts';
import { REJECTION_REASONS, SUPPRESSION_SCOPES, type CandidateDetail, type RejectionReason, type SuppressionScope } from './types';
import './findings.css';

const SCOPE_LABELS: Record<SuppressionScope, string> = {
  fingerprint: 'These findings (by fingerprint)',
  root_cause: 'Anything with the same root cause (same sink)',
  rule_target: 'This rule anywhere in this project',
  none: 'Nothing',
};

/** `/findings/:id`: one candidate, its findings, its reviews, and the review gate. */
export function CandidatePage() {
  const { id = '' } = useParams();
  const session = useSignedIn();
  const candidate = useResource((signal) => findingsApi.candidate(id, signal), [id]);
  useTitle(candidate.data?.title ?? 'Candidate');

  if (candidate.loading && !candidate.data) return <Loading />;
  if (candidate.error) return <LoadError error={candidate.error} onRetry={candidate.reload} />;
  const c = candidate.data!;
  return (
    <section className="page findings-page">
      <p>
        <Link to="/findings">← Review queue</Link>
      </p>
      <PageHeader title={c.title} description={<CandidateStateChip state={c.state} />} />
      <dl className="facts">
        <dt>Target</dt>
        <dd className="break">{c.target}</dd>
        <dt>Project</dt>
        <dd className="break">
          <Link to={`/findings?project=${encodeURIComponent(c.projectKey)}&state=all`}>{c.projectKey}</Link>
        </dd>
        {c.versions && (
          <>
            <dt>Affected versions</dt>
            <dd>{c.versions.join(', ')}</dd>
          </>
        )}
        {c.commitRange && (
          <>
            <dt>Commits</dt>
            <dd>{c.commitRange}</dd>
          </>
        )}
        <dt>Weakness</dt>
        <dd>
          {c.cwe ? `CWE-${c.cwe} · ` : ''}
          {c.rule}
        </dd>
        <dt>Root cause (sink)</dt>
        <dd className="break">{c.sink}</dd>
        <dt>Severity</dt>
        <dd>
          <SeverityScore score={c.severity} /> {c.cvssVector && <code>{c.cvssVector}</code>}
        </dd>
        <dt>Confidence</dt>
        <dd>{percent(c.confidence)}</dd>
        <dt>Reach</dt>
        <dd>
          {c.findings} finding{c.findings === 1 ? '' : 's'}
          {c.downloads !== null ? ` · ${c.downloads.toLocaleString()} downloads` : ''} · priority {c.priority.toFixed(2)}
        </dd>
        <dt>Found by</dt>
        <dd>
          {c.origin === 'person' ? (
            <>
              <Chip tone="info">A person</Chip> an engineer who neither found nor imported it must approve
            </>
          ) : (
            <>
              <Chip tone="neutral">An automated system</Chip> one engineer approves
            </>
          )}
          {c.originReasons.length > 0 && (
            <ul className="origin-reasons small">
              {c.originReasons.map((why) => (
                <li key={why}>{why}</li>
              ))}
            </ul>
          )}
        </dd>
        {c.componentInUse && (
          <>
            <dt>We use it</dt>
            <dd>
              <Chip tone="danger">In our SBOMs</Chip> {c.componentInUse.map((u) => `${u.sbom}: ${u.name}${u.version ? `@${u.version}` : ''}`).join(', ')}
            </dd>
          </>
        )}
        {c.decidedAt && (
          <>
            <dt>Decided</dt>
            <dd>
              {c.state === 'rejected' ? `Rejected (${REASON_LABELS[c.rejectionReason ?? ''] ?? c.rejectionReason})` : 'Approved'} by {c.decidedBy}, <Time value={c.decidedAt} />
            </dd>
          </>
        )}
      </dl>
      {c.impact && (
        <>
          <h2>Impact</h2>
          <p className="prewrap">{c.impact}</p>
        </>
      )}
      {c.reproduction && (
        <>
          <h2>Reproduction</h2>
          <pre className="prewrap">{c.reproduction}</pre>
        </>
      )}
      {triages(session.user.roles) && <ReviewForm candidate={c} onDone={candidate.reload} />}
      <h2>Findings ({c.findings})</h2>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Location</th>
              <th scope="col">Message</th>
              <th scope="col">Source</th>
              <th scope="col">Finder</th>
              <th scope="col">Counts as</th>
              <th scope="col">Imported</th>
            </tr>
          </thead>
          <tbody>
            {c.items.map((f) => (
              <tr key={f.fingerprint}>
                <td className="break">{f.location || '—'}</td>
                <td className="prewrap">{f.message}</td>
                <td>{f.source}</td>
                <td>
                  {f.finder.name} <span className="muted">(declared {f.finder.kind})</span>
                </td>
                <td title={f.why}>
                  {f.countedAs === 'automated' ? 'Automated' : 'A person'}
                  <div className="muted small">{f.why}</div>
                </td>
                <td className="nowrap">
                  <Time value={f.createdAt} compact />
                  <div className="muted small">by {f.importedBy}</div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {c.reviews.length > 0 && (
        <>
          <h2>Reviews</h2>
          <ul className="reviews">
            {c.reviews.map((r) => (
              <li key={r.id}>
                <strong>{r.decision === 'approved' ? 'Approved' : `Rejected (${REASON_LABELS[r.reason ?? ''] ?? r.reason})`}</strong> by {r.reviewer}, <Time value={r.createdAt} />
                {r.note && <p className="prewrap">{r.note}</p>}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function ReviewForm({ candidate, onDone }: { candidate: CandidateDetail; onDone: () => void }) {
  const [reason, setReason] = useState<RejectionReason>('false_positive');
  const [suppress, setSuppress] = useState<SuppressionScope>('fingerprint');
  const [note, setNote] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const form = useSubmit();
  const teaches = reason === 'false_positive' || reason === 'wont_report';

  function submit(decision: 'approve' | 'reject') {
    setDone(null);
    const body = decision === 'approve' ? { decision, ...(note.trim() ? { note: note.trim() } : {}) } : { decision, reason, ...(teaches ? { suppress } : {}), ...(note.trim() ? { note: note.trim() } : {}) };
    void form.run(
      () => findingsApi.review(candidate.id, body),
      (result) => {
        setDone(decision === 'approve' ? 'Approved.' : `Rejected${result.suppressionsCreated ? `; ${result.suppressionsCreated} suppression rule(s) learned` : ''}.`);
        setNote('');
        onDone();
      },
    );
  }

  return (
    <form ref={form.formRef} className="stack review-form" onSubmit={(e) => e.preventDefault()} noValidate>
      <h2>Review</h2>
      {done && <StatusMessage>{done}</StatusMessage>}
      <FormAlert error={form.error} fields={['reason', 'note', 'suppress']} />
      {!candidate.canApprove && candidate.state !== 'approved' && candidate.approvalBlock && <p className="hint">You cannot approve this one: {candidate.approvalBlock}</p>}
      <TextAreaField label="Note" name="note" rows={3} maxLength={4000} optional value={note} onChange={(e) => setNote(e.target.value)} error={form.fieldError('note')} />
      <div className="review-actions">
        <button type="button" className="button primary" disabled={form.busy || !candidate.canApprove} onClick={() => submit('approve')}>
          Approve
        </button>
        <SelectField label="Reject as" name="reason" value={reason} onChange={(e) => setReason(e.target.value as RejectionReason)} error={form.fieldError('reason')}>
          {REJECTION_REASONS.map((r) => (
            <option key={r} value={r}>
              {REASON_LABELS[r]}
            </option>
          ))}
        </SelectField>
        {teaches && (
          <SelectField label="Suppress next time" name="suppress" value={suppress} onChange={(e) => setSuppress(e.target.value as SuppressionScope)} error={form.fieldError('suppress')}>
            {SUPPRESSION_SCOPES.map((s) => (
              <option key={s} value={s}>
                {SCOPE_LABELS[s]}
              </option>
            ))}
          </SelectField>
        )}
        <button type="button" className="button danger-outline" disabled={form.busy || candidate.state === 'rejected'} onClick={() => submit('reject')}>
          Reject
        </button>
      </div>
    </form>
  );
}

import { useEffect, useState } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { useSignedIn } from '../../app/session';
import { StatusMessage } from '../../components/forms';
import { ServerHtml, SeverityChip, StateChip } from '../../components/ReportChips';
import { Chip, LoadError, Loading, PageHeader, Time } from '../../components/ui';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { attachmentDownloadUrl, programsApi, reportsApi, rewardsApi } from './api';
import { assetKindLabel, formatBytes, severityLabel, shortId } from './labels';
import { ReplyBox } from './ReplyBox';
import { readsAllReports, triages } from './roles';
import { DisclosurePanel, RetestAnswer, RewardsPanel, SlaPanel } from './SidePanels';
import { DuplicatesPanel, RetestRequest, TriagePanel } from './StaffPanels';
import { Timeline } from './Timeline';
import type { Program, Report, ReportState } from './types';
import { useStaffDirectory } from './useStaffDirectory';
import './reports.css';

const SUBMITTED = 'Your report was submitted. The team has been told.';

/** What the reporter can expect next, in the report's current state. */
function nextStep(report: Report): string {
  const firstResponse = report.sla?.find((c) => c.metric === 'first_response' && c.state === 'pending');
  switch (report.state) {
    case 'new':
      return firstResponse ? 'The team has not looked at it yet. They aim to respond by the time shown under Response targets.' : 'Waiting for the team to look at it.';
    case 'needs_more_info':
      return 'The team needs more from you. Reply below; the report goes back to them when you do.';
    case 'triaged':
      return 'The team confirmed the problem and is working on a fix.';
    case 'resolved':
      return 'Fixed. You may ask to disclose it.';
    case 'disclosed':
      return 'Fixed and published.';
    case 'duplicate':
      return 'Someone reported this before you. The reason is in the activity below.';
    default:
      return 'Closed. The reason is in the activity below.';
  }
}

export function ReportPage() {
  const { id = '' } = useParams();
  const location = useLocation();
  const { user } = useSignedIn();
  const staff = readsAllReports(user.roles);
  const triager = triages(user.roles);
  const directory = useStaffDirectory();

  const report = useResource((signal) => reportsApi.get(id, signal), [id]);
  const timeline = useResource((signal) => reportsApi.timeline(id, signal), [id]);
  const programId = report.data?.programId;
  const program = useResource<Program | undefined>((signal) => (programId ? programsApi.get(programId, signal) : Promise.resolve(undefined)), [programId]);
  const duplicates = useResource((signal) => (staff ? reportsApi.duplicates(id, signal) : Promise.resolve([])), [id, staff]);
  const rewards = useResource((signal) => rewardsApi.forReport(id, signal), [id]);
  const suggestion = useResource(
    (signal) => (triager && program.data?.kind === 'bounty' ? rewardsApi.suggestion(id, signal) : Promise.resolve(null)),
    [id, triager, program.data?.kind, report.data?.severity, report.data?.asset?.id],
  );
  const disclosure = useResource((signal) => reportsApi.disclosure(id, signal), [id]);
  const [notice, setNotice] = useState<string | null>((location.state as { submitted?: boolean } | null)?.submitted ? SUBMITTED : null);
  const [transitionTo, setTransitionTo] = useState<ReportState | null>(null);

  useTitle(report.data ? report.data.title : 'Report');

  useEffect(() => setNotice((location.state as { submitted?: boolean } | null)?.submitted ? SUBMITTED : null), [id]);

  function refresh(message: string, updated?: Report | null) {
    if (updated) report.setData(updated);
    else report.reload();
    timeline.reload();
    setNotice(message);
  }

  const r = report.data;
  if (!r) {
    return (
      <section className="page">
        {report.loading && <Loading />}
        {report.error && <LoadError error={report.error} onRetry={report.reload} />}
      </section>
    );
  }

  const isReporter = r.reporterId === user.id;
  const side = triager ? 'staff' : !staff ? 'reporter' : 'reader';
  const canReply = triager || !staff;
  const events = timeline.data?.items ?? [];
  const submittedBy = events.find((e) => e.kind === 'submitted')?.authorLabel;
  const p = program.data;

  return (
    <section className="page report-page">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <ol>
          <li>{staff ? <Link to="/inbox">Inbox</Link> : <Link to="/reports">My reports</Link>}</li>
          <li aria-current="page">Report {shortId(r.id)}</li>
        </ol>
      </nav>
      <PageHeader
        title={r.title}
        description={
          <span className="report-meta">
            <StateChip state={r.state} />
            <SeverityChip severity={r.severity} score={r.score} />
            {r.outOfScope && <Chip tone="warning">Out of scope</Chip>}
            {staff && r.priority && <Chip>{r.priority}</Chip>}
            <span className="muted">
              {p ? <Link to={`/programs/${p.slug}`}>{p.name}</Link> : null}
              {p ? ' · ' : null}
              submitted <Time value={r.createdAt} relative />
              {staff && submittedBy ? ` by ${submittedBy}` : ''}
            </span>
          </span>
        }
      />
      {triager && (
        <p className="jump-to-triage">
          <button
            type="button"
            className="button small"
            onClick={() => {
              const heading = document.getElementById('triage-heading');
              heading?.scrollIntoView({ block: 'start' });
              heading?.focus();
            }}
          >
            Go to triage
          </button>
        </p>
      )}
      <StatusMessage>{notice}</StatusMessage>

      <div className="report-layout">
        <div className="report-main">
          {!staff && (
            <p className="alert alert-info next-step">
              <strong>{r.state === 'needs_more_info' ? 'Your turn. ' : 'What happens now: '}</strong>
              {nextStep(r)}
            </p>
          )}
          {r.closeReason && r.state !== 'new' && r.state !== 'triaged' && (
            <div className="alert alert-info">
              <p>
                <strong>Reason: </strong>
                {r.closeReason}
              </p>
              {r.duplicateOf && (
                <p>
                  Duplicate of <Link to={`/reports/${r.duplicateOf}`}>report {shortId(r.duplicateOf)}</Link>
                  {staff ? '' : ' (you may not be able to open it)'}.
                </p>
              )}
            </div>
          )}

          <section className="panel report-body" aria-labelledby="report-details">
            <h2 id="report-details">Report</h2>
            <dl className="properties">
              <div>
                <dt>Asset</dt>
                <dd>
                  {r.asset ? (
                    <>
                      <code>{r.asset.identifier}</code> <span className="muted">{assetKindLabel(r.asset.kind)}</span>
                      {r.asset.tier ? <span className="muted">, tier {r.asset.tier}</span> : null}{' '}
                      {!r.asset.inScope && <Chip tone="warning">{r.asset.id ? 'out of scope' : 'not listed'}</Chip>}
                      {r.asset.id && r.asset.reportedAs ? <span className="muted"> (reported as <code>{r.asset.reportedAs}</code>)</span> : null}
                    </>
                  ) : (
                    <span className="muted">not given</span>
                  )}
                </dd>
              </div>
              {r.outOfScope && (
                <div>
                  <dt>Scope</dt>
                  <dd>{r.outOfScope}</dd>
                </div>
              )}
              <div>
                <dt>Weakness</dt>
                <dd>{r.cwe ? <a href={`https://cwe.mitre.org/data/definitions/${r.cwe}.html`} rel="noopener noreferrer">CWE-{r.cwe}</a> : <span className="muted">not set</span>}</dd>
              </div>
              <div>
                <dt>CVSS</dt>
                <dd>
                  {r.cvss.length === 0 ? (
                    <span className="muted">not scored</span>
                  ) : (
                    r.cvss.map((v) => (
                      <span key={v.vector} className="vector-line">
                        <strong>{v.score.toFixed(1)}</strong> {severityLabel(v.severity)} <code className="vector">{v.vector}</code>
                      </span>
                    ))
                  )}
                </dd>
              </div>
              <div>
                <dt>Policy</dt>
                <dd>
                  {p ? <Link to={`/programs/${encodeURIComponent(p.slug)}/policy/${r.policyVersion}`}>version {r.policyVersion}</Link> : `version ${r.policyVersion}`} accepted
                </dd>
              </div>
            </dl>
            <h3>Description</h3>
            <ServerHtml html={r.description.html} />
            {r.steps.markdown.trim() && (
              <>
                <h3>Steps to reproduce</h3>
                <ServerHtml html={r.steps.html} />
              </>
            )}
            {r.impact.markdown.trim() && (
              <>
                <h3>Impact</h3>
                <ServerHtml html={r.impact.html} />
              </>
            )}
            {(r.attachments?.length ?? 0) > 0 && (
              <>
                <h3>Attachments</h3>
                <ul className="attachment-list">
                  {r.attachments!.map((a) => (
                    <li key={a.id}>
                      <a href={attachmentDownloadUrl(a.id)} download={a.filename}>
                        {a.filename}
                      </a>{' '}
                      <span className="muted">
                        {formatBytes(a.size)} · {a.mediaType}
                      </span>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </section>

          <section className="panel" aria-labelledby="activity-heading">
            <h2 id="activity-heading">Activity</h2>
            {timeline.error && <LoadError error={timeline.error} onRetry={timeline.reload} />}
            {timeline.loading && !timeline.data && <Loading />}
            {timeline.data && <Timeline entries={events} who={directory.name} />}
            {canReply && (
              <ReplyBox
                reportId={r.id}
                canNote={triager}
                placeholder={r.state === 'needs_more_info' && isReporter ? 'Answer the team’s question…' : undefined}
                onSent={() => {
                  setNotice(null);
                  report.reload();
                  timeline.reload();
                }}
              />
            )}
          </section>
        </div>

        <aside className="report-aside" aria-label="Status and actions">
          {isReporter && <RetestAnswer report={r} onDone={(message) => refresh(message)} />}
          {triager && (
            <TriagePanel
              report={r}
              members={directory.members}
              scope={p?.scope ?? []}
              duplicates={duplicates.data ?? []}
              transitionTo={transitionTo}
              setTransitionTo={setTransitionTo}
              onChanged={(updated, message) => refresh(message, updated)}
            />
          )}
          {triager && r.state === 'resolved' && (
            <section className="panel" aria-label="Retest">
              <RetestRequest report={r} onDone={(message) => refresh(message)} />
            </section>
          )}
          <SlaPanel clocks={r.sla ?? []} />
          {staff && (
            <DuplicatesPanel duplicates={duplicates} canMark={triager && (r.allowedTransitions ?? []).includes('duplicate')} onMark={() => setTransitionTo('duplicate')} />
          )}
          <RewardsPanel report={r} program={p} rewards={rewards} suggestion={suggestion} canAward={triager} onAwarded={(message) => refresh(message)} />
          <DisclosurePanel report={r} program={p} disclosure={disclosure} events={events} side={side === 'reporter' && !isReporter ? 'reader' : side} onChanged={(message) => refresh(message)} />
        </aside>
      </div>
    </section>
  );
}

import { useEffect, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { toApiError, type ApiError } from '../../api/client';
import { FormAlert } from '../../components/forms';
import { ServerHtml, SeverityChip } from '../../components/ReportChips';
import { Chip, Empty, LoadError, Loading, PageHeader, Time } from '../../components/ui';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { disclosedApi, programsApi } from '../reports/api';
import { Timeline } from '../reports/Timeline';
import type { DisclosedItem } from '../reports/types';
import '../reports/reports.css';

const PAGE_SIZE = 50;

/** Disclosed reports of public programmes, newest first; anyone may read them. */
export function DisclosedListPage() {
  useTitle('Disclosed reports');
  const [params, setParams] = useSearchParams();
  const program = params.get('program') ?? '';
  const list = useResource((signal) => disclosedApi.list({ program: program || undefined, limit: PAGE_SIZE }, signal), [program]);
  const programs = useResource((signal) => programsApi.list(signal), []);
  const [more, setMore] = useState<DisclosedItem[]>([]);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  useEffect(() => {
    setMore([]);
    setDone(false);
  }, [program]);

  const items = [...(list.data?.items ?? []), ...more];
  const full = !done && (more.length ? more.length % PAGE_SIZE === 0 : (list.data?.items.length ?? 0) === PAGE_SIZE);

  async function loadMore() {
    const last = items[items.length - 1];
    if (!last) return;
    setBusy(true);
    setError(undefined);
    try {
      const page = await disclosedApi.list({ program: program || undefined, before: last.disclosedAt, limit: PAGE_SIZE });
      setMore((prev) => [...prev, ...page.items]);
      if (page.items.length < PAGE_SIZE) setDone(true);
    } catch (reason) {
      setError(toApiError(reason));
    } finally {
      setBusy(false);
    }
  }

  const publicPrograms = (programs.data?.items ?? []).filter((p) => p.visibility === 'public');

  return (
    <section className="page">
      <PageHeader title="Disclosed reports" description="Vulnerabilities reported to these programmes, fixed, and published with the reporter’s agreement." />
      {publicPrograms.length > 1 && (
        <form className="filters" role="search" aria-label="Filter disclosed reports" onSubmit={(e) => e.preventDefault()}>
          <div className="field">
            <label htmlFor="disclosed-program">Programme</label>
            <select id="disclosed-program" value={program} onChange={(e) => setParams(e.target.value ? { program: e.target.value } : {})}>
              <option value="">Every programme</option>
              {publicPrograms.map((p) => (
                <option key={p.id} value={p.slug}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
        </form>
      )}
      {list.loading && !list.data && <Loading />}
      {list.error && <LoadError error={list.error} onRetry={list.reload} />}
      {list.data && items.length === 0 && <Empty>Nothing has been disclosed{program ? ' for this programme' : ''} yet.</Empty>}
      {items.length > 0 && (
        <ul className="disclosed-list">
          {items.map((item) => (
            <li key={item.id}>
              <Link to={`/disclosed/${item.id}`} className="disclosed-title">
                {item.title}
              </Link>
              <span className="disclosed-meta">
                <SeverityChip severity={item.severity} /> <Link to={`/programs/${item.program.slug}`}>{item.program.name}</Link> · disclosed{' '}
                <Time value={item.disclosedAt} compact />
              </span>
            </li>
          ))}
        </ul>
      )}
      <FormAlert error={error} />
      {full && items.length > 0 && (
        <p>
          <button type="button" className="button" onClick={() => void loadMore()} disabled={busy}>
            {busy ? 'Loading…' : 'Load more'}
          </button>
        </p>
      )}
    </section>
  );
}

/** One disclosed report: the published (redacted) text and the public timeline, never internal notes. */
export function DisclosedPage() {
  const { id = '' } = useParams();
  const report = useResource((signal) => disclosedApi.get(id, signal), [id]);
  const r = report.data;
  useTitle(r?.title ?? 'Disclosed report');
  if (!r) {
    return (
      <section className="page narrow">
        {report.loading && <Loading />}
        {report.error && <LoadError error={report.error} onRetry={report.reload} />}
      </section>
    );
  }
  return (
    <section className="page narrow disclosed-page">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <ol>
          <li>
            <Link to="/disclosed">Disclosed reports</Link>
          </li>
          <li>
            <Link to={`/programs/${r.program.slug}`}>{r.program.name}</Link>
          </li>
        </ol>
      </nav>
      <PageHeader
        title={r.title}
        description={
          <span className="report-meta">
            <SeverityChip severity={r.severity} score={r.score} />
            {r.cwe && <Chip>CWE-{r.cwe}</Chip>}
            {r.level === 'limited' && <Chip tone="info">Summary</Chip>}
            <span className="muted">
              Reported <Time value={r.submittedAt} compact />
              {r.resolvedAt ? (
                <>
                  , fixed <Time value={r.resolvedAt} compact />
                </>
              ) : null}
              , disclosed <Time value={r.disclosedAt} compact />
            </span>
          </span>
        }
      />
      {r.summary.markdown.trim() && (
        <section className="panel" aria-labelledby="summary-heading">
          <h2 id="summary-heading">Summary</h2>
          <ServerHtml html={r.summary.html} />
        </section>
      )}
      {r.description && (
        <section className="panel" aria-labelledby="report-heading">
          <h2 id="report-heading">The report</h2>
          <ServerHtml html={r.description.html} />
          {r.steps?.markdown.trim() && (
            <>
              <h3>Steps to reproduce</h3>
              <ServerHtml html={r.steps.html} />
            </>
          )}
          {r.impact?.markdown.trim() && (
            <>
              <h3>Impact</h3>
              <ServerHtml html={r.impact.html} />
            </>
          )}
        </section>
      )}
      <section className="panel" aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        <Timeline entries={r.timeline} label="Public timeline" />
      </section>
    </section>
  );
}

import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { SelectField, TextField } from '../../components/forms';
import { Chip, Empty, LoadError, Loading, PageHeader, Time } from '../../components/ui';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { findingsApi } from './api';
import { CandidateStateChip, FindingsTabs, SeverityScore, percent } from './parts';
import type { CandidateState, QueueQuery } from './types';
import './findings.css';

const PAGE_SIZE = 50;

function readQuery(params: URLSearchParams): QueueQuery {
  const min = params.get('minSeverity');
  return {
    state: (params.get('state') as CandidateState | 'all' | null) ?? undefined,
    source: params.get('source') ?? undefined,
    rule: params.get('rule') ?? undefined,
    project: params.get('project') ?? undefined,
    minSeverity: min !== null && min !== '' && Number.isFinite(Number(min)) ? Number(min) : undefined,
    inUse: params.get('inUse') === 'true' ? true : undefined,
  };
}

/**
 * `/findings`: candidate vulnerabilities waiting for review, highest severity × confidence × reach
 * first, with filters kept in the URL.
 */
export function FindingsQueuePage() {
  useTitle('Findings');
  const [params, setParams] = useSearchParams();
  const query = readQuery(params);
  const [page, setPage] = useState(0);
  const key = params.toString();
  const list = useResource((signal) => findingsApi.queue({ ...query, limit: PAGE_SIZE, offset: page * PAGE_SIZE }, signal), [key, page]);

  function set(name: string, value: string) {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setPage(0);
    setParams(next, { replace: true });
  }

  const total = list.data?.total ?? 0;
  return (
    <section className="page findings-page">
      <PageHeader
        title="Findings"
        description="Candidate vulnerabilities found by scanners, AI agents and people, one per root cause. Each needs a security engineer's approval before it is reported — a person's finding needs one who is not its author."
      />
      <FindingsTabs current="queue" />
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <SelectField label="State" name="state" value={query.state ?? ''} onChange={(e) => set('state', e.target.value)}>
          <option value="">Needs review</option>
          <option value="approved">Approved</option>
          <option value="rejected">Rejected</option>
          <option value="all">Any</option>
        </SelectField>
        <TextField label="Source" name="source" defaultValue={query.source ?? ''} onBlur={(e) => set('source', e.target.value.trim())} />
        <TextField label="Rule or CWE" name="rule" placeholder="js/xss or CWE-79" defaultValue={query.rule ?? ''} onBlur={(e) => set('rule', e.target.value.trim())} />
        <TextField label="Project" name="project" placeholder="repo:github.com/owner/repo" defaultValue={query.project ?? ''} onBlur={(e) => set('project', e.target.value.trim())} />
        <SelectField label="Minimum severity" name="minSeverity" value={query.minSeverity === undefined ? '' : String(query.minSeverity)} onChange={(e) => set('minSeverity', e.target.value)}>
          <option value="">Any</option>
          <option value="9">Critical (9+)</option>
          <option value="7">High (7+)</option>
          <option value="4">Medium (4+)</option>
        </SelectField>
        <SelectField label="We use it" name="inUse" value={query.inUse ? 'true' : ''} onChange={(e) => set('inUse', e.target.value)}>
          <option value="">Any</option>
          <option value="true">Only components we use</option>
        </SelectField>
      </form>
      {list.loading && !list.data && <Loading />}
      {list.error && <LoadError error={list.error} onRetry={list.reload} />}
      {list.data && list.data.items.length === 0 && <Empty>Nothing here. Import findings with `cvdesk findings import FILE --source NAME`.</Empty>}
      {list.data && list.data.items.length > 0 && (
        <>
          <div className="table-wrap">
            <table className="table findings-table">
              <thead>
                <tr>
                  <th scope="col">Candidate</th>
                  <th scope="col">Target</th>
                  <th scope="col">Severity</th>
                  <th scope="col">Confidence</th>
                  <th scope="col">Findings</th>
                  <th scope="col">Priority</th>
                  <th scope="col">State</th>
                  <th scope="col">Last seen</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((c) => (
                  <tr key={c.id}>
                    <td>
                      <Link to={`/findings/${c.id}`}>{c.title}</Link>
                      <div className="muted small">
                        {c.cwe ? `CWE-${c.cwe} · ` : ''}
                        {c.rule} · {c.sink}
                      </div>
                      {c.origin === 'person' && <Chip tone="info">Found by a person</Chip>}
                      {c.componentInUse && <Chip tone="danger">We use it</Chip>}
                    </td>
                    <td className="break">{c.target}</td>
                    <td>
                      <SeverityScore score={c.severity} />
                    </td>
                    <td>{percent(c.confidence)}</td>
                    <td>{c.findings}</td>
                    <td>{c.priority.toFixed(1)}</td>
                    <td>
                      <CandidateStateChip state={c.state} />
                    </td>
                    <td className="nowrap">
                      <Time value={c.lastSeenAt} compact />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="muted">
            {page * PAGE_SIZE + 1}–{page * PAGE_SIZE + list.data.items.length} of {total}.{' '}
            {page > 0 && (
              <button type="button" className="button small" onClick={() => setPage((p) => p - 1)}>
                Previous
              </button>
            )}{' '}
            {(page + 1) * PAGE_SIZE < total && (
              <button type="button" className="button small" onClick={() => setPage((p) => p + 1)}>
                Next
              </button>
            )}
          </p>
        </>
      )}
    </section>
  );
}

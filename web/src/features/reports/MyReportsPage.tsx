import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { useSignedIn } from '../../app/session';
import { FormAlert } from '../../components/forms';
import { SeverityChip, StateChip } from '../../components/ReportChips';
import { Empty, KeyHint, LoadError, Loading, PageHeader, Time } from '../../components/ui';
import { useListKeys } from '../../lib/useListKeys';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { programsApi, reportsApi } from './api';
import { readsAllReports } from './roles';
import { OPEN_STATES, type InboxItem } from './types';
import { useKeysetList } from './useKeysetList';
import './reports.css';

/** A reporter's own reports (and those they collaborate on), newest first. Staff use the inbox. */
export function MyReportsPage() {
  useTitle('My reports');
  const { user } = useSignedIn();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const view = params.get('view') === 'open' ? 'open' : 'all';
  const staff = readsAllReports(user.roles);
  const state = view === 'open' ? OPEN_STATES.join(',') : undefined;
  const reports = useKeysetList<InboxItem>(
    (after, signal) => (staff ? Promise.resolve({ items: [], next: null }) : reportsApi.list({ limit: 50, state, after }, signal)),
    [view, staff],
  );
  const list = reports.first;
  const programs = useResource((signal) => programsApi.list(signal), []);
  const { items, next } = reports;
  const keys = useListKeys(items.length, (index) => items[index] && navigate(`/reports/${items[index]!.id}`));

  if (staff) return <Navigate to="/inbox" replace />;

  const programName = (id: string) => programs.data?.items.find((p) => p.id === id)?.name ?? '';

  return (
    <section className="page">
      <PageHeader
        title="My reports"
        description="What you reported, and reports you were named a collaborator on."
        actions={
          <Link className="button primary" to="/programs">
            Report a problem
          </Link>
        }
      />
      <nav className="segmented" aria-label="Which reports">
        <Link to="/reports" aria-current={view === 'all' ? 'page' : undefined}>
          All
        </Link>
        <Link to="/reports?view=open" aria-current={view === 'open' ? 'page' : undefined}>
          Open
        </Link>
      </nav>
      {list.loading && !list.data && <Loading />}
      {list.error && <LoadError error={list.error} onRetry={list.reload} />}
      {list.data && items.length === 0 && (
        <Empty>
          {view === 'open' ? 'No open reports.' : 'You have not reported anything yet.'} <Link to="/programs">Find a programme</Link>
        </Empty>
      )}
      {items.length > 0 && (
        <>
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Your reports, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Report</th>
                  <th scope="col">State</th>
                  <th scope="col">Severity</th>
                  <th scope="col" className="col-opt">
                    Updated
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((item, index) => (
                  <tr key={item.id} {...keys.rowProps(index)} className="clickable" onClick={(e) => !(e.target as HTMLElement).closest('a') && navigate(`/reports/${item.id}`)}>
                    <th scope="row">
                      <span className="cell-title">
                        <Link to={`/reports/${item.id}`} tabIndex={-1}>
                          {item.title}
                        </Link>
                      </span>
                      <span className="cell-sub">
                        {programName(item.programId)} · sent <Time value={item.createdAt} compact />
                      </span>
                    </th>
                    <td>
                      <StateChip state={item.state} />
                    </td>
                    <td>
                      <SeverityChip severity={item.severity} score={item.score} />
                    </td>
                    <td className="col-opt nowrap">
                      <Time value={item.updatedAt} relative />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <KeyHint />
          <FormAlert error={reports.moreError} />
          {next && (
            <p>
              <button type="button" className="button" onClick={() => void reports.loadMore()} disabled={reports.loadingMore}>
                {reports.loadingMore ? 'Loading…' : 'Load more'}
              </button>
            </p>
          )}
        </>
      )}
    </section>
  );
}

import { Link, useLocation, useNavigate } from 'react-router';
import { StatusMessage } from '../../components/forms';
import { Empty, KeyHint, LoadError, Loading, PageHeader } from '../../components/ui';
import { useListKeys } from '../../lib/useListKeys';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { programsApi } from '../reports/api';
import { ReputationPointsPanel } from '../rewards/ReputationPointsPanel';
import { ProgramKindChip } from './ProgramParts';
import '../reports/reports.css';

/** Leads: every programme, with links to edit it and to its response-time dashboard. */
export function AdminProgramsPage() {
  useTitle('Manage programmes');
  const navigate = useNavigate();
  const location = useLocation();
  const programs = useResource((signal) => programsApi.list(signal), []);
  const items = programs.data?.items ?? [];
  const keys = useListKeys(items.length, (index) => items[index] && navigate(`/admin/programs/${items[index]!.slug}/edit`));
  const notice = (location.state as { notice?: string } | null)?.notice ?? null;

  return (
    <section className="page">
      <PageHeader
        title="Manage programmes"
        description="Policy, scope, rewards, response targets and disclosure of each programme, and the reputation points every programme uses. A changed policy becomes a new version; reports keep the version they accepted."
        actions={
          <Link className="button primary" to="/admin/programs/new">
            New programme
          </Link>
        }
      />
      <StatusMessage>{notice}</StatusMessage>
      {programs.loading && !programs.data && <Loading />}
      {programs.error && <LoadError error={programs.error} onRetry={programs.reload} />}
      {programs.data && items.length === 0 && <Empty>No programmes yet. Create the first one.</Empty>}
      {items.length > 0 && (
        <>
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Programmes</caption>
              <thead>
                <tr>
                  <th scope="col">Programme</th>
                  <th scope="col">Kind</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((p, index) => (
                  <tr key={p.id} {...keys.rowProps(index)}>
                    <th scope="row">
                      <span className="cell-title">
                        <Link to={`/programs/${p.slug}`} tabIndex={-1}>
                          {p.name}
                        </Link>
                      </span>
                      <span className="cell-sub">
                        <code>{p.slug}</code>
                      </span>
                    </th>
                    <td>
                      <ProgramKindChip program={p} />
                    </td>
                    <td className="actions">
                      <Link className="button small" to={`/admin/programs/${p.slug}/edit`}>
                        Edit<span className="visually-hidden"> {p.name}</span>
                      </Link>{' '}
                      <Link className="button small" to={`/admin/programs/${p.slug}/sla`}>
                        Response times<span className="visually-hidden"> of {p.name}</span>
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <KeyHint />
        </>
      )}
      <ReputationPointsPanel />
    </section>
  );
}

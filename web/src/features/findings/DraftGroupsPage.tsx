import { Link } from 'react-router';
import { Empty, LoadError, Loading, PageHeader } from '../../components/ui';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { findingsApi } from './api';
import { FindingsTabs, SeverityScore } from './parts';
import './findings.css';

/** `/findings/groups`: candidates grouped by vendor/project, from which cases are built. */
export function DraftGroupsPage() {
  useTitle('Draft case groups');
  const groups = useResource((signal) => findingsApi.groups(signal), []);
  return (
    <section className="page findings-page">
      <PageHeader title="Draft case groups" description="Candidates that are not rejected, grouped by vendor or project: each group is the start of a case." />
      <FindingsTabs current="groups" />
      {groups.loading && !groups.data && <Loading />}
      {groups.error && <LoadError error={groups.error} onRetry={groups.reload} />}
      {groups.data && groups.data.items.length === 0 && <Empty>No candidates yet.</Empty>}
      {groups.data && groups.data.items.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Project</th>
                <th scope="col">Candidates</th>
                <th scope="col">Approved</th>
                <th scope="col">Findings</th>
                <th scope="col">Highest severity</th>
              </tr>
            </thead>
            <tbody>
              {groups.data.items.map((g) => (
                <tr key={g.projectKey}>
                  <td className="break">
                    <Link to={`/findings?project=${encodeURIComponent(g.projectKey)}&state=all`}>{g.projectKey}</Link>
                    <div className="muted small">{g.target}</div>
                  </td>
                  <td>{g.candidates}</td>
                  <td>{g.approved}</td>
                  <td>{g.findings}</td>
                  <td>
                    <SeverityScore score={g.maxSeverity} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

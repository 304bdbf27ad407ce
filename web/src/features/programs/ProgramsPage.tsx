import { Link } from 'react-router';
import { useSession } from '../../app/session';
import { Empty, LoadError, Loading, PageHeader } from '../../components/ui';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { programsApi } from '../reports/api';
import { leads } from '../reports/roles';
import { ProgramKindChip } from './ProgramParts';
import '../reports/reports.css';

/** Every programme the visitor may see: public ones, invitations, all of them for staff. */
export function ProgramsPage() {
  useTitle('Programmes');
  const { session } = useSession();
  const programs = useResource((signal) => programsApi.list(signal), [session?.user.id]);
  const items = programs.data?.items ?? [];

  return (
    <section className="page">
      <PageHeader
        title="Programmes"
        description="Where to report a security problem. Read a programme’s policy and scope first; then submit your report to it."
        actions={
          leads(session?.user.roles) ? (
            <Link className="button" to="/admin/programs">
              Manage programmes
            </Link>
          ) : undefined
        }
      />
      {programs.loading && !programs.data && <Loading />}
      {programs.error && <LoadError error={programs.error} onRetry={programs.reload} />}
      {programs.data && items.length === 0 && <Empty>There are no programmes to report to yet.</Empty>}
      {items.length > 0 && (
        <ul className="program-cards">
          {items.map((program) => (
            <li key={program.id} className="program-card">
              <h2>
                <Link to={`/programs/${program.slug}`}>{program.name}</Link>
              </h2>
              <ProgramKindChip program={program} />
              <p className="program-card-actions">
                <Link to={`/programs/${program.slug}`}>Policy and scope</Link>
                <span aria-hidden="true"> · </span>
                <Link to={`/programs/${program.slug}/submit`}>
                  Submit a report<span className="visually-hidden"> to {program.name}</span>
                </Link>
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

import { Link, useParams } from 'react-router';
import { ServerHtml } from '../../components/ReportChips';
import { LoadError, Loading, PageHeader, Time } from '../../components/ui';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { programsApi } from '../reports/api';
import '../reports/reports.css';

/** `/programs/:slug/policy/:version`: the policy as it read in one version (the one a report's reporter accepted). */
export function PolicyVersionPage() {
  const { slug = '', version = '' } = useParams();
  const number = Number(version);
  const policy = useResource((signal) => programsApi.policyVersion(slug, number, signal), [slug, number]);
  const program = useResource((signal) => programsApi.get(slug, signal), [slug]);
  const name = program.data?.name ?? 'Programme';
  useTitle(`${name}: policy version ${version}`);
  const p = policy.data;
  return (
    <section className="page program-page">
      <PageHeader
        title={`${name}: policy, version ${version}`}
        description={
          p ? (
            <>
              Published <Time value={p.createdAt} />. {p.current ? 'This is the current version.' : 'A later version replaced it.'}{' '}
              <Link to={`/programs/${encodeURIComponent(slug)}`}>The programme’s page</Link>
            </>
          ) : undefined
        }
      />
      {policy.loading && <Loading />}
      {policy.error && <LoadError error={policy.error} onRetry={policy.reload} />}
      {p && <ServerHtml html={p.html} />}
    </section>
  );
}

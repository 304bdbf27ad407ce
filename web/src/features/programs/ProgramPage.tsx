import { Link, useParams } from 'react-router';
import { useSession } from '../../app/session';
import { ServerHtml } from '../../components/ReportChips';
import { LoadError, Loading, PageHeader, Time } from '../../components/ui';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { programsApi } from '../reports/api';
import { leads, readsAllReports } from '../reports/roles';
import { DisclosureText, ExclusionList, ProgramKindChip, RewardGrid, ScopeTable, TargetsTable } from './ProgramParts';
import '../reports/reports.css';

/** A programme's public page: policy, scope, exclusions, rewards, targets beside medians, safe harbour. */
export function ProgramPage() {
  const { slug = '' } = useParams();
  const { session } = useSession();
  const program = useResource((signal) => programsApi.get(slug, signal), [slug, session?.user.id]);
  const p = program.data;
  useTitle(p?.name ?? 'Programme');
  const roles = session?.user.roles;

  if (!p) {
    return (
      <section className="page">
        {program.loading && <Loading />}
        {program.error && <LoadError error={program.error} onRetry={program.reload} />}
      </section>
    );
  }

  return (
    <section className="page program-page">
      <PageHeader
        title={p.name}
        description={<ProgramKindChip program={p} />}
        actions={
          <>
            <Link className="button primary" to={`/programs/${p.slug}/submit`}>
              Submit a report
            </Link>
            <Link className="button" to={`/programs/${p.slug}/hall-of-fame`}>
              Hall of fame
            </Link>
            {readsAllReports(roles) && (
              <Link className="button" to={`/inbox?program=${encodeURIComponent(p.slug)}`}>
                Inbox
              </Link>
            )}
            {leads(roles) && (
              <>
                <Link className="button" to={`/admin/programs/${p.slug}/edit`}>
                  Edit
                </Link>
                <Link className="button" to={`/admin/programs/${p.slug}/sla`}>
                  Response times
                </Link>
              </>
            )}
          </>
        }
      />

      <div className="program-layout">
        <div className="program-main">
          <section className="panel" aria-labelledby="policy-heading">
            <h2 id="policy-heading">Policy</h2>
            <p className="hint">
              Version {p.policy.version}, last changed <Time value={p.updatedAt} />.
            </p>
            <ServerHtml html={p.policy.html} className="policy" />
          </section>

          <section className="panel" aria-labelledby="scope-heading">
            <h2 id="scope-heading">Scope</h2>
            <p className="hint">Tier 1 assets matter most. Test only what is in scope.</p>
            <ScopeTable program={p} />
          </section>

          <section className="panel" aria-labelledby="exclusions-heading">
            <h2 id="exclusions-heading">Out of scope</h2>
            <p className="hint">Reports of these kinds are not taken here; some have a better place to go.</p>
            <ExclusionList program={p} />
          </section>

          {p.kind === 'bounty' && (
            <section className="panel" aria-labelledby="rewards-heading">
              <h2 id="rewards-heading">Rewards</h2>
              <p className="hint">By asset tier and severity, in {p.rewards.currency}.</p>
              <RewardGrid rewards={p.rewards} />
            </section>
          )}
          <section className="panel" aria-labelledby="harbour-heading">
            <h2 id="harbour-heading">Safe harbour</h2>
            <ServerHtml html={p.safeHarbour.html} />
          </section>
        </div>

        <aside className="program-aside" aria-label="Rewards, response times and disclosure">
          <section className="panel" aria-labelledby="targets-heading">
            <h2 id="targets-heading">Response times</h2>
            <TargetsTable program={p} />
          </section>
          <section className="panel" aria-labelledby="disclosure-heading">
            <h2 id="disclosure-heading">Disclosure</h2>
            <DisclosureText program={p} />
            <p>
              <Link to={`/disclosed?program=${encodeURIComponent(p.slug)}`}>Disclosed reports of {p.name}</Link>
            </p>
          </section>
          <section className="panel submit-callout" aria-labelledby="submit-heading">
            <h2 id="submit-heading">Found something?</h2>
            <p>Tell the team. The form explains each step and keeps your text in the tab until you send it.</p>
            <Link className="button primary" to={`/programs/${p.slug}/submit`}>
              Submit a report
            </Link>
          </section>
        </aside>
      </div>
    </section>
  );
}

import { Link } from 'react-router';
import { Chip, LoadError, Loading, Time } from '../../components/ui';
import { useResource } from '../../lib/useResource';
import { reputationApi } from '../reports/api';
import { shortId } from '../reports/labels';
import type { ReputationEntry } from '../reports/types';

/** A reporter's reputation: the total, the programmes that limit them because of it, and what it is made of. */
export function ReputationPanel() {
  const reputation = useResource((signal) => reputationApi.mine(signal), []);
  const data = reputation.data;

  return (
    <section className="panel" aria-labelledby="reputation-heading">
      <h2 id="reputation-heading">Reputation</h2>
      {reputation.loading && !data && <Loading />}
      {reputation.error && <LoadError error={reputation.error} onRetry={reputation.reload} />}
      {data && (
        <>
          <p>
            Your reputation: <strong>{data.total}</strong> points.{' '}
            <span className="hint">Resolved reports earn points; spam and not-applicable reports cost points.</span>
          </p>
          {data.limits.length > 0 ? (
            <div className="alert alert-warning">
              <p>Because your reputation is low, these programmes accept only a few reports from you:</p>
              <ul>
                {data.limits.map(({ program, ...limit }) => (
                  <li key={program.id}>
                    <Link to={`/programs/${program.slug}`}>{program.name}</Link>: at most {limit.maxReports} report{limit.maxReports === 1 ? '' : 's'} per {limit.windowDays} days
                    (until your reputation reaches {limit.reputationBelow}).
                  </li>
                ))}
              </ul>
            </div>
          ) : (
            <p className="hint">No programme limits how many reports you may submit.</p>
          )}
          {data.entries.length > 0 && <ReputationEntries entries={data.entries} />}
        </>
      )}
    </section>
  );
}

function ReputationEntries({ entries }: { entries: ReputationEntry[] }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">What your reputation is made of, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Report</th>
            <th scope="col" className="num">
              Points
            </th>
            <th scope="col" className="col-opt">
              When
            </th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.id}>
              <th scope="row">
                <span className="cell-title">
                  <Link to={`/reports/${entry.reportId}`}>Report {shortId(entry.reportId)}</Link>
                </span>
                <span className="cell-sub">
                  {entry.reason} {entry.supersededAt && <Chip>no longer counts</Chip>}
                </span>
              </th>
              <td className="num">{entry.points > 0 ? `+${entry.points}` : entry.points}</td>
              <td className="col-opt nowrap">
                <Time value={entry.createdAt} compact />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

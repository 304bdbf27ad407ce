import { useState } from 'react';
import { Link } from 'react-router';
import { toApiError, type ApiError } from '../../api/client';
import { useSignedIn } from '../../app/session';
import { SelectField } from '../../components/forms';
import { Empty, LoadError, Loading, PageHeader, Time } from '../../components/ui';
import { can } from '../../lib/access';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { incidentsApi } from './api';
import { IncidentStateChip } from './parts';
import { formatSize } from '../../lib/downloads';
import type { Incident, IncidentState } from './types';
import { shortRef } from '../../shared/server';

const PAGE_SIZE = 50;

/**
 * `/incidents`: the sealed inbox. Metadata only (the server has nothing else it can show):
 * triagers, leads and auditors see every incident, anyone else what they sent signed in.
 */
export function IncidentsPage() {
  useTitle('Sealed incidents');
  const session = useSignedIn();
  const staff = can(session.user.roles, 'incidents.read');
  const [state, setState] = useState<IncidentState | ''>('');
  const [more, setMore] = useState<{ items: Incident[]; next: string | null } | null>(null);
  const [moreError, setMoreError] = useState<ApiError | undefined>();
  const first = useResource(
    (signal) => {
      setMore(null);
      return incidentsApi.list({ state: state || undefined, limit: PAGE_SIZE }, signal);
    },
    [state],
  );
  const items = [...(first.data?.items ?? []), ...(more?.items ?? [])];
  const next = more ? more.next : (first.data?.next ?? null);

  function loadMore() {
    if (!next) return;
    incidentsApi.list({ state: state || undefined, after: next, limit: PAGE_SIZE }).then(
      (page) => setMore((m) => ({ items: [...(m?.items ?? []), ...page.items], next: page.next })),
      (reason: unknown) => setMoreError(toApiError(reason)),
    );
  }

  return (
    <section className="page incidents-page">
      <PageHeader
        title="Sealed incidents"
        description={
          staff
            ? 'Encrypted incident reports, and plain mail to the security mailbox (filed as open reports). Sealed content is read by opening one and unlocking the organisation key in your browser. New ones keep alerting the on-call addresses until acknowledged.'
            : 'Encrypted reports you sent while signed in.'
        }
        actions={
          <Link className="button" to="/report">
            Send an encrypted report
          </Link>
        }
      />
      <div className="filters">
        <SelectField label="State" name="state" value={state} onChange={(event) => setState(event.target.value as IncidentState | '')}>
          <option value="">Any</option>
          <option value="new">New — not acknowledged</option>
          <option value="acknowledged">Acknowledged</option>
          <option value="closed">Closed</option>
        </SelectField>
      </div>
      {first.loading && !first.data && <Loading />}
      {first.error && <LoadError error={first.error} onRetry={first.reload} />}
      {first.data && items.length === 0 && <Empty>No incidents{state ? ' in this state' : ''}.</Empty>}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="table incidents-table">
            <thead>
              <tr>
                <th scope="col">Received</th>
                <th scope="col">State</th>
                <th scope="col">Programme</th>
                <th scope="col">From</th>
                <th scope="col">Messages</th>
                <th scope="col">Size</th>
                {staff && <th scope="col">Alarms</th>}
              </tr>
            </thead>
            <tbody>
              {items.map((incident) => (
                <tr key={incident.id}>
                  <td>
                    <Link to={`/incidents/${incident.id}`}>
                      <Time value={incident.receivedAt} compact />
                      <span className="visually-hidden"> — open incident {shortRef(incident.id)}</span>
                    </Link>
                  </td>
                  <td>
                    <IncidentStateChip state={incident.state} />
                    {incident.unsealedAt && <span className="muted"> · unsealed</span>}
                    {!incident.sealed && <span className="muted"> · open report</span>}
                  </td>
                  <td>{incident.program?.name ?? <span className="muted">none</span>}</td>
                  <td>{incident.source === 'mail' ? 'Mail' : 'Web form'}</td>
                  <td>{incident.messages}</td>
                  <td>{incident.sealed ? formatSize(incident.size) : <span className="muted">not encrypted</span>}</td>
                  {staff && <td>{incident.alarms}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {moreError && <LoadError error={moreError} onRetry={loadMore} />}
      {next && (
        <p>
          <button type="button" className="button" onClick={loadMore}>
            Load more
          </button>
        </p>
      )}
    </section>
  );
}

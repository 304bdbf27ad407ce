import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useSignedIn } from '../../app/session';
import { FormAlert, SelectField, StatusMessage, useSubmit } from '../../components/forms';
import { Empty, LoadError, Loading, PageHeader, Time } from '../../components/ui';
import { can } from '../../lib/access';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { cnaApi, type CveRequest } from './api';

/** The staff queue of public CVE requests: accept (a draft record) or decline with a reason (mailed). */
export function CveRequestsPage() {
  useTitle('CVE requests');
  const [status, setStatus] = useState('open');
  const queue = useResource((signal) => cnaApi.queue(status, signal), [status]);
  const [notice, setNotice] = useState('');
  return (
    <section className="page cve-requests-page">
      <PageHeader title="CVE requests" description="Requests from the public form. Out-of-scope requests were answered at once and are not here." />
      <SelectField label="Status" name="status" value={status} onChange={(e) => setStatus(e.target.value)}>
        <option value="open">open</option>
        <option value="accepted">accepted</option>
        <option value="declined">declined</option>
        <option value="">all</option>
      </SelectField>
      <StatusMessage>{notice}</StatusMessage>
      {queue.loading && !queue.data && <Loading />}
      {queue.error && <LoadError error={queue.error} onRetry={queue.reload} />}
      {queue.data && queue.data.items.length === 0 && <Empty>No requests.</Empty>}
      {queue.data?.items.map((r) => (
        <RequestCard
          key={r.id}
          request={r}
          onDone={(message) => {
            setNotice(message);
            queue.reload();
          }}
        />
      ))}
    </section>
  );
}

function RequestCard({ request, onDone }: { request: CveRequest; onDone: (message: string) => void }) {
  const { user } = useSignedIn();
  const navigate = useNavigate();
  const accept = useSubmit();
  const decline = useSubmit();
  const [reason, setReason] = useState('');
  const canAct = can(user.roles, 'cna.manage') && request.status === 'open';
  return (
    <article className="panel cve-request" aria-label={request.title}>
      <h2>{request.title}</h2>
      <p>
        <strong>{request.product}</strong>
        {request.versions ? ` (${request.versions})` : ''} · {request.status} · <Time value={request.createdAt} />
        {request.cwe ? ` · CWE-${request.cwe}` : ''}
        {request.reportId && (
          <>
            {' '}
            · <Link to={`/reports/${request.reportId}`}>linked report</Link>
          </>
        )}
        {request.recordId && (
          <>
            {' '}
            · <Link to={`/cve-records/${request.recordId}`}>record</Link>
          </>
        )}
      </p>
      <p className="request-description">{request.description}</p>
      {request.references.length > 0 && (
        <ul>
          {request.references.map((url) => (
            <li key={url}>
              <a href={url} rel="noreferrer noopener" target="_blank">
                {url}
              </a>
            </li>
          ))}
        </ul>
      )}
      <p className="muted">From {request.requester.email ?? 'unknown'}{request.requester.name ? `, to be credited as ${request.requester.name}` : ''}</p>
      {request.decisionReason && <p>Declined: {request.decisionReason}</p>}
      {canAct && (
        <div className="button-row">
          <button type="button" className="button primary" disabled={accept.busy} onClick={() => void accept.run(() => cnaApi.accept(request.id), (r) => navigate(`/cve-records/${r.recordId}`))}>
            Accept and draft a record
          </button>
          <form
            ref={decline.formRef}
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              void decline.run(() => cnaApi.decline(request.id, reason), () => onDone('Declined; the requester was told why.'));
            }}
          >
            <label>
              Reason <input name="reason" value={reason} onChange={(e) => setReason(e.target.value)} aria-invalid={decline.fieldError('reason') ? true : undefined} />
            </label>
            <button type="submit" className="button" disabled={decline.busy}>
              Decline
            </button>
          </form>
        </div>
      )}
      <FormAlert error={accept.error ?? decline.error} />
    </article>
  );
}

import { Fragment, useEffect, useState, type FormEvent, type MouseEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { toApiError, type ApiError } from '../../api/client';
import { AUDIT_EXPORT_URL, auditApi, type AuditFilter } from '../../api/endpoints';
import type { AuditEvent, AuditVerification } from '../../api/types';
import { useSignedIn } from '../../app/session';
import { FormAlert, StatusMessage, TextField } from '../../components/forms';
import { Empty, KeyHint, LoadError, Loading, PageHeader, Time } from '../../components/ui';
import { can } from '../../lib/access';
import { useListKeys } from '../../lib/useListKeys';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { DisclosureCell } from '../../components/DisclosureCell';
import { shortRef } from '../../shared/server';

const PAGE_SIZE = 50;
const FILTER_FIELDS = [
  { name: 'action', label: 'Action', placeholder: 'e.g. user.invited' },
  { name: 'actorId', label: 'Actor ID', placeholder: 'user id' },
  { name: 'objectType', label: 'Object type', placeholder: 'e.g. user' },
  { name: 'objectId', label: 'Object ID', placeholder: 'id' },
] as const;

function shortId(id: string): string {
  return id.length > 13 ? `…${shortRef(id)}` : id;
}

function searchFor(values: Record<string, string | number | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== null && value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * The audit log, newest first. Filters live in the URL so a view can be shared; `before` in
 * the URL starts the list below a given event (used by "show the broken event").
 */
export function AuditPage() {
  useTitle('Audit log');
  const { user } = useSignedIn();
  const [params, setParams] = useSearchParams();
  const filter: AuditFilter = {
    action: params.get('action') || undefined,
    actorId: params.get('actorId') || undefined,
    objectType: params.get('objectType') || undefined,
    objectId: params.get('objectId') || undefined,
  };
  const beforeParam = Number.parseInt(params.get('before') ?? '', 10);
  const start = Number.isFinite(beforeParam) && beforeParam > 0 ? beforeParam : undefined;
  const key = JSON.stringify([filter, start]);
  const filtered = Object.values(filter).some(Boolean) || start !== undefined;

  const first = useResource((signal) => auditApi.list({ ...filter, before: start, limit: PAGE_SIZE }, signal), [key]);
  const [more, setMore] = useState<{ items: AuditEvent[]; nextBefore: number | null } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<ApiError | undefined>(undefined);
  const [moreNotice, setMoreNotice] = useState<string | null>(null);
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());

  useEffect(() => {
    setMore(null);
    setMoreError(undefined);
    setMoreNotice(null);
    setOpen(new Set());
  }, [key]);

  const items = [...(first.data?.items ?? []), ...(more?.items ?? [])];
  const nextBefore = more ? more.nextBefore : (first.data?.nextBefore ?? null);

  function toggle(seq: number) {
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(seq)) next.delete(seq);
      else next.add(seq);
      return next;
    });
  }

  const keys = useListKeys(items.length, (index) => {
    const event = items[index];
    if (event) toggle(event.seq);
  });

  async function loadMore() {
    if (nextBefore === null) return;
    setLoadingMore(true);
    setMoreError(undefined);
    try {
      const page = await auditApi.list({ ...filter, before: nextBefore, limit: PAGE_SIZE });
      setMore((prev) => ({ items: [...(prev?.items ?? []), ...page.items], nextBefore: page.nextBefore }));
      setMoreNotice(`Loaded ${page.items.length} more event${page.items.length === 1 ? '' : 's'}.`);
    } catch (error) {
      setMoreError(toApiError(error));
    } finally {
      setLoadingMore(false);
    }
  }

  function applyFilter(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    for (const field of FILTER_FIELDS) {
      const value = String(data.get(field.name) ?? '').trim();
      if (value) next.set(field.name, value);
    }
    setParams(next);
  }

  function onRowClick(event: MouseEvent<HTMLTableRowElement>, seq: number) {
    if ((event.target as HTMLElement).closest('a, button')) return;
    toggle(seq);
  }

  const actions = [...new Set(items.map((e) => e.action))].sort();
  const objectTypes = [...new Set(items.map((e) => e.objectType))].sort();

  return (
    <section className="page">
      <PageHeader
        title="Audit log"
        description="Every change in cvdesk, newest first. Each event carries the hash of the one before it, so a gap or an edit shows."
        actions={can(user.roles, 'audit.export') ? <VerifyAndExport /> : undefined}
      />

      <form className="filters" role="search" aria-label="Filter the audit log" onSubmit={applyFilter} key={key}>
        {FILTER_FIELDS.map((field) => (
          <TextField
            key={field.name}
            label={field.label}
            name={field.name}
            defaultValue={filter[field.name] ?? ''}
            placeholder={field.placeholder}
            autoComplete="off"
            spellCheck={false}
            list={field.name === 'action' ? 'audit-actions' : field.name === 'objectType' ? 'audit-object-types' : undefined}
          />
        ))}
        <datalist id="audit-actions">
          {actions.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <datalist id="audit-object-types">
          {objectTypes.map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
        <div className="filter-actions">
          <button type="submit" className="button">
            Filter
          </button>
          {filtered && (
            <Link className="button ghost" to="/admin/audit">
              Clear
            </Link>
          )}
        </div>
      </form>

      {start !== undefined && (
        <p className="hint">
          Showing events before #{start}. <Link to={searchFor({ ...filter })}>Show the newest</Link>
        </p>
      )}

      {first.loading && !first.data && <Loading />}
      {first.error && <LoadError error={first.error} onRetry={first.reload} />}
      {first.data && items.length === 0 && <Empty>{filtered ? 'No events match these filters.' : 'No events yet.'}</Empty>}
      {items.length > 0 && (
        <>
          <div className="table-wrap">
            <table className="table audit-table">
              <caption className="visually-hidden">Audit events, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">
                    <span className="visually-hidden">Details</span>
                  </th>
                  <th scope="col" className="num">
                    #
                  </th>
                  <th scope="col">Time</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Action</th>
                  <th scope="col" className="col-opt">
                    Object
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((event, index) => {
                  const expanded = open.has(event.seq);
                  const detailsId = `audit-${event.seq}`;
                  return (
                    <Fragment key={event.seq}>
                      <tr {...keys.rowProps(index)} className="clickable" onClick={(e) => onRowClick(e, event.seq)}>
                        <DisclosureCell expanded={expanded} detailsId={detailsId} onToggle={() => toggle(event.seq)} inTabOrder={false}>
                          Details of event {event.seq}
                        </DisclosureCell>
                        <td className="num">{event.seq}</td>
                        <td className="nowrap">
                          <Time value={event.occurredAt} compact />
                        </td>
                        <td>{event.actorLabel}</td>
                        <td>
                          <code>{event.action}</code>
                        </td>
                        <td className="col-opt">
                          {event.objectType}
                          {event.objectId && (
                            <>
                              {' '}
                              <code title={event.objectId}>{shortId(event.objectId)}</code>
                            </>
                          )}
                        </td>
                      </tr>
                      {expanded && (
                        <tr className="details-row" id={detailsId}>
                          <td colSpan={6}>
                            <AuditDetails event={event} />
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  );
                })}
              </tbody>
            </table>
          </div>
          <KeyHint />
          <StatusMessage tone="info">{moreNotice}</StatusMessage>
          <FormAlert error={moreError} />
          {nextBefore !== null ? (
            <p>
              <button type="button" className="button" onClick={() => void loadMore()} disabled={loadingMore}>
                {loadingMore ? 'Loading…' : 'Load more'}
              </button>
            </p>
          ) : (
            <p className="muted end-of-list">End of the log.</p>
          )}
        </>
      )}
    </section>
  );
}

function AuditDetails({ event }: { event: AuditEvent }) {
  const data = JSON.stringify(event.data, null, 2);
  return (
    <div className="audit-details">
      <dl className="properties compact">
        <div>
          <dt>Event</dt>
          <dd>
            <code>{event.id}</code>
          </dd>
        </div>
        <div>
          <dt>Actor</dt>
          <dd>
            {event.actorLabel}
            {event.actorId && (
              <>
                {' '}
                <code>{event.actorId}</code> <Link to={searchFor({ actorId: event.actorId })}>Only this actor</Link>
              </>
            )}
          </dd>
        </div>
        <div>
          <dt>Object</dt>
          <dd>
            {event.objectType}
            {event.objectId && (
              <>
                {' '}
                <code>{event.objectId}</code>{' '}
                <Link to={searchFor({ objectType: event.objectType, objectId: event.objectId })}>Only this object</Link>
              </>
            )}
          </dd>
        </div>
        <div>
          <dt>IP address</dt>
          <dd>{event.ip ?? <span className="muted">—</span>}</dd>
        </div>
        <div>
          <dt>Hash</dt>
          <dd>
            <code className="break">{event.hash}</code>
          </dd>
        </div>
      </dl>
      {data && data !== '{}' ? <pre className="json">{data}</pre> : <p className="muted">No further data.</p>}
    </div>
  );
}

/** Verify the hash chain (on the server) and export it as JSON lines: auditors and leads. */
function VerifyAndExport() {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<AuditVerification | null>(null);
  const [error, setError] = useState<ApiError | undefined>(undefined);

  async function verify() {
    setBusy(true);
    setResult(null);
    setError(undefined);
    try {
      setResult(await auditApi.verify());
    } catch (reason) {
      setError(toApiError(reason));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="verify">
      <div className="button-row">
        <button type="button" className="button" onClick={() => void verify()} disabled={busy}>
          {busy ? 'Verifying…' : 'Verify chain'}
        </button>
        <a className="button" href={AUDIT_EXPORT_URL} download>
          Export JSON lines
        </a>
      </div>
      <div role="status" className="verify-result">
        {result &&
          (result.ok ? (
            <p className="alert alert-success">
              Chain intact: {result.checked.toLocaleString()} event{result.checked === 1 ? '' : 's'} checked.
            </p>
          ) : (
            <div className="alert alert-error">
              <p>
                <strong>Chain broken</strong>
                {result.firstBad ? ` at event #${result.firstBad.seq}: ${result.firstBad.reason}` : ''}. Checked{' '}
                {result.checked.toLocaleString()} events.
              </p>
              {result.firstBad && <Link to={searchFor({ before: result.firstBad.seq + 1 })}>Show that event</Link>}
            </div>
          ))}
      </div>
      <FormAlert error={error} />
    </div>
  );
}

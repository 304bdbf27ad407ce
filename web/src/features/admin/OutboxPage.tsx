import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { toApiError, type ApiError } from '../../api/client';
import { outboxApi } from '../../api/endpoints';
import type { MailStatus, OutboxItem, OutboxPage } from '../../api/types';
import { FormAlert } from '../../components/forms';
import { Chip, Empty, KeyHint, LoadError, Loading, PageHeader, Time, type Tone } from '../../components/ui';
import { useListKeys } from '../../lib/useListKeys';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';

const PAGE_SIZE = 50;

/** Where the next page starts: the server's `nextBefore` if it sends one, else the last id of a full page. */
function nextCursor(page: OutboxPage): string | number | null {
  if (page.nextBefore !== undefined) return page.nextBefore;
  return page.items.length >= PAGE_SIZE ? (page.items[page.items.length - 1]?.id ?? null) : null;
}

const STATUS_TONE: Record<MailStatus, Tone> = { stored: 'info', queued: 'neutral', sent: 'success', failed: 'danger' };

/**
 * Mail cvdesk has written: stored (no SMTP configured, so a lead reads it here) or sent. The
 * list and the open message share the page; /admin/outbox/:id opens one.
 */
export function OutboxPage() {
  useTitle('Mail outbox');
  const { id } = useParams();
  const navigate = useNavigate();
  const list = useResource((signal) => outboxApi.list(undefined, PAGE_SIZE, signal), []);
  const [more, setMore] = useState<{ items: OutboxItem[]; nextBefore: string | number | null } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<ApiError | undefined>(undefined);
  const openedByUser = useRef(false);

  const items = [...(list.data?.items ?? []), ...(more?.items ?? [])];
  const nextBefore = more ? more.nextBefore : list.data ? nextCursor(list.data) : null;

  function open(item: OutboxItem | undefined) {
    if (!item) return;
    openedByUser.current = true;
    navigate(`/admin/outbox/${encodeURIComponent(item.id)}`);
  }
  const keys = useListKeys(items.length, (index) => open(items[index]));

  function refresh() {
    setMore(null);
    list.reload();
  }

  async function loadMore() {
    if (nextBefore === null) return;
    setLoadingMore(true);
    setMoreError(undefined);
    try {
      const page = await outboxApi.list(nextBefore, PAGE_SIZE);
      setMore((prev) => ({ items: [...(prev?.items ?? []), ...page.items], nextBefore: nextCursor(page) }));
    } catch (error) {
      setMoreError(toApiError(error));
    } finally {
      setLoadingMore(false);
    }
  }

  return (
    <section className="page">
      <PageHeader
        title="Mail outbox"
        description="Messages are stored encrypted. Opening one here shows its text; it may contain sign-in links meant for someone else."
        actions={
          <button type="button" className="button" onClick={refresh} disabled={list.loading}>
            Refresh
          </button>
        }
      />
      <div className={id ? 'split open' : 'split'}>
        <div className="split-list">
          {list.loading && !list.data && <Loading />}
          {list.error && <LoadError error={list.error} onRetry={list.reload} />}
          {list.data && items.length === 0 && <Empty>No mail yet.</Empty>}
          {items.length > 0 && (
            <>
              <div className="table-wrap">
                <table className="table">
                  <caption className="visually-hidden">Mail, newest first</caption>
                  <thead>
                    <tr>
                      <th scope="col">Recipient and subject</th>
                      <th scope="col">Status</th>
                      <th scope="col">Created</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((item, index) => (
                      <tr
                        key={item.id}
                        {...keys.rowProps(index)}
                        className={item.id === id ? 'clickable selected' : 'clickable'}
                        aria-current={item.id === id ? 'true' : undefined}
                        onClick={() => open(item)}
                      >
                        <th scope="row">
                          <span className="cell-title">
                            <Link
                              to={`/admin/outbox/${encodeURIComponent(item.id)}`}
                              tabIndex={-1}
                              onClick={() => {
                                openedByUser.current = true;
                              }}
                            >
                              {item.subject || '(no subject)'}
                            </Link>
                          </span>
                          <span className="cell-sub">{item.recipient}</span>
                        </th>
                        <td>
                          <Chip tone={STATUS_TONE[item.status] ?? 'neutral'}>{item.status}</Chip>
                        </td>
                        <td className="nowrap">
                          <Time value={item.createdAt} relative />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <KeyHint />
              <FormAlert error={moreError} />
              {nextBefore !== null && (
                <p>
                  <button type="button" className="button" onClick={() => void loadMore()} disabled={loadingMore}>
                    {loadingMore ? 'Loading…' : 'Load more'}
                  </button>
                </p>
              )}
            </>
          )}
        </div>
        {id && <MessageReader id={id} focusOnLoad={openedByUser} />}
      </div>
    </section>
  );
}

function MessageReader({ id, focusOnLoad }: { id: string; focusOnLoad: { current: boolean } }) {
  const message = useResource((signal) => outboxApi.get(id, signal), [id]);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (message.data && focusOnLoad.current) {
      focusOnLoad.current = false;
      heading.current?.focus();
    }
  }, [message.data, focusOnLoad]);

  return (
    <article className="split-reader panel" aria-labelledby="reader-heading" aria-busy={message.loading || undefined}>
      <div className="reader-head">
        <h2 id="reader-heading" ref={heading} tabIndex={-1}>
          {message.data ? message.data.subject || '(no subject)' : 'Message'}
        </h2>
        <Link to="/admin/outbox" className="button small ghost">
          Close<span className="visually-hidden"> message</span>
        </Link>
      </div>
      {message.loading && !message.data && <Loading />}
      {message.error && <LoadError error={message.error} onRetry={message.reload} />}
      {message.data && message.data.id === id && (
        <>
          <dl className="properties compact">
            <div>
              <dt>To</dt>
              <dd>{message.data.recipient}</dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd>
                <Chip tone={STATUS_TONE[message.data.status] ?? 'neutral'}>{message.data.status}</Chip>
              </dd>
            </div>
            <div>
              <dt>Created</dt>
              <dd>
                <Time value={message.data.createdAt} />
              </dd>
            </div>
            <div>
              <dt>Sent</dt>
              <dd>
                <Time value={message.data.sentAt} empty="not sent" />
              </dd>
            </div>
            {message.data.error && (
              <div>
                <dt>Error</dt>
                <dd className="error-text">{message.data.error}</dd>
              </div>
            )}
          </dl>
          <pre className="mail-text">{message.data.text}</pre>
        </>
      )}
    </article>
  );
}

import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { toApiError, type ApiError } from '../../api/client';
import { notificationsApi } from '../../api/endpoints';
import type { AppNotification } from '../../api/types';
import { useSignedIn } from '../../app/session';
import { FormAlert, StatusMessage } from '../../components/forms';
import { Chip, Empty, LoadError, Loading, PageHeader, Time } from '../../components/ui';
import { useResource } from '../../lib/useResource';
import { useTitle } from '../../lib/useTitle';
import { KIND_TAGS, notificationPath } from './kinds';
import { adjustUnread, publishUnread, useUnreadCount } from './unread';
import './notifications.css';

const PAGE_SIZE = 30;

/** The person's notifications, newest first; "Unread" in the URL (`?unread=1`) shows only those. */
export function NotificationsPage() {
  useTitle('Notifications');
  const { user } = useSignedIn();
  const [params] = useSearchParams();
  const unreadOnly = params.get('unread') === '1';
  const first = useResource((signal) => notificationsApi.list({ unread: unreadOnly, limit: PAGE_SIZE }, signal), [unreadOnly]);
  const [more, setMore] = useState<{ items: AppNotification[]; next: string | null } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** Ids marked read on this page since it loaded (the lists themselves are not refetched). */
  const [readHere, setReadHere] = useState<ReadonlySet<string>>(new Set());
  /** The unread count as this page last learnt it, minus what it marked read since. */
  const [knownUnread, setKnownUnread] = useState<number | null>(null);
  const liveCount = useUnreadCount(user.id);

  useEffect(() => {
    setMore(null);
    setReadHere(new Set());
    setNotice(null);
  }, [unreadOnly]);

  useEffect(() => {
    if (!first.data) return;
    publishUnread(user.id, first.data.unread);
    setKnownUnread(first.data.unread);
    setMore(null);
    setReadHere(new Set());
  }, [first.data, user.id]);

  const items = [...(first.data?.items ?? []), ...(more?.items ?? [])].map((n) => (readHere.has(n.id) ? { ...n, read: true } : n));
  const next = more ? more.next : (first.data?.next ?? null);
  const unreadHere = items.filter((n) => !n.read).length;
  // The bell's poll saw more unread than this page knows of: offer to show them.
  const newer = liveCount !== null && knownUnread !== null && liveCount > knownUnread;

  async function loadMore() {
    if (!next) return;
    setLoadingMore(true);
    setError(undefined);
    try {
      const page = await notificationsApi.list({ unread: unreadOnly, after: next, limit: PAGE_SIZE });
      setMore((prev) => ({ items: [...(prev?.items ?? []), ...page.items], next: page.next }));
      setKnownUnread(page.unread);
      publishUnread(user.id, page.unread);
      setNotice(`Loaded ${page.items.length} more.`);
    } catch (reason) {
      setError(toApiError(reason));
    } finally {
      setLoadingMore(false);
    }
  }

  async function markRead(ids: string[]) {
    setError(undefined);
    try {
      await notificationsApi.markRead({ ids });
      setReadHere((prev) => new Set([...prev, ...ids]));
      setKnownUnread((n) => (n === null ? n : Math.max(0, n - ids.length)));
      adjustUnread(user.id, -ids.length);
      setNotice(ids.length === 1 ? 'Marked read.' : `${ids.length} marked read.`);
    } catch (reason) {
      setError(toApiError(reason));
    }
  }

  async function markAll() {
    setBusy(true);
    setError(undefined);
    try {
      const { updated } = await notificationsApi.markRead({ all: true });
      setReadHere(new Set(items.map((n) => n.id)));
      setKnownUnread(0);
      publishUnread(user.id, 0);
      setNotice(updated === 0 ? 'Nothing was unread.' : `All ${updated} marked read.`);
    } catch (reason) {
      setError(toApiError(reason));
    } finally {
      setBusy(false);
    }
  }

  function open(item: AppNotification) {
    if (item.read) return;
    setReadHere((prev) => new Set([...prev, item.id]));
    setKnownUnread((n) => (n === null ? n : Math.max(0, n - 1)));
    adjustUnread(user.id, -1);
    notificationsApi.markRead({ ids: [item.id] }).catch(() => undefined);
  }

  const totalUnread = liveCount ?? first.data?.unread ?? 0;

  return (
    <section className="page narrow notifications-page">
      <PageHeader
        title="Notifications"
        description="News about your reports and, for triagers and leads, about the inbox. Choose what reaches you in the app and by mail in the notification settings."
        actions={
          <>
            <button type="button" className="button" onClick={() => void markAll()} disabled={busy || totalUnread === 0}>
              {busy ? 'Marking…' : 'Mark all read'}
            </button>
            <Link className="button ghost" to="/account/notifications">
              Settings
            </Link>
          </>
        }
      />

      <nav className="segmented" aria-label="Which notifications">
        <Link to="/notifications" aria-current={unreadOnly ? undefined : 'page'}>
          All
        </Link>
        <Link to="/notifications?unread=1" aria-current={unreadOnly ? 'page' : undefined}>
          Unread{totalUnread > 0 ? ` (${totalUnread})` : ''}
        </Link>
      </nav>

      <StatusMessage>{notice}</StatusMessage>
      <FormAlert error={error} />
      {newer && (
        <p className="alert alert-info newer-notice">
          There are new notifications.{' '}
          <button type="button" className="link-button" onClick={first.reload}>
            Show them
          </button>
        </p>
      )}

      {first.loading && !first.data && <Loading />}
      {first.error && <LoadError error={first.error} onRetry={first.reload} />}
      {first.data && items.length === 0 && (
        <Empty>{unreadOnly ? 'Nothing unread.' : 'No notifications yet. News about your reports will show here.'}</Empty>
      )}
      {items.length > 0 && (
        <>
          <ul className="notification-list" aria-label={unreadOnly ? 'Unread notifications' : 'Notifications, newest first'}>
            {items.map((item) => {
              const path = notificationPath(item);
              return (
                <li key={item.id} className={item.read ? 'notification read' : 'notification unread'}>
                  <div className="notification-main">
                    <p className="notification-title">
                      {!item.read && <span className="unread-dot" aria-hidden="true" />}
                      {path ? (
                        <Link to={path} onClick={() => open(item)}>
                          {item.title}
                        </Link>
                      ) : (
                        item.title
                      )}
                      {!item.read && <span className="visually-hidden"> (unread)</span>}
                    </p>
                    {item.body && <p className="notification-body">{item.body}</p>}
                    <p className="notification-meta">
                      <Chip tone={item.read ? 'neutral' : 'info'}>{KIND_TAGS[item.kind] ?? item.kind.replace(/_/g, ' ')}</Chip>{' '}
                      <Time value={item.createdAt} relative />
                      {item.read && item.readAt && (
                        <span className="muted">
                          {' '}
                          · read <Time value={item.readAt} relative />
                        </span>
                      )}
                    </p>
                  </div>
                  {!item.read && (
                    <button type="button" className="button small" onClick={() => void markRead([item.id])}>
                      Mark read<span className="visually-hidden">: {item.title}</span>
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
          {unreadHere > 1 && (
            <p>
              <button
                type="button"
                className="button small"
                onClick={() => void markRead(items.filter((n) => !n.read).map((n) => n.id).slice(0, 500))}
              >
                Mark these {unreadHere} read
              </button>
            </p>
          )}
          {next ? (
            <p>
              <button type="button" className="button" onClick={() => void loadMore()} disabled={loadingMore}>
                {loadingMore ? 'Loading…' : 'Load more'}
              </button>
            </p>
          ) : (
            <p className="muted end-of-list">That is all.</p>
          )}
        </>
      )}
    </section>
  );
}

import { useEffect, useId, useRef, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { toApiError, type ApiError } from '../../api/client';
import { notificationsApi } from '../../api/endpoints';
import type { AppNotification } from '../../api/types';
import { useSignedIn } from '../../app/session';
import { Time } from '../../components/ui';
import { notificationPath } from './kinds';
import { adjustUnread, publishUnread, refreshUnread, useUnreadCount } from './unread';
import './notifications.css';

const POLL_MS = 60_000;
/** A focus right after a poll (or a visibility change) does not ask again. */
const MIN_GAP_MS = 2_000;
const RECENT = 6;

function BellIcon() {
  return (
    <svg className="bell-icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Zm-2 .83V11a5 5 0 0 0-10 0v5.83L6.17 18h11.66L17 16.83Z"
      />
    </svg>
  );
}

export function unreadLabel(count: number | null): string {
  if (count === null) return 'Notifications';
  return `Notifications, ${count === 0 ? 'none' : count} unread`;
}

/**
 * The bell in the top bar: the unread count (polled every minute while the tab is visible, and
 * when the window regains focus), and a small panel with the latest notifications.
 */
export function NotificationBell() {
  const { user } = useSignedIn();
  const count = useUnreadCount(user.id);
  const location = useLocation();
  const [open, setOpen] = useState(false);
  const [recent, setRecent] = useState<AppNotification[] | null>(null);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [announcement, setAnnouncement] = useState('');
  const previous = useRef<number | null>(null);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panelId = useId();

  // Poll: at once, every minute while visible, and on coming back to the tab or window.
  useEffect(() => {
    void refreshUnread(user.id);
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') void refreshUnread(user.id, MIN_GAP_MS);
    }, POLL_MS);
    const onFocus = () => void refreshUnread(user.id, MIN_GAP_MS);
    const onVisibility = () => {
      if (document.visibilityState === 'visible') onFocus();
    };
    window.addEventListener('focus', onFocus);
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener('focus', onFocus);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [user.id]);

  // Say so when new ones arrive (not on the first count, not when some were read).
  useEffect(() => {
    if (count === null) return;
    if (previous.current !== null && count > previous.current) {
      setAnnouncement(`${count} unread notification${count === 1 ? '' : 's'}`);
    }
    previous.current = count;
  }, [count]);

  useEffect(() => setOpen(false), [location.pathname]);

  useEffect(() => {
    if (!open) return;
    const controller = new AbortController();
    setError(undefined);
    notificationsApi.list({ limit: RECENT }, controller.signal).then(
      (page) => {
        setRecent(page.items);
        publishUnread(user.id, page.unread);
      },
      (reason: unknown) => {
        if (!controller.signal.aborted) setError(toApiError(reason));
      },
    );
    function onPointer(event: PointerEvent) {
      if (root.current && !root.current.contains(event.target as Node)) setOpen(false);
    }
    function onKey(event: KeyboardEvent) {
      if (event.key === 'Escape') {
        setOpen(false);
        button.current?.focus();
      }
    }
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      controller.abort();
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open, user.id]);

  function markOne(item: AppNotification) {
    setOpen(false);
    if (item.read) return;
    setRecent((list) => list?.map((n) => (n.id === item.id ? { ...n, read: true } : n)) ?? null);
    adjustUnread(user.id, -1);
    // The page changes at once; the request finishes on its own (a failure shows up as the count
    // coming back at the next poll).
    notificationsApi.markRead({ ids: [item.id] }).then(
      () => undefined,
      () => void refreshUnread(user.id),
    );
  }

  async function markAll() {
    try {
      await notificationsApi.markRead({ all: true });
      setRecent((list) => list?.map((n) => ({ ...n, read: true })) ?? null);
      publishUnread(user.id, 0);
      setAnnouncement('All notifications marked read');
    } catch (reason) {
      setError(toApiError(reason));
    }
  }

  const shown = count !== null && count > 0;
  return (
    <div className="bell" ref={root}>
      <button
        ref={button}
        type="button"
        className="bell-button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((v) => !v)}
      >
        <BellIcon />
        {shown && (
          <span className="bell-badge" aria-hidden="true">
            {count > 99 ? '99+' : count}
          </span>
        )}
        <span className="visually-hidden">{unreadLabel(count)}</span>
      </button>
      <span className="visually-hidden" role="status">
        {announcement}
      </span>
      <div id={panelId} className="bell-panel" hidden={!open} role="region" aria-label="Latest notifications">
        <div className="bell-panel-head">
          <strong>Notifications</strong>
          {shown && (
            <button type="button" className="link-button" onClick={() => void markAll()}>
              Mark all read
            </button>
          )}
        </div>
        {error && <p className="error-text bell-error">{error.message}</p>}
        {open && recent === null && !error && <p className="muted bell-empty">Loading…</p>}
        {recent && recent.length === 0 && <p className="muted bell-empty">Nothing yet. You will find news about your reports here.</p>}
        {recent && recent.length > 0 && (
          <ul className="bell-list">
            {recent.map((item) => {
              const path = notificationPath(item);
              const content = (
                <>
                  <span className="bell-item-title">
                    {!item.read && <span className="unread-dot" aria-hidden="true" />}
                    {item.title}
                    {!item.read && <span className="visually-hidden"> (unread)</span>}
                  </span>
                  {item.body && <span className="bell-item-body">{item.body}</span>}
                  <span className="bell-item-time">
                    <Time value={item.createdAt} relative />
                  </span>
                </>
              );
              return (
                <li key={item.id} className={item.read ? 'read' : 'unread'}>
                  {path ? (
                    <Link to={path} className="bell-item" onClick={() => markOne(item)}>
                      {content}
                    </Link>
                  ) : (
                    <div className="bell-item">{content}</div>
                  )}
                </li>
              );
            })}
          </ul>
        )}
        <div className="bell-panel-foot">
          <Link to="/notifications">All notifications</Link>
          <Link to="/account/notifications">Settings</Link>
        </div>
      </div>
    </div>
  );
}

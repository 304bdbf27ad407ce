import { useCallback, useSyncExternalStore } from 'react';
import { notificationsApi } from '../../api/endpoints';

/**
 * The signed-in person's unread count, shared by the bell in the top bar and the notification
 * pages. Every list answer carries the full count (`unread`), so whoever fetched last publishes it;
 * the bell polls with the smallest request the API offers (`unread=true&limit=1`).
 *
 * Kept per account id, so a different person signing in on the same tab never sees the count of
 * the one before.
 */
interface State {
  userId: string | null;
  count: number | null;
}

let state: State = { userId: null, count: null };
const listeners = new Set<() => void>();

function emit() {
  for (const listener of listeners) listener();
}

export function publishUnread(userId: string, count: number): void {
  if (state.userId === userId && state.count === count) return;
  state = { userId, count: Math.max(0, count) };
  emit();
}

/** Optimistic change after marking some read here; the next fetch corrects it if need be. */
export function adjustUnread(userId: string, delta: number): void {
  if (state.userId !== userId || state.count === null) return;
  publishUnread(userId, state.count + delta);
}

let inflight: Promise<void> | null = null;
let lastFetch = 0;

/**
 * Asks the server for the count. Calls within `minInterval` ms of the last one (a focus event
 * right after a visibility change, two tabs of code asking at once) share or skip the request.
 */
export function refreshUnread(userId: string, minInterval = 0): Promise<void> {
  if (inflight) return inflight;
  if (minInterval > 0 && Date.now() - lastFetch < minInterval && state.userId === userId) return Promise.resolve();
  lastFetch = Date.now();
  inflight = notificationsApi
    .list({ unread: true, limit: 1 })
    .then((page) => publishUnread(userId, page.unread))
    // A failed poll keeps the last count; a 401 is handled by the client (back to sign-in).
    .catch(() => undefined)
    .finally(() => {
      inflight = null;
    });
  return inflight;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The unread count for this account, or null while it is not known yet. */
export function useUnreadCount(userId: string): number | null {
  const get = useCallback(() => (state.userId === userId ? state.count : null), [userId]);
  return useSyncExternalStore(subscribe, get, get);
}

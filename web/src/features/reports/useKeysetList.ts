import { useEffect, useState } from 'react';
import { toApiError, type ApiError } from '../../api/client';
import { useResource, type Resource } from '../../lib/useResource';

export interface KeysetPage<T> {
  items: T[];
  next: string | null;
}

export interface KeysetList<T> {
  /** The first page as a resource (loading, error, reload). */
  first: Resource<KeysetPage<T>>;
  /** Every item loaded so far, first page first. */
  items: T[];
  /** The cursor for the next page, or null at the end. */
  next: string | null;
  loadMore: () => Promise<number>;
  loadingMore: boolean;
  moreError: ApiError | undefined;
  /** Change loaded items in place after a change the server confirmed. */
  update: (change: (item: T) => T) => void;
  /** Start again from the first page. */
  reload: () => void;
}

/**
 * A list read in keyset pages (`next` of one page is `after` of the following one), as the
 * inbox, the rewards ledger and a reporter's reports are. `deps` restart it from the top.
 */
export function useKeysetList<T>(load: (after: string | undefined, signal?: AbortSignal) => Promise<KeysetPage<T>>, deps: readonly unknown[]): KeysetList<T> {
  const first = useResource((signal) => load(undefined, signal), deps);
  const [more, setMore] = useState<KeysetPage<T> | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<ApiError | undefined>(undefined);

  useEffect(() => {
    setMore(null);
    setMoreError(undefined);
  }, deps);

  const items = [...(first.data?.items ?? []), ...(more?.items ?? [])];
  const next = more ? more.next : (first.data?.next ?? null);

  async function loadMore(): Promise<number> {
    if (!next) return 0;
    setLoadingMore(true);
    setMoreError(undefined);
    try {
      const page = await load(next);
      setMore((prev) => ({ items: [...(prev?.items ?? []), ...page.items], next: page.next }));
      return page.items.length;
    } catch (error) {
      setMoreError(toApiError(error));
      return 0;
    } finally {
      setLoadingMore(false);
    }
  }

  function update(change: (item: T) => T) {
    first.setData((prev) => prev && { ...prev, items: prev.items.map(change) });
    setMore((prev) => prev && { ...prev, items: prev.items.map(change) });
  }

  function reload() {
    setMore(null);
    first.reload();
  }

  return { first, items, next, loadMore, loadingMore, moreError, update, reload };
}

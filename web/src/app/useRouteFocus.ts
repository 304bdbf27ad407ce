import { useEffect, useRef } from 'react';
import { useMatches } from 'react-router';

/**
 * After moving to another page (not on first load, not when only the query string changes),
 * put focus on the page's heading so keyboard and screen-reader users start at the top of the
 * new content rather than on the link they used.
 */
export function useRouteFocus(): void {
  const matches = useMatches();
  const routeId = matches[matches.length - 1]?.id;
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const target = document.querySelector<HTMLElement>('main h1') ?? document.getElementById('main');
    target?.focus({ preventScroll: false });
  }, [routeId]);
}

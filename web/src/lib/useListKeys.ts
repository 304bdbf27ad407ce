import { useCallback, useEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';

function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (target as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(type);
  }
  return false;
}

export interface ListKeys {
  active: number;
  setActive: (index: number) => void;
  rowProps: (index: number) => {
    ref: (element: HTMLElement | null) => void;
    tabIndex: number;
    'data-active': boolean | undefined;
    onFocus: () => void;
    onKeyDown: (event: ReactKeyboardEvent<HTMLElement>) => void;
  };
}

/**
 * Keyboard navigation for one list per page, like a mail client: `j`/`k` (or ↓/↑ on a row)
 * move, `Enter` or `o` opens. Rows use a roving tabindex, so Tab enters the list once and the
 * focused row is what a screen reader announces. Keys are ignored while typing in a field or
 * while a dialog is open.
 */
export function useListKeys(count: number, onOpen: (index: number) => void): ListKeys {
  const [active, setActiveState] = useState(-1);
  const rows = useRef<(HTMLElement | null)[]>([]);
  const openRef = useRef(onOpen);
  openRef.current = onOpen;

  const focusRow = useCallback((index: number) => {
    setActiveState(index);
    const row = rows.current[index];
    if (row) {
      row.focus({ preventScroll: true });
      row.scrollIntoView({ block: 'nearest' });
    }
  }, []);

  useEffect(() => {
    if (active >= count) setActiveState(count - 1);
  }, [active, count]);

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
      if (isTypingTarget(event.target) || document.querySelector('dialog[open]')) return;
      if (count === 0) return;
      if (event.key === 'j') {
        event.preventDefault();
        focusRow(Math.min(count - 1, active + 1));
      } else if (event.key === 'k') {
        event.preventDefault();
        focusRow(Math.max(0, active < 0 ? 0 : active - 1));
      } else if (event.key === 'o' && active >= 0) {
        event.preventDefault();
        openRef.current(active);
      }
    }
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [active, count, focusRow]);

  const rowProps = (index: number) => ({
    ref: (element: HTMLElement | null) => {
      rows.current[index] = element;
    },
    tabIndex: index === (active < 0 ? 0 : active) ? 0 : -1,
    'data-active': index === active ? true : undefined,
    onFocus: () => setActiveState(index),
    onKeyDown: (event: ReactKeyboardEvent<HTMLElement>) => {
      if (event.target !== event.currentTarget) return;
      if (event.key === 'Enter') {
        event.preventDefault();
        openRef.current(index);
      } else if (event.key === 'ArrowDown') {
        event.preventDefault();
        focusRow(Math.min(count - 1, index + 1));
      } else if (event.key === 'ArrowUp') {
        event.preventDefault();
        focusRow(Math.max(0, index - 1));
      }
    },
  });

  return { active, setActive: setActiveState, rowProps };
}

import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { toApiError } from '../api/client';
import { referenceApi } from '../features/reports/api';
import type { CweEntry } from '../features/reports/types';
import '../features/reports/reports.css';

export interface CweValue {
  id: number;
  name: string;
}

/**
 * A searchable CWE picker: an ARIA 1.2 combobox (input + listbox) over `GET /cwe?q=`. Type words
 * or a number; ↓/↑ move through the matches, Enter picks, Escape closes the list (and clears
 * the text when it is already closed). The choice shows below with a Remove button.
 */
export function CwePicker({
  label,
  value,
  onChange,
  hint,
  error,
  optional,
}: {
  label: ReactNode;
  value: CweValue | null;
  onChange: (value: CweValue | null) => void;
  hint?: ReactNode;
  error?: string | undefined;
  optional?: boolean;
}) {
  const baseId = useId();
  const inputId = `${baseId}-input`;
  const listId = `${baseId}-list`;
  const hintId = `${baseId}-hint`;
  const errorId = `${baseId}-error`;
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<CweEntry[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const text = query.trim();
    if (!text) {
      setResults([]);
      setLoading(false);
      setProblem(null);
      return;
    }
    const controller = new AbortController();
    setLoading(true);
    const timer = window.setTimeout(() => {
      referenceApi.cwe(text.slice(0, 100), controller.signal).then(
        (page) => {
          if (controller.signal.aborted) return;
          setResults(page.items);
          setActive(page.items.length ? 0 : -1);
          setLoading(false);
          setProblem(null);
        },
        (reason: unknown) => {
          if (controller.signal.aborted) return;
          setLoading(false);
          setResults([]);
          setProblem(toApiError(reason).message);
        },
      );
    }, 200);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [query]);

  function pick(entry: CweEntry) {
    onChange({ id: entry.id, name: entry.name });
    setQuery('');
    setOpen(false);
    setResults([]);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      if (!open) setOpen(true);
      else setActive((i) => Math.min(results.length - 1, i + 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((i) => Math.max(0, i - 1));
    } else if (event.key === 'Enter') {
      if (open && active >= 0 && results[active]) {
        event.preventDefault();
        pick(results[active]);
      } else if (query.trim()) event.preventDefault();
    } else if (event.key === 'Escape') {
      if (open) {
        event.preventDefault();
        event.stopPropagation();
        setOpen(false);
      } else if (query) {
        event.preventDefault();
        setQuery('');
      }
    }
  }

  const expanded = open && query.trim().length > 0 && (results.length > 0 || !loading);
  const activeId = expanded && active >= 0 ? `${baseId}-opt-${active}` : undefined;
  const status = !query.trim()
    ? ''
    : loading
      ? 'Searching…'
      : problem
        ? problem
        : results.length === 0
          ? 'No CWE matches these words.'
          : `${results.length} match${results.length === 1 ? '' : 'es'}; use the arrow keys and Enter to choose.`;

  return (
    <div className={['field', 'cwe-picker', error ? 'has-error' : ''].join(' ').trim()}>
      <label htmlFor={inputId}>
        {label}
        {optional && <span className="optional"> (optional)</span>}
      </label>
      {hint && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
      <div className="combobox">
        <input
          ref={inputRef}
          id={inputId}
          type="text"
          role="combobox"
          autoComplete="off"
          spellCheck={false}
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-activedescendant={activeId}
          aria-invalid={error ? true : undefined}
          aria-describedby={[hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ') || undefined}
          placeholder={value ? 'Search to change…' : 'e.g. 79, cross-site scripting, SQL injection'}
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
            setOpen(true);
          }}
          onKeyDown={onKeyDown}
          onBlur={() => setOpen(false)}
          onFocus={() => query.trim() && setOpen(true)}
        />
        <ul id={listId} role="listbox" aria-label="Matching weaknesses" className="combobox-list" hidden={!expanded}>
          {results.map((entry, index) => (
            <li
              key={entry.id}
              id={`${baseId}-opt-${index}`}
              role="option"
              aria-selected={index === active}
              className={index === active ? 'active' : undefined}
              onMouseDown={(event) => event.preventDefault()}
              onMouseEnter={() => setActive(index)}
              onClick={() => pick(entry)}
            >
              <span className="cwe-id">CWE-{entry.id}</span> <span className="cwe-name">{entry.name}</span>
              {entry.abstraction && <span className="cwe-meta"> · {entry.abstraction}</span>}
            </li>
          ))}
          {results.length === 0 && !loading && (
            <li role="option" aria-disabled="true" aria-selected={false} className="combobox-empty">
              {problem ?? 'No matches'}
            </li>
          )}
        </ul>
      </div>
      <p className="visually-hidden" role="status" aria-live="polite">
        {status}
      </p>
      {value && (
        <p className="cwe-chosen">
          <span>
            Chosen: <strong>CWE-{value.id}</strong> {value.name}
          </span>
          <button
            type="button"
            className="button small ghost"
            onClick={() => {
              onChange(null);
              inputRef.current?.focus();
            }}
          >
            Remove<span className="visually-hidden"> CWE-{value.id}</span>
          </button>
        </p>
      )}
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

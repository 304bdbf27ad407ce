import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { ApiError } from '../api/client';
import { copyText } from '../lib/clipboard';
import { formatCompact, formatDateTime, formatFull, formatRelative } from '../lib/format';
import { ROLE_LABELS } from '../lib/access';
import type { Role } from '../shared/server';

export function PageHeader({
  title,
  description,
  actions,
}: {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <div className="page-header">
      <div className="page-heading">
        <h1 tabIndex={-1}>{title}</h1>
        {description && <p className="page-description">{description}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </div>
  );
}

/** A timestamp; the full local date and time is in the tooltip. `compact` is for table cells. */
export function Time({
  value,
  relative,
  compact,
  empty = '—',
}: {
  value: string | null | undefined;
  relative?: boolean;
  compact?: boolean;
  empty?: string;
}) {
  if (!value) return <span className="muted">{empty}</span>;
  return (
    <time dateTime={value} title={formatFull(value)}>
      {relative ? formatRelative(value) : compact ? formatCompact(value) : formatDateTime(value)}
    </time>
  );
}

export type Tone = 'neutral' | 'info' | 'success' | 'warning' | 'danger';

export function Chip({ tone = 'neutral', children }: { tone?: Tone; children: ReactNode }) {
  return <span className={`chip chip-${tone}`}>{children}</span>;
}

export function RoleChips({ roles }: { roles: readonly Role[] }) {
  if (roles.length === 0) return <span className="muted">none</span>;
  return (
    <span className="chips">
      {roles.map((role) => (
        <Chip key={role} tone={role === 'reporter' ? 'neutral' : 'info'}>
          {ROLE_LABELS[role] ?? role}
        </Chip>
      ))}
    </span>
  );
}

export function CopyButton({ text, label = 'Copy', className }: { text: string; label?: string; className?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  async function copy() {
    const ok = await copyText(text);
    setState(ok ? 'copied' : 'failed');
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => setState('idle'), 2500);
  }
  return (
    <>
      <button type="button" className={className ?? 'button small'} onClick={copy}>
        {state === 'copied' ? 'Copied' : label}
      </button>
      <span className="visually-hidden" role="status">
        {state === 'copied' ? 'Copied to the clipboard' : state === 'failed' ? 'Could not copy; select the text and copy it by hand' : ''}
      </span>
    </>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

/** A failed load, with a retry. 403s say plainly that the account may not see this. */
export function LoadError({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  const forbidden = error.status === 403;
  return (
    <div className="alert alert-error load-error" role="alert">
      <p>
        <strong>{forbidden ? 'You do not have access to this.' : 'Could not load this.'}</strong> {error.message}
      </p>
      {onRetry && !forbidden && (
        <button type="button" className="button small" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

export function KeyHint() {
  return (
    <p className="key-hint">
      Keys: <kbd>j</kbd>/<kbd>k</kbd> move, <kbd>o</kbd> or <kbd>Enter</kbd> opens.
    </p>
  );
}

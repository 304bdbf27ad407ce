import type { ReactNode } from 'react';
import { severityLabel, stateLabel } from '../features/reports/labels';
import '../features/reports/reports.css';

/** A report's state as a chip; each state has its own colour (reports.css), the word says it. */
export function StateChip({ state }: { state: string }) {
  return <span className={`chip state-chip state-${state}`}>{stateLabel(state)}</span>;
}

/** Severity with the score when there is one: "High 8.1". */
export function SeverityChip({ severity, score, compact }: { severity: string; score?: number | null | undefined; compact?: boolean }) {
  const key = severity.toLowerCase();
  return (
    <span className={`chip severity-chip severity-${key}`}>
      {severityLabel(key)}
      {score !== null && score !== undefined && !compact ? <span className="severity-score"> {score.toFixed(1)}</span> : null}
    </span>
  );
}

/** A marker for an overdue response target: a red clock and the words, never colour alone. */
export function SlaBreachMarker({ children = 'SLA breached' }: { children?: ReactNode }) {
  return (
    <span className="sla-breach">
      <span className="sla-breach-icon" aria-hidden="true" />
      {children}
    </span>
  );
}

/**
 * HTML the server rendered from Markdown, safe by construction (src/domain/markdown: raw HTML is
 * escaped, only http(s)/mailto links, no images). Only `html` fields of API responses go here;
 * every other string is rendered as text.
 */
export function ServerHtml({ html, className }: { html: string; className?: string }) {
  return <div className={['prose', className ?? ''].join(' ').trim()} dangerouslySetInnerHTML={{ __html: html }} />;
}

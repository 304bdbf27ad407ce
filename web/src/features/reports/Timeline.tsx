import type { ReactNode } from 'react';
import { ServerHtml, SeverityChip } from '../../components/ReportChips';
import { Time } from '../../components/ui';
import { stateLabel } from './labels';
import type { Rendered } from './types';
import { shortRef } from '../../shared/server';

export interface TimelineEntry {
  id?: string;
  kind: string;
  internal?: boolean;
  authorLabel?: string;
  body: Rendered | null;
  data: unknown;
  createdAt: string;
}

type Data = Record<string, unknown>;
const str = (value: unknown) => (typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value));

/** One sentence for what an event did; `who` names people the viewer may know (assignees). */
function describe(entry: TimelineEntry, who: (id: string | null) => string): ReactNode {
  const data = (entry.data && typeof entry.data === 'object' ? entry.data : {}) as Data;
  switch (entry.kind) {
    case 'submitted':
      return <>submitted the report{data.policyVersion ? ` under policy version ${str(data.policyVersion)}` : ''}</>;
    case 'comment':
      return 'replied';
    case 'internal_note':
      return 'wrote an internal note';
    case 'state_change':
      return (
        <>
          moved it from <strong>{stateLabel(str(data.from))}</strong> to <strong>{stateLabel(str(data.to))}</strong>
          {data.duplicateOf ? <> (duplicate of report {shortRef(str(data.duplicateOf))})</> : null}
        </>
      );
    case 'severity_change': {
      const from = (data.from ?? {}) as Data;
      const to = (data.to ?? {}) as Data;
      const score = (v: unknown) => (typeof v === 'number' ? v : null);
      return (
        <>
          changed the severity from <SeverityChip severity={str(from.severity) || 'unknown'} score={score(from.score)} /> to{' '}
          <SeverityChip severity={str(to.severity) || 'unknown'} score={score(to.score)} />
          {/* Events from before weakness changes had their own entry carried the CWE here. */}
          {to.cwe !== from.cwe ? <>{to.cwe ? `, weakness CWE-${str(to.cwe)}` : ', weakness removed'}</> : null}
        </>
      );
    }
    case 'weakness_change':
      return data.to ? (
        <>
          set the weakness to <strong>CWE-{str(data.to)}</strong>
          {data.from ? ` (was CWE-${str(data.from)})` : ''}
        </>
      ) : (
        <>removed the weakness{data.from ? ` CWE-${str(data.from)}` : ''}</>
      );
    case 'asset_change': {
      const named = (v: unknown) => str(v && typeof v === 'object' ? (v as Data).identifier : '');
      return (
        <>
          filed it against the asset <code>{named(data.to)}</code>
          {named(data.from) ? <> (was <code>{named(data.from)}</code>)</> : null}
        </>
      );
    }
    case 'assignment':
      return data.to ? <>assigned it to {who(str(data.to))}</> : 'unassigned it';
    case 'labels': {
      const labels = Array.isArray(data.labels) ? (data.labels as unknown[]).map(str) : [];
      return labels.length ? <>set the labels {labels.join(', ')}</> : 'removed the labels';
    }
    case 'priority':
      return (
        <>
          changed the priority from {str(data.from)} to <strong>{str(data.to)}</strong>
        </>
      );
    case 'retest':
      return data.retest === 'requested'
        ? 'asked the reporter to retest the fix'
        : data.retest === 'fixed'
          ? 'confirmed the fix works'
          : data.retest === 'incomplete'
            ? 'found the fix incomplete'
            : 'answered the retest';
    case 'disclosure':
      return (
        <>
          agreed to disclose the report{data.by ? ` (${str(data.by) === 'reporter' ? 'reporter' : 'security team'})` : ''}
          {data.dueAt ? (
            <>
              ; due <Time value={str(data.dueAt)} />
            </>
          ) : null}
        </>
      );
    case 'reward':
      return (
        <>
          awarded a {str(data.kind) || 'reward'} of {str(data.amountDecimal) || str(data.amount)} {str(data.currency)}
        </>
      );
    default:
      return entry.kind.replace(/_/g, ' ');
  }
}

/**
 * The report's activity, oldest first. Internal notes (staff only; the server never sends them
 * to anyone else) are marked in words and colour.
 */
export function Timeline({
  entries,
  who = (id) => id ?? '',
  label = 'Activity',
  bodyOf,
}: {
  entries: TimelineEntry[];
  who?: (id: string | null) => string;
  label?: string;
  /** Shows an entry's text another way (the disclosure preview's redactions); the server's HTML otherwise. */
  bodyOf?: (entry: TimelineEntry) => ReactNode;
}) {
  if (entries.length === 0) return <p className="muted">Nothing has happened yet.</p>;
  return (
    <ol className="timeline" aria-label={label}>
      {entries.map((entry, index) => {
        const conversation = entry.kind === 'comment' || entry.kind === 'internal_note';
        return (
          <li
            key={entry.id ?? index}
            className={['timeline-item', `kind-${entry.kind}`, entry.internal ? 'internal' : '', conversation ? 'message' : 'event'].join(' ').trim()}
          >
            <div className="timeline-head">
              {entry.internal && <span className="internal-badge">Internal · staff only</span>}
              {entry.authorLabel ? (
                <span className="timeline-what">
                  <strong className="timeline-author">{entry.authorLabel}</strong> {describe(entry, who)}
                </span>
              ) : (
                <span className="timeline-what anonymous">{describe(entry, who)}</span>
              )}
              <span className="timeline-time">
                <Time value={entry.createdAt} relative />
              </span>
            </div>
            {bodyOf ? bodyOf(entry) : entry.body && entry.body.markdown.trim() && <ServerHtml html={entry.body.html} className="timeline-body" />}
          </li>
        );
      })}
    </ol>
  );
}

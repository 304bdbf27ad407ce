/*
 * Which public timeline entries a disclosure publishes and how staff's per-entry redactions are
 * sent (the form is TimelineRedactions.tsx).
 */

/** What is needed of a timeline event (ReportEvent has it); no import, so test/web can load this file under Node's resolution. */
export interface TimelineEvent {
  id: string;
  kind: string;
  internal: boolean;
  body: { markdown: string } | null;
}

/** Mirrors PUBLIC_KINDS in src/domain/reports/report-disclosure.ts: the event kinds a disclosure publishes. */
const PUBLIC_KINDS = new Set(['submitted', 'comment', 'state_change', 'severity_change', 'retest', 'disclosure']);

/** Per public entry with text: replacement text, or null for "published without its text". Absent: as written. */
export type Redactions = Record<string, string | null>;

/** The report's events a disclosure would publish (internal notes and private kinds never). */
export function publicEvents<E extends TimelineEvent>(events: E[]): E[] {
  return events.filter((e) => !e.internal && PUBLIC_KINDS.has(e.kind));
}

export const hasText = (event: TimelineEvent) => Boolean(event.body?.markdown.trim());

/**
 * What to send for the entries the person changed. The server merges redactions and cannot
 * forget one, so "as written" after a redaction is sent as the original text.
 */
export function redactionChanges(events: TimelineEvent[], saved: Redactions, wanted: Redactions): Redactions | undefined {
  const changes: Redactions = {};
  for (const event of publicEvents(events).filter(hasText)) {
    const original = event.body!.markdown;
    const before = event.id in saved ? saved[event.id] : original;
    const after = event.id in wanted ? wanted[event.id] : original;
    if (before !== after) changes[event.id] = after ?? null;
  }
  return Object.keys(changes).length > 0 ? changes : undefined;
}

export type Choice = 'as-written' | 'replace' | 'withhold';

export function choiceOf(redactions: Redactions, event: TimelineEvent): Choice {
  if (!(event.id in redactions)) return 'as-written';
  return redactions[event.id] === null ? 'withhold' : 'replace';
}

/** The saved redactions as choices: one whose text is the original (a restored entry) reads "as written". */
export function initialRedactions(events: TimelineEvent[], saved: Redactions): Redactions {
  const byId = new Map(events.map((e) => [e.id, e.body?.markdown]));
  return Object.fromEntries(Object.entries(saved).filter(([id, text]) => text !== byId.get(id)));
}

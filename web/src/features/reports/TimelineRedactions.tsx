import { useId } from 'react';
import { ServerHtml } from '../../components/ReportChips';
import { TextAreaField } from '../../components/TextAreaField';
import { Time } from '../../components/ui';
import { Timeline, type TimelineEntry } from './Timeline';
import { choiceOf, hasText, publicEvents, type Choice, type Redactions } from './redactions';
import type { ReportEvent } from './types';

/** One choice per public entry with text: publish it as written, replace its text, or withhold its text. */
export function TimelineRedactionFields({
  events,
  value,
  onChange,
  fieldError,
}: {
  events: ReportEvent[];
  value: Redactions;
  onChange: (next: Redactions) => void;
  fieldError: (field: string) => string | undefined;
}) {
  const entries = publicEvents(events).filter(hasText);
  if (entries.length === 0) return <p className="hint">The public timeline has no replies or notes with text to redact.</p>;
  return (
    <div className="stack">
      <p className="hint">Each reply below is public in a full disclosure. Withhold or rewrite what must not be published; internal notes are never published.</p>
      {entries.map((event) => (
        <RedactionChoice key={event.id} event={event} value={value} onChange={onChange} error={fieldError(`timelineRedactions/${event.id}`)} />
      ))}
    </div>
  );
}

function RedactionChoice({ event, value, onChange, error }: { event: ReportEvent; value: Redactions; onChange: (next: Redactions) => void; error: string | undefined }) {
  const ids = useId();
  const choice = choiceOf(value, event);
  const original = event.body!.markdown;
  function choose(next: Choice) {
    const rest = { ...value };
    delete rest[event.id];
    if (next === 'withhold') onChange({ ...rest, [event.id]: null });
    else if (next === 'replace') onChange({ ...rest, [event.id]: typeof value[event.id] === 'string' ? value[event.id]! : original });
    else onChange(rest);
  }
  const options: [Choice, string][] = [
    ['as-written', 'Publish as written'],
    ['replace', 'Publish rewritten text'],
    ['withhold', 'Withhold the text'],
  ];
  return (
    <fieldset className="field redaction-choice">
      <legend>
        {event.authorLabel}, <Time value={event.createdAt} compact />
      </legend>
      <ServerHtml html={event.body!.html} className="timeline-body redaction-original" />
      <div className="checkbox-options inline-options">
        {options.map(([option, label]) => (
          <div className="checkbox" key={option}>
            <input type="radio" id={`${ids}-${option}`} name={`${ids}-choice`} checked={choice === option} onChange={() => choose(option)} />
            <label htmlFor={`${ids}-${option}`}>{label}</label>
          </div>
        ))}
      </div>
      {choice === 'replace' && (
        <TextAreaField
          label="Published text"
          name={`timelineRedactions/${event.id}`}
          rows={3}
          hint="Markdown. Remove hosts, credentials and personal data."
          value={value[event.id] ?? ''}
          onChange={(e) => onChange({ ...value, [event.id]: e.target.value })}
          error={error}
        />
      )}
    </fieldset>
  );
}

/** The public timeline as the disclosed page will show it, with the choices above applied. */
export function PublicTimelinePreview({ events, redactions, level }: { events: ReportEvent[]; redactions: Redactions; level: 'full' | 'limited' }) {
  // The public page names nobody in its timeline.
  const entries: TimelineEntry[] = publicEvents(events).map(({ authorLabel: _author, ...event }) => event);
  function bodyOf(entry: TimelineEntry) {
    if (!entry.body?.markdown.trim()) return null;
    if (level === 'limited') return null;
    const id = entry.id ?? '';
    if (!(id in redactions) || redactions[id] === entry.body.markdown) return <ServerHtml html={entry.body.html} className="timeline-body" />;
    const replacement = redactions[id];
    if (replacement === null || !replacement?.trim()) return <p className="timeline-body muted">(text withheld)</p>;
    return <p className="timeline-body redaction-replaced">{replacement}</p>;
  }
  return (
    <section className="redaction-preview" aria-label="Preview of the public timeline">
      <h3>Preview: the public timeline</h3>
      {level === 'limited' && <p className="hint">A summary-only disclosure publishes the timeline without any text.</p>}
      <Timeline entries={entries} label="Public timeline preview" bodyOf={bodyOf} />
    </section>
  );
}

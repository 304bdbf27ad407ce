import { Fragment, useEffect, useRef, useState } from 'react';
import { copyText } from '../../lib/clipboard';

const DAY_MS = 24 * 3600 * 1000;
/** Keys expiring sooner than this are flagged (the daily check mails leads from 30 days on). */
export const EXPIRY_WARNING_DAYS = 30;

/**
 * A fingerprint in groups of four hex digits, as GnuPG prints it (a wider gap halfway through a
 * 40-digit one), so a person can compare it with what their own tools show.
 */
export function groupFingerprint(fingerprint: string): string[] {
  return fingerprint.replace(/\s+/g, '').toUpperCase().match(/.{1,4}/g) ?? [];
}

export function Fingerprint({ value }: { value: string }) {
  const groups = groupFingerprint(value);
  const half = groups.length === 10 ? 5 : -1;
  return (
    <code className="fingerprint">
      {groups.map((group, i) => (
        <Fragment key={i}>
          {i > 0 ? ' ' : ''}
          <span className={i === half ? 'fp-group fp-half' : 'fp-group'}>{group}</span>
        </Fragment>
      ))}
    </code>
  );
}

/** Whole days until `iso` (negative once past), or null for no date. */
export function daysUntil(iso: string | null, now = Date.now()): number | null {
  if (!iso) return null;
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return null;
  return Math.floor((time - now) / DAY_MS);
}

/** A copy button whose accessible name says what it copies ("Copy the rotate command"). */
export function CopyFor({ text, what, label = 'Copy' }: { text: string; what: string; label?: string }) {
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
      <button type="button" className="button small" onClick={() => void copy()}>
        {state === 'copied' ? 'Copied' : label}
        <span className="visually-hidden"> {what}</span>
      </button>
      <span className="visually-hidden" role="status">
        {state === 'copied' ? `Copied ${what}` : state === 'failed' ? 'Could not copy; select the text and copy it by hand' : ''}
      </span>
    </>
  );
}

/** A shell command in a block, with a copy button. */
export function Command({ command, what }: { command: string; what: string }) {
  return (
    <div className="command">
      <pre>
        <code>{command}</code>
      </pre>
      <div className="command-copy">
        <CopyFor text={command} what={what} />
      </div>
    </div>
  );
}

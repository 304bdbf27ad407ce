/**
 * Armoured OpenPGP messages inside a text (a mailed reply, a pasted note): found the same way by
 * the mail intake, the contact log's read path and the case page, which decrypts them. Pure
 * TypeScript, importable by web/.
 *
 * Found with indexOf, not a regular expression: a lazy `BEGIN[\s\S]*?END` scans to the end of the
 * text from every BEGIN line that has no END after it, so a mail of BEGIN lines alone took time
 * quadratic in its size (minutes of a blocked event loop for a few megabytes).
 */
const BEGIN = '-----BEGIN PGP MESSAGE-----';
const END = '-----END PGP MESSAGE-----';

/** Where each armoured message of `text` starts and ends (end exclusive), in order. */
function armourSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf(BEGIN, from);
    if (start < 0) break;
    const end = text.indexOf(END, start + BEGIN.length);
    // No END after this BEGIN: none after any later BEGIN either.
    if (end < 0) break;
    spans.push([start, end + END.length]);
    from = end + END.length;
  }
  return spans;
}

/** Every armoured message in `text`, in order. */
export function armouredMessages(text: string): string[] {
  return armourSpans(text).map(([start, end]) => text.slice(start, end));
}

export function hasArmouredMessage(text: string | null | undefined): boolean {
  return text ? armourSpans(text).length > 0 : false;
}

/** `text` without its armoured messages: what was sent in the clear beside them. */
export function outsideArmour(text: string): string {
  let outside = '';
  let from = 0;
  for (const [start, end] of armourSpans(text)) {
    outside += text.slice(from, start);
    from = end;
  }
  return outside + text.slice(from);
}

/**
 * Armoured OpenPGP messages (and public keys) inside a text (a mailed reply, a pasted note): found
 * the same way by the mail intake, the contact log's read path and the case page, which decrypts
 * them. Pure TypeScript, importable by web/.
 *
 * Found with indexOf, not a regular expression: a lazy `BEGIN[\s\S]*?END` scans to the end of the
 * text from every BEGIN line that has no END after it, so a mail of BEGIN lines alone took time
 * quadratic in its size (minutes of a blocked event loop for a few megabytes).
 */
/** The armour blocks looked for: encrypted messages, and public keys (a sender's, for replies). */
export type ArmourKind = 'MESSAGE' | 'PUBLIC KEY BLOCK';

/** Where each armoured block of `kind` in `text` starts and ends (end exclusive), in order. */
function armourSpans(text: string, kind: ArmourKind = 'MESSAGE'): [number, number][] {
  const begin = `-----BEGIN PGP ${kind}-----`;
  const end = `-----END PGP ${kind}-----`;
  const spans: [number, number][] = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf(begin, from);
    if (start < 0) break;
    const stop = text.indexOf(end, start + begin.length);
    // No END after this BEGIN: none after any later BEGIN either.
    if (stop < 0) break;
    spans.push([start, stop + end.length]);
    from = stop + end.length;
  }
  return spans;
}

/** Every armoured block of `kind` in `text`, in order. */
export function armouredBlocks(text: string, kind: ArmourKind): string[] {
  return armourSpans(text, kind).map(([start, end]) => text.slice(start, end));
}

/** Every armoured message in `text`, in order. */
export function armouredMessages(text: string): string[] {
  return armouredBlocks(text, 'MESSAGE');
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

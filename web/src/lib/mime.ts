/**
 * Reads a MIME entity decrypted in the page: the body of a PGP/MIME mail (RFC 3156) is one,
 * usually multipart/mixed with a text part and attachments. Hostile input: the structure is
 * bounded (depth, part count), nothing here renders anything, and every part that is not plain
 * text — HTML included — comes back as bytes, to be offered as a download and never shown.
 *
 * No imports: the server's tests load this file as it is.
 */

export interface MimeAttachment {
  /** As the sender named it (decoded, not yet cleaned: see lib/downloads.ts safeFileName). */
  name: string;
  /** The declared media type: information only, never used to render the bytes. */
  type: string;
  bytes: Uint8Array<ArrayBuffer>;
}

export interface MimeContent {
  /** A protected Subject (RFC 9788 header protection), when the entity carries one. */
  subject: string | null;
  /** The text/plain parts, decoded from their charset, in order, with \n line breaks. */
  texts: string[];
  attachments: MimeAttachment[];
  /** The structure went deeper or wider than the bounds: what was read so far is returned. */
  truncated: boolean;
}

const MAX_DEPTH = 8;
const MAX_PARTS = 200;

/**
 * A decrypted text is a MIME entity when everything before its first blank line is header lines
 * (folded ones included) and one of them is Content-Type. A "Content-Type:" line in the body of a
 * plain-text report (`Title: …`, blank line, then prose quoting headers) does not count.
 */
export function looksLikeMimeEntity(text: string): boolean {
  const blank = /\r?\n\r?\n/.exec(text);
  const lines = (blank ? text.slice(0, blank.index) : text).split(/\r?\n/);
  let contentType = false;
  for (const [i, line] of lines.entries()) {
    if (line === '' && i === lines.length - 1) break;
    if (i > 0 && /^[ \t]/.test(line)) continue;
    const name = /^([A-Za-z0-9-]+):/.exec(line)?.[1];
    if (name === undefined) return false;
    if (name.toLowerCase() === 'content-type') contentType = true;
  }
  return contentType;
}

/** Bytes as a "binary string" (one char per byte): the structure of MIME is ASCII. Also what btoa takes. */
export function binaryString(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return out;
}

/** A "binary string" (as atob gives) as its bytes. */
export function bytesOf(binary: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i) & 0xff;
  return bytes;
}

function decodeCharset(bytes: Uint8Array, charset: string | undefined): string {
  try {
    return new TextDecoder(charset || 'utf-8').decode(bytes);
  } catch {
    // An unknown charset label: UTF-8, with replacement characters where it does not fit.
    return new TextDecoder('utf-8').decode(bytes);
  }
}

/** RFC 2047 encoded words (=?charset?B|Q?…?=), as mail clients put in file names and subjects. */
function decodeWords(value: string): string {
  return value
    .replace(/(=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g, (word, charset: string, encoding: string, text: string) => {
      try {
        const binary = encoding.toUpperCase() === 'B' ? atob(text) : text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
        return decodeCharset(bytesOf(binary), charset.split('*')[0]);
      } catch {
        return word;
      }
    });
}

interface Headers {
  get(name: string): string | undefined;
}

function parseHeaders(block: string): Headers {
  const map = new Map<string, string>();
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!map.has(name)) map.set(name, line.slice(colon + 1).trim());
  }
  return { get: (name) => map.get(name) };
}

interface HeaderValue {
  value: string;
  params: Record<string, string>;
}

/**
 * `type/subtype; name=value; name="quoted"` with RFC 2231 parameters (`name*=utf-8''%E2%82%AC`,
 * continuations `name*0=`, `name*1*=`).
 */
function parseHeaderValue(raw: string | undefined): HeaderValue {
  if (!raw) return { value: '', params: {} };
  const pieces: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (quoted && c === '\\' && i + 1 < raw.length) current += raw[++i];
    else if (c === '"') quoted = !quoted;
    else if (c === ';' && !quoted) {
      pieces.push(current);
      current = '';
    } else current += c;
  }
  pieces.push(current);
  const [value = '', ...rest] = pieces.map((p) => p.trim());
  const sections = new Map<string, { index: number; text: string; extended: boolean }[]>();
  const params: Record<string, string> = {};
  for (const piece of rest) {
    const eq = piece.indexOf('=');
    if (eq <= 0) continue;
    const key = piece.slice(0, eq).trim().toLowerCase();
    const text = piece.slice(eq + 1).trim();
    const section = /^([^*]+)(?:\*(\d+))?(\*)?$/.exec(key);
    if (!section) continue;
    const [, name, index, star] = section;
    if (index === undefined && !star) {
      // Raw 8-bit in a header is UTF-8 (RFC 6532) or nothing sensible.
      params[name!] = decodeCharset(bytesOf(text), 'utf-8');
      continue;
    }
    const list = sections.get(name!) ?? [];
    list.push({ index: Number(index ?? 0), text, extended: Boolean(star) });
    sections.set(name!, list);
  }
  for (const [name, list] of sections) {
    list.sort((a, b) => a.index - b.index);
    let charset = 'utf-8';
    let binary = '';
    for (const [i, part] of list.entries()) {
      let text = part.text;
      if (part.extended && i === 0) {
        const declared = /^([^']*)'[^']*'(.*)$/.exec(text);
        if (declared) {
          charset = declared[1] || 'utf-8';
          text = declared[2]!;
        }
      }
      binary += part.extended ? text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : text;
    }
    params[name] = decodeCharset(bytesOf(binary), charset);
  }
  return { value: value.toLowerCase(), params };
}

function decodeTransfer(body: string, encoding: string | undefined): Uint8Array<ArrayBuffer> {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'base64': {
      // Line breaks and padding out; padding put back (a lone last character carries no byte).
      let clean = body.replace(/[^A-Za-z0-9+/]/g, '');
      if (clean.length % 4 === 1) clean = clean.slice(0, -1);
      clean = clean.padEnd(Math.ceil(clean.length / 4) * 4, '=');
      try {
        return bytesOf(atob(clean));
      } catch {
        return bytesOf(body);
      }
    }
    case 'quoted-printable':
      return bytesOf(body.replace(/[ \t]+(?=\r?\n)/g, '').replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))));
    default:
      return bytesOf(body);
  }
}

function splitEntity(entity: string): { headers: Headers; body: string } {
  const blank = /\r?\n\r?\n/.exec(entity);
  if (!blank) return { headers: parseHeaders(entity), body: '' };
  return { headers: parseHeaders(entity.slice(0, blank.index)), body: entity.slice(blank.index + blank[0].length) };
}

/** The body parts between `--boundary` lines, up to the closing `--boundary--`. */
function splitMultipart(body: string, boundary: string): string[] {
  const escaped = boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const delimiter = new RegExp(`(?:^|\\r?\\n)--${escaped}(--)?[ \\t]*(?=\\r?\\n|$)`, 'g');
  const parts: string[] = [];
  let start = -1;
  for (let match = delimiter.exec(body); match; match = delimiter.exec(body)) {
    if (start >= 0) parts.push(body.slice(start, match.index));
    if (match[1]) return parts;
    start = match.index + match[0].length;
    // The part starts after the line break that ends the delimiter line.
    const newline = /^\r?\n/.exec(body.slice(start));
    if (newline) start += newline[0].length;
  }
  // No closing delimiter: keep what follows the last one.
  if (start >= 0) parts.push(body.slice(start));
  return parts;
}

const EXTENSIONS: Record<string, string> = { 'text/html': 'html', 'text/plain': 'txt', 'message/rfc822': 'eml', 'application/pgp-signature': 'asc', 'application/pgp-keys': 'asc' };

/** Reads a MIME entity given as its bytes. */
export function readMimeEntity(bytes: Uint8Array): MimeContent {
  const content: MimeContent = { subject: null, texts: [], attachments: [], truncated: false };
  let parts = 0;

  function visit(entity: string, depth: number): void {
    if (++parts > MAX_PARTS || depth > MAX_DEPTH) {
      content.truncated = true;
      return;
    }
    const { headers, body } = splitEntity(entity);
    const type = parseHeaderValue(headers.get('content-type') ?? 'text/plain');
    const mediaType = type.value || 'text/plain';
    if (mediaType.startsWith('multipart/')) {
      const boundary = type.params.boundary;
      const children = boundary ? splitMultipart(body, boundary) : [];
      // An alternative with a plain-text version: that one is the message (the HTML is dropped).
      const chosen = mediaType === 'multipart/alternative' ? children.filter((child) => parseHeaderValue(splitEntity(child).headers.get('content-type') ?? 'text/plain').value === 'text/plain') : [];
      for (const child of chosen.length > 0 ? chosen : children) visit(child, depth + 1);
      return;
    }
    const disposition = parseHeaderValue(headers.get('content-disposition'));
    const declaredName = disposition.params.filename ?? type.params.name;
    const decoded = decodeTransfer(body, headers.get('content-transfer-encoding'));
    if (mediaType === 'text/plain' && disposition.value !== 'attachment' && declaredName === undefined) {
      content.texts.push(decodeCharset(decoded, type.params.charset).replace(/\r\n?/g, '\n'));
      return;
    }
    const name = declaredName !== undefined ? decodeWords(declaredName) : `part-${content.attachments.length + 1}.${EXTENSIONS[mediaType] ?? 'bin'}`;
    content.attachments.push({ name, type: mediaType, bytes: decoded });
  }

  const entity = binaryString(bytes);
  const subject = splitEntity(entity).headers.get('subject');
  if (subject !== undefined) content.subject = decodeWords(decodeCharset(bytesOf(subject), 'utf-8'));
  visit(entity, 0);
  return content;
}

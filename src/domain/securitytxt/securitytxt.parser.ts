import { SECURITY_TXT_MAX_BYTES, type SecurityTxtErrorCode, type SecurityTxtIssue } from './securitytxt.js';

/** One `Name: value` line. Names are case-insensitive: `name` is lower case, `rawName` as written. */
export interface SecurityTxtField {
  name: string;
  rawName: string;
  value: string;
  line: number;
}

/** The OpenPGP cleartext signature framework around a signed file (RFC 9116 section 2.3, RFC 4880 section 7). */
export interface SecurityTxtSignature {
  /** Values of the `Hash:` armor headers; RFC 9580 makes them optional, so this may be empty. */
  hashes: string[];
  /** Line of `-----BEGIN PGP SIGNED MESSAGE-----`. */
  headerLine: number;
  /** Line of `-----BEGIN PGP SIGNATURE-----`, null when it is missing. */
  signatureLine: number | null;
  /** The signed text as cvdesk read it: dash-escaping removed, trailing blanks dropped, lines joined by LF. */
  text: string;
  /** The whole signed message, armour lines included, as an OpenPGP implementation takes it. */
  armored: string;
}

export interface ParsedSecurityTxt {
  /** Every well-formed field, in file order; for a signed file only those inside the signed text. */
  fields: SecurityTxtField[];
  /** Present when the file is (or tries to be) a cleartext-signed message. */
  signature: SecurityTxtSignature | null;
  /** Syntax, encoding, size and signed-envelope errors, with 1-based lines of the file as served. */
  issues: SecurityTxtIssue<SecurityTxtErrorCode>[];
  /** Lines read (a file cut at the size limit counts only what was read). */
  lineCount: number;
  /** True when the input was over `maxBytes` and only its first complete lines were read. */
  truncated: boolean;
}

export interface SecurityTxtParseOptions {
  /** Read at most this many bytes (UTF-8); default 32 KiB. The rest is ignored and `size_exceeded` reported. */
  maxBytes?: number;
}

const BEGIN_SIGNED = '-----BEGIN PGP SIGNED MESSAGE-----';
const BEGIN_SIGNATURE = '-----BEGIN PGP SIGNATURE-----';
const END_SIGNATURE = '-----END PGP SIGNATURE-----';
/** Hash names of RFC 4880/9580 section 9.5 as they appear in `Hash:` headers. */
const HASH_NAMES = new Set(['MD5', 'SHA1', 'RIPEMD160', 'SHA256', 'SHA384', 'SHA512', 'SHA224', 'SHA3-256', 'SHA3-512']);
const FIELD_NAME = /^[A-Za-z0-9-]+$/;
const ARMOR_HEADER = /^([A-Za-z0-9-]+): (.*)$/;
const BASE64_LINE = /^[A-Za-z0-9+/]+={0,2}$/;
const CHECKSUM_LINE = /^=[A-Za-z0-9+/]{4}$/;
// C0 controls except HT (LF splits lines, CR is handled as a line ending), and DEL.
const CONTROL = /[\x00-\x08\x0B-\x1F\x7F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

type State = 'body' | 'armor-headers' | 'cleartext' | 'signature-headers' | 'signature-body' | 'after-signature';

interface Decoded {
  text: string;
  truncated: boolean;
  /** Lines holding bytes that are not UTF-8. */
  badLines: Set<number>;
  bom: boolean;
}

const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Cuts bytes over the limit back to the last line feed within it, so no half line is judged. */
function capBytes(bytes: Uint8Array, maxBytes: number): { bytes: Uint8Array; truncated: boolean } {
  if (bytes.length <= maxBytes) return { bytes, truncated: false };
  const head = bytes.subarray(0, maxBytes);
  const lastLf = head.lastIndexOf(0x0a);
  return { bytes: lastLf >= 0 ? head.subarray(0, lastLf + 1) : head, truncated: true };
}

function capString(text: string, maxBytes: number): { text: string; truncated: boolean } {
  // Every UTF-16 unit is at least one UTF-8 byte, so a string of up to maxBytes / 3 units always fits.
  if (text.length * 3 <= maxBytes) return { text, truncated: false };
  if (text.length <= maxBytes && Buffer.byteLength(text, 'utf8') <= maxBytes) return { text, truncated: false };
  let head = text.slice(0, maxBytes);
  for (let over = Buffer.byteLength(head, 'utf8') - maxBytes; over > 0; over = Buffer.byteLength(head, 'utf8') - maxBytes) {
    head = head.slice(0, head.length - Math.ceil(over / 3));
  }
  if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
  const lastLf = head.lastIndexOf('\n');
  return { text: lastLf >= 0 ? head.slice(0, lastLf + 1) : head, truncated: true };
}

function decode(input: string | Uint8Array, maxBytes: number): Decoded {
  if (typeof input === 'string') {
    const { text, truncated } = capString(input, maxBytes);
    const bom = text.startsWith('\uFEFF');
    return { text: bom ? text.slice(1) : text, truncated, badLines: new Set(), bom };
  }
  const capped = capBytes(input, maxBytes);
  let bytes = capped.bytes;
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  if (bom) bytes = bytes.subarray(3);
  const badLines = new Set<number>();
  try {
    return { text: fatalDecoder.decode(bytes), truncated: capped.truncated, badLines, bom };
  } catch {
    // Find the lines that hold the bad bytes, then read the file with U+FFFD in their place.
    let start = 0;
    for (let line = 1; start <= bytes.length; line++) {
      const lf = bytes.indexOf(0x0a, start);
      const end = lf < 0 ? bytes.length : lf;
      try {
        fatalDecoder.decode(bytes.subarray(start, end));
      } catch {
        badLines.add(line);
      }
      if (lf < 0) break;
      start = lf + 1;
    }
    return { text: lenientDecoder.decode(bytes), truncated: capped.truncated, badLines, bom };
  }
}

/** Drops trailing spaces and tabs (RFC 9116 `eol = *WSP [CR] LF`). A loop, not a regex: no backtracking on long blank runs. */
export function trimTrailingBlanks(line: string): string {
  let end = line.length;
  while (end > 0) {
    const c = line.charCodeAt(end - 1);
    if (c !== 0x20 && c !== 0x09) break;
    end -= 1;
  }
  return end === line.length ? line : line.slice(0, end);
}

function describeControl(line: string): string {
  const match = CONTROL.exec(line)!;
  return `U+${match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** First packet of a binary OpenPGP message: its tag, or null when the bytes are not a packet header. */
function firstPacketTag(bytes: Uint8Array): number | null {
  const first = bytes[0];
  if (first === undefined || (first & 0x80) === 0) return null;
  return first & 0x40 ? first & 0x3f : (first >> 2) & 0x0f;
}

/**
 * Reads a security.txt file into fields with line numbers, and reports what is wrong with its
 * syntax: lines, separators, encoding, size and the OpenPGP envelope of a signed file. Never throws;
 * reads at most `maxBytes`. Field meaning (Expires, URIs, languages…) is `validateSecurityTxt`'s job.
 */
export function parseSecurityTxt(input: string | Uint8Array, options: SecurityTxtParseOptions = {}): ParsedSecurityTxt {
  const maxBytes = options.maxBytes ?? SECURITY_TXT_MAX_BYTES;
  const issues: SecurityTxtIssue<SecurityTxtErrorCode>[] = [];
  const issue = (code: SecurityTxtErrorCode, line: number | null, message: string) => issues.push({ code, line, message });
  const fields: SecurityTxtField[] = [];

  const decoded = decode(input, maxBytes);
  if (decoded.truncated) {
    issue('size_exceeded', null, `The file is larger than ${maxBytes} bytes; only its first ${maxBytes} bytes were read.`);
  }
  if (decoded.bom) issue('utf8', 1, 'The file starts with a byte-order mark; security.txt must be UTF-8 in Net-Unicode form, without a BOM.');

  const parts = decoded.text.length === 0 ? [] : decoded.text.split('\n');
  const terminated = decoded.text.endsWith('\n');
  if (terminated) parts.pop();

  let state = 'body' as State;
  let signature = null as SecurityTxtSignature | null;
  const armoredLines: string[] = [];
  const signedLines: string[] = [];
  const signatureBase64: string[] = [];
  const endings: ('LF' | 'CRLF')[] = [];
  const contentLines: number[] = [];
  let signatureBodyIssue = false;
  let afterSignatureIssue = false;

  const parseContent = (line: string, n: number) => {
    if (line.length === 0 || line.startsWith('#')) return;
    const colon = line.indexOf(':');
    if (colon < 0) {
      issue('invalid_line', n, 'A line must be a field ("Name: value"), a comment starting with "#", or blank.');
      return;
    }
    let rawName = line.slice(0, colon);
    let value = line.slice(colon + 1);
    const trimmedName = trimTrailingBlanks(rawName);
    if (trimmedName !== rawName) {
      issue('prec_ws', n, 'There must be no whitespace before the field separator (colon).');
      rawName = trimmedName;
    }
    if (value.length > 0 && !value.startsWith(' ')) issue('no_space', n, 'The field separator (colon) must be followed by a space.');
    value = value.replace(/^[ \t]+/, '');
    if (rawName.length === 0) {
      issue('empty_key', n, 'The field name must not be empty.');
      return;
    }
    if (!FIELD_NAME.test(rawName)) {
      issue('invalid_line', n, `"${rawName.slice(0, 40)}" is not a field name: names are letters, digits and "-" only, from the start of the line.`);
      return;
    }
    if (value.length === 0) {
      issue('empty_value', n, `The value of field "${rawName}" must not be empty.`);
      return;
    }
    fields.push({ name: rawName.toLowerCase(), rawName, value, line: n });
  };

  /** Reads one line in the current state; a line that ends a state early is read again in the next. */
  const dispatch = (line: string, trimmed: string, n: number): void => {
    switch (state) {
      case 'body':
        if (trimmed === BEGIN_SIGNED) {
          if (n !== 1) issue('signed_format_issue', n, `A signed security.txt must start with "${BEGIN_SIGNED}" on its first line; lines before it are not signed.`);
          signature = { hashes: [], headerLine: n, signatureLine: null, text: '', armored: '' };
          armoredLines.push(line);
          state = 'armor-headers';
        } else parseContent(trimmed, n);
        return;

      case 'armor-headers': {
        if (trimmed.length === 0) {
          state = 'cleartext';
          return;
        }
        const header = ARMOR_HEADER.exec(trimmed);
        if (header && header[1] === 'Hash') {
          for (const name of header[2]!.split(',').map((h) => h.trim())) {
            if (HASH_NAMES.has(name)) signature!.hashes.push(name);
            else issue('signed_format_issue', n, `"${name.slice(0, 40)}" is not an OpenPGP hash algorithm name.`);
          }
          return;
        }
        issue('signed_format_issue', n, 'After the signed-message header only "Hash:" armor headers may follow, then a blank line before the signed text.');
        // Read on as signed text, so its fields are still checked.
        state = 'cleartext';
        dispatch(line, trimmed, n);
        return;
      }

      case 'cleartext':
        if (trimmed === BEGIN_SIGNATURE) {
          signature!.signatureLine = n;
          state = 'signature-headers';
        } else if (line.startsWith('- ')) {
          const unescaped = trimTrailingBlanks(line.slice(2));
          signedLines.push(unescaped);
          parseContent(unescaped, n);
        } else if (line.startsWith('-')) {
          issue('signed_format_issue', n, 'In signed text a line starting with "-" must be dash-escaped ("- " in front).');
          signedLines.push(trimmed);
        } else {
          signedLines.push(trimmed);
          parseContent(trimmed, n);
        }
        return;

      case 'signature-headers':
        if (trimmed.length === 0) state = 'signature-body';
        else if (!ARMOR_HEADER.test(trimmed)) {
          issue('signed_format_issue', n, 'The signature block must have a blank line after its armor headers.');
          state = 'signature-body';
          dispatch(line, trimmed, n);
        }
        return;

      case 'signature-body':
        if (trimmed === END_SIGNATURE) state = 'after-signature';
        else if (BASE64_LINE.test(trimmed)) signatureBase64.push(trimmed);
        else if (!CHECKSUM_LINE.test(trimmed) && !signatureBodyIssue) {
          signatureBodyIssue = true;
          issue('signed_format_issue', n, 'The signature block holds a line that is not base64.');
        }
        return;

      case 'after-signature':
        if (trimmed.length > 0 && !afterSignatureIssue) {
          afterSignatureIssue = true;
          issue('signed_format_issue', n, 'A signed security.txt must not hold anything after the signature.');
        }
        return;
    }
  };

  for (let index = 0; index < parts.length; index++) {
    const n = index + 1;
    let line = parts[index]!;
    const hasLf = index < parts.length - 1 || terminated;
    if (hasLf) {
      const crlf = line.endsWith('\r');
      if (crlf) line = line.slice(0, -1);
      endings[n] = crlf ? 'CRLF' : 'LF';
    } else if (line.length > 0) {
      issue('no_line_separators', n, 'Every line, including the last one, must end with a line feed (LF) or a carriage return and line feed (CRLF).');
    }
    if (decoded.badLines.has(n)) issue('utf8', n, 'This line is not valid UTF-8.');
    else if (typeof input === 'string' && LONE_SURROGATE.test(line)) issue('utf8', n, 'This line holds an unpaired surrogate, which UTF-8 cannot encode.');
    if (line.includes('\r')) {
      issue('no_line_separators', n, 'This line holds a carriage return (CR) without a line feed; lines must end with LF or CRLF.');
      continue;
    }
    if (CONTROL.test(line)) {
      issue('invalid_line', n, `This line holds the control character ${describeControl(line)}; only text, spaces and tabs may appear.`);
      continue;
    }
    if (state !== 'body' && state !== 'after-signature') armoredLines.push(line);
    if (state === 'body' || state === 'cleartext') contentLines.push(n);
    dispatch(line, trimTrailingBlanks(line), n);
  }

  // Lines must end alike: in the file's own text, that is. The armour around a signed text may
  // differ (OpenPGP.js writes CRLF inside the text and LF around it), and the line ending just
  // before "-----BEGIN PGP SIGNATURE-----" belongs to the armour, not to the signed text.
  let firstEnding: 'LF' | 'CRLF' | undefined;
  for (const n of contentLines) {
    const ending = endings[n];
    if (ending === undefined) continue;
    if (signature && (n === signature.headerLine || (signature.signatureLine !== null && n >= signature.signatureLine - 1))) continue;
    if (firstEnding === undefined) firstEnding = ending;
    else if (ending !== firstEnding) {
      issue('mixed_line_endings', n, `This line ends with ${ending} but earlier lines end with ${firstEnding}; use one line ending throughout.`);
      break;
    }
  }

  if (signature !== null) {
    const sig: SecurityTxtSignature = signature;
    if (state === 'armor-headers' || state === 'cleartext') issue('signed_format_issue', null, `The signed message has no "${BEGIN_SIGNATURE}" block.`);
    else if (state === 'signature-headers' || state === 'signature-body') issue('signed_format_issue', sig.signatureLine, `The signature block is not closed by "${END_SIGNATURE}".`);
    else if (!signatureBodyIssue) {
      const tag = firstPacketTag(Buffer.from(signatureBase64.join(''), 'base64'));
      if (tag !== 2) issue('signed_format_issue', sig.signatureLine, 'The signature block does not hold an OpenPGP signature packet.');
    }
    sig.text = signedLines.join('\n');
    sig.armored = `${armoredLines.join('\n')}\n`;
  }

  return { fields, signature, issues, lineCount: parts.length, truncated: decoded.truncated };
}

/** The values of one field (name in any case), in file order. */
export function fieldValues(parsed: ParsedSecurityTxt, name: string): string[] {
  const wanted = name.toLowerCase();
  return parsed.fields.filter((f) => f.name === wanted).map((f) => f.value);
}

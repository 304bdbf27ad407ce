/**
 * A streaming JSON scanner: it checks the structure of a document byte by byte, with bounded
 * nesting and string lengths, and hands over only the values a caller asks for (say every element
 * of `runs[*].results`), each parsed on its own with JSON.parse. Memory depends on the largest
 * captured value, never on the size of the document.
 */

export interface JsonScanLimits {
  /** Deepest nesting of arrays and objects anywhere in the document. */
  maxDepth: number;
  /** Longest string (in bytes, escapes counted as written). */
  maxStringBytes: number;
  /** Largest captured value (in bytes): a larger one is handed over with a `problem` instead. */
  maxCaptureBytes: number;
}

/** Where the scanner is: one frame per open container, with the key or index being read. */
export interface Frame {
  readonly kind: 'object' | 'array';
  /** In an object: the key whose value is being read. */
  key: string | null;
  /** In an array: the index of the element being read. */
  index: number;
}

export interface Captured {
  /** The frames above the value (copied): e.g. runs → 0 → results → 12. */
  path: { key: string | null; index: number }[];
  value?: unknown;
  /** The captured value's size in the document (bytes), with `value`. */
  bytes?: number;
  /** Set instead of `value` when the value broke a limit or was not valid JSON. */
  problem?: string;
}

/** The document itself is malformed or breaks a limit: nothing from it should be kept. */
export class JsonScanError extends Error {
  constructor(
    message: string,
    /** Bytes read before the problem. */
    readonly offset: number,
  ) {
    super(message);
    this.name = 'JsonScanError';
  }
}

/**
 * Decides at the start of each value whether to capture it (called for values at depth ≤
 * maxCaptureDepth only): true to capture, 'skip' to pass over it as if captured (its strings may
 * be long, as in a captured value) without keeping it, false otherwise.
 */
export type CapturePredicate = (frames: readonly Frame[]) => boolean | 'skip';

const enum State {
  Value,
  ValueOrEnd,
  KeyOrEnd,
  Key,
  Colon,
  CommaOrEnd,
  InString,
  InLiteral,
  Done,
}

const BOM = [0xef, 0xbb, 0xbf];
const LITERAL = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)$/;
const MAX_LITERAL = 64;

function isLiteralByte(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7a) || b === 0x2d || b === 0x2b || b === 0x2e || b === 0x45;
}

/** A key as shown in a message: what the document wrote may hold control characters (NUL, which PostgreSQL refuses in text). */
export const printableKey = (key: string | null) => (key ?? '').replace(/[\0-\x1f\x7f]/g, '?');

function describe(frames: readonly Frame[]): string {
  let out = '';
  for (const frame of frames) out += frame.kind === 'array' ? `[${frame.index}]` : `.${printableKey(frame.key)}`;
  if (out === '') return '(top level)';
  out = out.replace(/^\./, '');
  return out.length > 120 ? `${out.slice(0, 120)}…` : out;
}

/**
 * Scans `source` and yields the captured values in document order (those completed in each chunk together). Throws JsonScanError for a
 * malformed or truncated document, or one deeper or with longer strings than the limits allow
 * outside a captured value; inside one, the value is yielded with a `problem` and scanning goes on.
 */
export async function* scanJson(
  source: AsyncIterable<Uint8Array>,
  limits: JsonScanLimits,
  capture: CapturePredicate,
  maxCaptureDepth: number,
): AsyncGenerator<Captured[]> {
  const frames: Frame[] = [];
  let state: State = State.Value;
  let offset = 0;
  let started = false;
  let bomMatched = 0;
  // Strings.
  let stringIsKey = false;
  let stringBytes = 0;
  let escaped = false;
  let keyParts: Uint8Array[] | null = null;
  let keyStart = 0;
  let keyHasEscape = false;
  // Literals (numbers, true, false, null).
  let literal = '';
  // The value being captured.
  let capturing = false;
  let captureDepth = 0;
  let captureParts: Uint8Array[] = [];
  let captureStart = 0;
  let captureBytes = 0;
  let captureProblem: string | null = null;
  let captureDiscard = false;
  let capturePath: Captured['path'] = [];

  const fail = (message: string, at: number): never => {
    throw new JsonScanError(`${message} at ${describe(frames)} (byte ${at})`, at);
  };

  for await (const chunk of source) {
    const bytes = chunk;
    const length = bytes.length;
    let i = 0;
    let nextQuote = -1;
    let nextBackslash = -1;
    const ready: Captured[] = [];
    if (length > 0) started = true;
    // A UTF-8 byte-order mark before the document is skipped (even when split across chunks).
    while (bomMatched >= 0 && i < length) {
      if (bytes[i] === BOM[bomMatched]) {
        i++;
        if (++bomMatched === BOM.length) bomMatched = -1;
      } else {
        if (bomMatched > 0) fail('invalid byte-order mark', offset + i);
        bomMatched = -1;
      }
    }
    // Outcome of finishing a value at `end` (exclusive) in this chunk.
    const finishValue = (end: number): Captured | null => {
      let done: Captured | null = null;
      if (capturing && frames.length === captureDepth) {
        capturing = false;
        if (captureDiscard) {
          state = frames.length === 0 ? State.Done : State.CommaOrEnd;
          return null;
        }
        if (captureProblem === null) {
          captureParts.push(bytes.subarray(captureStart, end));
          captureBytes += end - captureStart;
          if (captureBytes > limits.maxCaptureBytes) captureProblem = `value larger than ${limits.maxCaptureBytes} bytes`;
        }
        if (captureProblem !== null) done = { path: capturePath, problem: captureProblem };
        else {
          const text = captureParts.length === 1 ? Buffer.from(captureParts[0]!.buffer, captureParts[0]!.byteOffset, captureParts[0]!.byteLength).toString('utf8') : Buffer.concat(captureParts).toString('utf8');
          try {
            // PostgreSQL refuses NUL in text; nothing cvdesk stores may hold one.
            if (text.includes('\\u0000')) throw new Error('contains a NUL character (\\u0000)');
            done = { path: capturePath, value: JSON.parse(text) as unknown, bytes: captureBytes };
          } catch (error) {
            done = { path: capturePath, problem: `not valid JSON: ${(error as Error).message}` };
          }
        }
        captureParts = [];
      }
      state = frames.length === 0 ? State.Done : State.CommaOrEnd;
      return done;
    };
    const beginValue = (at: number) => {
      const top = frames[frames.length - 1];
      if (top && top.kind === 'array') top.index += 1;
      const decision = !capturing && frames.length <= maxCaptureDepth ? capture(frames) : false;
      if (decision) {
        capturing = true;
        captureDiscard = decision === 'skip';
        captureDepth = frames.length;
        captureStart = at;
        captureBytes = 0;
        captureProblem = captureDiscard ? 'skipped' : null;
        captureParts = [];
        capturePath = frames.map((f) => ({ key: f.key, index: f.index }));
      }
    };

    while (i < length) {
      const b = bytes[i]!;
      switch (state) {
        case State.InString: {
          // The hot path: most bytes of a document are inside strings. Jump from one quote or
          // backslash to the next (native indexOf); control characters are left to JSON.parse,
          // which checks every captured value (strings outside captures are never kept).
          let closed = false;
          while (i < length) {
            if (escaped) {
              const c = bytes[i]!;
              // " \ / b f n r t u
              if (c !== 0x22 && c !== 0x5c && c !== 0x2f && c !== 0x62 && c !== 0x66 && c !== 0x6e && c !== 0x72 && c !== 0x74 && c !== 0x75) fail('invalid escape in a string', offset + i);
              escaped = false;
              i++;
              stringBytes++;
              continue;
            }
            if (nextQuote < i) {
              nextQuote = bytes.indexOf(0x22, i);
              if (nextQuote === -1) nextQuote = length;
            }
            if (nextBackslash < i) {
              nextBackslash = bytes.indexOf(0x5c, i);
              if (nextBackslash === -1) nextBackslash = length;
            }
            const stop = nextBackslash < nextQuote ? nextBackslash : nextQuote;
            stringBytes += stop - i;
            i = stop;
            if (stringBytes > limits.maxStringBytes) {
              if (capturing && !stringIsKey) {
                if (captureProblem === null) captureProblem = `string longer than ${limits.maxStringBytes} bytes`;
                captureParts = [];
                stringBytes = 0;
              } else fail(`string longer than ${limits.maxStringBytes} bytes`, offset + i);
            }
            if (i === length) break;
            if (stop === nextBackslash) {
              escaped = true;
              if (stringIsKey) keyHasEscape = true;
              i++;
              stringBytes++;
              continue;
            }
            closed = true;
            break;
          }
          if (!closed) break;
          // The closing quote.
          if (stringIsKey) {
            const top = frames[frames.length - 1]!;
            if (keyParts) {
              keyParts.push(bytes.subarray(keyStart, i));
              const raw = Buffer.concat(keyParts).toString('utf8');
              // A key decides captures: one JSON.parse would refuse (a bad \u escape, a raw control character) makes the document malformed.
              if (/[\0-\x1f]/.test(raw)) fail('a control character in a key', offset + i);
              if (keyHasEscape) {
                try {
                  top.key = JSON.parse(`"${raw}"`) as string;
                } catch {
                  fail('invalid escape in a key', offset + i);
                }
              } else top.key = raw;
              keyParts = null;
            } else top.key = null;
            state = State.Colon;
            i++;
          } else {
            i++;
            const done = finishValue(i);
            if (done) ready.push(done);
          }
          break;
        }
        case State.InLiteral: {
          if (isLiteralByte(b)) {
            literal += String.fromCharCode(b);
            if (literal.length > MAX_LITERAL) fail('number or literal too long', offset + i);
            i++;
            break;
          }
          if (!LITERAL.test(literal)) fail(`invalid token "${literal.slice(0, 20)}"`, offset + i);
          const done = finishValue(i);
          if (done) ready.push(done);
          // Re-read this byte in the new state.
          break;
        }
        default: {
          if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) {
            i++;
            break;
          }
          switch (state as State) {
            case State.Value:
            case State.ValueOrEnd: {
              if (state === State.ValueOrEnd && b === 0x5d) {
                frames.pop();
                i++;
                const done = finishValue(i);
                if (done) ready.push(done);
                break;
              }
              beginValue(i);
              if (b === 0x7b || b === 0x5b) {
                if (frames.length >= limits.maxDepth) fail(`nesting deeper than ${limits.maxDepth}`, offset + i);
                frames.push(b === 0x7b ? { kind: 'object', key: null, index: -1 } : { kind: 'array', key: null, index: -1 });
                state = b === 0x7b ? State.KeyOrEnd : State.ValueOrEnd;
                i++;
              } else if (b === 0x22) {
                state = State.InString;
                stringIsKey = false;
                stringBytes = 0;
                escaped = false;
                i++;
              } else if (isLiteralByte(b)) {
                state = State.InLiteral;
                literal = '';
              } else fail(`unexpected "${String.fromCharCode(b)}"`, offset + i);
              break;
            }
            case State.KeyOrEnd:
            case State.Key: {
              if (state === State.KeyOrEnd && b === 0x7d) {
                frames.pop();
                i++;
                const done = finishValue(i);
                if (done) ready.push(done);
                break;
              }
              if (b !== 0x22) fail('expected a key', offset + i);
              state = State.InString;
              stringIsKey = true;
              stringBytes = 0;
              escaped = false;
              keyHasEscape = false;
              i++;
              // Keys matter only where captures are decided.
              keyParts = frames.length <= maxCaptureDepth ? [] : null;
              keyStart = i;
              break;
            }
            case State.Colon:
              if (b !== 0x3a) fail('expected ":"', offset + i);
              state = State.Value;
              i++;
              break;
            case State.CommaOrEnd: {
              const top = frames[frames.length - 1]!;
              if (b === 0x2c) {
                state = top.kind === 'object' ? State.Key : State.Value;
                i++;
              } else if ((b === 0x7d && top.kind === 'object') || (b === 0x5d && top.kind === 'array')) {
                frames.pop();
                i++;
                const done = finishValue(i);
                if (done) ready.push(done);
              } else fail(`expected "," or "${top.kind === 'object' ? '}' : ']'}"`, offset + i);
              break;
            }
            case State.Done:
              fail('unexpected data after the end of the document', offset + i);
          }
        }
      }
    }
    // Carry partial captures and keys over to the next chunk.
    if (capturing && captureProblem === null) {
      captureParts.push(bytes.subarray(captureStart, length));
      captureBytes += length - captureStart;
      if (captureBytes > limits.maxCaptureBytes) {
        captureProblem = `value larger than ${limits.maxCaptureBytes} bytes`;
        captureParts = [];
      }
    }
    captureStart = 0;
    if (state === State.InString && stringIsKey && keyParts) {
      keyParts.push(bytes.subarray(keyStart, length));
      keyStart = 0;
    }
    offset += length;
    if (ready.length) yield ready;
  }
  if (state === State.InLiteral && frames.length === 0 && LITERAL.test(literal)) state = State.Done;
  if (!started || state !== State.Done) throw new JsonScanError(started ? `the document ends early (truncated) at ${describe(frames)} (byte ${offset})` : 'the document is empty', offset);
}

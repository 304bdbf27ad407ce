import { invalid } from '../shared/errors.js';

/**
 * Keyset pages over (a timestamp, an id), newest first: the cursor handed out is the last row's
 * pair, opaque to clients, and is checked when it comes back.
 */
export const encodeKeysetCursor = (at: string, id: string): string => Buffer.from(`${at}|${id}`).toString('base64url');

export function decodeKeysetCursor(cursor: string, field = 'querystring:/after', message = 'is not a cursor this server gave out'): { at: string; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!at || !id || Number.isNaN(Date.parse(at))) throw invalid(field, message);
  return { at, id };
}

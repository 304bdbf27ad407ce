import { fileTypeFromBuffer } from 'file-type';

/**
 * Types a report may carry, decided by the bytes (magic numbers), never by the file name or the
 * client's Content-Type. Anything else is refused. Plain text is recognised as valid UTF-8 with
 * no NUL or other binary control characters.
 */
export const ALLOWED_MEDIA_TYPES = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'application/zip',
  'application/gzip',
  'application/x-tar',
  'video/mp4',
  'video/webm',
  'video/quicktime',
  'application/vnd.tcpdump.pcap',
  'text/plain',
]);

function looksLikeText(head: Buffer): boolean {
  if (head.length === 0) return false;
  // A multi-byte character may be cut at the end of the sample: decode without the last 3 bytes' risk.
  const sample = head.length >= 4100 ? head.subarray(0, head.length - 3) : head;
  if (/[\u0000-\u0008\u000e-\u001a\u001c-\u001f]/.test(sample.toString('latin1'))) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample);
    return true;
  } catch {
    return false;
  }
}

/** The media type of the content, or undefined when it is not one cvdesk accepts. */
export async function detectMediaType(head: Buffer): Promise<string | undefined> {
  const detected = await fileTypeFromBuffer(head);
  if (detected) return ALLOWED_MEDIA_TYPES.has(detected.mime) ? detected.mime : undefined;
  return looksLikeText(head) ? 'text/plain' : undefined;
}

/** A file name safe to show and to put in Content-Disposition: no paths, controls or quotes. */
export function cleanFilename(raw: string | undefined): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[\u0000-\u001f\u007f"<>|*?:]/g, '_').trim().slice(0, 200);
  return cleaned && cleaned !== '.' && cleaned !== '..' ? cleaned : 'attachment';
}

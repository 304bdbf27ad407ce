/**
 * Files decrypted in the page (an incident's attachments, a vendor's PGP/MIME attachments) are
 * offered for download only: built here as a blob, saved under a cleaned name, never rendered.
 */

/**
 * A file name safe to show and to offer for download: no folders, no control characters (C0, C1),
 * and no invisible or direction-changing format characters, with which `report\u202Egnp.exe` is
 * shown as `reportexe.png`.
 */
export function safeFileName(name: string): string {
  const cleaned = name
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f/\\\u061c\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]+/g, '_')
    .replace(/^\.+/, '')
    .trim()
    .slice(0, 200);
  return cleaned || 'attachment';
}

/**
 * Saves bytes as a file. Always as opaque bytes (application/octet-stream), so the browser
 * downloads it instead of rendering it: an HTML or SVG file from a report or a vendor never runs
 * in this origin.
 */
export function downloadBytes(name: string, bytes: Uint8Array<ArrayBuffer>): void {
  const blob = new Blob([bytes], { type: 'application/octet-stream' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = safeFileName(name);
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

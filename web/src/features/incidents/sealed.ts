import type { PrivateKey } from 'openpgp';

/**
 * The browser's half of sealed incidents: OpenPGP.js (loaded on first use, as its own chunk, so
 * the main bundle does not carry it) and the package formats of docs/incidents.md
 * ("What is inside the encryption"). Plaintext and unlocked keys live only in this page's memory:
 * nothing here sends anything anywhere.
 */

type OpenPgp = typeof import('openpgp');
let loading: Promise<OpenPgp> | undefined;

export function loadOpenPgp(): Promise<OpenPgp> {
  loading ??= import('openpgp');
  return loading;
}

export const INCIDENT_FORMAT = 'cvdesk-incident/1';
export const REPLY_FORMAT = 'cvdesk-reply/1';

export interface PackedFile {
  name: string;
  type: string;
  size: number;
  sha256?: string;
  /** Base64. */
  data: string;
}

export interface IncidentPackage {
  format: typeof INCIDENT_FORMAT;
  createdAt: string;
  fields: Record<string, string>;
  files: PackedFile[];
}

export interface ReplyPackage {
  format: typeof REPLY_FORMAT;
  text: string;
  files: PackedFile[];
}

/** What a decrypted message turned out to be. Anything unexpected is shown as text. */
export type SealedContent =
  | { kind: 'incident'; fields: [string, string][]; files: PackedFile[]; createdAt: string | null }
  | { kind: 'reply'; text: string; files: PackedFile[] }
  | { kind: 'mime'; text: string }
  | { kind: 'text'; text: string };

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string | undefined> {
  // crypto.subtle exists only in secure contexts (https, localhost); the digest is optional.
  if (!globalThis.crypto?.subtle) return undefined;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function packFiles(files: readonly File[]): Promise<PackedFile[]> {
  return Promise.all(
    files.map(async (file) => {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const sha256 = await sha256Hex(bytes);
      return { name: file.name, type: file.type || 'application/octet-stream', size: bytes.length, ...(sha256 ? { sha256 } : {}), data: toBase64(bytes) };
    }),
  );
}

export function packIncident(fields: Record<string, string>, files: PackedFile[]): string {
  const kept = Object.fromEntries(Object.entries(fields).filter(([, value]) => value.trim() !== ''));
  const pkg: IncidentPackage = { format: INCIDENT_FORMAT, createdAt: new Date().toISOString(), fields: kept, files };
  return JSON.stringify(pkg);
}

export function packReply(text: string, files: PackedFile[]): string {
  const pkg: ReplyPackage = { format: REPLY_FORMAT, text, files };
  return JSON.stringify(pkg);
}

/** Encrypts `text` to every armoured public key given, compressed (attachments are base64). */
export async function encryptTo(armoredKeys: readonly string[], text: string): Promise<string> {
  const openpgp = await loadOpenPgp();
  const encryptionKeys = await Promise.all(armoredKeys.map((armoredKey) => openpgp.readKey({ armoredKey })));
  return openpgp.encrypt({
    message: await openpgp.createMessage({ text }),
    encryptionKeys,
    config: { preferredCompressionAlgorithm: openpgp.enums.compression.zlib },
  });
}

export class WrongPassphrase extends Error {}

/** Unlocks an armoured, passphrase-protected private key here, in memory. */
export async function unlockKey(armoredKey: string, passphrase: string): Promise<PrivateKey> {
  const openpgp = await loadOpenPgp();
  const privateKey = await openpgp.readPrivateKey({ armoredKey });
  if (privateKey.isDecrypted()) return privateKey;
  try {
    return await openpgp.decryptKey({ privateKey, passphrase });
  } catch {
    throw new WrongPassphrase('This passphrase does not unlock the key.');
  }
}

/** The plaintext, or null when none of `keys` can decrypt it. */
export async function decryptWith(keys: readonly PrivateKey[], armoredMessage: string): Promise<string | null> {
  if (keys.length === 0) return null;
  const openpgp = await loadOpenPgp();
  try {
    const message = await openpgp.readMessage({ armoredMessage });
    const { data } = await openpgp.decrypt({ message, decryptionKeys: [...keys] });
    return typeof data === 'string' ? data : new TextDecoder().decode(data as Uint8Array);
  } catch {
    return null;
  }
}

/** A key pair made here for a reporter without one: replies are encrypted to its public half. */
export async function generateReplyKey(): Promise<{ privateKey: PrivateKey; publicKey: string }> {
  const openpgp = await loadOpenPgp();
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ name: 'cvdesk reporter reply key' }],
    format: 'object',
  });
  return { privateKey, publicKey: publicKey.armor() };
}

/** The reply key, protected for keeping on the server: its passphrase is the receipt's 36 digits. */
export async function protectReplyKey(privateKey: PrivateKey, receipt: string): Promise<string> {
  const openpgp = await loadOpenPgp();
  const locked = await openpgp.encryptKey({ privateKey, passphrase: receiptPassphrase(receipt) });
  return locked.armor();
}

/** A receipt as a passphrase: its digits only, so "1234-5678 …" and "12345678…" unlock alike. */
export function receiptPassphrase(receipt: string): string {
  return receipt.replace(/\D+/g, '');
}

const text = (value: unknown) => (typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value));

function files(value: unknown): PackedFile[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((f): f is Record<string, unknown> => typeof f === 'object' && f !== null && typeof (f as { data?: unknown }).data === 'string')
    .map((f) => ({
      name: typeof f.name === 'string' && f.name ? f.name : 'attachment',
      type: typeof f.type === 'string' ? f.type : 'application/octet-stream',
      size: typeof f.size === 'number' ? f.size : 0,
      ...(typeof f.sha256 === 'string' ? { sha256: f.sha256 } : {}),
      data: f.data as string,
    }));
}

/**
 * Reads decrypted content defensively (it is whatever the sender encrypted): a cvdesk package by
 * its `format`, else a MIME entity (mailed-in PGP/MIME), else plain text.
 */
export function readContent(plaintext: string): SealedContent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(plaintext);
  } catch {
    parsed = undefined;
  }
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const pkg = parsed as Record<string, unknown>;
    if (pkg.format === INCIDENT_FORMAT) {
      const fields = pkg.fields && typeof pkg.fields === 'object' ? Object.entries(pkg.fields as Record<string, unknown>).map(([k, v]): [string, string] => [k, text(v)]) : [];
      return { kind: 'incident', fields, files: files(pkg.files), createdAt: typeof pkg.createdAt === 'string' ? pkg.createdAt : null };
    }
    if (pkg.format === REPLY_FORMAT) return { kind: 'reply', text: text(pkg.text), files: files(pkg.files) };
  }
  if (/^(?:[A-Za-z-]+:[^\n]*\r?\n)+/.test(plaintext) && /^content-type:/im.test(plaintext)) return { kind: 'mime', text: plaintext };
  return { kind: 'text', text: plaintext };
}

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
 * Saves a decrypted attachment as a file. Always as opaque bytes (application/octet-stream), so
 * the browser downloads it instead of rendering it: an HTML or SVG file from a report never runs
 * in this origin.
 */
export function downloadFile(file: PackedFile): void {
  const blob = new Blob([fromBase64(file.data)], { type: 'application/octet-stream' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = safeFileName(file.name);
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

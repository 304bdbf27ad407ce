import type { PrivateKey } from 'openpgp';
import { downloadBytes } from '../../lib/downloads';
import { binaryString, bytesOf, looksLikeMimeEntity, readMimeEntity, type MimeContent } from '../../lib/mime';
import { loadOpenPgp } from '../../lib/openpgp';

/**
 * The browser's half of sealed incidents: the package formats of docs/incidents.md ("What is
 * inside the encryption"), encrypted and read with OpenPGP.js (lib/openpgp.ts, loaded on first
 * use). Plaintext and unlocked keys live only in this page's memory: nothing here sends anything
 * anywhere.
 */

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
  /** Mailed in with PGP/MIME: its text parts, to show as text, and its attachments, to download. */
  | ({ kind: 'mime' } & MimeContent)
  | { kind: 'text'; text: string };

const toBase64 = (bytes: Uint8Array): string => btoa(binaryString(bytes));
const fromBase64 = (text: string): Uint8Array<ArrayBuffer> => bytesOf(atob(text));

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
 * its `format`, else a MIME entity (mailed-in PGP/MIME: read from the bytes, as its parts may be
 * in any charset), else plain text (UTF-8).
 */
export function readContent(bytes: Uint8Array): SealedContent {
  const plaintext = new TextDecoder().decode(bytes);
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
  if (looksLikeMimeEntity(plaintext)) return { kind: 'mime', ...readMimeEntity(bytes) };
  return { kind: 'text', text: plaintext };
}

/** Saves a decrypted attachment as a file: opaque bytes, never rendered (lib/downloads.ts). */
export function downloadFile(file: PackedFile): void {
  downloadBytes(file.name, fromBase64(file.data));
}

import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AppContext } from '../../context.js';
import { armourMessage } from './incident-openpgp.js';

/**
 * Where the ciphertext of sealed messages lives: a folder beside the attachment store,
 * `<data folder>/incidents/`, one file per message (mode 0600), named by a random key that the
 * incident_messages row holds. A file holds the checked message as binary OpenPGP (a quarter
 * smaller than armour, and nothing to encode on the way in); it is armoured when read. Files
 * written before that hold the armoured text itself, which is read as it is. The database keeps only the routing metadata, so it stays small
 * however large the reports are, and the bytes are written off the main thread: a 100 KB row costs
 * SQLite's single connection ~1.5 ms of WAL writing and checkpointing, and the attachment store's
 * stream pipeline ~2.4 ms of main-thread time, where one asynchronous write costs ~0.3 ms. (An
 * object store can take this folder's place, as it can the attachment store's.)
 *
 * Writes come before the transaction that names them; if that transaction fails, the files are
 * removed again (`withStoredCiphertexts`). Deletions come after the transaction that dropped the
 * rows. A crash in between leaves at most an unnamed file of ciphertext behind.
 */

const KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const made = new Set<string>();

function folderOf(context: AppContext): string {
  return path.join(context.config.dataDir, 'incidents');
}

function pathOf(context: AppContext, key: string): string {
  if (!KEY.test(key)) throw new Error('bad incident storage key');
  return path.join(folderOf(context), key.slice(0, 2), key);
}

/**
 * A new file (never an existing one), readable by cvdesk alone. The callback API: fs.promises'
 * writeFile goes through a FileHandle, whose open, write and close each cost the main thread a
 * promise round trip — twice the main-thread time per file under load.
 */
const writeNewFile = (file: string, bytes: Uint8Array) =>
  new Promise<void>((resolve, reject) => fs.writeFile(file, bytes, { mode: 0o600, flag: 'wx' }, (error) => (error ? reject(error) : resolve())));

export async function storeCiphertext(context: AppContext, ciphertext: Uint8Array): Promise<string> {
  const key = randomUUID();
  const file = pathOf(context, key);
  const dir = path.dirname(file);
  if (!made.has(dir)) {
    await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
    made.add(dir);
  }
  try {
    await writeNewFile(file, ciphertext);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    // The folder went away (restored from a backup, cleaned by hand): make it again, once.
    await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
    await writeNewFile(file, ciphertext);
  }
  return key;
}

/** The stored message, armoured (as staff decrypt it and reporters download it). */
export async function readCiphertext(context: AppContext, key: string): Promise<string> {
  const bytes = await fs.promises.readFile(pathOf(context, key));
  // Binary OpenPGP starts with a packet header (high bit set); armour with "-----BEGIN".
  if (bytes[0] === 0x2d) return bytes.toString('utf8');
  return armourMessage(bytes);
}

export async function discardCiphertexts(context: AppContext, keys: readonly string[]): Promise<void> {
  for (const key of keys) await fs.promises.rm(pathOf(context, key), { force: true });
}

/** Stores `ciphertexts`, runs `work` with their keys, and removes them again if `work` fails. */
export async function withStoredCiphertexts<T>(context: AppContext, ciphertexts: readonly Uint8Array[], work: (keys: string[]) => Promise<T>): Promise<T> {
  const keys: string[] = [];
  try {
    for (const ciphertext of ciphertexts) keys.push(await storeCiphertext(context, ciphertext));
    return await work(keys);
  } catch (error) {
    await discardCiphertexts(context, keys);
    throw error;
  }
}

import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_DECOMPRESSED_BYTES, PlaintextTooLarge, decryptBytesWith } from '../../web/src/lib/openpgp.js';

// decrypt-log-entry.ts imports as the web bundler does (no file extensions), which the server's
// type check refuses: it is loaded by a path the type checker does not follow (vitest resolves it).
const DECRYPT_LOG_ENTRY = '../../web/src/features/cases/decrypt-log-entry';
interface DecryptLogEntryModule {
  MAX_DECOMPRESSED_BYTES: number;
  decryptLogEntry(keys: readonly openpgp.PrivateKey[], body: string): Promise<{ clearText: string; parts: unknown[] } | null>;
}
const { decryptLogEntry, MAX_DECOMPRESSED_BYTES } = (await import(DECRYPT_LOG_ENTRY)) as DecryptLogEntryModule;

/**
 * Decrypting a vendor's reply in the page (web/src/features/cases/decrypt-log-entry.ts): the
 * armour is hostile, and a compressed OpenPGP message may decompress to far more than it weighs.
 */
describe('decrypting a contact-log entry', () => {
  let privateKey: openpgp.PrivateKey;
  let publicKey: openpgp.PublicKey;
  const compressed = async (bytes: Uint8Array) =>
    openpgp.encrypt({ message: await openpgp.createMessage({ binary: bytes }), encryptionKeys: publicKey, config: { preferredCompressionAlgorithm: openpgp.enums.compression.zlib } });

  beforeAll(async () => {
    ({ privateKey, publicKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ email: 'org@cvdesk.example' }], format: 'object' }));
  });

  it('reads a compressed reply as text, with the clear text beside it', async () => {
    const armoured = await compressed(new TextEncoder().encode('Fixed in 2.4.1'));
    const entry = await decryptLogEntry([privateKey], `Hello,\n\n${armoured}\n-- \nPSIRT`);
    expect(entry!.parts).toEqual([{ kind: 'text', text: 'Fixed in 2.4.1' }]);
    expect(entry!.clearText).toMatch(/^Hello,\n+-- \nPSIRT$/);
  });

  it('refuses a compression bomb instead of filling the page’s memory', async () => {
    // About 130 KB of armour that decompresses to more than the bound.
    const armoured = await compressed(new Uint8Array(MAX_DECOMPRESSED_BYTES + 32 * 1024 * 1024));
    expect(armoured.length).toBeLessThan(1_000_000);
    await expect(decryptLogEntry([privateKey], armoured)).rejects.toThrow(PlaintextTooLarge);
  });

  it('bounds every decryption in the page, sealed incident reports too (anyone may send one)', async () => {
    const armoured = await compressed(new Uint8Array(DEFAULT_MAX_DECOMPRESSED_BYTES + 1024 * 1024));
    await expect(decryptBytesWith([privateKey], armoured)).rejects.toThrow(PlaintextTooLarge);
    expect(new TextDecoder().decode((await decryptBytesWith([privateKey], await compressed(new TextEncoder().encode('a sealed report'))))!)).toBe('a sealed report');
  });
});

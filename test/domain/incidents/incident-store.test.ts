import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/context.js';
import { inspectEncryptedMessage } from '../../../src/domain/incidents/incident-openpgp.js';
import { readCiphertext, storeCiphertext } from '../../../src/domain/incidents/incident-store.js';
import { createTestContext } from '../../helpers/databases.js';
import { addOrganisationKey, currentPublicKey, decryptWithStoredKey, encryptTo } from '../../server/incidents.support.js';

/** The store holds what was checked, as binary OpenPGP; readers get it armoured. The store is files, not the database: SQLite suffices. */
describe('the sealed message store', () => {
  let context: AppContext;
  beforeEach(async () => {
    context = await createTestContext('sqlite', { RUN_JOBS: 'false' });
  });
  afterEach(async () => context?.close());

  const fileOf = (key: string) => path.join(context.config.dataDir, 'incidents', key.slice(0, 2), key);

  it('keeps the checked bytes in binary and gives them back armoured, decryptable with the organisation key', async () => {
    await addOrganisationKey(context);
    const { private_key: privateKey } = await context.db.selectFrom('openpgp_keys').select('private_key').where('status', '=', 'current').executeTakeFirstOrThrow();
    const sent = await encryptTo(await currentPublicKey(context), 'canary 5f1c: the report itself');
    // Armour headers are cleartext beside the encryption: they are not kept.
    const withHeaders = sent.replace('-----BEGIN PGP MESSAGE-----\n', '-----BEGIN PGP MESSAGE-----\nComment: anything at all\n');
    const inspected = await inspectEncryptedMessage(withHeaders, '/message', 1_000_000);
    const storageKey = await storeCiphertext(context, inspected.bytes);
    const onDisk = fs.readFileSync(fileOf(storageKey));
    expect(onDisk.equals(Buffer.from(inspected.bytes))).toBe(true);
    expect(onDisk.length).toBeLessThan(Buffer.byteLength(sent) * 0.8);
    expect(fs.statSync(fileOf(storageKey)).mode & 0o777).toBe(0o600);
    const armoured = await readCiphertext(context, storageKey);
    expect(armoured).toMatch(/^-----BEGIN PGP MESSAGE-----\n\n[A-Za-z0-9+/=\n]+\n=[A-Za-z0-9+/]{4}\n-----END PGP MESSAGE-----\n$/);
    expect(armoured).not.toContain('Comment');
    expect(armoured.split('\n').every((line) => line.length <= 64)).toBe(true);
    expect((await inspectEncryptedMessage(armoured, '/message', 1_000_000)).bytes).toEqual(inspected.bytes);
    expect(await decryptWithStoredKey(privateKey, armoured)).toBe('canary 5f1c: the report itself');
  });

  it('reads files stored as armoured text (before binary storage) as they are', async () => {
    const text = '-----BEGIN PGP MESSAGE-----\n\nwcBMA0\n=abcd\n-----END PGP MESSAGE-----\n';
    const storageKey = await storeCiphertext(context, Buffer.from(text));
    expect(await readCiphertext(context, storageKey)).toBe(text);
  });
});

import * as openpgp from 'openpgp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/domain/auth/actor.js';
import {
  addKey,
  applyRevocation,
  exportCurrentPublicKey,
  listKeys,
  prepareGeneratedKey,
  prepareImportedKey,
  prepareRevocation,
  prepareRotatedKey,
} from '../../src/domain/keys/keys.service.js';
import { unlockPrivateKey } from '../../src/domain/keys/openpgp.js';
import { inTransaction } from '../../src/server/transaction.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { DIALECTS } from '../helpers/databases.js';
import { buildUser, type BuiltUser } from '../helpers/factories.js';
import { GpgHome } from '../helpers/gpg.js';

const PASSPHRASE = 'correct horse battery staple, twice';
const operator = systemActor('test');

describe.each(DIALECTS)('OpenPGP keys on %s', (engine) => {
  let t: TestApp;
  let gpg: GpgHome;
  let lead: BuiltUser;
  let triager: BuiltUser;
  let reporter: BuiltUser;

  beforeAll(async () => {
    t = await buildTestApp(engine);
    lead = await buildUser(t.context, { roles: ['lead'] });
    triager = await buildUser(t.context, { roles: ['triager'] });
    reporter = await buildUser(t.context, { roles: ['reporter'] });
  });
  afterAll(async () => t?.close());
  beforeEach(() => {
    gpg = new GpgHome();
  });
  afterEach(async () => {
    gpg.destroy();
    // Each test starts without keys.
    await t.context.db.deleteFrom('openpgp_keys').execute();
  });

  async function generate(email = 'security@example.org', expiresInDays?: number) {
    const prepared = await prepareGeneratedKey(t.context, operator, { name: 'Example Security Team', email, passphrase: PASSPHRASE, expiresInDays });
    return inTransaction(t.context, (trx) => addKey(t.context, trx, operator, prepared));
  }

  async function storedPrivateKey(fingerprint: string): Promise<string> {
    return (await t.context.db.selectFrom('openpgp_keys').select('private_key').where('fingerprint', '=', fingerprint).executeTakeFirstOrThrow()).private_key;
  }

  async function decryptWithStoredKey(fingerprint: string, armoredMessage: string): Promise<string> {
    const privateKey = await unlockPrivateKey(await storedPrivateKey(fingerprint), PASSPHRASE);
    const { data } = await openpgp.decrypt({ message: await openpgp.readMessage({ armoredMessage }), decryptionKeys: privateKey });
    return data as string;
  }

  it('generates an Ed25519/Curve25519 key whose private key is stored encrypted, and audits it', async () => {
    const key = await generate();
    expect(key).toMatchObject({ status: 'current', source: 'generated', algorithm: 'ed25519/cv25519', uid: 'Example Security Team <security@example.org>' });
    expect(key.fingerprint).toMatch(/^[0-9A-F]{40}$/);
    const days = (Date.parse(key.expiresAt!) - Date.parse(key.createdAt)) / 86_400_000;
    expect(days).toBe(730);

    const row = await t.context.db.selectFrom('openpgp_keys').selectAll().where('fingerprint', '=', key.fingerprint).executeTakeFirstOrThrow();
    expect(row.private_key).toContain('-----BEGIN PGP PRIVATE KEY BLOCK-----');
    const stored = await openpgp.readPrivateKey({ armoredKey: row.private_key });
    expect(stored.isDecrypted()).toBe(false);
    // The revocation certificate is sealed at rest; opened, it is an armoured key block.
    expect(row.revocation_certificate).not.toContain('BEGIN PGP');
    expect(t.context.secrets.open(row.revocation_certificate)).toContain('-----BEGIN PGP PUBLIC KEY BLOCK-----');
    expect(JSON.stringify(row)).not.toContain(PASSPHRASE);
    const audit = await t.context.db.selectFrom('audit_events').selectAll().where('action', '=', 'key.added').where('object_id', '=', row.id).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.data).not.toContain(PASSPHRASE);
  });

  it('refuses weak passphrases, bad expiry and non-leads', async () => {
    await expect(prepareGeneratedKey(t.context, operator, { name: 'X', email: 'x@example.org', passphrase: 'short' })).rejects.toMatchObject({
      code: 'validation_failed',
      details: [{ field: '/passphrase' }],
    });
    await expect(prepareGeneratedKey(t.context, operator, { name: 'X', email: 'x@example.org', passphrase: PASSPHRASE, expiresInDays: 0 })).rejects.toMatchObject({
      details: [{ field: '/expiresInDays' }],
    });
    await expect(prepareGeneratedKey(t.context, triager.actor, { name: 'X', email: 'x@example.org', passphrase: PASSPHRASE })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(listKeys(t.context.db, reporter.actor)).rejects.toMatchObject({ code: 'forbidden' });
    expect(await listKeys(t.context.db, triager.actor)).toEqual([]);
  });

  it('serves /pgp-key.txt that GnuPG imports with the right uid and algorithms, and 404 without a key', async () => {
    const none = await t.request({ method: 'GET', url: '/pgp-key.txt' });
    expect(none.statusCode).toBe(404);
    expect(none.json().error.code).toBe('not_found');

    const key = await generate();
    const res = await t.request({ method: 'GET', url: '/pgp-key.txt' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.body).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
    expect(res.body).not.toContain('PRIVATE');
    expect(res.body.trim()).toBe((await exportCurrentPublicKey(t.context.db)).trim());

    const imported = gpg.importKey(res.body);
    expect(imported.status, imported.stderr).toBe(0);
    const [listed] = gpg.listKeys();
    expect(listed).toMatchObject({ fingerprint: key.fingerprint, algorithm: 'ed25519', uids: ['Example Security Team <security@example.org>'] });
    expect(listed!.subkeys).toEqual([expect.objectContaining({ algorithm: 'cv25519', capabilities: 'e' })]);
  });

  it('decrypts with OpenPGP.js what GnuPG encrypted to the key, after unlocking the stored private key', async () => {
    await generate();
    gpg.importKey((await t.request({ method: 'GET', url: '/pgp-key.txt' })).body);
    const message = gpg.encryptTo('security@example.org', 'A heap overflow in the parser.\n');
    expect(message).toContain('-----BEGIN PGP MESSAGE-----');
    const [key] = await listKeys(t.context.db, operator);
    expect(await decryptWithStoredKey(key!.fingerprint, message)).toBe('A heap overflow in the parser.\n');
    await expect(unlockPrivateKey(await storedPrivateKey(key!.fingerprint), 'not the passphrase at all')).rejects.toMatchObject({
      code: 'validation_failed',
      details: [{ field: '/passphrase', message: 'does not unlock the key' }],
    });
  });

  it('imports a passphrase-protected key made by GnuPG, which then works both ways', { timeout: 120_000 }, async () => {
    const fingerprint = gpg.generateKey('GnuPG Made <gnupg@example.org>', PASSPHRASE);
    const armoredKey = gpg.exportSecretKey(fingerprint, PASSPHRASE);
    await expect(prepareImportedKey(t.context, operator, { armoredKey, passphrase: 'wrong passphrase here' })).rejects.toMatchObject({
      code: 'validation_failed',
      details: [{ field: '/passphrase', message: 'does not unlock the key' }],
    });
    const prepared = await prepareImportedKey(t.context, operator, { armoredKey, passphrase: PASSPHRASE });
    const key = await inTransaction(t.context, (trx) => addKey(t.context, trx, operator, prepared));
    expect(key).toMatchObject({ fingerprint, status: 'current', source: 'imported', algorithm: 'ed25519/cv25519', uid: 'GnuPG Made <gnupg@example.org>' });

    const message = gpg.encryptTo('gnupg@example.org', 'for the imported key');
    expect(await decryptWithStoredKey(fingerprint, message)).toBe('for the imported key');

    // The revocation certificate made at import revokes it without the passphrase.
    const revocation = await prepareRevocation(t.context, t.context.db, operator, fingerprint, { reason: 'test' });
    await inTransaction(t.context, (trx) => applyRevocation(t.context, trx, operator, revocation));
    const other = new GpgHome();
    try {
      other.importKey((await t.request({ method: 'GET', url: '/pgp-key.txt' })).body);
      expect(other.listKeys()[0]).toMatchObject({ fingerprint, validity: 'r' });
    } finally {
      other.destroy();
    }
    await expect(inTransaction(t.context, (trx) => addKey(t.context, trx, operator, prepared))).rejects.toMatchObject({ code: 'conflict' });
  });

  it('refuses an unprotected private key, a public key alone, and text that is no key', { timeout: 120_000 }, async () => {
    const fingerprint = gpg.generateKey('Naked <naked@example.org>', '');
    const unprotected = gpg.exportSecretKey(fingerprint, '');
    await expect(prepareImportedKey(t.context, operator, { armoredKey: unprotected, passphrase: 'anything at all' })).rejects.toMatchObject({
      code: 'validation_failed',
      details: [{ field: '/key', message: expect.stringContaining('is not protected by a passphrase') }],
    });
    const publicOnly = gpg.ok(['--armor', '--export', fingerprint]);
    await expect(prepareImportedKey(t.context, operator, { armoredKey: publicOnly, passphrase: 'anything at all' })).rejects.toMatchObject({
      details: [{ field: '/key', message: expect.stringContaining('is a public key only') }],
    });
    await expect(prepareImportedKey(t.context, operator, { armoredKey: 'hello', passphrase: 'x' })).rejects.toMatchObject({ details: [{ field: '/key' }] });
    expect(await listKeys(t.context.db, operator)).toEqual([]);
  });

  it('rotates: the new key is current, the old one previous and still decrypts what was sent to it', async () => {
    const old = await generate();
    gpg.importKey((await t.request({ method: 'GET', url: '/pgp-key.txt' })).body);
    const earlier = gpg.encryptTo(old.fingerprint, 'sent before the rotation');

    const prepared = await prepareRotatedKey(t.context, t.context.db, operator, { passphrase: PASSPHRASE });
    const next = await inTransaction(t.context, (trx) => addKey(t.context, trx, operator, prepared));
    expect(next.uid).toBe(old.uid);
    const keys = await listKeys(t.context.db, operator);
    expect(keys.map((k) => [k.fingerprint, k.status])).toEqual([
      [next.fingerprint, 'current'],
      [old.fingerprint, 'previous'],
    ]);
    expect(await decryptWithStoredKey(old.fingerprint, earlier)).toBe('sent before the rotation');

    // /pgp-key.txt now offers the new key only.
    const fresh = new GpgHome();
    try {
      fresh.importKey((await t.request({ method: 'GET', url: '/pgp-key.txt' })).body);
      expect(fresh.listKeys().map((k) => k.fingerprint)).toEqual([next.fingerprint]);
      const later = fresh.encryptTo('security@example.org', 'sent after the rotation');
      expect(await decryptWithStoredKey(next.fingerprint, later)).toBe('sent after the rotation');
    } finally {
      fresh.destroy();
    }
  });

  it('revokes with a reason: never current again, and served with its revocation so clients learn of it', async () => {
    const key = await generate();
    gpg.importKey((await t.request({ method: 'GET', url: '/pgp-key.txt' })).body);
    expect(gpg.listKeys()[0]!.validity).not.toBe('r');

    await expect(prepareRevocation(t.context, t.context.db, triager.actor, key.fingerprint, { reason: 'x' })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(prepareRevocation(t.context, t.context.db, operator, key.fingerprint, { reason: 'x', kind: 'compromised' })).rejects.toMatchObject({
      details: [{ field: '/kind' }],
    });
    await expect(prepareRevocation(t.context, t.context.db, operator, key.fingerprint, { reason: 'x', kind: 'compromised', passphrase: 'wrong passphrase!' })).rejects.toMatchObject({
      details: [{ field: '/passphrase' }],
    });
    const spaced = key.fingerprint.replace(/(.{4})/g, '$1 ').toLowerCase();
    const prepared = await prepareRevocation(t.context, t.context.db, operator, spaced, { reason: 'laptop stolen', kind: 'compromised', passphrase: PASSPHRASE });
    const revoked = await inTransaction(t.context, (trx) => applyRevocation(t.context, trx, operator, prepared));
    expect(revoked).toMatchObject({ status: 'revoked', revocationReason: 'laptop stolen' });
    expect(revoked.revokedAt).not.toBeNull();
    await expect(exportCurrentPublicKey(t.context.db)).rejects.toMatchObject({ code: 'not_found' });

    const res = await t.request({ method: 'GET', url: '/pgp-key.txt' });
    expect(res.statusCode).toBe(200);
    const update = gpg.importKey(res.body);
    expect(update.stderr).toMatch(/revocation certificate imported|new signatures|revoked/);
    expect(gpg.listKeys()[0]).toMatchObject({ fingerprint: key.fingerprint, validity: 'r' });
    const sigs = gpg.ok(['--list-sigs', key.fingerprint]);
    expect(sigs).toMatch(/rev/);
    expect(gpg.run(['--armor', '--encrypt', '-r', 'security@example.org'], 'x').status).not.toBe(0);

    // A new key is current; the revoked one is still served after it until it expires.
    const next = await generate();
    const both = new GpgHome();
    try {
      both.importKey((await t.request({ method: 'GET', url: '/pgp-key.txt' })).body);
      const listed = both.listKeys();
      expect(listed.map((k) => [k.fingerprint, k.validity === 'r'])).toEqual(
        expect.arrayContaining([
          [next.fingerprint, false],
          [key.fingerprint, true],
        ]),
      );
    } finally {
      both.destroy();
    }
    await expect(inTransaction(t.context, (trx) => applyRevocation(t.context, trx, operator, prepared))).rejects.toMatchObject({ code: 'conflict' });
    const audit = await t.context.db.selectFrom('audit_events').selectAll().where('action', '=', 'key.revoked').execute();
    expect(JSON.parse(audit.at(-1)!.data)).toMatchObject({ fingerprint: key.fingerprint, kind: 'compromised', method: 'signature', wasCurrent: true });
  });

  it('lists keys over the API to staff, never with private material', async () => {
    await generate();
    const res = await t.request({ method: 'GET', url: '/api/v1/keys', token: triager.token });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().items).toEqual([expect.objectContaining({ status: 'current', algorithm: 'ed25519/cv25519' })]);
    expect(res.body).not.toContain('PRIVATE');
    expect((await t.request({ method: 'GET', url: '/api/v1/keys', token: reporter.token })).statusCode).toBe(403);
    expect((await t.request({ method: 'GET', url: '/api/v1/keys', token: lead.token })).statusCode).toBe(200);
  });
});

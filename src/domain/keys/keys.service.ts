import type { Key, PrivateKey } from 'openpgp';
import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { AppError, invalid, notFound } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import type { Actor } from '../auth/actor.js';
import { normaliseEmail } from '../users/user.js';
import { assertCanManageKeys, assertCanReadKeys } from './keys.policy.js';
import { demoteCurrentKey, findCurrentKey, findKeyByFingerprint, insertKey, selectKeys, updateKey } from './keys.repository.js';
import type { KeySource } from './keys.table.js';
import {
  DEFAULT_KEY_VALIDITY_DAYS,
  MAX_KEY_VALIDITY_DAYS,
  MIN_PASSPHRASE_LENGTH,
  REVOCATION_KINDS,
  presentKey,
  type KeyView,
  type OpenPgpKeyRow,
  type RevocationKind,
} from './keys.js';
import {
  armorPublicKeys,
  describeAlgorithms,
  expiryOf,
  fingerprintOf,
  hasUnprotectedSecret,
  loadOpenPgp,
  normaliseFingerprint,
  primaryUserId,
  unlockPrivateKey,
} from './openpgp.js';

/**
 * The organisation's OpenPGP keys. Key work is CPU-bound (key generation, the passphrase's S2K),
 * so each change has two steps: `prepare…` does the OpenPGP work outside any transaction, and
 * `addKey` / `applyRevocation` write the result, with its audit event, in the caller's
 * transaction — a SQLite database is never held for the ~100 ms an unlock takes. Both steps check
 * the policy. The passphrase is only ever held in memory: OpenPGP encrypts the private key with it.
 */

/** A key ready to be stored: the private key is already encrypted with the passphrase. */
export interface PreparedKey {
  fingerprint: string;
  userId: string;
  algorithm: string;
  source: KeySource;
  createdAt: string;
  expiresAt: string | null;
  publicKey: string;
  privateKey: string;
  revocationCertificate: string;
}

export interface NewKeyInput {
  name: string;
  email: string;
  passphrase: string;
  /** Default 730 (two years). */
  expiresInDays?: number | undefined;
}

function keyName(raw: string, field = '/name'): string {
  const name = (raw ?? '').trim().replace(/\s+/g, ' ');
  if (!name) throw invalid(field, 'is required');
  if (name.length > 120) throw invalid(field, 'must be at most 120 characters');
  if (/[\u0000-\u001f\u007f<>]/.test(name)) throw invalid(field, 'must not contain control characters or angle brackets');
  return name;
}

function checkNewPassphrase(passphrase: string, field = '/passphrase'): void {
  if (typeof passphrase !== 'string' || passphrase.length < MIN_PASSPHRASE_LENGTH) throw invalid(field, `must be at least ${MIN_PASSPHRASE_LENGTH} characters`);
  if (passphrase.length > 1024) throw invalid(field, 'must be at most 1024 characters');
}

function validityDays(days: number | undefined, field = '/expiresInDays'): number {
  if (days === undefined) return DEFAULT_KEY_VALIDITY_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > MAX_KEY_VALIDITY_DAYS) throw invalid(field, `must be a whole number of days from 1 to ${MAX_KEY_VALIDITY_DAYS}`);
  return days;
}

/**
 * A new key: an Ed25519 signing primary key with an X25519 (Curve25519 ECDH) encryption
 * subkey, as v4 keys that GnuPG 2.2+ reads as ed25519/cv25519 (OpenPGP.js `type: 'ecc'`,
 * `curve: 'ed25519Legacy'`; the RFC 9580 `curve25519` type is not understood by GnuPG 2.2–2.4).
 */
export async function prepareGeneratedKey(context: AppContext, actor: Actor, input: NewKeyInput): Promise<PreparedKey> {
  assertCanManageKeys(actor);
  const name = keyName(input.name);
  const email = normaliseEmail(input.email);
  checkNewPassphrase(input.passphrase);
  const days = validityDays(input.expiresInDays);
  const openpgp = await loadOpenPgp();
  const now = context.clock.now();
  const { privateKey, revocationCertificate } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ name, email }],
    passphrase: input.passphrase,
    keyExpirationTime: days * 86_400,
    date: now,
    format: 'object',
  });
  return describeKey(privateKey, revocationCertificate, 'generated', now);
}

export interface ImportInput {
  /** An armoured, passphrase-protected OpenPGP private key (transferable secret key). */
  armoredKey: string;
  passphrase: string;
}

/**
 * An existing private key. It must be passphrase-protected (the organisation's reports are
 * decrypted with it, later in the browser), the passphrase must unlock it, and it must be valid
 * now with an encryption (sub)key and a signing key. A public key alone is refused: cvdesk could
 * encrypt to it but never decrypt what reporters send.
 */
export async function prepareImportedKey(context: AppContext, actor: Actor, input: ImportInput): Promise<PreparedKey> {
  assertCanManageKeys(actor);
  const openpgp = await loadOpenPgp();
  const armored = typeof input.armoredKey === 'string' ? input.armoredKey.trim() : '';
  if (!/^-----BEGIN PGP (?:PRIVATE|PUBLIC) KEY BLOCK-----/m.test(armored)) throw invalid('/key', 'is not an armoured OpenPGP key (-----BEGIN PGP PRIVATE KEY BLOCK-----)');
  if (armored.length > 200_000) throw invalid('/key', 'is too large for one key');
  let keys: Key[];
  try {
    keys = await openpgp.readKeys({ armoredKeys: armored });
  } catch (error) {
    throw invalid('/key', `cannot be read: ${(error as Error).message}`);
  }
  if (keys.length !== 1) throw invalid('/key', `holds ${keys.length} keys; import one at a time`);
  const key = keys[0]!;
  if (!key.isPrivate()) {
    throw invalid('/key', 'is a public key only: cvdesk needs the passphrase-protected private key, to decrypt what reporters send and to sign security.txt');
  }
  if (hasUnprotectedSecret(key)) {
    throw invalid('/key', 'is not protected by a passphrase: protect it first (gpg --edit-key KEY passwd), export it again and import that');
  }
  if (!input.passphrase) throw invalid('/passphrase', 'is required');
  const now = context.clock.now();
  let unlocked: PrivateKey;
  try {
    unlocked = await openpgp.decryptKey({ privateKey: key, passphrase: input.passphrase });
  } catch (error) {
    if (/passphrase/i.test((error as Error).message)) throw invalid('/passphrase', 'does not unlock the key');
    throw invalid('/key', `cannot be unlocked: ${(error as Error).message}`);
  }
  try {
    await key.verifyPrimaryKey(now);
  } catch (error) {
    throw invalid('/key', `cannot be used: ${(error as Error).message}`);
  }
  try {
    await unlocked.getEncryptionKey(undefined, now);
  } catch {
    throw invalid('/key', 'has no valid encryption subkey');
  }
  try {
    const signing = await unlocked.getSigningKey(undefined, now);
    if ((signing.keyPacket as { isMissingSecretKeyMaterial?: () => boolean }).isMissingSecretKeyMaterial?.()) throw new Error('stub');
  } catch {
    throw invalid('/key', 'has no usable signing key (cvdesk signs security.txt with it)');
  }
  // A revocation certificate made now, while the key is unlocked, so it can be revoked later without the passphrase.
  const revoked = await unlocked.revoke({ flag: openpgp.enums.reasonForRevocation.noReason, string: '' }, now);
  const certificate = await revoked.getRevocationCertificate(now);
  if (typeof certificate !== 'string') throw new Error('OpenPGP.js made no revocation certificate');
  return describeKey(key, certificate, 'imported', now);
}

async function describeKey(privateKey: PrivateKey, revocationCertificate: string, source: KeySource, now: Date): Promise<PreparedKey> {
  if (hasUnprotectedSecret(privateKey)) throw new Error('refusing to store an unprotected private key');
  return {
    fingerprint: fingerprintOf(privateKey),
    userId: await primaryUserId(privateKey, now),
    algorithm: await describeAlgorithms(privateKey, now),
    source,
    createdAt: privateKey.getCreationTime().toISOString(),
    expiresAt: await expiryOf(privateKey),
    publicKey: privateKey.toPublic().armor(),
    privateKey: privateKey.armor(),
    revocationCertificate,
  };
}

/**
 * Stores a prepared key as the current key; the key that was current becomes `previous` (kept,
 * so reports encrypted to it still decrypt). This is rotation.
 */
export async function addKey(context: AppContext, trx: Executor, actor: Actor, prepared: PreparedKey): Promise<KeyView> {
  assertCanManageKeys(actor);
  const existing = await findKeyByFingerprint(trx, prepared.fingerprint);
  if (existing) throw new AppError('conflict', `Key ${prepared.fingerprint} is in cvdesk already (${existing.status})`, [{ field: '/key', message: 'already added' }]);
  const previous = await findCurrentKey(trx);
  const now = iso(context.clock.now());
  await demoteCurrentKey(trx, now);
  const row: OpenPgpKeyRow = {
    id: newId(),
    fingerprint: prepared.fingerprint,
    user_id: prepared.userId,
    algorithm: prepared.algorithm,
    source: prepared.source,
    status: 'current',
    created_at: prepared.createdAt,
    expires_at: prepared.expiresAt,
    added_at: now,
    updated_at: now,
    public_key: prepared.publicKey,
    private_key: prepared.privateKey,
    // Sealed: whoever reads the database alone must not be able to revoke the organisation's key.
    revocation_certificate: context.secrets.seal(prepared.revocationCertificate),
    revoked_at: null,
    revocation_reason: null,
    expiry_warning: null,
  };
  await insertKey(trx, row);
  await recordAudit(context, trx, actor, {
    action: 'key.added',
    objectType: 'openpgp_key',
    objectId: row.id,
    data: { fingerprint: row.fingerprint, uid: row.user_id, algorithm: row.algorithm, source: row.source, expiresAt: row.expires_at, replaces: previous?.fingerprint ?? null },
  });
  return presentKey(row);
}

export interface RotateInput {
  passphrase: string;
  /** Default: the current key's name and email. */
  name?: string | undefined;
  email?: string | undefined;
  expiresInDays?: number | undefined;
}

/** A new key for rotation, with the current key's user ID unless another is given. Store it with addKey. */
export async function prepareRotatedKey(context: AppContext, db: Executor, actor: Actor, input: RotateInput): Promise<PreparedKey> {
  assertCanManageKeys(actor);
  const current = await findCurrentKey(db);
  const uid = current ? /^(.*?)\s*<([^<>]+)>$/.exec(current.user_id) : null;
  const name = input.name ?? uid?.[1];
  const email = input.email ?? uid?.[2];
  if (!name) throw invalid('/name', 'is required (there is no current key to take it from)');
  if (!email) throw invalid('/email', 'is required (there is no current key to take it from)');
  return prepareGeneratedKey(context, actor, { name, email, passphrase: input.passphrase, expiresInDays: input.expiresInDays });
}

export interface RevocationInput {
  reason: string;
  /** OpenPGP's reason code; other than `unspecified` it needs the passphrase. Default `unspecified`. */
  kind?: RevocationKind | undefined;
  /** Given: a fresh revocation signature carrying kind and reason. Omitted: the stored revocation certificate. */
  passphrase?: string | undefined;
}

export interface PreparedRevocation {
  keyId: string;
  fingerprint: string;
  revokedPublicKey: string;
  reason: string;
  kind: RevocationKind;
  method: 'signature' | 'certificate';
}

const REVOCATION_FLAGS: Record<RevocationKind, number> = { unspecified: 0, superseded: 1, compromised: 2, retired: 3 };

/**
 * Makes the revoked public key. With the passphrase the revocation signature carries the kind
 * and the reason text; without it (the passphrase is lost, or the key is compromised and nobody
 * should type it in again) the certificate made when the key was added is used, whose reason is
 * "no reason specified" — a hard revocation to every OpenPGP implementation.
 */
export async function prepareRevocation(context: AppContext, db: Executor, actor: Actor, rawFingerprint: string, input: RevocationInput): Promise<PreparedRevocation> {
  assertCanManageKeys(actor);
  const fingerprint = normaliseFingerprint(rawFingerprint);
  const reason = (input.reason ?? '').trim();
  if (!reason) throw invalid('/reason', 'is required');
  if (reason.length > 500 || /[\u0000-\u0009\u000b-\u001f\u007f]/.test(reason)) throw invalid('/reason', 'must be at most 500 characters of text');
  const kind = input.kind ?? 'unspecified';
  if (!REVOCATION_KINDS.includes(kind)) throw invalid('/kind', `must be one of ${REVOCATION_KINDS.join(', ')}`);
  const row = await findKeyByFingerprint(db, fingerprint);
  if (!row) throw notFound(`Key ${fingerprint}`);
  if (row.status === 'revoked') throw new AppError('conflict', `Key ${fingerprint} is revoked already`);
  const openpgp = await loadOpenPgp();
  const now = context.clock.now();
  let revokedPublicKey: string;
  if (input.passphrase !== undefined) {
    const unlocked = await unlockPrivateKey(row.private_key, input.passphrase);
    const revoked = await openpgp.revokeKey({ key: unlocked, reasonForRevocation: { flag: REVOCATION_FLAGS[kind], string: reason }, date: now, format: 'object' });
    revokedPublicKey = revoked.publicKey.armor();
  } else {
    if (kind !== 'unspecified') throw invalid('/kind', 'needs the passphrase: the stored revocation certificate says "no reason specified"');
    const publicKey = await openpgp.readKey({ armoredKey: row.public_key });
    const revoked = await openpgp.revokeKey({ key: publicKey, revocationCertificate: context.secrets.open(row.revocation_certificate), date: now, format: 'object' });
    revokedPublicKey = revoked.publicKey.armor();
  }
  return { keyId: row.id, fingerprint, revokedPublicKey, reason, kind, method: input.passphrase !== undefined ? 'signature' : 'certificate' };
}

/** Marks the key revoked and stores its revoked public key. A revoked key is never current. */
export async function applyRevocation(context: AppContext, trx: Executor, actor: Actor, prepared: PreparedRevocation): Promise<KeyView> {
  assertCanManageKeys(actor);
  const row = await findKeyByFingerprint(trx, prepared.fingerprint);
  if (!row || row.id !== prepared.keyId) throw notFound(`Key ${prepared.fingerprint}`);
  if (row.status === 'revoked') throw new AppError('conflict', `Key ${prepared.fingerprint} is revoked already`);
  const now = iso(context.clock.now());
  const changes = { status: 'revoked' as const, public_key: prepared.revokedPublicKey, revoked_at: now, revocation_reason: prepared.reason, updated_at: now };
  await updateKey(trx, row.id, changes);
  await recordAudit(context, trx, actor, {
    action: 'key.revoked',
    objectType: 'openpgp_key',
    objectId: row.id,
    data: { fingerprint: row.fingerprint, reason: prepared.reason, kind: prepared.kind, method: prepared.method, wasCurrent: row.status === 'current' },
  });
  return presentKey({ ...row, ...changes });
}

export async function listKeys(db: Executor, actor: Actor): Promise<KeyView[]> {
  assertCanReadKeys(actor);
  return (await selectKeys(db)).map(presentKey);
}

export async function getCurrentKey(db: Executor): Promise<OpenPgpKeyRow | undefined> {
  return findCurrentKey(db);
}

/** The current public key, armoured (public information: no policy). */
export async function exportCurrentPublicKey(db: Executor): Promise<string> {
  const row = await findCurrentKey(db);
  if (!row) throw notFound('A current OpenPGP key');
  return row.public_key;
}

/**
 * What /pgp-key.txt serves: the current public key, followed by every revoked key that has not
 * expired yet, carrying its revocation signature, so clients that refresh learn of it. Null when
 * there is nothing to serve.
 */
export async function publishedPublicKeys(context: AppContext, db: Executor): Promise<string | null> {
  const now = context.clock.now().getTime();
  const rows = (await selectKeys(db)).filter(
    (row) => row.status === 'current' || (row.status === 'revoked' && (row.expires_at === null || Date.parse(row.expires_at) > now)),
  );
  if (rows.length === 0) return null;
  const text = rows.length === 1 ? rows[0]!.public_key : await armorPublicKeys(rows.map((row) => row.public_key));
  return text.endsWith('\n') ? text : `${text}\n`;
}

import type { PrivateKey } from 'openpgp';
import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { AppError, invalid } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import type { Actor } from '../auth/actor.js';
import { readSettings } from '../settings/settings.service.js';
import { assertCanManageKeys, assertCanReadKeys } from './keys.policy.js';
import type { NoticeSigningKeyStatus, NoticeSigningKeyTable } from './notice-signing.table.js';
import { armorPublicKeys, fingerprintOf, loadOpenPgp } from './openpgp.js';

/**
 * The notice-signing key: an Ed25519 signing-only OpenPGP key that cvdesk makes and uses on its
 * own to sign case notices (RFC 3156 PGP/MIME), so vendors can check a notice came from the
 * organisation. The organisation key cannot do this: its passphrase is never stored. The private
 * key is sealed with the master key, like every secret cvdesk must read back; the public keys
 * (current, retired, revoked) are served at NOTICE_SIGNING_KEY_PATH, apart from /pgp-key.txt,
 * which security.txt names as the key to encrypt to. A lead rotates it (CLI or API); the old key
 * is retired, or revoked when it may have leaked, and stays published so old notices verify.
 */

export const NOTICE_SIGNING_KEY_PATH = '/notice-signing-key.txt';

/** RFC 3156 `micalg` of every notice signature: SHA-512 is asked for explicitly, not left to key preferences. */
export const NOTICE_MICALG = 'pgp-sha512';

type Row = NoticeSigningKeyTable;

export interface NoticeSigningKeyView {
  id: string;
  fingerprint: string;
  uid: string;
  status: NoticeSigningKeyStatus;
  createdAt: string;
  retiredAt: string | null;
  revokedAt: string | null;
  revocationReason: string | null;
}

const present = (row: Row): NoticeSigningKeyView => ({
  id: row.id,
  fingerprint: row.fingerprint,
  uid: row.user_id,
  status: row.status,
  createdAt: row.created_at,
  retiredAt: row.retired_at,
  revokedAt: row.revoked_at,
  revocationReason: row.revocation_reason,
});

/** A new key and what becomes of the one it replaces, made outside any transaction (key work is CPU-bound). */
export interface PreparedNoticeSigningKey {
  fingerprint: string;
  userId: string;
  createdAt: string;
  publicKey: string;
  privateKey: string;
  replaces: { id: string; fingerprint: string; revokedPublicKey: string | null } | null;
  revocationReason: string | null;
}

export interface RotateNoticeSigningKeyInput {
  /** Given: the key being replaced is revoked (reason "key compromised") with this text, not just retired. */
  revokePrevious?: string | undefined;
}

function currentRow(db: Executor): Promise<Row | undefined> {
  return db.selectFrom('notice_signing_keys').selectAll().where('status', '=', 'current').executeTakeFirst();
}

/** `Name <address>` or `address` (MAIL_FROM) → the address, when it looks like one. */
function mailFromAddress(mailFrom: string): string | undefined {
  const address = (/<([^<>]+)>/.exec(mailFrom)?.[1] ?? mailFrom).trim();
  return /^[^\s@<>]+@[^\s@<>]+$/.test(address) ? address : undefined;
}

function revocationText(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const reason = raw.trim();
  if (!reason) throw invalid('/revokePrevious', 'must say why the key is revoked');
  if (reason.length > 500 || /[\u0000-\u0009\u000b-\u001f\u007f]/.test(reason)) throw invalid('/revokePrevious', 'must be at most 500 characters of text');
  return reason;
}

/**
 * A new signing key (Ed25519, v4, no subkeys, no expiry — a signing key that expired would make
 * notices fail, and rotation is the lead's call). Made and used at the real time, not the
 * application clock, as the vendor-key encryption beside it is. The user ID is the organisation's name and the
 * address notices come from, so `gpg --verify` names the sender the vendor sees.
 */
export async function prepareNoticeSigningKey(context: AppContext, db: Executor, actor: Actor, input: RotateNoticeSigningKeyInput = {}): Promise<PreparedNoticeSigningKey> {
  assertCanManageKeys(actor);
  const revocationReason = revocationText(input.revokePrevious);
  const previous = await currentRow(db);
  if (revocationReason !== null && !previous) throw invalid('/revokePrevious', 'there is no notice-signing key to revoke');
  const openpgp = await loadOpenPgp();
  const settings = await readSettings(context, db);
  const email = mailFromAddress(context.config.mailFrom);
  const name = `${settings.organisationName.replace(/[\u0000-\u001f\u007f<>]/g, '').trim() || 'cvdesk'} case notices`;
  const { privateKey } = await openpgp.generateKey({ type: 'ecc', curve: 'ed25519Legacy', subkeys: [], userIDs: [email ? { name, email } : { name }], format: 'object' });
  let replaces: PreparedNoticeSigningKey['replaces'] = null;
  if (previous) {
    let revokedPublicKey: string | null = null;
    if (revocationReason !== null) {
      const key = await openpgp.readPrivateKey({ armoredKey: context.secrets.open(previous.private_key) });
      const revoked = await openpgp.revokeKey({ key, reasonForRevocation: { flag: openpgp.enums.reasonForRevocation.keyCompromised, string: revocationReason }, format: 'object' });
      revokedPublicKey = revoked.publicKey.armor();
    }
    replaces = { id: previous.id, fingerprint: previous.fingerprint, revokedPublicKey };
  }
  return {
    fingerprint: fingerprintOf(privateKey),
    userId: email ? `${name} <${email}>` : name,
    createdAt: privateKey.getCreationTime().toISOString(),
    publicKey: privateKey.toPublic().armor(),
    privateKey: privateKey.armor(),
    replaces,
    revocationReason,
  };
}

/** Stores a prepared key as the current one; the key it replaces is retired (or revoked). */
export async function storeNoticeSigningKey(context: AppContext, trx: Executor, actor: Actor, prepared: PreparedNoticeSigningKey): Promise<NoticeSigningKeyView> {
  assertCanManageKeys(actor);
  const previous = await currentRow(trx);
  if ((previous?.id ?? null) !== (prepared.replaces?.id ?? null)) throw new AppError('conflict', 'The notice-signing key changed meanwhile: try again');
  const now = iso(context.clock.now());
  if (previous) {
    const revoked = prepared.replaces?.revokedPublicKey ?? null;
    await trx
      .updateTable('notice_signing_keys')
      .set(revoked ? { status: 'revoked', public_key: revoked, retired_at: now, revoked_at: now, revocation_reason: prepared.revocationReason } : { status: 'retired', retired_at: now })
      .where('id', '=', previous.id)
      .execute();
  }
  const row: Row = {
    id: newId(),
    fingerprint: prepared.fingerprint,
    user_id: prepared.userId,
    status: 'current',
    created_at: prepared.createdAt,
    public_key: prepared.publicKey,
    private_key: context.secrets.seal(prepared.privateKey),
    retired_at: null,
    revoked_at: null,
    revocation_reason: null,
  };
  await trx.insertInto('notice_signing_keys').values(row).execute();
  await recordAudit(context, trx, actor, {
    action: 'notice_signing_key.rotated',
    objectType: 'notice_signing_key',
    objectId: row.id,
    data: { fingerprint: row.fingerprint, uid: row.user_id, replaces: previous?.fingerprint ?? null, previousRevoked: Boolean(prepared.replaces?.revokedPublicKey), reason: prepared.revocationReason },
  });
  return present(row);
}

/** Current first, then retired and revoked keys, newest first (public data: staff may read). */
export async function listNoticeSigningKeys(db: Executor, actor: Actor): Promise<NoticeSigningKeyView[]> {
  assertCanReadKeys(actor);
  return (await orderedRows(db)).map(present);
}

async function orderedRows(db: Executor): Promise<Row[]> {
  const rows = await db.selectFrom('notice_signing_keys').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  const rank = { current: 0, retired: 1, revoked: 2 } as const;
  return rows.sort((a, b) => rank[a.status] - rank[b.status]);
}

/** What NOTICE_SIGNING_KEY_PATH serves: every notice-signing public key as one armoured block; null when there is none. */
export async function publishedNoticeSigningKeys(db: Executor): Promise<string | null> {
  const rows = await orderedRows(db);
  if (rows.length === 0) return null;
  const text = rows.length === 1 ? rows[0]!.public_key : await armorPublicKeys(rows.map((row) => row.public_key));
  return text.endsWith('\n') ? text : `${text}\n`;
}

export interface NoticeSigner {
  fingerprint: string;
  key: PrivateKey;
}

/** The current notice-signing key, unsealed; null when none was made (notices then go out unsigned). */
export async function currentNoticeSigner(context: Pick<AppContext, 'secrets'>, db: Executor): Promise<NoticeSigner | null> {
  const row = await currentRow(db);
  if (!row) return null;
  const openpgp = await loadOpenPgp();
  return { fingerprint: row.fingerprint, key: await openpgp.readPrivateKey({ armoredKey: context.secrets.open(row.private_key) }) };
}

/** The OpenPGP.js configuration for notice signatures: SHA-512, to match NOTICE_MICALG. */
export async function noticeSignatureConfig() {
  const openpgp = await loadOpenPgp();
  return { preferredHashAlgorithm: openpgp.enums.hash.sha512 };
}

/** An armoured detached binary signature over `bytes` (RFC 3156: the canonical CRLF form of the signed part). */
export async function signDetached(signer: NoticeSigner, bytes: Uint8Array): Promise<string> {
  const openpgp = await loadOpenPgp();
  const message = await openpgp.createMessage({ binary: bytes });
  return (await openpgp.sign({ message, signingKeys: signer.key, detached: true, format: 'armored', config: await noticeSignatureConfig() })) as string;
}

import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { AppError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import { actorLabel, type Actor } from '../auth/actor.js';
import { readSettings } from '../settings/settings.service.js';
import type { Settings } from '../settings/settings.js';
import { assertCanManageKeys, assertCanReadKeys } from './keys.policy.js';
import { findCurrentKey, insertSecurityTxtSignature, latestSecurityTxtSignature, type SecurityTxtSignatureRow } from './keys.repository.js';
import type { OpenPgpKeyRow } from './keys.js';
import { loadOpenPgp, unlockPrivateKey } from './openpgp.js';
import { renderSecurityTxt, securityTxtExpiry } from './security-txt.js';
import { PROVIDER_METADATA_PATH } from '../csaf/csaf-provider.js';

/**
 * security.txt, signed or not. The file is rendered from the settings at request time with
 * Expires = start of today + the validity, so it renews itself. Signing needs the unlocked
 * private key, and the passphrase is never stored, so a lead signs explicitly (CLI or API): the
 * signed text is stored with the rendering it signed (whose Expires is fixed then) and served
 * for as long as it is still right — same settings, same current key, Expires not passed.
 * Otherwise the unsigned rendering is served, and the daily task reminds the leads to sign again.
 */

export type SignatureProblem = 'settings_changed' | 'key_changed' | 'expired';

export interface SecurityTxtDocument {
  text: string;
  signed: boolean;
  expiresAt: string;
}

interface Resolved {
  document: SecurityTxtDocument;
  latest: SecurityTxtSignatureRow | undefined;
  problem: SignatureProblem | null;
  currentKey: OpenPgpKeyRow | undefined;
}

/**
 * The settings security.txt is rendered from: once cvdesk publishes advisories it is a CSAF
 * provider, and the CSAF field names its provider-metadata.json unless a lead set another.
 */
export async function securityTxtSettings(context: AppContext, db: Executor): Promise<Settings> {
  const settings = await readSettings(context, db);
  if (settings.csafProviderMetadataUrl) return settings;
  const published = await db.selectFrom('advisories').select('id').where('revision', '>', 0).limit(1).executeTakeFirst();
  return published ? { ...settings, csafProviderMetadataUrl: `${context.config.publicUrl}${PROVIDER_METADATA_PATH}` } : settings;
}

async function resolve(context: AppContext, db: Executor): Promise<Resolved> {
  const settings = await securityTxtSettings(context, db);
  const currentKey = await findCurrentKey(db);
  const latest = await latestSecurityTxtSignature(db);
  const now = context.clock.now();
  const problem = latest ? signatureProblem(context, settings, currentKey, latest, now) : null;
  if (latest && problem === null) {
    return { document: { text: latest.signed_text, signed: true, expiresAt: latest.expires_at }, latest, problem, currentKey };
  }
  const expires = securityTxtExpiry(now, settings.securityTxtValidityDays);
  const text = renderSecurityTxt({ settings, config: context.config, expires, encryption: currentKey !== undefined });
  return { document: { text, signed: false, expiresAt: iso(expires) }, latest, problem, currentKey };
}

/** Why a stored signature can no longer be served, or null when it can. */
export function signatureProblem(
  context: AppContext,
  settings: Settings,
  currentKey: OpenPgpKeyRow | undefined,
  signature: SecurityTxtSignatureRow,
  now: Date,
): SignatureProblem | null {
  if (!currentKey || currentKey.fingerprint !== signature.key_fingerprint) return 'key_changed';
  if (Date.parse(signature.expires_at) <= now.getTime()) return 'expired';
  const rendered = renderSecurityTxt({ settings, config: context.config, expires: new Date(signature.expires_at), encryption: true });
  return rendered === signature.body ? null : 'settings_changed';
}

/** What GET /.well-known/security.txt serves (public: no policy). */
export async function currentSecurityTxt(context: AppContext, db: Executor): Promise<SecurityTxtDocument> {
  return (await resolve(context, db)).document;
}

export interface SecurityTxtSignatureView {
  fingerprint: string;
  signedAt: string;
  signedBy: string;
  expiresAt: string;
  /** Served now: same settings, same current key, Expires not passed. */
  inUse: boolean;
  problem: SignatureProblem | null;
}

export interface SecurityTxtStatus extends SecurityTxtDocument {
  /** The most recent signed copy, whether or not it is still served. */
  signature: SecurityTxtSignatureView | null;
}

export async function getSecurityTxtStatus(context: AppContext, db: Executor, actor: Actor): Promise<SecurityTxtStatus> {
  assertCanReadKeys(actor);
  const { document, latest, problem } = await resolve(context, db);
  return {
    ...document,
    signature: latest
      ? { fingerprint: latest.key_fingerprint, signedAt: latest.signed_at, signedBy: latest.signed_by, expiresAt: latest.expires_at, inUse: problem === null, problem }
      : null,
  };
}

export interface PreparedSecurityTxtSignature {
  fingerprint: string;
  body: string;
  signedText: string;
  expiresAt: string;
}

/**
 * Signs today's rendering with the current key, unlocked with `passphrase` for this call only.
 * Store the result with storeSecurityTxtSignature.
 */
export async function prepareSecurityTxtSignature(context: AppContext, db: Executor, actor: Actor, passphrase: string): Promise<PreparedSecurityTxtSignature> {
  assertCanManageKeys(actor);
  const currentKey = await findCurrentKey(db);
  if (!currentKey) throw new AppError('conflict', 'There is no current OpenPGP key to sign with: generate or import one first');
  const settings = await securityTxtSettings(context, db);
  const now = context.clock.now();
  const expires = securityTxtExpiry(now, settings.securityTxtValidityDays);
  const body = renderSecurityTxt({ settings, config: context.config, expires, encryption: true });
  const unlocked = await unlockPrivateKey(currentKey.private_key, passphrase);
  const openpgp = await loadOpenPgp();
  const signed = await openpgp.sign({ message: await openpgp.createCleartextMessage({ text: body }), signingKeys: unlocked, date: now });
  // OpenPGP.js writes the signed body with CRLF and the armour with LF; serve LF throughout
  // (the signature is over the canonical CRLF form either way).
  const signedText = signed.replace(/\r\n/g, '\n');
  return { fingerprint: currentKey.fingerprint, body, signedText: signedText.endsWith('\n') ? signedText : `${signedText}\n`, expiresAt: iso(expires) };
}

export async function storeSecurityTxtSignature(
  context: AppContext,
  trx: Executor,
  actor: Actor,
  prepared: PreparedSecurityTxtSignature,
): Promise<SecurityTxtSignatureView> {
  assertCanManageKeys(actor);
  const currentKey = await findCurrentKey(trx);
  const settings = await securityTxtSettings(context, trx);
  const stillRight =
    currentKey?.fingerprint === prepared.fingerprint &&
    renderSecurityTxt({ settings, config: context.config, expires: new Date(prepared.expiresAt), encryption: true }) === prepared.body;
  if (!stillRight) throw new AppError('conflict', 'The settings or the current key changed while signing; sign again');
  const now = iso(context.clock.now());
  const row: SecurityTxtSignatureRow = {
    id: newId(),
    key_fingerprint: prepared.fingerprint,
    body: prepared.body,
    signed_text: prepared.signedText,
    expires_at: prepared.expiresAt,
    signed_at: now,
    signed_by: actorLabel(actor),
    warning: null,
  };
  await insertSecurityTxtSignature(trx, row);
  await recordAudit(context, trx, actor, {
    action: 'security_txt.signed',
    objectType: 'security_txt',
    objectId: row.id,
    data: { fingerprint: row.key_fingerprint, expiresAt: row.expires_at },
  });
  return { fingerprint: row.key_fingerprint, signedAt: row.signed_at, signedBy: row.signed_by, expiresAt: row.expires_at, inUse: true, problem: null };
}

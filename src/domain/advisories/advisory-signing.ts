import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { AppError } from '../../shared/errors.js';
import { iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import { actorLabel, type Actor } from '../auth/actor.js';
import { findCurrentKey } from '../keys/keys.repository.js';
import { loadOpenPgp, unlockPrivateKey } from '../keys/openpgp.js';
import { assertCanPublishAdvisories } from './advisory.policy.js';
import { findSignature } from './advisory.repository.js';

/**
 * Detached OpenPGP signatures of the published CSAF documents (the `.asc` files). The same model
 * as security.txt: the private key is passphrase-protected and the passphrase is never stored, so
 * a lead signs explicitly (API or `cvdesk advisories sign`), every current document not yet signed
 * by the current key at once; the signatures are stored and served until the document changes (a
 * new revision) or the key does. Signing happens outside the transaction (it is slow), storing
 * inside it, re-checking that nothing moved meanwhile.
 */
export interface PreparedCsafSignature {
  advisoryId: string;
  trackingId: string;
  revision: number;
  fingerprint: string;
  signature: string;
}

export async function prepareCsafSignatures(context: AppContext, db: Executor, actor: Actor, passphrase: string): Promise<PreparedCsafSignature[]> {
  assertCanPublishAdvisories(actor);
  const key = await findCurrentKey(db);
  if (!key) throw new AppError('conflict', 'There is no current OpenPGP key to sign with: generate or import one first');
  const pending = await db
    .selectFrom('advisories as a')
    .innerJoin('advisory_revisions as r', (join) => join.onRef('r.advisory_id', '=', 'a.id').onRef('r.number', '=', 'a.revision'))
    .leftJoin('advisory_signatures as s', (join) => join.onRef('s.advisory_id', '=', 'a.id').onRef('s.revision', '=', 'a.revision').on('s.key_fingerprint', '=', key.fingerprint))
    .select(['a.id', 'a.tracking_id', 'a.revision', 'r.csaf'])
    .where('a.revision', '>', 0)
    .where('s.advisory_id', 'is', null)
    .execute();
  if (pending.length === 0) return [];
  const unlocked = await unlockPrivateKey(key.private_key, passphrase);
  const openpgp = await loadOpenPgp();
  const out: PreparedCsafSignature[] = [];
  for (const doc of pending) {
    // Binary mode: the signature is over the exact bytes served, as `gpg --verify file.asc file` checks.
    const message = await openpgp.createMessage({ binary: new TextEncoder().encode(doc.csaf) });
    const signature = await openpgp.sign({ message, signingKeys: unlocked, detached: true, format: 'armored', date: context.clock.now() });
    out.push({ advisoryId: doc.id, trackingId: doc.tracking_id, revision: doc.revision, fingerprint: key.fingerprint, signature: signature.replace(/\r\n/g, '\n') });
  }
  return out;
}

export async function storeCsafSignatures(context: AppContext, trx: Executor, actor: Actor, prepared: PreparedCsafSignature[]): Promise<{ signed: string[] }> {
  assertCanPublishAdvisories(actor);
  const key = await findCurrentKey(trx);
  const signed: string[] = [];
  const now = iso(context.clock.now());
  for (const p of prepared) {
    if (key?.fingerprint !== p.fingerprint) throw new AppError('conflict', 'The current key changed while signing; sign again');
    const current = await trx.selectFrom('advisories').select('revision').where('id', '=', p.advisoryId).executeTakeFirst();
    // A revision published meanwhile is left for the next signing round.
    if (current?.revision !== p.revision) continue;
    await trx
      .insertInto('advisory_signatures')
      .values({ advisory_id: p.advisoryId, revision: p.revision, key_fingerprint: p.fingerprint, signature: p.signature, signed_at: now, signed_by: actorLabel(actor) })
      .onConflict((oc) => oc.columns(['advisory_id', 'revision', 'key_fingerprint']).doNothing())
      .execute();
    signed.push(p.trackingId);
  }
  if (signed.length > 0) {
    await recordAudit(context, trx, actor, { action: 'advisory.csaf_signed', objectType: 'advisory', objectId: null, data: { fingerprint: key?.fingerprint, advisories: signed } });
  }
  return { signed };
}

/** The .asc for a document: the current key's signature of its current revision, if a lead has made it. */
export async function csafSignature(db: Executor, advisoryId: string, revision: number): Promise<string | undefined> {
  const key = await findCurrentKey(db);
  if (!key) return undefined;
  return (await findSignature(db, advisoryId, revision, key.fingerprint))?.signature;
}

/** Published documents whose current revision the current key has not signed (a reminder for leads). */
export async function unsignedCsafCount(db: Executor): Promise<number> {
  const key = await findCurrentKey(db);
  const published = await db.selectFrom('advisories').select((eb) => eb.fn.countAll().as('n')).where('revision', '>', 0).executeTakeFirst();
  if (!key) return Number(published?.n ?? 0);
  const signed = await db
    .selectFrom('advisories as a')
    .innerJoin('advisory_signatures as s', (join) => join.onRef('s.advisory_id', '=', 'a.id').onRef('s.revision', '=', 'a.revision'))
    .select((eb) => eb.fn.countAll().as('n'))
    .where('s.key_fingerprint', '=', key.fingerprint)
    .executeTakeFirst();
  return Number(published?.n ?? 0) - Number(signed?.n ?? 0);
}

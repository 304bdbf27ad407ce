import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { AppError, notFound } from '../../shared/errors.js';
import { iso } from '../../shared/time.js';
import { armouredMessages } from '../../shared/openpgp-armour.js';
import { recordAudit } from '../audit/audit.service.js';
import type { Actor } from '../auth/actor.js';
import { assertCanReadCases } from './case.policy.js';
import { caseOrThrow } from './case.repository.js';

/**
 * Encrypted contact-log entries (a vendor's reply encrypted to the organisation key) are
 * decrypted in the case page only: the server never sees the passphrase, the unlocked key or the
 * plaintext. What it can do is keep account of who opened what, as it does for sealed incidents:
 * the page records each opening here before it shows the plaintext.
 */
export async function recordLogEntryOpened(context: AppContext, trx: Executor, actor: Actor, caseId: string, entryId: string): Promise<{ openedAt: string }> {
  assertCanReadCases(actor);
  const row = await caseOrThrow(trx, caseId);
  const entry = await trx.selectFrom('case_log').select(['id', 'participant_id', 'kind', 'body']).where('case_id', '=', row.id).where('id', '=', entryId).executeTakeFirst();
  if (!entry) throw notFound('Contact-log entry');
  const parts = armouredMessages(entry.body ?? '').length;
  if (parts === 0) throw new AppError('conflict', 'This contact-log entry is not encrypted: there is nothing to open');
  const openedAt = iso(context.clock.now());
  await recordAudit(context, trx, actor, {
    action: 'case.log_entry_opened',
    objectType: 'case',
    objectId: row.id,
    data: { logId: entry.id, participantId: entry.participant_id, kind: entry.kind, encryptedParts: parts },
  });
  return { openedAt };
}

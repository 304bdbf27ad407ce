import type { AppContext } from '../context.js';
import { listNoticeSigningKeys, prepareNoticeSigningKey, storeNoticeSigningKey, type NoticeSigningKeyView } from '../domain/keys/notice-signing.service.js';
import { findUserByEmail } from '../domain/users/user.repository.js';
import { inTransaction } from '../server/transaction.js';
import { asActor } from './seed-reports.js';

/**
 * Lena (lead) makes the notice-signing key, as she would on the OpenPGP keys page, so the demo's
 * case notices go out signed. Skipped when there is a current key already (the demo can run
 * twice) or the demo lead is missing.
 */
export async function seedDemoNoticeSigningKey(context: AppContext): Promise<NoticeSigningKeyView | null> {
  const row = await findUserByEmail(context.db, 'lead@demo.cvdesk.local');
  if (!row) return null;
  const lead = asActor(row);
  if ((await listNoticeSigningKeys(context.db, lead)).some((key) => key.status === 'current')) return null;
  const prepared = await prepareNoticeSigningKey(context, context.db, lead);
  return inTransaction(context, (trx) => storeNoticeSigningKey(context, trx, lead, prepared));
}

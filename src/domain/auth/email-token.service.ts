import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { AppError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { addHours, iso } from '../../shared/time.js';
import { randomToken, sha256 } from '../../security/random.js';
import type { EmailTokenTable } from './auth.table.js';

export type EmailTokenPurpose = EmailTokenTable['purpose'];

/** Issues a single-use link secret; earlier unused ones of the same purpose stop working. */
export async function issueEmailToken(context: AppContext, trx: Executor, userId: string, purpose: EmailTokenPurpose, ttlHours: number): Promise<string> {
  const now = context.clock.now();
  await trx.deleteFrom('email_tokens').where('user_id', '=', userId).where('purpose', '=', purpose).where('used_at', 'is', null).execute();
  const token = randomToken(32);
  await trx
    .insertInto('email_tokens')
    .values({ id: newId(), user_id: userId, purpose, token_hash: sha256(token), created_at: iso(now), expires_at: iso(addHours(now, ttlHours)), used_at: null })
    .execute();
  return token;
}

/** Marks the link used and returns its account; refuses unknown, used and expired links. */
export async function consumeEmailToken(context: AppContext, trx: Executor, purpose: EmailTokenPurpose, token: string): Promise<string> {
  const row = await trx.selectFrom('email_tokens').selectAll().where('token_hash', '=', sha256(token)).where('purpose', '=', purpose).executeTakeFirst();
  if (!row || row.used_at !== null) throw new AppError('token_invalid', 'This link is not valid or has already been used');
  const now = context.clock.now();
  if (now >= new Date(row.expires_at)) throw new AppError('link_expired', 'This link has expired; ask for a new one');
  // Spent only if still unspent: two requests racing with one link cannot both pass.
  const spent = await trx.updateTable('email_tokens').set({ used_at: iso(now) }).where('id', '=', row.id).where('used_at', 'is', null).executeTakeFirst();
  if (Number(spent.numUpdatedRows) !== 1) throw new AppError('token_invalid', 'This link is not valid or has already been used');
  return row.user_id;
}

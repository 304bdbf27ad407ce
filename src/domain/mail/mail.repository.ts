import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../db/dialect.js';
import type { MailOutboxTable } from './mail.table.js';

export type OutboxRow = Selectable<MailOutboxTable>;
export type OutboxSummaryRow = Omit<OutboxRow, 'body'>;

export async function insertOutboxMessage(trx: Executor, row: Insertable<MailOutboxTable>): Promise<void> {
  await trx.insertInto('mail_outbox').values(row).execute();
}

export async function findOutboxMessage(db: Executor, id: string): Promise<OutboxRow | undefined> {
  return db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function markOutboxSent(db: Executor, id: string, sentAt: string): Promise<void> {
  await db.updateTable('mail_outbox').set({ status: 'sent', sent_at: sentAt, error: null }).where('id', '=', id).execute();
}

/** The last attempt failed; the job retries it (status goes to `sent` when one succeeds). */
export async function markOutboxFailed(db: Executor, id: string, error: string): Promise<void> {
  await db
    .updateTable('mail_outbox')
    .set({ status: 'failed', error: error.slice(0, 2000) })
    .where('id', '=', id)
    .where('status', '!=', 'sent')
    .execute();
}

/** Newest first, without bodies; `before` is the id of the last row of the previous page. */
export async function selectOutboxPage(db: Executor, page: { limit: number; before?: string | undefined }): Promise<OutboxSummaryRow[]> {
  let query = db
    .selectFrom('mail_outbox')
    .select(['id', 'recipient', 'subject', 'status', 'error', 'created_at', 'sent_at'])
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit);
  if (page.before) {
    const cursor = await db.selectFrom('mail_outbox').select(['id', 'created_at']).where('id', '=', page.before).executeTakeFirst();
    if (!cursor) return [];
    query = query.where((eb) =>
      eb.or([eb('created_at', '<', cursor.created_at), eb.and([eb('created_at', '=', cursor.created_at), eb('id', '<', cursor.id)])]),
    );
  }
  return query.execute();
}

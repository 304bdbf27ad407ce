import type { Readable } from 'node:stream';
import type { Selectable } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { AppError, invalid, notFound } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { addHours, iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import type { UserActor } from '../auth/actor.js';
import { isStaff } from '../../shared/roles.js';
import type { Actor } from '../auth/actor.js';
import { assertCanReadReport } from '../reports/report.policy.js';
import { findReport } from '../reports/report.repository.js';
import { isReportCollaborator } from '../rewards/collaborators.js';
import { TooLargeError } from './attachment-store.js';
import type { AttachmentTable } from './attachment.table.js';
import { cleanFilename, detectMediaType } from './attachment-types.js';

export type AttachmentRow = Selectable<AttachmentTable>;

/** An upload not attached to a report within this time is deleted. */
const PENDING_HOURS = 24;
/** Uploads one person may hold unattached at once (bounds storage abuse). */
const MAX_PENDING_PER_OWNER = 50;

export interface AttachmentView {
  id: string;
  filename: string;
  mediaType: string;
  size: number;
  sha256: string;
  createdAt: string;
}

export function presentAttachment(row: AttachmentRow): AttachmentView {
  return { id: row.id, filename: row.filename, mediaType: row.media_type, size: row.size, sha256: row.sha256, createdAt: row.created_at };
}

/**
 * Stores an upload as pending: it becomes part of a report only when that report is submitted
 * (in the same transaction), so a report and its attachments exist together or not at all.
 * The type is decided by the bytes; a disallowed type or an oversized file is refused and its
 * bytes removed.
 */
export async function uploadAttachment(context: AppContext, actor: UserActor, source: Readable, rawFilename: string | undefined): Promise<AttachmentRow> {
  const pending = await context.db
    .selectFrom('attachments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('owner_id', '=', actor.userId)
    .where('report_id', 'is', null)
    .executeTakeFirstOrThrow();
  if (Number(pending.n) >= MAX_PENDING_PER_OWNER) throw new AppError('rate_limited', `You have ${MAX_PENDING_PER_OWNER} uploads not yet attached to a report; submit or wait for them to expire`);
  let stored;
  try {
    stored = await context.attachments.put(source, context.config.attachmentMaxBytes);
  } catch (error) {
    if (error instanceof TooLargeError || (error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new AppError('payload_too_large', `Attachments may be at most ${context.config.attachmentMaxBytes} bytes`, [{ field: '/file', message: 'too large' }]);
    }
    throw error;
  }
  const discard = async (error: AppError) => {
    await context.attachments.remove(stored.key);
    return error;
  };
  if (stored.size === 0) throw await discard(invalid('/file', 'is empty'));
  if (!isStaff(actor.roles)) {
    const used = await context.db.selectFrom('attachments').select((eb) => eb.fn.sum<number>('size').as('bytes')).where('owner_id', '=', actor.userId).executeTakeFirst();
    if (Number(used?.bytes ?? 0) + stored.size > context.config.attachmentQuotaBytes) {
      throw await discard(new AppError('payload_too_large', `Your attachments would exceed your storage allowance of ${context.config.attachmentQuotaBytes} bytes`, [{ field: '/file', message: 'over your storage allowance' }]));
    }
  }
  const mediaType = await detectMediaType(stored.head);
  if (!mediaType) {
    throw await discard(new AppError('unsupported_media_type', 'This kind of file is not accepted: send images, PDF, video, archives, packet captures or plain text', [{ field: '/file', message: 'type not accepted' }]));
  }
  const now = context.clock.now();
  const row: AttachmentRow = {
    id: newId(),
    owner_id: actor.userId,
    report_id: null,
    filename: cleanFilename(rawFilename),
    media_type: mediaType,
    size: stored.size,
    sha256: stored.sha256,
    storage_key: stored.key,
    created_at: iso(now),
    expires_at: iso(addHours(now, PENDING_HOURS)),
  };
  try {
    await context.db.transaction().execute(async (trx) => {
      await trx.insertInto('attachments').values(row).execute();
      await recordAudit(context, trx, actor, { action: 'attachment.uploaded', objectType: 'attachment', objectId: row.id, data: { size: row.size, mediaType, sha256: row.sha256 } });
    });
  } catch (error) {
    await context.attachments.remove(stored.key);
    throw error;
  }
  return row;
}

/** Attaches the actor's pending uploads to a report being submitted (same transaction). */
export async function attachToReport(context: AppContext, trx: Executor, actor: UserActor, reportId: string, ids: readonly string[]): Promise<AttachmentRow[]> {
  const unique = [...new Set(ids)];
  if (unique.length > context.config.attachmentMaxCount) throw invalid('/attachments', `at most ${context.config.attachmentMaxCount} attachments per report`);
  if (unique.length === 0) return [];
  const rows = await trx.selectFrom('attachments').selectAll().where('id', 'in', unique).execute();
  for (const [index, id] of unique.entries()) {
    const row = rows.find((r) => r.id === id);
    // Someone else's upload is reported as absent.
    if (!row || row.owner_id !== actor.userId) throw invalid(`/attachments/${index}`, 'no such upload');
    if (row.report_id !== null) throw invalid(`/attachments/${index}`, 'is already attached to a report');
    if (row.expires_at !== null && context.clock.now() >= new Date(row.expires_at)) throw invalid(`/attachments/${index}`, 'has expired; upload it again');
  }
  // Claimed only while still pending: one upload named by two reports at once goes to one of them.
  const claimed = await trx.updateTable('attachments').set({ report_id: reportId, expires_at: null }).where('id', 'in', unique).where('report_id', 'is', null).executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== unique.length) throw invalid('/attachments', 'an upload was attached to another report at the same time');
  return rows.map((row) => ({ ...row, report_id: reportId, expires_at: null }));
}

export function listReportAttachments(db: Executor, reportId: string): Promise<AttachmentRow[]> {
  return db.selectFrom('attachments').selectAll().where('report_id', '=', reportId).orderBy('created_at').execute();
}

/** An attachment for download: its report's readers, or the uploader while it is pending. */
export async function getAttachmentForDownload(db: Executor, actor: Actor, id: string): Promise<AttachmentRow> {
  const row = await db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Attachment');
  if (row.report_id === null) {
    if (actor.kind !== 'user' || actor.userId !== row.owner_id) throw notFound('Attachment');
    return row;
  }
  const report = await findReport(db, row.report_id);
  if (!report) throw notFound('Attachment');
  try {
    assertCanReadReport(actor, report, await isReportCollaborator(db, actor, report));
  } catch {
    throw notFound('Attachment');
  }
  return row;
}

/** The uploader withdraws an upload not yet part of a report (attached files belong to the report). */
export async function deletePendingUpload(context: AppContext, actor: UserActor, id: string): Promise<void> {
  const row = await context.db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || row.owner_id !== actor.userId) throw notFound('Upload');
  if (row.report_id !== null) throw new AppError('conflict', 'This file is part of a submitted report and stays with it');
  await context.db.transaction().execute(async (trx) => {
    const removed = await trx.deleteFrom('attachments').where('id', '=', id).where('report_id', 'is', null).executeTakeFirst();
    if (Number(removed.numDeletedRows) !== 1) throw new AppError('conflict', 'This file was attached to a report meanwhile');
    await recordAudit(context, trx, actor, { action: 'attachment.withdrawn', objectType: 'attachment', objectId: id });
  });
  await context.attachments.remove(row.storage_key);
}

/** Deletes pending uploads past their expiry: rows first, then bytes. Returns how many. */
export async function purgeExpiredUploads(context: AppContext): Promise<number> {
  const expired = await context.db
    .selectFrom('attachments')
    .select(['id', 'storage_key'])
    .where('report_id', 'is', null)
    .where('expires_at', '<', iso(context.clock.now()))
    .limit(1000)
    .execute();
  if (expired.length === 0) return 0;
  await context.db.deleteFrom('attachments').where('id', 'in', expired.map((e) => e.id)).execute();
  for (const row of expired) await context.attachments.remove(row.storage_key);
  return expired.length;
}

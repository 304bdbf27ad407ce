import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { AppError, forbidden, invalid } from '../../shared/errors.js';
import { iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import { actorId, actorLabel, type Actor } from '../auth/actor.js';
import { publishReportEvent } from './report-events.js';
import { assertCanTriage } from './report.policy.js';
import { insertEvent } from './report.repository.js';
import { getReportRow } from './report.service.js';
import { REPORT_LIMITS, type ReportRow } from './report.js';

/** After `resolved`, staff ask the reporter to confirm the fix. */
export async function requestRetest(context: AppContext, trx: Executor, actor: Actor, id: string, note: string | undefined): Promise<ReportRow> {
  const report = await getReportRow(trx, actor, id, context.engine);
  assertCanTriage(actor, report);
  if (report.state !== 'resolved') throw new AppError('conflict', 'Only a resolved report can be retested');
  const now = iso(context.clock.now());
  await trx.updateTable('reports').set({ retest_state: 'requested', retest_requested_at: now, updated_at: now }).where('id', '=', id).execute();
  await insertEvent(trx, { report_id: id, kind: 'retest', internal: 0, author_id: actorId(actor), author_label: actorLabel(actor), body: note ?? null, data: JSON.stringify({ retest: 'requested' }), created_at: now });
  await recordAudit(context, trx, actor, { action: 'report.retest_requested', objectType: 'report', objectId: id });
  const updated = { ...report, retest_state: 'requested' as const, retest_requested_at: now, updated_at: now };
  await publishReportEvent(context, trx, actor, { type: 'report.retest_requested', report: updated, note: note ?? null });
  return updated;
}

/**
 * The reporter's verdict: `fixed` confirms; `incomplete` reopens the report (resolved → triaged)
 * with their note, and triagers and leads are told, so the team picks it up again.
 */
export async function answerRetest(context: AppContext, trx: Executor, actor: Actor, id: string, outcome: 'fixed' | 'incomplete', note: string | undefined): Promise<ReportRow> {
  const report = await getReportRow(trx, actor, id, context.engine);
  if (actor.kind !== 'user' || actor.userId !== report.reporter_id) throw forbidden('Only the reporter answers a retest request');
  if (report.retest_state !== 'requested' || report.state !== 'resolved') throw new AppError('conflict', 'No retest has been asked for on this report');
  if (outcome === 'incomplete' && !note?.trim()) throw invalid('/note', 'say what is still broken');
  if (note && note.length > REPORT_LIMITS.comment) throw invalid('/note', `must be at most ${REPORT_LIMITS.comment} characters`);
  const now = iso(context.clock.now());
  const changes = outcome === 'fixed' ? { retest_state: 'confirmed' as const } : { retest_state: 'incomplete' as const, state: 'triaged' as const, resolved_at: null, close_reason: null };
  await trx.updateTable('reports').set({ ...changes, updated_at: now }).where('id', '=', id).execute();
  await insertEvent(trx, { report_id: id, kind: 'retest', internal: 0, author_id: actorId(actor), author_label: actorLabel(actor), body: note?.trim() || null, data: JSON.stringify({ retest: outcome }), created_at: now });
  if (outcome === 'incomplete') {
    await insertEvent(trx, { report_id: id, kind: 'state_change', internal: 0, author_id: actorId(actor), author_label: actorLabel(actor), body: null, data: JSON.stringify({ from: 'resolved', to: 'triaged' }), created_at: now });
  }
  await recordAudit(context, trx, actor, { action: `report.retest_${outcome}`, objectType: 'report', objectId: id });
  const updated = { ...report, ...changes, updated_at: now };
  if (outcome === 'incomplete') {
    await publishReportEvent(context, trx, actor, { type: 'report.state_changed', report: updated, from: 'resolved', to: 'triaged', reason: note?.trim() ?? null });
    await publishReportEvent(context, trx, actor, { type: 'report.retest_incomplete', report: updated, note: note!.trim() });
  }
  return updated;
}

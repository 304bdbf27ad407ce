import type { AppContext } from '../../context.js';
import { lockForUpdate, type Executor } from '../../db/dialect.js';
import { coalescedPer } from '../../shared/coalesced-runs.js';
import { notifyStaffOfEach } from '../notifications/notification.service.js';
import { emitWebhookEvents, reportWebhookData } from '../webhooks/webhook.service.js';
import { INDEXED_REPORTS, addTermStats } from './report.repository.js';
import { reportTerms } from './report-terms.js';
import type { ReportRow } from './report.js';

/**
 * What a stored report sets off besides itself: its term index (search and duplicate
 * suggestions) and, for a new report, the staff notifications and the report.created webhook.
 *
 * The transaction that stores a report only queues it here (one small row); the work is done
 * right after commit, for every report queued meanwhile at once. Batching is what makes
 * submissions cheap: a report's terms land at scattered places of the index, and the term
 * statistics are shared by every report of a programme, so many reports' terms written in one
 * sorted pass (one statistics update per distinct term) dirty far fewer pages than each report
 * on its own; staff and their notification choices are looked up once per batch.
 *
 * The queue row commits with the report, so nothing is lost: whoever stored reports waits for
 * `processReportIntake` before answering (so an answered submission is indexed and announced), a
 * read that needs the index drains it first, and the hourly housekeeping picks up anything a
 * crash left behind.
 */

/** Reports processed per transaction. */
const BATCH = 500;
/** A report whose processing failed this often waits for the hourly housekeeping to try again (last_error says why). */
const MAX_ATTEMPTS = 5;

/** Queues a stored report's follow-up work, in the transaction that stores it. */
export async function queueReportIntake(trx: Executor, report: Pick<ReportRow, 'id' | 'created_at'>, options: { newReport: boolean; submittedBy: string | null }): Promise<void> {
  await trx
    .insertInto('report_intake')
    .values({ report_id: report.id, new_report: options.newReport ? 1 : 0, submitted_by: options.submittedBy, queued_at: report.created_at, last_error: null })
    .onConflict((oc) => oc.column('report_id').doNothing())
    .execute();
}

type QueuedReport = { report: ReportRow; newReport: boolean; submittedBy: string | null };

/** Writes the term index of `queued` reports (replacing any they had) and the programmes' term statistics. */
async function indexReports(trx: Executor, reports: readonly ReportRow[]): Promise<void> {
  const ids = reports.map((r) => r.id);
  const deltas = new Map<string, Map<string, number>>();
  const addDelta = (programId: string, term: string, delta: number) => {
    const program = deltas.get(programId) ?? new Map<string, number>();
    program.set(term, (program.get(term) ?? 0) + delta);
    deltas.set(programId, program);
  };
  const programOf = new Map(reports.map((r) => [r.id, r.program_id]));
  for (let i = 0; i < ids.length; i += 500) {
    const removed = await trx.deleteFrom('report_terms').where('report_id', 'in', ids.slice(i, i + 500)).returning(['report_id', 'term']).execute();
    const hadTerms = new Set<string>();
    for (const { report_id, term } of removed) {
      addDelta(programOf.get(report_id)!, term, -1);
      hadTerms.add(report_id);
    }
    for (const id of hadTerms) addDelta(programOf.get(id)!, INDEXED_REPORTS, -1);
  }
  const rows: { program_id: string; term: string; report_id: string; weight: number }[] = [];
  for (const report of reports) {
    const terms = reportTerms(report);
    for (const [term, weight] of terms) {
      rows.push({ program_id: report.program_id, term, report_id: report.id, weight });
      addDelta(report.program_id, term, 1);
    }
    if (terms.size > 0) addDelta(report.program_id, INDEXED_REPORTS, 1);
  }
  // In index order: neighbouring postings share pages.
  rows.sort((a, b) => (a.program_id < b.program_id ? -1 : a.program_id > b.program_id ? 1 : a.term < b.term ? -1 : a.term > b.term ? 1 : 0));
  // Bounded statements: SQLite allows 32k bound parameters per statement.
  for (let i = 0; i < rows.length; i += 500) await trx.insertInto('report_terms').values(rows.slice(i, i + 500)).execute();
  for (const [programId, programDeltas] of [...deltas].sort(([a], [b]) => (a < b ? -1 : 1))) await addTermStats(trx, programId, programDeltas);
}

/** Tells staff about new reports and fires report.created for each. */
async function announceReports(context: AppContext, trx: Executor, queued: readonly QueuedReport[]): Promise<void> {
  const fresh = queued.filter((q) => q.newReport);
  await notifyStaffOfEach(
    context,
    trx,
    'new_report',
    fresh.map(({ report, submittedBy }) => ({ report, text: `Severity: ${report.severity}.${report.out_of_scope ? ' Flagged as out of scope.' : ''}`, except: submittedBy })),
  );
  await emitWebhookEvents(
    context,
    trx,
    'report.created',
    fresh.map(({ report }) => async () => ({ report: await reportWebhookData(context, trx, report) })),
  );
}

async function processQueued(context: AppContext, trx: Executor, queued: readonly QueuedReport[]): Promise<void> {
  await indexReports(trx, queued.map((q) => q.report));
  await announceReports(context, trx, queued);
  const ids = queued.map((q) => q.report.id);
  for (let i = 0; i < ids.length; i += 500) await trx.deleteFrom('report_intake').where('report_id', 'in', ids.slice(i, i + 500)).execute();
}

/**
 * One batch: the oldest queued reports processed in one transaction. When the batch fails, each
 * report is tried on its own so that one bad report cannot hold up the rest; a report that fails
 * is kept with its error and tried again later, up to MAX_ATTEMPTS. Returns how many were taken.
 */
async function processBatch(context: AppContext): Promise<number> {
  const take = (trx: Executor) =>
    trx
      .selectFrom('report_intake')
      .innerJoin('reports', 'reports.id', 'report_intake.report_id')
      .selectAll('reports')
      .select(['report_intake.new_report', 'report_intake.submitted_by'])
      .where('report_intake.attempts', '<', MAX_ATTEMPTS)
      .orderBy('report_intake.attempts')
      .orderBy('report_intake.queued_at')
      .limit(BATCH)
      .execute();
  const toQueued = (rows: Awaited<ReturnType<typeof take>>): QueuedReport[] =>
    rows.map(({ new_report, submitted_by, ...report }) => ({ report: report as ReportRow, newReport: new_report === 1, submittedBy: submitted_by }));
  let taken: QueuedReport[] = [];
  try {
    await context.db.transaction().execute(async (trx) => {
      // Two processes draining at once (PostgreSQL) would count the same terms twice.
      await lockForUpdate(trx, context.engine, 'report_intake');
      taken = toQueued(await take(trx));
      if (taken.length > 0) await processQueued(context, trx, taken);
    });
    return taken.length;
  } catch {
    if (taken.length === 0) throw new Error('report intake: the queue could not be read');
  }
  for (const one of taken) {
    try {
      await context.db.transaction().execute(async (trx) => {
        await lockForUpdate(trx, context.engine, 'report_intake');
        const still = await trx.selectFrom('report_intake').select('report_id').where('report_id', '=', one.report.id).executeTakeFirst();
        if (still) await processQueued(context, trx, [one]);
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await context.db
        .updateTable('report_intake')
        .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: message.slice(0, 1000) }))
        .where('report_id', '=', one.report.id)
        .execute()
        .catch(() => undefined);
    }
  }
  return taken.length;
}

/** Drains the whole queue (batch after batch); a database that is unavailable leaves it for later. */
async function drainQueue(context: AppContext): Promise<void> {
  while ((await processBatch(context)) === BATCH) {
    // more queued than one batch holds
  }
}

/**
 * Processes what is queued: call it after committing reports (before answering), and before reading
 * the term index. Concurrent callers share one pass (per database). Never rejects: what fails stays queued.
 */
export const processReportIntake: (context: AppContext) => Promise<void> = coalescedPer((context) => context.db, drainQueue);

/** Hourly: reports that kept failing get another round of attempts, and whatever is queued is processed. */
export async function retryReportIntake(context: AppContext): Promise<void> {
  await context.db.updateTable('report_intake').set({ attempts: 0 }).where('attempts', '>=', MAX_ATTEMPTS).execute();
  await processReportIntake(context);
}

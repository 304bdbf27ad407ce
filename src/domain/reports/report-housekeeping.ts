import type { AppContext } from '../../context.js';
import { forUpdate, type Executor } from '../../db/dialect.js';
import { notifyStaffOfEach, notifyUsers } from '../notifications/notification.service.js';
import { purgeExpiredUploads } from '../attachments/attachment.service.js';
import { DEFAULT_STALE_CLOSE_DAYS } from '../programs/program.js';
import { relayToMailSender } from '../incidents/mail-intake-replies.js';
import { publishDueDisclosures } from './report-disclosure.js';
import { reportParticipantUsers } from './report-notifications.js';
import { noticeNewBreaches } from './report-sla.js';
import { STALE_POLICY_ACTOR, transitionReport } from './report.service.js';
import { retryReportIntake } from './report-intake.js';
import { addDays, iso } from '../../shared/time.js';

/** Days before a stale report closes that its reporter is warned (fewer if the programme allows fewer days in all). */
const WARN_DAYS_BEFORE = 3;
export const REPORTS_HOURLY_JOB = 'reports.hourly';

export type StaleStep = { action: 'warn'; closesAt: Date } | { action: 'close' } | null;

const later = (a: Date, b: Date) => (a > b ? a : b);

/**
 * What the stale policy does now to a report waiting in `needs_more_info` since `since`: nothing,
 * warn its reporter, or close it. A report is closed only once a warning went out at least the lead
 * time before; a deadline that passed unwarned (a short policy, a missed run) brings the warning
 * now and pushes the close back by the lead time. `days` 0 means the programme never closes.
 */
export function staleStep(since: Date, warnedAt: Date | null, days: number, now: Date): StaleStep {
  if (days <= 0) return null;
  const lead = Math.min(WARN_DAYS_BEFORE, days);
  const deadline = addDays(since, days);
  if (warnedAt === null) return now >= addDays(deadline, -lead) ? { action: 'warn', closesAt: later(deadline, addDays(now, lead)) } : null;
  return now >= later(deadline, addDays(warnedAt, lead)) ? { action: 'close' } : null;
}

/**
 * The inbox's clockwork, run hourly as a job: SLA breaches noticed (in-app, and one digest mail
 * each for those who mail them), stale needs-more-info reports warned then closed, open-mode
 * disclosures published when due, expired uploads removed, and reports whose indexing or
 * announcement failed tried again. Each step is its own transaction: one failing does not undo
 * the rest.
 */
export async function runReportsHourly(context: AppContext): Promise<{ breaches: number; warned: number; closed: number; disclosed: number; purged: number }> {
  const breaches = await context.db.transaction().execute(async (trx) => {
    const found = await noticeNewBreaches(context, trx);
    if (found.length === 0) return 0;
    // Triagers and leads, each by the channels they chose for `sla_breach`; mail as one digest
    // (leads get it unless they turn it off: notification.ts).
    await notifyStaffOfEach(
      context,
      trx,
      'sla_breach',
      found.map((breach) => ({ report: breach.report, text: `The ${breach.metric.replace('_', ' ')} target (due ${breach.dueAt}) was missed.` })),
      { digest: { subject: (count) => `${count} response target${count === 1 ? '' : 's'} missed`, intro: 'These reports are past their response targets:' } },
    );
    return found.length;
  });

  const { warned, closed } = await runStalePolicy(context);
  const disclosed = await context.db.transaction().execute((trx) => publishDueDisclosures(context, trx));
  const purged = await purgeExpiredUploads(context);
  await retryReportIntake(context);
  return { breaches, warned, closed, disclosed, purged };
}

/** Waiting reports read per page of the stale policy's pass. */
const STALE_PAGE = 500;

/**
 * Warns, then closes, reports left in `needs_more_info`: every waiting report, page by page (a
 * programme with a long policy, whose reports are not due yet, cannot crowd out another's that
 * are). The list is read outside any transaction, so each report is read again, locked, inside its
 * own: one answered meanwhile (no longer waiting, or waiting on a newer question) is left alone.
 */
async function runStalePolicy(context: AppContext): Promise<{ warned: number; closed: number }> {
  const now = context.clock.now();
  let warned = 0;
  let closed = 0;
  for (let after: { since: string; id: string } | undefined; ; ) {
    let page = context.db
      .selectFrom('reports')
      .innerJoin('programs', 'programs.id', 'reports.program_id')
      .select(['reports.id', 'reports.needs_info_since', 'reports.needs_info_warned_at', 'programs.stale_close_days'])
      .where('reports.state', '=', 'needs_more_info')
      .where('reports.needs_info_since', 'is not', null)
      .where((eb) => eb.or([eb('programs.stale_close_days', 'is', null), eb('programs.stale_close_days', '>', 0)]))
      .orderBy('reports.needs_info_since')
      .orderBy('reports.id')
      .limit(STALE_PAGE);
    if (after) {
      const { since, id } = after;
      page = page.where((eb) => eb.or([eb('reports.needs_info_since', '>', since), eb.and([eb('reports.needs_info_since', '=', since), eb('reports.id', '>', id)])]));
    }
    const waiting = await page.execute();
    for (const listed of waiting) {
      const days = listed.stale_close_days ?? DEFAULT_STALE_CLOSE_DAYS;
      const since = listed.needs_info_since!;
      if (!staleStep(new Date(since), listed.needs_info_warned_at ? new Date(listed.needs_info_warned_at) : null, days, now)) continue;
      const done = await context.db.transaction().execute((trx) => applyStalePolicy(context, trx, { id: listed.id, needsInfoSince: since }, days, now));
      if (done === 'closed') closed += 1;
      if (done === 'warned') warned += 1;
    }
    if (waiting.length < STALE_PAGE) return { warned, closed };
    const last = waiting.at(-1)!;
    after = { since: last.needs_info_since!, id: last.id };
  }
}

/**
 * One report's turn, in its own transaction: read again and locked, and left alone unless it still
 * waits on the question it was listed for (same `needs_info_since`).
 */
export async function applyStalePolicy(
  context: AppContext,
  trx: Executor,
  listed: { id: string; needsInfoSince: string },
  days: number,
  now: Date,
): Promise<'warned' | 'closed' | null> {
  const since = listed.needsInfoSince;
  const report = await forUpdate(trx.selectFrom('reports').selectAll().where('id', '=', listed.id), context.engine).executeTakeFirst();
  if (!report || report.state !== 'needs_more_info' || report.needs_info_since !== since) return null;
  const step = staleStep(new Date(since), report.needs_info_warned_at ? new Date(report.needs_info_warned_at) : null, days, now);
  if (step?.action === 'close') {
    // Announced as a state change: the reporter and collaborators get the reason, by their choice.
    await transitionReport(context, trx, STALE_POLICY_ACTOR, report.id, { to: 'informative', reason: `Closed: no answer to our question within ${days} days. Reply to reopen it.` });
    return 'closed';
  }
  if (step?.action === 'warn') {
    await trx.updateTable('reports').set({ needs_info_warned_at: iso(now) }).where('id', '=', report.id).execute();
    // As a state-change notice: the reporter and collaborators, each by the channels they chose.
    await notifyUsers(context, trx, await reportParticipantUsers(trx, report), {
      kind: 'state_changed',
      report,
      headline: `Your report will close on ${iso(step.closesAt).slice(0, 10)} without an answer`,
      text: `We asked for more information. Unless you or a collaborator reply by ${iso(step.closesAt)}, it will be closed as informative; a reply after that reopens it.`,
    });
    // A report that came in as plain mail: its reporter account is the disabled intake one, so the sender is mailed.
    await relayToMailSender(context, trx, report, `Your report will be closed on ${iso(step.closesAt).slice(0, 10)}`, `We asked for more information. Unless you answer by ${iso(step.closesAt)}, it will be closed as informative.`);
    return 'warned';
  }
  return null;
}

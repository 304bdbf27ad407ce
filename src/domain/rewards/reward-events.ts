import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { actorId, type Actor } from '../auth/actor.js';
import { notifyUsers } from '../notifications/notification.service.js';
import { publishReportEvent } from '../reports/report-events.js';
import { findReport } from '../reports/report.repository.js';
import type { ReportRow } from '../reports/report.js';
import { findUserById } from '../users/user.repository.js';
import { formatMinorUnits, type RewardKind, type RewardRow } from './reward.js';

/** The web app's earnings page (web/src/features/reports/routes.tsx). */
const earningsUrl = (context: AppContext) => `${context.config.publicUrl}/account/earnings`;

export interface RewardAwarded {
  awardId: string;
  report: ReportRow;
  /** The whole award, minor units. */
  amount: number;
  currency: string;
  kind: RewardKind;
  entries: RewardRow[];
}

/**
 * Announces an award, inside its transaction. The submitter's entry goes out as the report event
 * `reward.awarded` (report-events.ts: the reporter's notification and webhooks). Its `reward` is
 * the submitter's ledger entry, amounts in integer minor units with `amountDecimal` beside them,
 * and the whole award with every entry for webhooks (staff-side integrations, e.g. payouts).
 * Collaborators are not the report's reporter, so each is notified here of their own part only,
 * through the same notification service and preferences.
 */
export async function announceAward(context: AppContext, trx: Executor, actor: Actor, award: RewardAwarded): Promise<void> {
  const submitterEntry = award.entries.find((entry) => entry.user_id === award.report.reporter_id);
  if (submitterEntry) {
    await publishReportEvent(context, trx, actor, {
      type: 'reward.awarded',
      report: award.report,
      reward: {
        id: submitterEntry.id,
        awardId: award.awardId,
        amount: submitterEntry.amount,
        amountDecimal: formatMinorUnits(submitterEntry.amount, submitterEntry.currency),
        currency: submitterEntry.currency,
        kind: award.kind,
        share: submitterEntry.share,
        state: submitterEntry.state,
        award: {
          id: award.awardId,
          amount: award.amount,
          amountDecimal: formatMinorUnits(award.amount, award.currency),
          currency: award.currency,
          entries: award.entries.map((entry) => ({ id: entry.id, userId: entry.user_id, amount: entry.amount, share: entry.share })),
        },
      },
    });
  }
  for (const entry of award.entries) {
    if (entry.user_id === award.report.reporter_id || entry.user_id === actorId(actor)) continue;
    const collaborator = await findUserById(trx, entry.user_id);
    if (!collaborator) continue;
    await notifyUsers(context, trx, [collaborator], {
      kind: 'reward_awarded',
      report: award.report,
      headline: `You were awarded ${formatMinorUnits(entry.amount, entry.currency)} ${entry.currency}`,
      text: `Your ${entry.share}% share of a ${award.kind} on a report you worked on. Your earnings: ${earningsUrl(context)}`,
    });
  }
}

/**
 * Tells a ledger entry's recipient that a lead settled it: paid (with the payment's reference) or
 * cancelled (with the reason), through the `reward_awarded` preference. Inside the transaction.
 */
export async function announceRewardSettled(context: AppContext, trx: Executor, actor: Actor, entry: RewardRow): Promise<void> {
  if (entry.user_id === actorId(actor) || (entry.state !== 'paid' && entry.state !== 'cancelled')) return;
  const recipient = await findUserById(trx, entry.user_id);
  const report = await findReport(trx, entry.report_id);
  if (!recipient || !report) return;
  const amount = `${formatMinorUnits(entry.amount, entry.currency)} ${entry.currency}`;
  const headline = entry.state === 'paid' ? `Your reward of ${amount} was paid` : `Your reward of ${amount} was cancelled`;
  const reference = entry.reference ? (entry.state === 'paid' ? `Payment reference: ${entry.reference}. ` : `Reason: ${entry.reference}. `) : '';
  await notifyUsers(context, trx, [recipient], { kind: 'reward_awarded', report, headline, text: `${reference}Your earnings: ${earningsUrl(context)}` });
}

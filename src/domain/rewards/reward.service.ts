import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { decodeKeysetCursor, encodeKeysetCursor } from '../../db/keyset-cursor.js';
import { AppError, invalid, notFound } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import { actorId, actorLabel, type Actor } from '../auth/actor.js';
import { findProgramById } from '../programs/program.repository.js';
import { rewardFor, type RewardTable as ProgramRewardTable } from '../programs/program.js';
import { findAsset, insertEvent } from '../reports/report.repository.js';
import { getReportRow } from '../reports/report.service.js';
import type { ReportRow } from '../reports/report.js';
import { reportParticipants } from './collaborators.js';
import { csvRow } from './reward-csv.js';
import { announceAward, announceRewardSettled } from './reward-events.js';
import { assertCanAwardRewards, assertCanManageLedger, canSeeAllRewardsOnReport } from './reward.policy.js';
import {
  REWARDABLE_STATES,
  REWARD_LIMITS,
  REWARD_TRANSITIONS,
  assertKnownCurrency,
  formatMinorUnits,
  presentReward,
  splitAmount,
  toMinorUnits,
  type RewardKind,
  type RewardRow,
  type RewardState,
  type RewardView,
} from './reward.js';

// ---------------------------------------------------------------- suggestion

export interface RewardSuggestion {
  reportId: string;
  programKind: 'bounty' | 'vdp';
  currency: string;
  tier: number | null;
  severity: string;
  /** From the programme's reward table: major units as configured, and minor units to award. */
  range: { min: number; max: number; minAmount: number; maxAmount: number } | null;
  /** Why there is no range, when there is none. */
  reason: string | null;
}

/** The range the programme's reward table gives for the report's asset tier × severity (triagers, leads). */
export async function rewardSuggestion(db: Executor, actor: Actor, reportId: string): Promise<RewardSuggestion> {
  const report = await getReportRow(db, actor, reportId);
  assertCanAwardRewards(actor);
  const program = (await findProgramById(db, report.program_id))!;
  const table = JSON.parse(program.rewards) as ProgramRewardTable;
  const asset = await findAsset(db, report.asset_id);
  const base = { reportId: report.id, programKind: program.kind, currency: table.currency, tier: asset?.tier ?? null, severity: report.severity };
  const none = (reason: string): RewardSuggestion => ({ ...base, range: null, reason });
  if (program.kind !== 'bounty') return none('A vulnerability disclosure programme (vdp) pays no rewards');
  if (!asset) return none('The report names no asset from the scope, so it has no tier');
  if (asset.in_scope === 0) return none(`The asset ${asset.identifier} is out of scope; any reward is at your discretion`);
  if (report.severity === 'none' || report.severity === 'unknown') return none('The report has no severity yet; score it with a CVSS vector first');
  const range = rewardFor(table, asset.tier, report.severity);
  if (!range) return none(`The reward table has no range for tier ${asset.tier} × ${report.severity}`);
  return { ...base, range: { min: range.min, max: range.max, minAmount: toMinorUnits(range.min, table.currency), maxAmount: toMinorUnits(range.max, table.currency) }, reason: null };
}

// ---------------------------------------------------------------- awarding

export interface AwardInput {
  /** Integer minor units (cents for USD). */
  amount: number;
  /** ISO 4217; the programme's reward-table currency when absent. */
  currency?: string | undefined;
  kind: RewardKind;
  note?: string | undefined;
}

export interface Award {
  awardId: string;
  report: ReportRow;
  amount: number;
  currency: string;
  kind: RewardKind;
  entries: RewardRow[];
}

function cleanText(value: string | undefined, field: string, max: number): string | null {
  if (value === undefined) return null;
  const text = value.replace(/\r\n/g, '\n').trim();
  if (text.length > max) throw invalid(field, `must be at most ${max} characters`);
  if (/\u0000/.test(text)) throw invalid(field, 'must not contain NUL characters');
  return text || null;
}

/**
 * Awards a bounty or bonus on a report of a bounty programme that is triaged, resolved or disclosed. The
 * amount is split among the submitter and the collaborators by their shares into one ledger entry
 * each (collaborators' parts rounded down, the remainder to the submitter, so the entries add up
 * to the amount exactly). The report's timeline shows the award; one audit event lists the entries.
 */
export async function awardReward(context: AppContext, trx: Executor, actor: Actor, reportId: string, input: AwardInput): Promise<Award> {
  const report = await getReportRow(trx, actor, reportId, context.engine);
  assertCanAwardRewards(actor);
  const program = (await findProgramById(trx, report.program_id))!;
  if (program.kind !== 'bounty') throw new AppError('conflict', 'This is a vulnerability disclosure programme (vdp): it pays no rewards');
  if (!(REWARDABLE_STATES as readonly string[]).includes(report.state)) {
    throw new AppError('conflict', `Only triaged, resolved or disclosed reports can be rewarded; this one is ${report.state.replace(/_/g, ' ')}`);
  }
  if (!Number.isInteger(input.amount) || input.amount < 1 || input.amount > REWARD_LIMITS.maxAmount) {
    throw invalid('/amount', `must be a whole number of minor units (cents) from 1 to ${REWARD_LIMITS.maxAmount}`);
  }
  // The programme's currency was checked when its table was set; one given here is checked now.
  if (input.currency !== undefined) assertKnownCurrency(input.currency);
  const currency = input.currency ?? (JSON.parse(program.rewards) as ProgramRewardTable).currency;
  const note = cleanText(input.note, '/note', REWARD_LIMITS.note);
  const parts = splitAmount(input.amount, await reportParticipants(trx, report)).filter((part) => part.amount > 0);
  const now = iso(context.clock.now());
  const awardId = newId();
  const entries: RewardRow[] = parts.map((part) => ({
    id: newId(),
    award_id: awardId,
    report_id: report.id,
    program_id: report.program_id,
    user_id: part.userId,
    amount: part.amount,
    currency,
    kind: input.kind,
    state: 'awarded',
    share: part.share,
    note,
    reference: null,
    created_by: actorId(actor),
    created_by_label: actorLabel(actor),
    created_at: now,
    updated_at: now,
    paid_at: null,
    cancelled_at: null,
  }));
  await trx.insertInto('rewards').values(entries).execute();
  await insertEvent(trx, {
    report_id: report.id,
    kind: 'reward',
    internal: 0,
    author_id: actorId(actor),
    author_label: actorLabel(actor),
    body: null,
    data: JSON.stringify({ awardId, kind: input.kind, amount: input.amount, amountDecimal: formatMinorUnits(input.amount, currency), currency }),
    created_at: now,
  });
  await recordAudit(context, trx, actor, {
    action: 'reward.awarded',
    objectType: 'report',
    objectId: report.id,
    data: { awardId, kind: input.kind, amount: input.amount, currency, entries: entries.map((e) => ({ id: e.id, userId: e.user_id, amount: e.amount, share: e.share })) },
  });
  const award: Award = { awardId, report, amount: input.amount, currency, kind: input.kind, entries };
  await announceAward(context, trx, actor, award);
  return award;
}

// ---------------------------------------------------------------- reading

export interface ReportRewards {
  /** Who shares the report's rewards, and how. */
  split: { userId: string; share: number; submitter: boolean }[];
  /** Staff: every entry; the submitter or a collaborator: their own. */
  items: RewardView[];
}

export async function listReportRewards(db: Executor, actor: Actor, reportId: string): Promise<ReportRewards> {
  const report = await getReportRow(db, actor, reportId);
  const all = canSeeAllRewardsOnReport(actor);
  let query = db.selectFrom('rewards').selectAll().where('report_id', '=', report.id).orderBy('created_at').orderBy('id');
  if (!all) query = query.where('user_id', '=', actor.kind === 'user' ? actor.userId : '');
  const [rows, split] = await Promise.all([query.execute(), reportParticipants(db, report)]);
  return { split, items: rows.map((row) => presentReward(row, all)) };
}

export interface LedgerFilter {
  state?: RewardState | undefined;
  programId?: string | undefined;
  after?: string | undefined;
  limit: number;
}

export interface LedgerItem extends RewardView {
  recipient: { id: string; email: string; name: string };
  report: { id: string; title: string };
  program: { id: string; slug: string };
}

const encodeCursor = (row: { created_at: string; id: string }) => encodeKeysetCursor(row.created_at, row.id);

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  const { at, id } = decodeKeysetCursor(cursor);
  return { createdAt: at, id };
}

function ledgerQuery(db: Executor, filter: Omit<LedgerFilter, 'limit' | 'after'>) {
  let query = db
    .selectFrom('rewards as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .innerJoin('reports as rep', 'rep.id', 'r.report_id')
    .innerJoin('programs as p', 'p.id', 'r.program_id')
    .selectAll('r')
    .select(['u.email as recipient_email', 'u.name as recipient_name', 'rep.title as report_title', 'p.slug as program_slug'])
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc');
  if (filter.state) query = query.where('r.state', '=', filter.state);
  if (filter.programId) query = query.where('r.program_id', '=', filter.programId);
  return query;
}

/** Every reward (leads), newest first, keyset pages. */
export async function listLedger(db: Executor, actor: Actor, filter: LedgerFilter): Promise<{ items: LedgerItem[]; next: string | null }> {
  assertCanManageLedger(actor);
  let query = ledgerQuery(db, filter).limit(filter.limit + 1);
  if (filter.after) {
    const cursor = decodeCursor(filter.after);
    query = query.where((eb) => eb.or([eb('r.created_at', '<', cursor.createdAt), eb.and([eb('r.created_at', '=', cursor.createdAt), eb('r.id', '<', cursor.id)])]));
  }
  const rows = await query.execute();
  const page = rows.slice(0, filter.limit);
  return {
    items: page.map((row) => ({
      ...presentReward(row, true),
      recipient: { id: row.user_id, email: row.recipient_email, name: row.recipient_name },
      report: { id: row.report_id, title: row.report_title },
      program: { id: row.program_id, slug: row.program_slug },
    })),
    next: rows.length > filter.limit ? encodeCursor(page[page.length - 1]!) : null,
  };
}

export const CSV_COLUMNS = [
  'reward_id',
  'award_id',
  'state',
  'kind',
  'amount',
  'amount_minor',
  'currency',
  'share_percent',
  'recipient_id',
  'recipient_email',
  'recipient_name',
  'report_id',
  'report_title',
  'program',
  'note',
  'reference',
  'created_at',
  'created_by',
  'paid_at',
  'cancelled_at',
] as const;

/**
 * The ledger as CSV for payouts (leads): oldest first, every cell escaped and guarded against
 * formula injection (reward-csv.ts). Taking the export is audited: it holds people's addresses.
 */
export async function exportLedgerCsv(context: AppContext, trx: Executor, actor: Actor, filter: Omit<LedgerFilter, 'limit' | 'after'>): Promise<string> {
  assertCanManageLedger(actor);
  const rows = (await ledgerQuery(trx, filter).execute()).reverse();
  await recordAudit(context, trx, actor, { action: 'reward.exported', objectType: 'rewards', objectId: null, data: { rows: rows.length, ...(filter.state ? { state: filter.state } : {}), ...(filter.programId ? { programId: filter.programId } : {}) } });
  let csv = csvRow(CSV_COLUMNS);
  for (const row of rows) {
    csv += csvRow([
      row.id,
      row.award_id,
      row.state,
      row.kind,
      formatMinorUnits(row.amount, row.currency),
      row.amount,
      row.currency,
      row.share,
      row.user_id,
      row.recipient_email,
      row.recipient_name,
      row.report_id,
      row.report_title,
      row.program_slug,
      row.note,
      row.reference,
      row.created_at,
      row.created_by_label,
      row.paid_at,
      row.cancelled_at,
    ]);
  }
  return csv;
}

// ---------------------------------------------------------------- settling

export interface RewardStateInput {
  to: RewardState;
  /** Payment reference when paid; the reason when cancelled. */
  reference?: string | undefined;
}

/** awarded → paid or awarded → cancelled (leads); each audited. A settled reward stays settled. */
export async function changeRewardState(context: AppContext, trx: Executor, actor: Actor, id: string, input: RewardStateInput): Promise<RewardRow> {
  assertCanManageLedger(actor);
  const row = await trx.selectFrom('rewards').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Reward');
  const allowed = REWARD_TRANSITIONS[row.state];
  if (!allowed.includes(input.to)) {
    throw new AppError(
      'invalid_transition',
      allowed.length ? `A reward that is ${row.state} cannot become ${input.to}; allowed: ${allowed.join(', ')}` : `A reward that is ${row.state} is settled and cannot change`,
      allowed.map((state) => ({ field: '/to', message: state })),
    );
  }
  const reference = cleanText(input.reference, '/reference', REWARD_LIMITS.reference);
  const now = iso(context.clock.now());
  const changes = {
    state: input.to,
    reference: reference ?? row.reference,
    updated_at: now,
    ...(input.to === 'paid' ? { paid_at: now } : {}),
    ...(input.to === 'cancelled' ? { cancelled_at: now } : {}),
  };
  // Guarded on the state read above, so two leads settling at once cannot both succeed.
  const result = await trx.updateTable('rewards').set(changes).where('id', '=', id).where('state', '=', row.state).executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new AppError('conflict', 'The reward changed meanwhile; read it again');
  await recordAudit(context, trx, actor, {
    action: `reward.${input.to}`,
    objectType: 'reward',
    objectId: id,
    data: { reportId: row.report_id, userId: row.user_id, amount: row.amount, currency: row.currency, from: row.state, ...(reference ? { reference } : {}) },
  });
  const settled = { ...row, ...changes };
  await announceRewardSettled(context, trx, actor, settled);
  return settled;
}

// ---------------------------------------------------------------- earnings

export interface Earnings {
  items: RewardView[];
  /** Per currency, in minor units, by state. */
  totals: { currency: string; awarded: number; paid: number; cancelled: number }[];
}

/** The signed-in person's own ledger entries and totals; nobody else's. */
export async function myEarnings(db: Executor, actor: Actor): Promise<Earnings> {
  if (actor.kind !== 'user') return { items: [], totals: [] };
  const rows = await db.selectFrom('rewards').selectAll().where('user_id', '=', actor.userId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  const totals = new Map<string, { currency: string; awarded: number; paid: number; cancelled: number }>();
  for (const row of rows) {
    const total = totals.get(row.currency) ?? { currency: row.currency, awarded: 0, paid: 0, cancelled: 0 };
    total[row.state] += row.amount;
    totals.set(row.currency, total);
  }
  return { items: rows.map((row) => presentReward(row, false)), totals: [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency)) };
}

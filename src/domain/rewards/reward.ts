import type { Selectable } from 'kysely';
import { invalid } from '../../shared/errors.js';
import type { ReportCollaboratorTable, RewardTable } from './reward.table.js';

export type RewardRow = Selectable<RewardTable>;
export type CollaboratorRow = Selectable<ReportCollaboratorTable>;

export const REWARD_KINDS = ['bounty', 'bonus'] as const;
export const REWARD_STATES = ['awarded', 'paid', 'cancelled'] as const;
export type RewardKind = (typeof REWARD_KINDS)[number];
export type RewardState = (typeof REWARD_STATES)[number];

/** Report states in which a report may be rewarded (a bonus may follow disclosure). */
export const REWARDABLE_STATES = ['triaged', 'resolved', 'disclosed'] as const;

/** A reward is settled once: paid or cancelled, by a lead. */
export const REWARD_TRANSITIONS: Record<RewardState, readonly RewardState[]> = { awarded: ['paid', 'cancelled'], paid: [], cancelled: [] };

export const REWARD_LIMITS = {
  /** Minor units; fits a 32-bit integer column on both engines. */
  maxAmount: 2_000_000_000,
  note: 2000,
  reference: 200,
  collaborators: 5,
} as const;

const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

function assertCurrencyShape(currency: string, field: string): void {
  if (!/^[A-Z]{3}$/.test(currency)) throw invalid(field, 'must be an ISO 4217 code such as USD');
}

/**
 * validation_failed naming `field` unless `currency` is an ISO 4217 code: Intl formats any three
 * capital letters, only the codes it lists as currencies are ISO 4217's. For what is entered now
 * (a programme's reward table, an award's currency); codes stored before this check still display.
 */
export function assertKnownCurrency(currency: string, field = '/currency'): void {
  assertCurrencyShape(currency, field);
  if (!KNOWN_CURRENCIES.has(currency)) throw invalid(field, `"${currency}" is not a known currency`);
}

/** Decimal places of a currency (USD 2, JPY 0, BHD 3); 2 for a well-formed code Intl does not know. */
export function currencyDigits(currency: string, field = '/currency'): number {
  assertCurrencyShape(currency, field);
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** An amount in major units (as in a programme's reward table) in integer minor units. */
export function toMinorUnits(major: number, currency: string): number {
  return Math.round(major * 10 ** currencyDigits(currency));
}

/** Integer minor units as a plain decimal string (`123456`, USD → `1234.56`), exact. */
export function formatMinorUnits(minor: number, currency: string): string {
  const digits = currencyDigits(currency);
  const sign = minor < 0 ? '-' : '';
  const text = String(Math.abs(minor)).padStart(digits + 1, '0');
  return digits === 0 ? `${sign}${text}` : `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

export interface Participant {
  userId: string;
  /** Percent, integer. */
  share: number;
  submitter: boolean;
}

/**
 * Splits `amount` (integer minor units) by percentage. Each collaborator gets their share rounded
 * towards zero; the submitter gets the rest, so the parts always add up to `amount` exactly.
 * Works for negative amounts too (reputation penalties).
 */
export function splitAmount(amount: number, participants: readonly Participant[]): { userId: string; share: number; amount: number }[] {
  if (!Number.isInteger(amount)) throw new Error('splitAmount needs an integer amount');
  const collaborators = participants.filter((p) => !p.submitter).map((p) => ({ userId: p.userId, share: p.share, amount: Math.trunc((amount * p.share) / 100) }));
  const submitter = participants.find((p) => p.submitter);
  if (!submitter) throw new Error('splitAmount needs the submitter');
  const rest = amount - collaborators.reduce((sum, p) => sum + p.amount, 0);
  return [{ userId: submitter.userId, share: submitter.share, amount: rest }, ...collaborators];
}

export interface RewardView {
  id: string;
  awardId: string;
  reportId: string;
  programId: string;
  userId: string;
  /** Integer minor units of `currency`. */
  amount: number;
  /** The same amount as a decimal string in major units. */
  amountDecimal: string;
  currency: string;
  kind: RewardKind;
  state: RewardState;
  share: number;
  note: string | null;
  reference: string | null;
  createdAt: string;
  updatedAt: string;
  paidAt: string | null;
  cancelledAt: string | null;
  /** Staff views only. */
  createdBy?: string;
}

export function presentReward(row: RewardRow, staff: boolean): RewardView {
  return {
    id: row.id,
    awardId: row.award_id,
    reportId: row.report_id,
    programId: row.program_id,
    userId: row.user_id,
    amount: row.amount,
    amountDecimal: formatMinorUnits(row.amount, row.currency),
    currency: row.currency,
    kind: row.kind,
    state: row.state,
    share: row.share,
    note: row.note,
    reference: row.reference,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    paidAt: row.paid_at,
    cancelledAt: row.cancelled_at,
    ...(staff ? { createdBy: row.created_by_label } : {}),
  };
}

import { isOpen, type CaseState, type ParticipantRole, type VulnerabilityStatus } from './case.js';
import type { DisclosureCondition, DisclosurePolicy, PolicyValues } from './case-policies.js';

/**
 * What is due on a case, and when: a pure function of the case's facts, its policy and the
 * time, so it is the same for the case page, the reminders job and the calendar feed, and is
 * tested with a fixed clock.
 */

export interface ParticipantFacts {
  id: string;
  name: string;
  role: ParticipantRole;
  firstNoticeAt: string | null;
  lastNoticeAt: string | null;
  noticeCount: number;
  acknowledgedAt: string | null;
  escalatedAt: string | null;
  /** Its status for each vulnerability shared with it. */
  statuses: { status: VulnerabilityStatus; changedAt: string }[];
}

export interface CaseFacts {
  state: CaseState;
  createdAt: string;
  exploitedAt: string | null;
  embargoEndsAt: string | null;
  participants: ParticipantFacts[];
  pendingExtensions: { id: string; participantId: string; requestedUntil: string; createdAt: string }[];
  /** The latest date an accepted extension runs to. */
  extendedUntil: string | null;
  /** The latest disclosure decision, if one was recorded. */
  decision: { condition: DisclosureCondition; decidedAt: string; discloseAt: string | null } | null;
}

export const ACTION_KINDS = ['send_notice', 'follow_up', 'escalate', 'decide_extension', 'deadline_warning', 'deadline', 'consider_disclosure', 'embargo_ends', 'disclose'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export interface NextAction {
  kind: ActionKind;
  participantId: string | null;
  due: string;
  overdue: boolean;
  /** The disclosure condition the action would rest on. */
  condition: DisclosureCondition | null;
  text: string;
}

export type DeadlineReason = 'deadline' | 'fix_released' | 'active_exploitation' | 'extension';

export interface CaseDates {
  /** The first notice to a vendor (to anyone, when no vendor was notified): the policy's clock starts here. */
  clockStartsAt: string | null;
  /** When every vendor has fixed (or is not affected by) every vulnerability shared with it. */
  fixReleasedAt: string | null;
  /** The policy's publication date, when it has one. */
  deadline: string | null;
  deadlineReason: DeadlineReason | null;
  embargoEndsAt: string | null;
}

export interface NextActions {
  dates: CaseDates;
  actions: NextAction[];
}

const DAY = 86_400_000;
const at = (ms: number) => new Date(ms).toISOString();
const ms = (text: string) => Date.parse(text);
const earliest = (values: (string | null)[]) => values.filter((v): v is string => v !== null).sort()[0] ?? null;

/** Every shared vulnerability fixed or not affected (at least one fixed), for every vendor that has any: the time of the last fix. */
function fixReleasedAt(participants: ParticipantFacts[]): string | null {
  const vendors = participants.filter((p) => p.role === 'vendor' && p.statuses.length > 0);
  if (vendors.length === 0) return null;
  let last: string | null = null;
  let anyFixed = false;
  for (const vendor of vendors) {
    for (const s of vendor.statuses) {
      if (s.status === 'fixed') {
        anyFixed = true;
        if (!last || s.changedAt > last) last = s.changedAt;
      } else if (s.status !== 'not_affected') return null;
    }
  }
  return anyFixed ? last : null;
}

export function computeDates(facts: CaseFacts, values: PolicyValues): CaseDates {
  const vendors = facts.participants.filter((p) => p.role === 'vendor');
  const clockStartsAt = earliest(vendors.map((p) => p.firstNoticeAt)) ?? earliest(facts.participants.map((p) => p.firstNoticeAt));
  const fixed = fixReleasedAt(facts.participants);
  let deadline: number | null = null;
  let reason: DeadlineReason | null = null;
  if (values.deadlineDays !== null && clockStartsAt) {
    deadline = ms(clockStartsAt) + values.deadlineDays * DAY;
    reason = 'deadline';
  }
  if (deadline !== null && values.postFixDays !== null && fixed) {
    // Fixed: publication waits for patch adoption instead of the original deadline.
    deadline = ms(fixed) + values.postFixDays * DAY;
    reason = 'fix_released';
  }
  if (values.exploitedDays !== null && facts.exploitedAt) {
    const exploited = ms(facts.exploitedAt) + values.exploitedDays * DAY;
    if (deadline === null || exploited < deadline) {
      deadline = exploited;
      reason = 'active_exploitation';
    }
  }
  if (deadline !== null && facts.extendedUntil && ms(facts.extendedUntil) > deadline) {
    deadline = ms(facts.extendedUntil);
    reason = 'extension';
  }
  return { clockStartsAt, fixReleasedAt: fixed, deadline: deadline === null ? null : at(deadline), deadlineReason: reason, embargoEndsAt: facts.embargoEndsAt };
}

function allowed(policy: DisclosurePolicy, condition: DisclosureCondition): DisclosureCondition | null {
  return (policy.conditions as readonly string[]).includes(condition) ? condition : null;
}

export function computeNextActions(facts: CaseFacts, policy: DisclosurePolicy, values: PolicyValues, now: Date): NextActions {
  const dates = computeDates(facts, values);
  if (!isOpen(facts.state)) return { dates, actions: [] };
  const actions: Omit<NextAction, 'overdue'>[] = [];
  const add = (kind: ActionKind, due: number | string, text: string, participantId: string | null = null, condition: DisclosureCondition | null = null) =>
    actions.push({ kind, due: typeof due === 'string' ? due : at(due), text, participantId, condition });

  for (const p of facts.participants) {
    if (p.role === 'reporter_org') continue;
    if (!p.firstNoticeAt || !p.lastNoticeAt) {
      add('send_notice', facts.createdAt, `Send the first notice to ${p.name}`, p.id);
      continue;
    }
    if (p.acknowledgedAt) continue;
    const answerBy = ms(p.lastNoticeAt) + values.followUpDays * DAY;
    if (p.noticeCount < values.attempts) {
      add('follow_up', answerBy, `Follow up with ${p.name}: ${p.noticeCount} notice${p.noticeCount === 1 ? '' : 's'} unacknowledged`, p.id);
      continue;
    }
    // N attempts made: escalate (vendors) once the last one has had its time, and the vendor counts as unreachable after M days.
    if (p.role === 'vendor' && !p.escalatedAt) add('escalate', answerBy, `Escalate to a coordinator: ${p.name} has not acknowledged ${p.noticeCount} notices`, p.id);
    const unreachable = allowed(policy, 'vendor_unreachable');
    if (p.role === 'vendor' && unreachable) {
      add('consider_disclosure', Math.max(answerBy, ms(p.firstNoticeAt) + values.unreachableDays * DAY), `${p.name} is unreachable after ${p.noticeCount} attempts over ${values.unreachableDays}+ days`, p.id, unreachable);
    }
  }

  for (const request of facts.pendingExtensions) {
    const who = facts.participants.find((p) => p.id === request.participantId)?.name ?? 'A participant';
    add('decide_extension', request.createdAt, `${who} asks for more time, until ${request.requestedUntil}: accept or decline`, request.participantId);
  }

  if (facts.decision) {
    add('disclose', facts.decision.discloseAt ?? facts.decision.decidedAt, `Publish: disclosure decided (${facts.decision.condition})`, null, facts.decision.condition);
  } else if (dates.deadline) {
    const deadline = ms(dates.deadline);
    const condition =
      dates.deadlineReason === 'active_exploitation' ? allowed(policy, 'active_exploitation') : dates.deadlineReason === 'fix_released' ? allowed(policy, 'fix_released') : allowed(policy, 'deadline_reached');
    const warnAt = deadline - values.warnDays * DAY;
    if (values.warnDays > 0 && now.getTime() < deadline) add('deadline_warning', warnAt, `Disclosure deadline in ${values.warnDays} days (${dates.deadline})`, null, condition);
    add('deadline', deadline, `Disclosure deadline (${dates.deadlineReason})`, null, condition);
  } else {
    // No fixed deadline: conditions that allow disclosure once they hold.
    const fix = allowed(policy, 'fix_released');
    if (dates.fixReleasedAt && fix) add('consider_disclosure', dates.fixReleasedAt, 'Every vendor has released a fix: disclosure may go ahead', null, fix);
    const exploited = allowed(policy, 'active_exploitation');
    if (facts.exploitedAt && exploited) add('consider_disclosure', facts.exploitedAt, 'Active exploitation is known: disclosure may go ahead', null, exploited);
  }
  if (facts.embargoEndsAt) add('embargo_ends', facts.embargoEndsAt, 'The embargo ends');

  const nowMs = now.getTime();
  return {
    dates,
    actions: actions
      .map((a) => ({ ...a, overdue: ms(a.due) <= nowMs }))
      .sort((a, b) => a.due.localeCompare(b.due) || ACTION_KINDS.indexOf(a.kind) - ACTION_KINDS.indexOf(b.kind)),
  };
}

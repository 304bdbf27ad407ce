import { describe, expect, it } from 'vitest';
import { computeDates, computeNextActions, type CaseFacts, type ParticipantFacts } from '../../../src/domain/cases/case-next-actions.js';
import { checkPolicyValues, effectiveValues, findPolicy, assertConditionAllowed, type DisclosurePolicy } from '../../../src/domain/cases/case-policies.js';
import { testClock } from '../../helpers/databases.js';

const DAY = 86_400_000;
const START = '2026-01-01T09:00:00.000Z';
const day = (n: number, from = START) => new Date(Date.parse(from) + n * DAY).toISOString();
const policy = (key: string) => findPolicy(key)!;
const values = (p: DisclosurePolicy) => effectiveValues(p, undefined);

function vendor(overrides: Partial<ParticipantFacts> = {}): ParticipantFacts {
  return { id: 'p1', name: 'Acme', role: 'vendor', firstNoticeAt: null, lastNoticeAt: null, noticeCount: 0, acknowledgedAt: null, escalatedAt: null, statuses: [{ status: 'unknown', changedAt: START }], ...overrides };
}

function facts(overrides: Partial<CaseFacts> = {}): CaseFacts {
  return { state: 'notifying', createdAt: START, exploitedAt: null, embargoEndsAt: null, participants: [vendor()], pendingExtensions: [], extendedUntil: null, decision: null, ...overrides };
}

const kinds = (f: CaseFacts, key: string, now: Date) => computeNextActions(f, policy(key), values(policy(key)), now).actions.map((a) => a.kind);

describe('next actions with a test clock', () => {
  it('asks for the first notice of a participant never notified', () => {
    const clock = testClock(new Date(START));
    const result = computeNextActions(facts({ state: 'draft' }), policy('organisation_default'), values(policy('organisation_default')), clock.now());
    expect(result.actions).toEqual([expect.objectContaining({ kind: 'send_notice', participantId: 'p1', due: START, overdue: true })]);
    expect(result.dates.clockStartsAt).toBeNull();
    expect(result.dates.deadline).toBeNull();
  });

  it('schedules follow-ups a policy interval after the last unacknowledged notice, overdue only once due', () => {
    const clock = testClock(new Date(day(3)));
    const f = facts({ participants: [vendor({ firstNoticeAt: START, lastNoticeAt: START, noticeCount: 1 })] });
    const before = computeNextActions(f, policy('organisation_default'), values(policy('organisation_default')), clock.now());
    expect(before.actions).toEqual([expect.objectContaining({ kind: 'follow_up', due: day(7), overdue: false })]);
    clock.advance(4 * DAY);
    const after = computeNextActions(f, policy('organisation_default'), values(policy('organisation_default')), clock.now());
    expect(after.actions[0]).toMatchObject({ kind: 'follow_up', overdue: true });
  });

  it('after N unacknowledged attempts escalates, and the vendor counts as unreachable after M days', () => {
    const p = policy('organisation_default');
    const f = facts({ participants: [vendor({ firstNoticeAt: START, lastNoticeAt: day(14), noticeCount: 3 })] });
    const result = computeNextActions(f, p, values(p), new Date(day(22)));
    expect(result.actions.map((a) => [a.kind, a.due, a.overdue])).toEqual([
      ['escalate', day(21), true],
      ['consider_disclosure', day(30), false],
    ]);
    expect(result.actions[1]!.condition).toBe('vendor_unreachable');
    // With different N and M from the organisation's settings.
    const custom = effectiveValues(p, { attempts: 5, unreachableDays: 60 });
    expect(computeNextActions(f, p, custom, new Date(day(22))).actions.map((a) => a.kind)).toEqual(['follow_up']);
  });

  it('does not escalate twice, and acknowledged participants need no follow-up', () => {
    const escalated = facts({ participants: [vendor({ firstNoticeAt: START, lastNoticeAt: day(14), noticeCount: 3, escalatedAt: day(22) })] });
    expect(kinds(escalated, 'organisation_default', new Date(day(23)))).toEqual(['consider_disclosure']);
    const acknowledged = facts({ participants: [vendor({ firstNoticeAt: START, lastNoticeAt: START, noticeCount: 1, acknowledgedAt: day(1) })] });
    expect(kinds(acknowledged, 'organisation_default', new Date(day(30)))).toEqual([]);
  });

  it('coordinators get follow-ups but are never escalated or judged unreachable', () => {
    const coordinator = vendor({ id: 'c1', role: 'coordinator', firstNoticeAt: START, lastNoticeAt: day(14), noticeCount: 3 });
    expect(kinds(facts({ participants: [coordinator] }), 'organisation_default', new Date(day(40)))).toEqual([]);
  });

  it('90+30: the deadline runs 90 days from the first notice, with a warning 14 days before', () => {
    const f = facts({ participants: [vendor({ firstNoticeAt: START, lastNoticeAt: START, noticeCount: 1, acknowledgedAt: day(2), statuses: [{ status: 'affected', changedAt: day(2) }] })] });
    const result = computeNextActions(f, policy('deadline_90_30'), values(policy('deadline_90_30')), new Date(day(10)));
    expect(result.dates).toMatchObject({ clockStartsAt: START, deadline: day(90), deadlineReason: 'deadline' });
    expect(result.actions.map((a) => [a.kind, a.due, a.condition])).toEqual([
      ['deadline_warning', day(76), 'deadline_reached'],
      ['deadline', day(90), 'deadline_reached'],
    ]);
    // Past the deadline the warning is gone and the deadline is overdue.
    const late = computeNextActions(f, policy('deadline_90_30'), values(policy('deadline_90_30')), new Date(day(91)));
    expect(late.actions).toEqual([expect.objectContaining({ kind: 'deadline', overdue: true })]);
  });

  it('90+30: a fix moves publication to 30 days after the fix', () => {
    const f = facts({ participants: [vendor({ firstNoticeAt: START, lastNoticeAt: START, noticeCount: 1, acknowledgedAt: day(2), statuses: [{ status: 'fixed', changedAt: day(40) }, { status: 'not_affected', changedAt: day(3) }] })] });
    const dates = computeDates(f, values(policy('deadline_90_30')));
    expect(dates).toMatchObject({ fixReleasedAt: day(40), deadline: day(70), deadlineReason: 'fix_released' });
    // One vendor still affected: not fixed.
    const two = facts({ participants: [...f.participants, vendor({ id: 'p2', firstNoticeAt: START, lastNoticeAt: START, noticeCount: 1, acknowledgedAt: day(1), statuses: [{ status: 'affected', changedAt: day(1) }] })] });
    expect(computeDates(two, values(policy('deadline_90_30')))).toMatchObject({ fixReleasedAt: null, deadline: day(90) });
  });

  it('90+30: exploitation in the wild shortens the deadline to 7 days', () => {
    const f = facts({ exploitedAt: day(20), participants: [vendor({ firstNoticeAt: START, lastNoticeAt: START, noticeCount: 1, acknowledgedAt: day(2) })] });
    const result = computeNextActions(f, policy('deadline_90_30'), values(policy('deadline_90_30')), new Date(day(21)));
    expect(result.dates).toMatchObject({ deadline: day(27), deadlineReason: 'active_exploitation' });
    expect(result.actions.find((a) => a.kind === 'deadline')!.condition).toBe('active_exploitation');
  });

  it('an accepted extension moves the deadline; a pending one asks for a decision', () => {
    const base = { participants: [vendor({ firstNoticeAt: START, lastNoticeAt: START, noticeCount: 1, acknowledgedAt: day(2) })] };
    expect(computeDates(facts({ ...base, extendedUntil: day(120) }), values(policy('deadline_90_30')))).toMatchObject({ deadline: day(120), deadlineReason: 'extension' });
    // An extension shorter than the deadline changes nothing.
    expect(computeDates(facts({ ...base, extendedUntil: day(50) }), values(policy('deadline_90_30')))).toMatchObject({ deadline: day(90), deadlineReason: 'deadline' });
    const pending = facts({ ...base, pendingExtensions: [{ id: 'e1', participantId: 'p1', requestedUntil: day(120), createdAt: day(60) }] });
    expect(computeNextActions(pending, policy('deadline_90_30'), values(policy('deadline_90_30')), new Date(day(61))).actions[0]).toMatchObject({ kind: 'decide_extension', participantId: 'p1', overdue: true });
  });

  it('45-day coordinator policy: 45 days, fixed or not, from the first notice to a vendor', () => {
    const coordinatorFirst = vendor({ id: 'c1', role: 'coordinator', firstNoticeAt: day(-5), lastNoticeAt: day(-5), noticeCount: 1, acknowledgedAt: day(-4) });
    const f = facts({ participants: [coordinatorFirst, vendor({ firstNoticeAt: START, lastNoticeAt: START, noticeCount: 1, acknowledgedAt: day(1), statuses: [{ status: 'fixed', changedAt: day(10) }] })] });
    expect(computeDates(f, values(policy('coordinator_45')))).toMatchObject({ clockStartsAt: START, deadline: day(45), deadlineReason: 'deadline' });
  });

  it('default policy (no deadline): a released fix or known exploitation allows disclosure', () => {
    const f = facts({ exploitedAt: day(5), participants: [vendor({ firstNoticeAt: START, lastNoticeAt: START, noticeCount: 1, acknowledgedAt: day(1), statuses: [{ status: 'fixed', changedAt: day(10) }] })] });
    const result = computeNextActions(f, policy('organisation_default'), values(policy('organisation_default')), new Date(day(11)));
    expect(result.dates.deadline).toBeNull();
    expect(result.actions.map((a) => [a.kind, a.condition, a.due])).toEqual([
      ['consider_disclosure', 'active_exploitation', day(5)],
      ['consider_disclosure', 'fix_released', day(10)],
    ]);
  });

  it('once a decision is recorded, the next action is publication; closed and disclosed cases have none', () => {
    const f = facts({ decision: { condition: 'vendor_consent', decidedAt: day(3), discloseAt: day(10) }, embargoEndsAt: day(10) });
    const result = computeNextActions(f, policy('organisation_default'), values(policy('organisation_default')), new Date(day(4)));
    expect(result.actions.map((a) => a.kind)).toEqual(['send_notice', 'embargo_ends', 'disclose']);
    expect(kinds(facts({ state: 'closed' }), 'deadline_90_30', new Date(day(4)))).toEqual([]);
    expect(kinds(facts({ state: 'disclosed' }), 'deadline_90_30', new Date(day(4)))).toEqual([]);
  });

  it('is pure: the same facts and time give the same answer', () => {
    const f = facts({ participants: [vendor({ firstNoticeAt: START, lastNoticeAt: START, noticeCount: 1 })] });
    const now = new Date(day(9));
    expect(computeNextActions(f, policy('deadline_90_30'), values(policy('deadline_90_30')), now)).toEqual(computeNextActions(structuredClone(f), policy('deadline_90_30'), values(policy('deadline_90_30')), now));
  });
});

describe('disclosure policies', () => {
  it('ships the three policies with their conditions', () => {
    expect(policy('organisation_default').conditions).toEqual(['vendor_consent', 'fix_released', 'active_exploitation', 'vendor_unreachable', 'vendor_unlikely_to_act', 'public_interest', 'legal_requirement']);
    expect(policy('deadline_90_30').defaults).toMatchObject({ deadlineDays: 90, postFixDays: 30, exploitedDays: 7 });
    expect(policy('coordinator_45').defaults).toMatchObject({ deadlineDays: 45 });
  });

  it('allows only the conditions a policy names', () => {
    expect(assertConditionAllowed(policy('organisation_default'), 'vendor_unlikely_to_act')).toBe('vendor_unlikely_to_act');
    expect(() => assertConditionAllowed(policy('organisation_default'), 'deadline_reached')).toThrow(/not a condition the Organisation default/);
    expect(() => assertConditionAllowed(policy('deadline_90_30'), 'vendor_unreachable')).toThrow(/validation_failed|not a condition/);
  });

  it('checks organisation values: bounds, whole numbers, and no clock a policy lacks', () => {
    expect(checkPolicyValues(policy('organisation_default'), { attempts: 5, unreachableDays: 45 })).toEqual({ attempts: 5, unreachableDays: 45 });
    expect(() => checkPolicyValues(policy('organisation_default'), { attempts: 0 })).toThrow(/attempts/);
    expect(() => checkPolicyValues(policy('organisation_default'), { attempts: 2.5 })).toThrow(/whole number/);
    expect(() => checkPolicyValues(policy('organisation_default'), { deadlineDays: 30 })).toThrow(/has no such clock/);
    expect(checkPolicyValues(policy('deadline_90_30'), { attempts: null })).toEqual({ attempts: null });
    expect(checkPolicyValues(policy('deadline_90_30'), { deadlineDays: 120 })).toEqual({ deadlineDays: 120 });
  });
});

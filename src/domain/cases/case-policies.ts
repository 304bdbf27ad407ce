import { invalid } from '../../shared/errors.js';

/**
 * Disclosure policies as configuration: a registry in code (what each policy allows and how its
 * clock runs) and, per organisation, the numbers (case_policy_settings). Each case names one.
 */

/** Conditions a disclosure decision can rest on; each policy allows a subset. */
export const DISCLOSURE_CONDITIONS = [
  'vendor_consent',
  'fix_released',
  'active_exploitation',
  'vendor_unreachable',
  'vendor_unlikely_to_act',
  'public_interest',
  'legal_requirement',
  'deadline_reached',
] as const;
export type DisclosureCondition = (typeof DISCLOSURE_CONDITIONS)[number];

export const CONDITION_LABELS: Record<DisclosureCondition, string> = {
  vendor_consent: 'The vendor agreed to publication',
  fix_released: 'A fix has been released',
  active_exploitation: 'Credible evidence of active exploitation',
  vendor_unreachable: 'The vendor could not be reached after the configured attempts',
  vendor_unlikely_to_act: 'The vendor is unlikely to act',
  public_interest: 'Publication is in the public interest',
  legal_requirement: 'Publication is required by law',
  deadline_reached: "The policy's deadline has passed",
};

/** The numbers a policy runs on; null: that clock does not apply. */
export interface PolicyValues {
  /** Days between notices to a participant that has not acknowledged. */
  followUpDays: number;
  /** N: notices without acknowledgement before a vendor counts as unreachable (and escalation is due). */
  attempts: number;
  /** M: days since the first notice before a vendor counts as unreachable (together with N). */
  unreachableDays: number;
  /** Days from the first notice to publication; null: no fixed deadline. */
  deadlineDays: number | null;
  /** Days after a fix is released until publication (patch adoption); null: publish on the deadline. */
  postFixDays: number | null;
  /** Days from known exploitation in the wild to publication; null: no shorter clock. */
  exploitedDays: number | null;
  /** How many days before a deadline the owner is warned. */
  warnDays: number;
}

export interface DisclosurePolicy {
  key: string;
  name: string;
  description: string;
  conditions: readonly DisclosureCondition[];
  defaults: PolicyValues;
}

export const DISCLOSURE_POLICIES = [
  {
    key: 'organisation_default',
    name: 'Organisation default (no fixed deadline)',
    description:
      'No fixed publication deadline. Publication when the vendor consents, a fix is released, there is credible active exploitation, the vendor cannot be reached after N attempts over M days, the vendor is unlikely to act, or the public interest or the law requires it.',
    conditions: ['vendor_consent', 'fix_released', 'active_exploitation', 'vendor_unreachable', 'vendor_unlikely_to_act', 'public_interest', 'legal_requirement'],
    defaults: { followUpDays: 7, attempts: 3, unreachableDays: 30, deadlineDays: null, postFixDays: null, exploitedDays: null, warnDays: 7 },
  },
  {
    key: 'deadline_90_30',
    name: '90+30 deadline',
    description:
      'Publication 90 days after the first notice; when a fix is released within that time, 30 days after the fix (for patch adoption). 7 days when the flaw is exploited in the wild.',
    conditions: ['deadline_reached', 'fix_released', 'vendor_consent', 'active_exploitation'],
    defaults: { followUpDays: 7, attempts: 3, unreachableDays: 30, deadlineDays: 90, postFixDays: 30, exploitedDays: 7, warnDays: 14 },
  },
  {
    key: 'coordinator_45',
    name: '45-day coordinator policy (CERT/CC style)',
    description: 'Publication 45 days after the first notice, fixed or not; earlier with vendor consent, a released fix or active exploitation.',
    conditions: ['deadline_reached', 'vendor_consent', 'fix_released', 'active_exploitation', 'public_interest'],
    defaults: { followUpDays: 7, attempts: 3, unreachableDays: 21, deadlineDays: 45, postFixDays: null, exploitedDays: null, warnDays: 7 },
  },
] as const satisfies readonly DisclosurePolicy[];

export type PolicyKey = (typeof DISCLOSURE_POLICIES)[number]['key'];
export const POLICY_KEYS = DISCLOSURE_POLICIES.map((p) => p.key) as PolicyKey[];
export const DEFAULT_POLICY: PolicyKey = 'organisation_default';

export function findPolicy(key: string): DisclosurePolicy | undefined {
  return (DISCLOSURE_POLICIES as readonly DisclosurePolicy[]).find((p) => p.key === key);
}

export function policyOrThrow(key: string, field = '/policy'): DisclosurePolicy {
  const policy = findPolicy(key);
  if (!policy) throw invalid(field, `unknown policy "${key.slice(0, 60)}" (one of ${POLICY_KEYS.join(', ')})`);
  return policy;
}

const BOUNDS: Record<keyof PolicyValues, { min: number; max: number }> = {
  followUpDays: { min: 1, max: 365 },
  attempts: { min: 1, max: 20 },
  unreachableDays: { min: 1, max: 3650 },
  deadlineDays: { min: 1, max: 3650 },
  postFixDays: { min: 0, max: 3650 },
  exploitedDays: { min: 0, max: 3650 },
  warnDays: { min: 0, max: 365 },
};

/**
 * Validates overrides for a policy: whole numbers within bounds, or null for "back to the shipped
 * default"; a clock a policy does not have (null in its defaults) cannot be switched on, since its
 * conditions would not match.
 */
export function checkPolicyValues(policy: DisclosurePolicy, overrides: Partial<Record<keyof PolicyValues, number | null>>): Partial<Record<keyof PolicyValues, number | null>> {
  const checked: Partial<Record<keyof PolicyValues, number | null>> = {};
  for (const [key, value] of Object.entries(overrides) as [keyof PolicyValues, number | null | undefined][]) {
    const bounds = BOUNDS[key];
    const field = `/${key}`;
    if (!bounds) throw invalid(field, 'is not a policy value');
    if (value === undefined) continue;
    if (value === null) {
      // null: back to the shipped default.
      checked[key] = null;
      continue;
    }
    if (!Number.isInteger(value) || value < bounds.min || value > bounds.max) throw invalid(field, `must be a whole number from ${bounds.min} to ${bounds.max}`);
    if (policy.defaults[key] === null) throw invalid(field, `the ${policy.key} policy has no such clock`);
    checked[key] = value;
  }
  return checked;
}

/** The policy's values with the organisation's overrides applied. */
export function effectiveValues(policy: DisclosurePolicy, overrides: Partial<PolicyValues> | undefined): PolicyValues {
  return { ...policy.defaults, ...(overrides ?? {}) };
}

export function assertConditionAllowed(policy: DisclosurePolicy, condition: string, field = '/condition'): DisclosureCondition {
  if (!(policy.conditions as readonly string[]).includes(condition)) {
    throw invalid(field, `"${condition.slice(0, 60)}" is not a condition the ${policy.name} policy allows (${policy.conditions.join(', ')})`);
  }
  return condition as DisclosureCondition;
}

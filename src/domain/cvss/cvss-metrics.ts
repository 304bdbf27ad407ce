/**
 * The metrics of CVSS 3.0/3.1 and 4.0 as their specifications list them: abbreviation, name,
 * group and allowed values, in the specification's order (the order a normalised vector uses).
 * Pure data, no Node imports: the web app's calculator can show the same names.
 *
 * Sources: FIRST CVSS v3.1 Specification Document, Table 15 (3.0 has the same metrics), and the
 * CVSS v4.0 Specification Document, Table 23 (the order its vector strings must follow).
 */

export type CvssVersion = '3.0' | '3.1' | '4.0';
export type CvssMetricGroup = 'base' | 'temporal' | 'threat' | 'environmental' | 'supplemental';

export interface CvssMetricValue {
  /** As written in a vector: `N`, `X`, `Amber`. */
  value: string;
  name: string;
}

export interface CvssMetric {
  /** As written in a vector: `AV`, `MSI`. */
  key: string;
  name: string;
  group: CvssMetricGroup;
  /** Base metrics are mandatory; every other metric may be left out or written as `X`. */
  mandatory: boolean;
  values: readonly CvssMetricValue[];
}

const NOT_DEFINED: CvssMetricValue = { value: 'X', name: 'Not Defined' };

function metric(key: string, name: string, group: CvssMetricGroup, values: [string, string][]): CvssMetric {
  const mandatory = group === 'base';
  const list = values.map(([value, valueName]) => ({ value, name: valueName }));
  return Object.freeze({ key, name, group, mandatory, values: Object.freeze(mandatory ? list : [NOT_DEFINED, ...list]) });
}

const NLH: [string, string][] = [['H', 'High'], ['L', 'Low'], ['N', 'None']];
const REQUIREMENT: [string, string][] = [['H', 'High'], ['M', 'Medium'], ['L', 'Low']];
const ATTACK_VECTOR: [string, string][] = [['N', 'Network'], ['A', 'Adjacent'], ['L', 'Local'], ['P', 'Physical']];
const LOW_HIGH: [string, string][] = [['L', 'Low'], ['H', 'High']];
const PRIVILEGES: [string, string][] = [['N', 'None'], ['L', 'Low'], ['H', 'High']];

const V3_UI: [string, string][] = [['N', 'None'], ['R', 'Required']];
const V3_SCOPE: [string, string][] = [['U', 'Unchanged'], ['C', 'Changed']];

/** CVSS 3.0 and 3.1 share their metrics; only the equations differ. */
export const CVSS3_METRICS: readonly CvssMetric[] = Object.freeze([
  metric('AV', 'Attack Vector', 'base', ATTACK_VECTOR),
  metric('AC', 'Attack Complexity', 'base', LOW_HIGH),
  metric('PR', 'Privileges Required', 'base', PRIVILEGES),
  metric('UI', 'User Interaction', 'base', V3_UI),
  metric('S', 'Scope', 'base', V3_SCOPE),
  metric('C', 'Confidentiality', 'base', NLH),
  metric('I', 'Integrity', 'base', NLH),
  metric('A', 'Availability', 'base', NLH),
  metric('E', 'Exploit Code Maturity', 'temporal', [['H', 'High'], ['F', 'Functional'], ['P', 'Proof-of-Concept'], ['U', 'Unproven']]),
  metric('RL', 'Remediation Level', 'temporal', [['U', 'Unavailable'], ['W', 'Workaround'], ['T', 'Temporary Fix'], ['O', 'Official Fix']]),
  metric('RC', 'Report Confidence', 'temporal', [['C', 'Confirmed'], ['R', 'Reasonable'], ['U', 'Unknown']]),
  metric('CR', 'Confidentiality Requirement', 'environmental', REQUIREMENT),
  metric('IR', 'Integrity Requirement', 'environmental', REQUIREMENT),
  metric('AR', 'Availability Requirement', 'environmental', REQUIREMENT),
  metric('MAV', 'Modified Attack Vector', 'environmental', ATTACK_VECTOR),
  metric('MAC', 'Modified Attack Complexity', 'environmental', LOW_HIGH),
  metric('MPR', 'Modified Privileges Required', 'environmental', PRIVILEGES),
  metric('MUI', 'Modified User Interaction', 'environmental', V3_UI),
  metric('MS', 'Modified Scope', 'environmental', V3_SCOPE),
  metric('MC', 'Modified Confidentiality', 'environmental', NLH),
  metric('MI', 'Modified Integrity', 'environmental', NLH),
  metric('MA', 'Modified Availability', 'environmental', NLH),
]);

const V4_UI: [string, string][] = [['N', 'None'], ['P', 'Passive'], ['A', 'Active']];
const V4_SUBSEQUENT_SAFETY: [string, string][] = [['S', 'Safety'], ...NLH];

/** CVSS 4.0, in the order the specification requires of vector strings. */
export const CVSS4_METRICS: readonly CvssMetric[] = Object.freeze([
  metric('AV', 'Attack Vector', 'base', ATTACK_VECTOR),
  metric('AC', 'Attack Complexity', 'base', LOW_HIGH),
  metric('AT', 'Attack Requirements', 'base', [['N', 'None'], ['P', 'Present']]),
  metric('PR', 'Privileges Required', 'base', PRIVILEGES),
  metric('UI', 'User Interaction', 'base', V4_UI),
  metric('VC', 'Vulnerable System Confidentiality', 'base', NLH),
  metric('VI', 'Vulnerable System Integrity', 'base', NLH),
  metric('VA', 'Vulnerable System Availability', 'base', NLH),
  metric('SC', 'Subsequent System Confidentiality', 'base', NLH),
  metric('SI', 'Subsequent System Integrity', 'base', NLH),
  metric('SA', 'Subsequent System Availability', 'base', NLH),
  metric('E', 'Exploit Maturity', 'threat', [['A', 'Attacked'], ['P', 'Proof-of-Concept'], ['U', 'Unreported']]),
  metric('CR', 'Confidentiality Requirements', 'environmental', REQUIREMENT),
  metric('IR', 'Integrity Requirements', 'environmental', REQUIREMENT),
  metric('AR', 'Availability Requirements', 'environmental', REQUIREMENT),
  metric('MAV', 'Modified Attack Vector', 'environmental', ATTACK_VECTOR),
  metric('MAC', 'Modified Attack Complexity', 'environmental', LOW_HIGH),
  metric('MAT', 'Modified Attack Requirements', 'environmental', [['N', 'None'], ['P', 'Present']]),
  metric('MPR', 'Modified Privileges Required', 'environmental', PRIVILEGES),
  metric('MUI', 'Modified User Interaction', 'environmental', V4_UI),
  metric('MVC', 'Modified Vulnerable System Confidentiality', 'environmental', NLH),
  metric('MVI', 'Modified Vulnerable System Integrity', 'environmental', NLH),
  metric('MVA', 'Modified Vulnerable System Availability', 'environmental', NLH),
  metric('MSC', 'Modified Subsequent System Confidentiality', 'environmental', NLH),
  metric('MSI', 'Modified Subsequent System Integrity', 'environmental', V4_SUBSEQUENT_SAFETY),
  metric('MSA', 'Modified Subsequent System Availability', 'environmental', V4_SUBSEQUENT_SAFETY),
  metric('S', 'Safety', 'supplemental', [['N', 'Negligible'], ['P', 'Present']]),
  metric('AU', 'Automatable', 'supplemental', [['N', 'No'], ['Y', 'Yes']]),
  metric('R', 'Recovery', 'supplemental', [['A', 'Automatic'], ['U', 'User'], ['I', 'Irrecoverable']]),
  metric('V', 'Value Density', 'supplemental', [['D', 'Diffuse'], ['C', 'Concentrated']]),
  metric('RE', 'Vulnerability Response Effort', 'supplemental', [['L', 'Low'], ['M', 'Moderate'], ['H', 'High']]),
  metric('U', 'Provider Urgency', 'supplemental', [['Clear', 'Clear'], ['Green', 'Green'], ['Amber', 'Amber'], ['Red', 'Red']]),
]);

/** The metrics of a version, in specification order. */
export function metricsOf(version: CvssVersion): readonly CvssMetric[] {
  return version === '4.0' ? CVSS4_METRICS : CVSS3_METRICS;
}

/**
 * The CVSS definitions the calculator shows, taken from the server's own tables (pure data and a
 * pure validator, no Node imports, so the bundler takes them as they are), plus plain-language
 * explanations of the metrics for people who do not know the specification by heart.
 */
export { CVSS3_METRICS, CVSS4_METRICS, metricsOf } from '../../../src/domain/cvss/cvss-metrics';
export type { CvssMetric, CvssMetricGroup, CvssVersion } from '../../../src/domain/cvss/cvss-metrics';
export { validateVector } from '../../../src/domain/cvss/cvss-vector';
export type { CvssProblem } from '../../../src/domain/cvss/cvss-vector';

import type { CvssMetricGroup, CvssVersion } from '../../../src/domain/cvss/cvss-metrics';

export interface MetricGuide {
  /** What the metric asks. */
  question: string;
  /** What each value means, by its letter. */
  values?: Record<string, string>;
}

const ATTACK_VECTOR: MetricGuide = {
  question: 'How close does the attacker have to be?',
  values: {
    N: 'Anywhere on the network, typically the internet.',
    A: 'The same local network or radio range (LAN, Wi-Fi, Bluetooth).',
    L: 'On the machine itself: a local account, or a victim opening a file.',
    P: 'Physical contact with the device.',
  },
};

const PRIVILEGES: MetricGuide = {
  question: 'What access does the attacker need before the attack?',
  values: {
    N: 'None: no account at all.',
    L: 'An ordinary user account.',
    H: 'Administrative or otherwise powerful access.',
  },
};

const impact = (what: string, system: string): MetricGuide => ({
  question: `${what} ${system}`,
  values: {
    H: 'All of it, or something critical (passwords, keys, full control).',
    L: 'Some of it, without control over what or how much.',
    N: 'None.',
    S: 'Safety: people could be hurt (ISO 61508).',
  },
});

const GUIDE_3: Record<string, MetricGuide> = {
  AV: ATTACK_VECTOR,
  AC: {
    question: 'Does the attack depend on conditions beyond the attacker’s control?',
    values: {
      L: 'No: it works reliably, every time.',
      H: 'Yes: it needs preparation or luck, such as winning a race or a man-in-the-middle position.',
    },
  },
  PR: PRIVILEGES,
  UI: {
    question: 'Must someone other than the attacker do something?',
    values: { N: 'No: the attacker does it all.', R: 'Yes: a victim must click, open or install something.' },
  },
  S: {
    question: 'Does the impact reach beyond the vulnerable component?',
    values: {
      U: 'Unchanged: only the vulnerable component is affected.',
      C: 'Changed: it breaks out, e.g. script in a web app running in the victim’s browser, or a VM escape.',
    },
  },
  C: impact('What can the attacker read', 'through it?'),
  I: impact('What can the attacker change', 'through it?'),
  A: impact('How much can the attacker deny service', 'with it?'),
};

const GUIDE_4: Record<string, MetricGuide> = {
  AV: ATTACK_VECTOR,
  AC: {
    question: 'Must the attacker defeat a security measure to succeed?',
    values: {
      L: 'No: nothing specific to defeat.',
      H: 'Yes: e.g. get around ASLR or learn a target-specific secret first.',
    },
  },
  AT: {
    question: 'Does it depend on how the target is deployed or running?',
    values: {
      N: 'No: it works against any deployment.',
      P: 'Yes: e.g. a race condition or a non-default configuration must be present.',
    },
  },
  PR: PRIVILEGES,
  UI: {
    question: 'Must a person other than the attacker take part?',
    values: {
      N: 'No one else.',
      P: 'Passive: a victim does something ordinary, such as opening a page.',
      A: 'Active: a victim must do something deliberate, such as dismissing a warning or importing a file.',
    },
  },
  VC: impact('Confidentiality of the vulnerable system:', 'what can be read?'),
  VI: impact('Integrity of the vulnerable system:', 'what can be changed?'),
  VA: impact('Availability of the vulnerable system:', 'how much can be disrupted?'),
  SC: impact('Confidentiality of other systems (subsequent systems):', 'what can be read?'),
  SI: impact('Integrity of other systems:', 'what can be changed?'),
  SA: impact('Availability of other systems:', 'how much can be disrupted?'),
};

export function guideFor(version: CvssVersion, key: string): MetricGuide | undefined {
  return (version === '4.0' ? GUIDE_4 : GUIDE_3)[key];
}

export const GROUP_GUIDE: Record<CvssMetricGroup, { title: string; text: string }> = {
  base: { title: 'Base metrics', text: 'The flaw itself, the same everywhere. Every base metric needs a value.' },
  temporal: { title: 'Temporal metrics', text: 'How things stand now: working exploit code, an available fix, how sure the finding is. Optional.' },
  threat: { title: 'Threat metrics', text: 'Whether the flaw is being exploited or has public proof-of-concept code. Optional.' },
  environmental: { title: 'Environmental metrics', text: 'Adjust for one particular deployment. Usually left to the organisation. Optional.' },
  supplemental: { title: 'Supplemental metrics', text: 'Extra context for the people fixing it; they never change the score. Optional.' },
};

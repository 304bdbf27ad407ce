import { isCveId } from '../../cve-services/cve-id.js';
import { invalid } from '../../shared/errors.js';
import { CNA_TAGS, type CnaTag } from '../cve-records/cve-record-schema.js';
import type { CnaProfile } from './cna-profile.js';

/**
 * The eligibility questionnaire (CNA Operational Rules 4.x, "assignment rules", and the
 * organisation's own policy). The answers alone derive the outcome, so two people answering alike
 * decide alike, and the reasons given to a requester are the rules', not someone's wording.
 */
export const NATURES = ['vulnerability', 'insecure-default', 'documented-non-default-configuration', 'dependency-update-only', 'not-a-vulnerability'] as const;
export const SCOPES = ['own-product', 'third-party-no-other-cna', 'other-cna'] as const;
export type Nature = (typeof NATURES)[number];
export type Scope = (typeof SCOPES)[number];

export interface EligibilityAnswers {
  /** Is it a vulnerability at all? Insecure defaults are; documented non-default configuration and a dependency update alone are not. */
  nature: Nature;
  /** Whose product: the CNA's own, third-party software no other CNA covers, or one another CNA covers. */
  scope: Scope;
  /** The CNA to refer to (with scope `other-cna`). */
  otherCna?: string | undefined;
  /** One ID per independently fixable flaw; a flaw in shared code that is fixed once gets one ID. */
  independentlyFixable: boolean;
  /** The CVE ID (or record) this flaw shares, when it is not independently fixable. */
  sharesIdWith?: string | undefined;
  /** The flaw already has a CVE ID (from another CNA or earlier). */
  existingCve?: string | undefined;
  /** CVE IDs are for vulnerabilities that will be made public. */
  willBePublic: boolean;
  /** An exclusion of the organisation's policy that applies (its id in the profile). */
  exclusion?: string | undefined;
  tags: CnaTag[];
}

export type EligibilityOutcome = 'assign' | 'do_not_assign' | 'refer';

export interface EligibilityReason {
  rule: string;
  message: string;
}

export interface EligibilityVerdict {
  outcome: EligibilityOutcome;
  reasons: EligibilityReason[];
  /** Where to go instead (refer). */
  referTo: string | null;
  tags: CnaTag[];
}

/** The CVE Program's form for requests no other CNA covers (the Program's root / secretariat). */
export const CVE_PROGRAM_FORM = 'https://cveform.mitre.org/';
const CONTROL = /[\u0000-\u001f\u007f]/;

function oneOf<T extends string>(value: unknown, options: readonly T[], field: string): T {
  if (typeof value !== 'string' || !options.includes(value as T)) throw invalid(field, `must be one of ${options.join(', ')}`);
  return value as T;
}

function bool(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw invalid(field, 'must be true or false');
  return value;
}

function optionalText(value: unknown, field: string, max = 200): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !value.trim() || value.trim().length > max || CONTROL.test(value)) throw invalid(field, `must be 1 to ${max} characters without control characters`);
  return value.trim();
}

/** Checks the answers (field names under `/answers`) against the questionnaire and the profile's exclusions. */
export function parseAnswers(input: unknown, profile: Pick<CnaProfile, 'exclusions'>): EligibilityAnswers {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalid('/answers', 'must be an object');
  const raw = input as Record<string, unknown>;
  const known = ['nature', 'scope', 'otherCna', 'independentlyFixable', 'sharesIdWith', 'existingCve', 'willBePublic', 'exclusion', 'tags'];
  for (const key of Object.keys(raw)) if (!known.includes(key)) throw invalid(`/answers/${key}`, 'is not a question of the questionnaire');
  const answers: EligibilityAnswers = {
    nature: oneOf(raw.nature, NATURES, '/answers/nature'),
    scope: oneOf(raw.scope, SCOPES, '/answers/scope'),
    otherCna: optionalText(raw.otherCna, '/answers/otherCna'),
    independentlyFixable: bool(raw.independentlyFixable, '/answers/independentlyFixable'),
    sharesIdWith: optionalText(raw.sharesIdWith, '/answers/sharesIdWith', 40),
    existingCve: optionalText(raw.existingCve, '/answers/existingCve', 40),
    willBePublic: bool(raw.willBePublic, '/answers/willBePublic'),
    exclusion: optionalText(raw.exclusion, '/answers/exclusion', 63),
    tags: [],
  };
  if (answers.scope === 'other-cna' && !answers.otherCna) throw invalid('/answers/otherCna', 'name the CNA that covers the product');
  if (!answers.independentlyFixable && !answers.sharesIdWith) throw invalid('/answers/sharesIdWith', 'name the CVE ID (or flaw) this one is fixed with');
  if (answers.existingCve && !isCveId(answers.existingCve)) throw invalid('/answers/existingCve', 'must be a CVE ID (CVE-YYYY-NNNN)');
  if (answers.exclusion && !profile.exclusions.some((e) => e.id === answers.exclusion)) throw invalid('/answers/exclusion', `is not one of the policy's exclusions`);
  const tags = raw.tags ?? [];
  if (!Array.isArray(tags) || tags.length > CNA_TAGS.length) throw invalid('/answers/tags', `must be a list of ${CNA_TAGS.join(', ')}`);
  answers.tags = [...new Set(tags.map((t, i) => oneOf(t, CNA_TAGS, `/answers/tags/${i}`)))];
  return answers;
}

/** The outcome the answers lead to, with every reason that stands in the way of an ID. */
export function deriveEligibility(answers: EligibilityAnswers, profile: Pick<CnaProfile, 'exclusions' | 'thirdPartyCovered'>): EligibilityVerdict {
  const reasons: EligibilityReason[] = [];
  if (answers.nature === 'not-a-vulnerability') reasons.push({ rule: 'not-a-vulnerability', message: 'It is not a vulnerability: nothing violates a security policy of the product.' });
  if (answers.nature === 'documented-non-default-configuration') {
    reasons.push({ rule: 'documented-configuration', message: 'It needs a documented, non-default configuration that the product warns against: not a vulnerability (an insecure default would be).' });
  }
  if (answers.nature === 'dependency-update-only') {
    reasons.push({ rule: 'dependency-update', message: 'Updating a dependency is not by itself a vulnerability: the flaw belongs to the dependency and its own CVE.' });
  }
  const exclusion = answers.exclusion ? profile.exclusions.find((e) => e.id === answers.exclusion) : undefined;
  if (exclusion) reasons.push({ rule: `exclusion:${exclusion.id}`, message: `${exclusion.title}: ${exclusion.explanation}` });
  if (answers.existingCve) reasons.push({ rule: 'already-assigned', message: `It already has a CVE ID (${answers.existingCve}); a flaw gets one ID only.` });
  if (!answers.independentlyFixable) {
    reasons.push({ rule: 'not-independently-fixable', message: `It is not independently fixable: it shares the ID of ${answers.sharesIdWith} (one ID per independently fixable flaw).` });
  }
  if (!answers.willBePublic) reasons.push({ rule: 'not-public', message: 'It will not be made public: CVE IDs are for vulnerabilities that are disclosed.' });
  if (reasons.length > 0) return { outcome: 'do_not_assign', reasons, referTo: null, tags: answers.tags };
  if (answers.scope === 'other-cna') {
    return { outcome: 'refer', reasons: [{ rule: 'other-cna', message: `The product is in the scope of another CNA (${answers.otherCna}): the request goes there.` }], referTo: answers.otherCna ?? null, tags: answers.tags };
  }
  if (answers.scope === 'third-party-no-other-cna' && !profile.thirdPartyCovered) {
    return {
      outcome: 'refer',
      reasons: [{ rule: 'third-party-not-covered', message: 'Third-party software is outside this CNA\'s scope: the CVE Program\'s root (its request form) assigns when no CNA covers a product.' }],
      referTo: CVE_PROGRAM_FORM,
      tags: answers.tags,
    };
  }
  return { outcome: 'assign', reasons: [], referTo: null, tags: answers.tags };
}

import { describe, expect, it } from 'vitest';
import { CVE_PROGRAM_FORM, deriveEligibility, parseAnswers, type EligibilityAnswers } from '../../../src/domain/cna/eligibility.js';

const profile = { thirdPartyCovered: false, exclusions: [{ id: 'ai-model-behaviour', title: 'AI model behaviour', explanation: 'Jailbreaks are not vulnerabilities here.' }] };
const base: EligibilityAnswers = { nature: 'vulnerability', scope: 'own-product', independentlyFixable: true, willBePublic: true, tags: [] };

describe('eligibility questionnaire', () => {
  it('assigns for a public, independently fixable vulnerability (an insecure default counts) in the own product', () => {
    expect(deriveEligibility(base, profile)).toEqual({ outcome: 'assign', reasons: [], referTo: null, tags: [] });
    expect(deriveEligibility({ ...base, nature: 'insecure-default', tags: ['exclusively-hosted-service', 'unsupported-when-assigned'] }, profile)).toMatchObject({ outcome: 'assign', tags: ['exclusively-hosted-service', 'unsupported-when-assigned'] });
  });

  it.each([
    ['documented-non-default-configuration', 'documented-configuration'],
    ['dependency-update-only', 'dependency-update'],
    ['not-a-vulnerability', 'not-a-vulnerability'],
  ] as const)('does not assign for %s', (nature, rule) => {
    const verdict = deriveEligibility({ ...base, nature }, profile);
    expect(verdict.outcome).toBe('do_not_assign');
    expect(verdict.reasons.map((r) => r.rule)).toEqual([rule]);
  });

  it('gives every reason standing in the way, including the organisation exclusion with its public explanation', () => {
    const verdict = deriveEligibility({ ...base, exclusion: 'ai-model-behaviour', existingCve: 'CVE-2025-1234', independentlyFixable: false, sharesIdWith: 'CVE-2026-1001', willBePublic: false }, profile);
    expect(verdict.outcome).toBe('do_not_assign');
    expect(verdict.reasons.map((r) => r.rule)).toEqual(['exclusion:ai-model-behaviour', 'already-assigned', 'not-independently-fixable', 'not-public']);
    expect(verdict.reasons[0]!.message).toContain('Jailbreaks are not vulnerabilities here.');
    expect(verdict.reasons[2]!.message).toContain('CVE-2026-1001');
  });

  it('refers to another CNA, or to the CVE Program when third-party software is not covered', () => {
    expect(deriveEligibility({ ...base, scope: 'other-cna', otherCna: 'GitHub_M' }, profile)).toMatchObject({ outcome: 'refer', referTo: 'GitHub_M' });
    expect(deriveEligibility({ ...base, scope: 'third-party-no-other-cna' }, profile)).toMatchObject({ outcome: 'refer', referTo: CVE_PROGRAM_FORM });
    expect(deriveEligibility({ ...base, scope: 'third-party-no-other-cna' }, { ...profile, thirdPartyCovered: true }).outcome).toBe('assign');
    // A reason not to assign at all wins over a referral.
    expect(deriveEligibility({ ...base, scope: 'other-cna', otherCna: 'X', nature: 'not-a-vulnerability' }, profile).outcome).toBe('do_not_assign');
  });

  it('refuses answers that do not fit the questionnaire, naming the question', () => {
    const field = (input: unknown) => {
      try {
        parseAnswers(input, profile);
      } catch (error) {
        return (error as { details: { field: string }[] }).details[0]!.field;
      }
      return 'accepted';
    };
    expect(field(null)).toBe('/answers');
    expect(field({ ...base, nature: 'maybe' })).toBe('/answers/nature');
    expect(field({ ...base, scope: 'other-cna' })).toBe('/answers/otherCna');
    expect(field({ ...base, independentlyFixable: false })).toBe('/answers/sharesIdWith');
    expect(field({ ...base, existingCve: 'CVE-12' })).toBe('/answers/existingCve');
    expect(field({ ...base, exclusion: 'nope' })).toBe('/answers/exclusion');
    expect(field({ ...base, tags: ['disputed', 'bogus'] })).toBe('/answers/tags/1');
    expect(field({ ...base, willBePublic: 'yes' })).toBe('/answers/willBePublic');
    expect(field({ ...base, otherCna: 'a\u0000b' })).toBe('/answers/otherCna');
    expect(field({ ...base, extra: true })).toBe('/answers/extra');
    expect(parseAnswers({ ...base, tags: ['disputed', 'disputed'] }, profile).tags).toEqual(['disputed']);
  });
});

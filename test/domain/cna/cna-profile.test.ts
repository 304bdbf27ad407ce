import { describe, expect, it } from 'vitest';
import { matchProduct, parseCnaProfile } from '../../../src/domain/cna/cna-profile.js';

describe('CNA profile', () => {
  it('normalises: UUID lower-cased, slugs made from titles, text trimmed', () => {
    const profile = parseCnaProfile({
      orgId: 'B3476CB9-2E3D-41A6-98D0-0F47421A65B6',
      scopeStatement: '  Our products.  ',
      products: [' Acme Web '],
      exclusions: [{ title: 'AI model behaviour (jailbreaks)', explanation: 'Not a vulnerability under this policy.' }],
    });
    expect(profile).toEqual({
      orgId: 'b3476cb9-2e3d-41a6-98d0-0f47421a65b6',
      scopeStatement: 'Our products.',
      products: ['Acme Web'],
      thirdPartyCovered: false,
      exclusions: [{ id: 'ai-model-behaviour-jailbreaks', title: 'AI model behaviour (jailbreaks)', explanation: 'Not a vulnerability under this policy.' }],
    });
    expect(matchProduct(profile, '  acme WEB')).toBe('Acme Web');
    expect(matchProduct(profile, 'Acme')).toBeUndefined();
  });

  it.each([
    [{ orgId: '00000000-0000-0000-0000-000000000000' }, '/orgId'],
    [{ products: 'Acme' }, '/products'],
    [{ products: Array.from({ length: 201 }, (_, i) => `p${i}`) }, '/products'],
    [{ products: ['x'.repeat(201)] }, '/products/0'],
    [{ thirdPartyCovered: 'yes' }, '/thirdPartyCovered'],
    [{ exclusions: [{ title: 'a', explanation: 'b', extra: 1 }] }, '/exclusions/0/extra'],
    [{ exclusions: ['text'] }, '/exclusions/0'],
    [{ unknown: 1 }, '/unknown'],
    [[], '/'],
  ])('refuses %j at %s', (input, field) => {
    expect(() => parseCnaProfile(input)).toThrow(expect.objectContaining({ details: [expect.objectContaining({ field })] }));
  });
});

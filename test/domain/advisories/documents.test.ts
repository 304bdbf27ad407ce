import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseContent, type AdvisoryContentInput } from '../../../src/domain/advisories/advisory.js';
import { createAdvisory, publishAdvisory } from '../../../src/domain/advisories/advisory.service.js';
import { compareSemver, isSemver } from '../../../src/domain/advisories/semver.js';
import { systemActor } from '../../../src/domain/auth/actor.js';
import { buildCsafDocument, csafFileName } from '../../../src/domain/csaf/csaf-document.js';
import { csafProblems } from '../../../src/domain/csaf/csaf-validate.js';
import { buildOsvRecord } from '../../../src/domain/osv/osv-document.js';
import { isOsvEcosystem, OSV_ECOSYSTEMS } from '../../../src/domain/osv/osv-ecosystems.js';
import { inTransaction } from '../../../src/server/transaction.js';
import { createTestContext, DIALECTS, testClock } from '../../helpers/databases.js';
import { csafSchemaErrors, osvSchema, osvSchemaErrors } from './official-schemas.js';

const META = {
  trackingId: 'ADV-2026-0042',
  publisherName: 'Example <Org>',
  publicUrl: 'https://cvd.example.org',
  status: 'final' as const,
  revisions: [
    { number: 1, date: '2026-11-01T10:00:00.000Z', summary: 'Initial public release' },
    { number: 2, date: '2026-11-20T10:00:00.000Z', summary: 'Fixed version corrected' },
  ],
  initialReleaseDate: '2026-11-01T10:00:00.000Z',
  currentReleaseDate: '2026-11-20T10:00:00.000Z',
  generator: { version: '0.1.0', date: '2026-11-20T10:00:00.000Z' },
};
const OSV_META = { id: 'x_cvd.example.org-ADV-2026-0042', published: META.initialReleaseDate, modified: META.currentReleaseDate, pageUrl: 'https://cvd.example.org/advisories/ADV-2026-0042', csafUrl: null };

const semver = fc.tuple(fc.nat(20), fc.nat(20), fc.nat(20)).map(([a, b, c]) => `${a}.${b}.${c}`);
const commit = fc.stringMatching(/^[a-f0-9]{40}$/);
const text = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim().length > 0 && !/[\u0000-\u001f\u007f]/.test(s));
const range = fc.oneof(
  fc.tuple(semver, semver, fc.boolean()).filter(([a, b]) => compareSemver(a, b) < 0).map(([a, b, last]) => ({ type: 'SEMVER' as const, introduced: a, ...(last ? { lastAffected: b } : { fixed: b }) })),
  fc.tuple(commit, commit).map(([a, b]) => ({ type: 'GIT' as const, repo: 'https://git.example.org/repo', introduced: a, fixed: b })),
  semver.map((b) => ({ type: 'ECOSYSTEM' as const, introduced: '0', fixed: b })),
);
const product = fc.record({
  vendor: text,
  product: text,
  ecosystem: fc.constantFrom('npm', 'PyPI', 'Maven', 'Go', 'crates.io', 'Debian:12'),
  packageName: fc.constantFrom('pkg-a', '@scope/pkg', 'org.example:lib'),
  ranges: fc.array(range, { minLength: 1, maxLength: 3 }),
  versions: fc.uniqueArray(semver, { maxLength: 3 }),
});
const notAffected = fc.record({
  vendor: text,
  product: text,
  status: fc.constant('not_affected' as const),
  justification: fc.constantFrom('component_not_present', 'vulnerable_code_not_present', 'inline_mitigations_already_exist'),
  versions: fc.uniqueArray(fc.constantFrom('1.0', '2.0', '3.0-rc1'), { maxLength: 2 }),
});
const vulnerability = fc.record({
  title: text,
  description: text,
  cve: fc.nat(99_999).map((n) => `CVE-2026-${String(10_000 + n)}`),
  cwes: fc.subarray([79, 89, 639, 22, 352], { maxLength: 3 }),
  cvss: fc.subarray(['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N']),
});
const content = fc.record({
  kind: fc.constantFrom('security_advisory' as const, 'vex' as const),
  title: text,
  summary: text,
  workarounds: fc.option(text, { nil: '' }),
  products: fc.tuple(fc.array(product, { minLength: 1, maxLength: 3 }), fc.array(notAffected, { maxLength: 2 })).map(([a, b]) => [...a, ...b]),
  vulnerabilities: fc.uniqueArray(vulnerability, { minLength: 1, maxLength: 3, selector: (v) => v.cve }),
  references: fc.array(fc.record({ url: fc.constantFrom('https://example.org/a', 'https://example.org/b?x=1'), summary: text }), { minLength: 1, maxLength: 2 }),
  credits: fc.array(fc.record({ name: text, kind: fc.constantFrom('person' as const, 'system' as const), consent: fc.constant(true) }), { maxLength: 3 }),
});

describe.each(DIALECTS)('advisory documents on %s', (engine) => {
  it('renders every generated advisory as CSAF that passes the validator (schema + mandatory tests) and the official schema, and as valid OSV', async () => {
    let rendered = 0;
    const runs = engine === 'sqlite' ? 60 : 20;
    await fc.assert(
      fc.asyncProperty(content, async (raw) => {
        let normalised;
        try {
          normalised = normaliseContent(raw as AdvisoryContentInput, { allowHttp: false });
        } catch {
          return; // e.g. the same vendor/product twice: refused before any document is made
        }
        const doc = buildCsafDocument(normalised, META);
        expect(await csafProblems(doc)).toEqual([]);
        expect(csafSchemaErrors(doc)).toEqual([]);
        const osv = buildOsvRecord(normalised, OSV_META);
        expect(osv).not.toBeNull();
        expect(osvSchemaErrors(osv)).toEqual([]);
        rendered += 1;
      }),
      { numRuns: runs },
    );
    // The property is about documents: most generated contents must get that far.
    expect(rendered).toBeGreaterThan(runs * 0.8);
  });

  it('knows the OSV ecosystems the schema lists, and the SemVer order', () => {
    const listed = ((osvSchema().$defs as Record<string, { enum?: string[] }>).ecosystemName!.enum ?? []).slice().sort();
    expect([...OSV_ECOSYSTEMS].sort()).toEqual(listed);
    expect(isOsvEcosystem('Debian:12')).toBe(true);
    expect(isOsvEcosystem('Debian:')).toBe(false);
    expect(isOsvEcosystem('cobol')).toBe(false);
    expect(isSemver('1.2.3-rc.1+build.5')).toBe(true);
    expect(isSemver('v1.2.3')).toBe(false);
    const ordered = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.0.1', '1.10.0'];
    for (let i = 1; i < ordered.length; i += 1) expect(compareSemver(ordered[i - 1]!, ordered[i]!), `${ordered[i - 1]} < ${ordered[i]}`).toBe(-1);
    expect(compareSemver('1.0.0+a', '1.0.0+b')).toBe(0);
    expect(csafFileName('ADV-2026-0001')).toBe('adv-2026-0001.json');
    expect(csafFileName('Example/2026:01')).toBe('example_2026_01.json');
  });

  describe('numbering and publishing through the service', () => {
    let context: Awaited<ReturnType<typeof createTestContext>>;
    beforeAll(async () => {
      context = await createTestContext(engine, {}, { clock: testClock(new Date('2026-12-31T23:59:00Z')) });
    });
    afterAll(async () => context?.close());

    it('numbers drafts per year and stores the published CSAF bytes that the validator passed', async () => {
      const operator = systemActor('test');
      const first = await inTransaction(context, (trx) => createAdvisory(context, trx, operator, {}));
      const second = await inTransaction(context, (trx) => createAdvisory(context, trx, operator, {}));
      expect([first.tracking_id, second.tracking_id]).toEqual(['ADV-2026-0001', 'ADV-2026-0002']);
      // Drafts started at the same moment never draw the same number (the audit chain's lock serialises them on PostgreSQL).
      const together = await Promise.all(Array.from({ length: 5 }, () => inTransaction(context, (trx) => createAdvisory(context, trx, operator, {}))));
      expect(new Set(together.map((r) => r.tracking_id)).size).toBe(5);
      const raw = fc.sample(content, { numRuns: 1, seed: 7 })[0]!;
      const withContent = await inTransaction(context, (trx) => createAdvisory(context, trx, operator, { content: { ...(raw as AdvisoryContentInput), products: [{ vendor: 'V', product: 'P', ecosystem: 'npm', packageName: 'p', ranges: [{ type: 'SEMVER', introduced: '0', fixed: '1.0.0' }] }] } }));
      const published = await inTransaction(context, (trx) => publishAdvisory(context, trx, operator, withContent.id, {}));
      expect(published).toMatchObject({ revision: 1, published_year: 2026 });
      const stored = await context.db.selectFrom('advisory_revisions').select(['csaf', 'summary']).where('advisory_id', '=', withContent.id).executeTakeFirstOrThrow();
      expect(stored.summary).toBe('Initial public release');
      expect(stored.csaf.endsWith('}\n')).toBe(true);
      expect(await csafProblems(JSON.parse(stored.csaf))).toEqual([]);
    });
  });
});

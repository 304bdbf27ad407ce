import type { AdvisoryContentInput } from '../../src/domain/advisories/advisory.js';
import type { TestApp } from '../helpers/app.js';
import type { BuiltUser } from '../helpers/factories.js';

/** A complete advisory: a package with a SemVer range, a GIT range, a not-affected product, two scores, credits. */
export function sampleContent(overrides: AdvisoryContentInput = {}): AdvisoryContentInput {
  return {
    title: 'Stored XSS in the widget <renderer>',
    summary: 'A **stored** cross-site scripting flaw in `@acme/widget`. <script>alert(1)</script>',
    workarounds: 'Turn widgets off in the admin console.',
    products: [
      { vendor: 'Acme', product: 'widget', ecosystem: 'npm', packageName: '@acme/widget', purl: 'pkg:npm/%40acme/widget', ranges: [{ type: 'SEMVER', introduced: '1.0.0', fixed: '1.4.2' }], versions: [] },
      { vendor: 'Acme', product: 'renderer', ranges: [{ type: 'GIT', repo: 'https://git.acme.example/renderer', introduced: '0', fixed: 'a'.repeat(40) }] },
      { vendor: 'Acme', product: 'portal', status: 'not_affected', justification: 'component_not_present' },
    ],
    vulnerabilities: [
      {
        title: 'Stored XSS',
        description: 'Widget titles are rendered without escaping.',
        cve: 'CVE-2026-10001',
        cwes: [79],
        cvss: ['CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:P/VC:L/VI:L/VA:N/SC:L/SI:L/SA:N'],
      },
    ],
    references: [{ url: 'https://acme.example/changelog', summary: 'Changelog' }],
    credits: [
      { name: 'alice', kind: 'person', consent: true },
      { name: 'Security Research — Scout', kind: 'system', consent: true },
    ],
    ...overrides,
  };
}

export async function createDraft(t: TestApp, user: BuiltUser, content: AdvisoryContentInput = sampleContent()): Promise<string> {
  const res = await t.request({ method: 'POST', url: '/api/v1/advisories', token: user.token, payload: { content } });
  if (res.statusCode !== 201) throw new Error(`draft not created: ${res.body}`);
  return (res.json() as { id: string }).id;
}

export async function publish(t: TestApp, lead: BuiltUser, id: string, changeSummary?: string) {
  return t.request({ method: 'POST', url: `/api/v1/advisories/${id}/publish`, token: lead.token, payload: changeSummary ? { changeSummary } : {} });
}

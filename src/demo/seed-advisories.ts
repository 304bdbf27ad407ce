import type { AppContext } from '../context.js';
import { findBySource } from '../domain/advisories/advisory.repository.js';
import { draftAdvisoryFromReport, parseDraft, publishAdvisory, updateDraft } from '../domain/advisories/advisory.service.js';
import { findUserByEmail } from '../domain/users/user.repository.js';
import { inTransaction } from '../server/transaction.js';
import { DEMO_PACKAGE } from './seed-case.js';
import { asActor } from './seed-reports.js';

/**
 * The demonstration advisories, published by the demo lead through the same services the web
 * app calls: one drafted from the disclosed IDOR report, and the one drafted when the outbound
 * case about fabrikam-tar was disclosed (seedDemoCase), completed with its npm package so it has
 * an OSV record too. Each is skipped when it is published already.
 */
export async function seedDemoAdvisories(context: AppContext): Promise<{ advisories: string[] }> {
  const leadRow = await findUserByEmail(context.db, 'lead@demo.cvdesk.local');
  if (!leadRow) return { advisories: [] };
  const lead = asActor(leadRow);
  const published: string[] = [];

  const report = await context.db.selectFrom('reports').select('id').where('title', 'like', 'IDOR: any user can read any invoice%').executeTakeFirst();
  if (report && !(await findBySource(context.db, 'report', report.id))) {
    const fromReport = await inTransaction(context, async (trx) => {
      const draft = await draftAdvisoryFromReport(context, trx, lead, report.id);
      const content = parseDraft(draft);
      await updateDraft(context, trx, lead, draft.id, {
        content: {
          ...content,
          title: 'Invoice API returned other customers’ invoices',
          products: [{ vendor: 'Acme', product: 'Acme invoice API', status: 'affected', ranges: [{ type: 'SEMVER', introduced: '2026.1.0', fixed: '2026.11.3' }] }],
          vulnerabilities: content.vulnerabilities.map((v) => ({ ...v, cve: 'CVE-2026-41001', title: 'Missing ownership check on invoices' })),
          references: [{ url: 'https://acme.example/changelog/2026.11.3', summary: 'Release notes 2026.11.3' }],
        },
      });
      return publishAdvisory(context, trx, lead, draft.id, {});
    });
    published.push(fromReport.tracking_id);
  }

  const outbound = await context.db.selectFrom('cases').select('id').where('project_key', '=', DEMO_PACKAGE.projectKey).where('state', '=', 'disclosed').executeTakeFirst();
  const draft = outbound ? await findBySource(context.db, 'outbound_case', outbound.id) : undefined;
  if (draft && draft.revision === 0) {
    const fromCase = await inTransaction(context, async (trx) => {
      const content = parseDraft(draft);
      // The case knows the product by name; the lead adds the npm package (for OSV), the CVE the
      // package's CNA assigned with its CVSS score (the scanner gave none), and the release notes.
      await updateDraft(context, trx, lead, draft.id, {
        content: {
          ...content,
          workarounds: 'Only extract archives from sources you trust, into a directory of their own.',
          products: content.products.map((p) => (p.product === DEMO_PACKAGE.name ? { ...p, ecosystem: 'npm', packageName: DEMO_PACKAGE.name, purl: DEMO_PACKAGE.purl } : p)),
          vulnerabilities: content.vulnerabilities.map((v) => ({ ...v, cve: 'CVE-2026-41002', cvss: v.cvss.length ? v.cvss : [DEMO_PACKAGE.cvss] })),
          references: [{ url: `https://github.com/fabrikam/fabrikam-tar/releases/tag/v${DEMO_PACKAGE.fixed}`, summary: `fabrikam-tar ${DEMO_PACKAGE.fixed}` }],
        },
      });
      return publishAdvisory(context, trx, lead, draft.id, {});
    });
    published.push(fromCase.tracking_id);
  }
  return { advisories: published };
}

import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { rendered, type Rendered } from '../markdown/render-markdown.js';
import { readSettings } from '../settings/settings.service.js';
import { readCnaProfile } from './cna-profile.service.js';
import { elsewhere, type Elsewhere } from './cve-requests.service.js';
import { MUST_PUBLISH_HOURS, SHOULD_PUBLISH_HOURS } from '../cve-records/publication-clock.js';

/**
 * The public CNA policy, generated from the CNA profile and the organisation's settings: the /cna
 * page and GET /api/v1/cna/policy show the same thing. Prose the organisation writes is Markdown
 * (rendered safely); the rest states how cvdesk works, so it cannot drift from what it does.
 */
export interface CnaPolicy {
  organisation: string;
  shortName: string | null;
  updatedAt: string | null;
  scope: { statement: Rendered; products: string[]; thirdPartyCovered: boolean };
  exclusions: { id: string; title: string; explanation: Rendered }[];
  /** What the CNA rules say is not a vulnerability, whatever the product. */
  notVulnerabilities: string[];
  requesting: { formUrl: string; apiUrl: string; information: string[] };
  assignment: string[];
  disclosure: string[];
  disputes: string[];
  elsewhere: Elsewhere[];
}

export async function cnaPolicy(context: AppContext, db: Executor): Promise<CnaPolicy> {
  const [profile, settings] = await Promise.all([readCnaProfile(context, db), readSettings(context, db)]);
  const base = context.config.publicUrl;
  const contact = settings.securityContactEmail ? `mail ${settings.securityContactEmail}` : `use the contact on ${settings.securityPolicyUrl}`;
  return {
    organisation: settings.organisationName,
    shortName: profile.shortName,
    updatedAt: profile.updatedAt,
    scope: {
      statement: rendered(profile.scopeStatement || `${settings.organisationName} assigns CVE IDs for vulnerabilities in the products listed here.`),
      products: profile.products,
      thirdPartyCovered: profile.thirdPartyCovered,
    },
    exclusions: profile.exclusions.map((e) => ({ id: e.id, title: e.title, explanation: rendered(e.explanation) })),
    notVulnerabilities: [
      'Behaviour that needs a documented, non-default configuration the product warns against (an insecure default, on the other hand, is a vulnerability).',
      'Updating a dependency alone: the flaw, and its CVE ID, belong to the dependency.',
      'Flaws that will not be made public: CVE IDs are for vulnerabilities that are disclosed.',
    ],
    requesting: {
      formUrl: `${base}/cve-request`,
      apiUrl: `${base}/api/v1/cve-requests`,
      information: [
        'The product, as named in the list above, and the affected versions.',
        'What the flaw is and what an attacker gains (the weakness, as a CWE if you know it).',
        'Public references: an advisory, a fix, an issue — or when you plan to publish.',
        'Whether another CNA covers the product (for third-party software).',
        'Your name as you want it in the credits, if you want to be credited.',
        'A report you already sent us, if there is one (sign in to link it).',
      ],
    },
    assignment: [
      'Each request is answered first on scope: a product outside the list is answered at once, with where to go instead.',
      'For each vulnerability we record an eligibility decision following the CNA Operational Rules: is it a vulnerability, is it in our scope, is it independently fixable (one ID for each flaw that can be fixed on its own; flaws fixed together in shared code share one), does it already have a CVE ID, will it be made public.',
      'Eligible vulnerabilities get an ID from the IDs we reserve ahead with CVE Services. The records may carry the tags exclusively-hosted-service, unsupported-when-assigned or disputed.',
      `Reserved IDs that stay unused for ${profile.unusedIdDays} days are rejected, as the rules require.`,
    ],
    disclosure: [
      `Disclosure is coordinated as our security policy describes (${settings.securityPolicyUrl}).`,
      `Once we have disclosed a vulnerability ourselves, we publish its CVE record within ${SHOULD_PUBLISH_HOURS} hours, and never later than ${MUST_PUBLISH_HOURS} hours.`,
    ],
    disputes: [
      `To dispute a decision or a published record, ${contact} with the CVE ID (or your request's receipt) and why.`,
      'If we cannot agree, you may escalate to our Root in the CVE Program through its request form.',
    ],
    elsewhere: elsewhere(),
  };
}

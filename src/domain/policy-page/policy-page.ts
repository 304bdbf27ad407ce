import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { AppError, forbidden, invalid } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import { actorId, hasRole, isStaffActor, type Actor } from '../auth/actor.js';
import { rendered, type Rendered } from '../markdown/render-markdown.js';

/**
 * /security: the organisation's coordinated vulnerability disclosure policy, the front door to
 * everything else. Four sections, each Markdown a lead edits; every save is a new version (the
 * page shows when each section was last updated). Until a lead writes one, a section shows its
 * default text, which describes how cvdesk itself works.
 */
export const POLICY_SECTIONS = ['bug_bounty', 'incident_reporting', 'outbound_disclosure', 'cve_assignment'] as const;
export type PolicySection = (typeof POLICY_SECTIONS)[number];

export const POLICY_SECTION_TITLES: Record<PolicySection, string> = {
  bug_bounty: 'Bug bounty and vulnerability disclosure programmes',
  incident_reporting: 'Reporting an incident',
  outbound_disclosure: 'When we find vulnerabilities in your products',
  cve_assignment: 'CVE assignment',
};

export const POLICY_SECTION_MAX = 50_000;

/** Default texts; links are absolute (safe Markdown keeps http(s) and mailto links only). */
export const defaultPolicySections = (base: string): Record<PolicySection, string> => ({
  bug_bounty: [
    'We welcome reports of security vulnerabilities in our products and services. Our programmes below say what is in scope,',
    'what is not, how we respond and, where there is one, what we reward. Report through the programme that covers what you',
    'found: you get an account to follow the report, talk with our team and agree on disclosure.',
    '',
    'If you act in good faith under a programme\'s rules, we will not pursue legal action against you for your research.',
  ].join('\n'),
  incident_reporting: [
    `To tell us about an ongoing incident, a compromise or anything else urgent, use the [encrypted form](${base}/report): what you`,
    'write is encrypted in your browser to our OpenPGP key before it leaves your computer, and our on-call team is alerted at once.',
    `Our contact details and key are also published in [security.txt](${base}/.well-known/security.txt) (RFC 9116).`,
    '',
    '**Information you send this way is shared with us unconditionally**: no embargo demands, payment demands or agreements are',
    'attached to it, and we may use it as we see fit to protect our users. For a report you expect a reward or a disclosure',
    'agreement for, use a programme above.',
  ].join('\n'),
  outbound_disclosure: [
    'When we find a vulnerability in someone else\'s product, we report it to the vendor privately and coordinate disclosure:',
    '',
    '- we contact you through your security.txt, your disclosure programme or your security contact, and encrypt where we can;',
    '- we give you **90 days** to release a fix before we publish, and more when you are working on it in good faith;',
    '- if the flaw is actively exploited we may publish sooner, with mitigations;',
    '- our advisory credits you with the fix and links to your own advisory.',
  ].join('\n'),
  cve_assignment: [
    'We assign CVE IDs for vulnerabilities in our own products. A CVE is assigned when a report is confirmed and published when',
    `the advisory is. Our advisories are published [here](${base}/advisories), also as CSAF 2.0 documents`,
    `([provider metadata](${base}/.well-known/csaf/provider-metadata.json)) and in the OSV format. What is in our scope, how`,
    `to request a CVE and how to dispute one is in our [CNA policy](${base}/cna).`,
  ].join('\n'),
});

export interface PolicySectionView {
  section: PolicySection;
  title: string;
  body: Rendered;
  /** 0: the default text, never edited. */
  version: number;
  updatedAt: string | null;
}

export function isPolicySection(value: string): value is PolicySection {
  return (POLICY_SECTIONS as readonly string[]).includes(value);
}

async function latestVersions(db: Executor): Promise<Map<string, { version: number; body: string; created_at: string }>> {
  const rows = await db.selectFrom('policy_page_sections').select(['section', 'version', 'body', 'created_at']).orderBy('version').execute();
  const latest = new Map<string, { version: number; body: string; created_at: string }>();
  for (const row of rows) latest.set(row.section, row);
  return latest;
}

/** The page as everyone reads it (public: no policy). */
export async function policyPage(context: AppContext, db: Executor): Promise<PolicySectionView[]> {
  const latest = await latestVersions(db);
  const defaults = defaultPolicySections(context.config.publicUrl);
  return POLICY_SECTIONS.map((section) => {
    const row = latest.get(section);
    return { section, title: POLICY_SECTION_TITLES[section], body: rendered(row?.body ?? defaults[section]), version: row?.version ?? 0, updatedAt: row?.created_at ?? null };
  });
}

function assertCanEditPolicyPage(actor: Actor): void {
  if (actor.kind === 'system' || hasRole(actor, 'lead')) return;
  throw forbidden('Only leads edit the security policy page');
}

/** Saves a section as its next version (an unchanged text is not a new version). */
export async function savePolicySection(context: AppContext, trx: Executor, actor: Actor, section: string, body: string): Promise<PolicySectionView> {
  assertCanEditPolicyPage(actor);
  if (!isPolicySection(section)) throw invalid('/section', `must be one of ${POLICY_SECTIONS.join(', ')}`);
  const text = body.replace(/\r\n?/g, '\n').trim();
  if (!text) throw invalid('/body', 'must not be empty');
  if (text.length > POLICY_SECTION_MAX) throw invalid('/body', `must be at most ${POLICY_SECTION_MAX} characters`);
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) throw invalid('/body', 'must not contain control characters');
  const current = (await latestVersions(trx)).get(section);
  if (current?.body === text) throw new AppError('conflict', 'The section already says this', [{ field: '/body', message: 'unchanged' }]);
  const version = (current?.version ?? 0) + 1;
  const now = iso(context.clock.now());
  await trx.insertInto('policy_page_sections').values({ id: newId(), section, version, body: text, created_at: now, created_by: actorId(actor) }).execute();
  await recordAudit(context, trx, actor, { action: 'policy_page.section_saved', objectType: 'policy_page', objectId: section, data: { version } });
  return { section, title: POLICY_SECTION_TITLES[section], body: rendered(text), version, updatedAt: now };
}

/** Every saved version of a section, newest first (staff). */
export async function policySectionHistory(db: Executor, actor: Actor, section: string): Promise<{ version: number; body: string; createdAt: string; createdBy: string | null }[]> {
  if (!isStaffActor(actor)) throw forbidden('Only staff read the history of the policy page');
  if (!isPolicySection(section)) throw invalid('/section', `must be one of ${POLICY_SECTIONS.join(', ')}`);
  const rows = await db
    .selectFrom('policy_page_sections as s')
    .leftJoin('users as u', 'u.id', 's.created_by')
    .select(['s.version', 's.body', 's.created_at', 'u.email'])
    .where('s.section', '=', section)
    .orderBy('s.version', 'desc')
    .execute();
  return rows.map((r) => ({ version: r.version, body: r.body, createdAt: r.created_at, createdBy: r.email ?? null }));
}

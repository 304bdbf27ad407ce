import type { AppContext } from '../../context.js';
import { containsText, type Executor } from '../../db/dialect.js';
import { invalid } from '../../shared/errors.js';
import type { Actor } from '../auth/actor.js';
import { advisoryPagePath, csafDocumentPath, rangeLabel } from '../csaf/csaf-document.js';
import { rendered, type Rendered } from '../markdown/render-markdown.js';
import { osvAffected } from '../osv/osv-document.js';
import { osvId } from './advisory-documents.js';
import { canSeeDrafts } from './advisory.policy.js';
import { findRevisions } from './advisory.repository.js';
import { contentEquals, parseDraft, publishedContent } from './advisory.service.js';
import { advisorySeverity, cveIds, scored, SEVERITIES, weakness, type AdvisoryContent, type AdvisoryRow, type AdvisorySeverity } from './advisory.js';

/** Content as read: Markdown beside its safe HTML, scores and weakness names worked out. */
export interface ContentView {
  kind: AdvisoryContent['kind'];
  title: string;
  severity: AdvisorySeverity;
  summary: Rendered;
  workarounds: Rendered;
  products: (AdvisoryContent['products'][number] & { rangeLabels: string[]; fixedVersions: string[] })[];
  vulnerabilities: {
    title: string;
    description: Rendered;
    cve: string | null;
    cwes: { id: number; name: string }[];
    cvss: { vector: string; version: string; score: number; severity: string }[];
  }[];
  references: AdvisoryContent['references'];
  credits: { name: string; kind: 'person' | 'system' }[];
}

export function presentContent(content: AdvisoryContent, options: { withConsent?: boolean } = {}): ContentView & { credits: { name: string; kind: 'person' | 'system'; consent?: boolean }[] } {
  return {
    kind: content.kind,
    title: content.title,
    severity: advisorySeverity(content),
    summary: rendered(content.summary),
    workarounds: rendered(content.workarounds),
    products: content.products.map((p) => ({
      ...p,
      rangeLabels: p.ranges.map((r) => rangeLabel(p, r)),
      fixedVersions: [...new Set(p.ranges.filter((r) => r.fixed).map((r) => r.fixed!))],
    })),
    vulnerabilities: content.vulnerabilities.map((v) => ({
      title: v.title,
      description: rendered(v.description),
      cve: v.cve,
      cwes: v.cwes.map((id) => ({ id, name: weakness(id)?.name ?? '' })),
      cvss: v.cvss.map((vector) => {
        const s = scored(vector);
        return { vector: s.vector, version: s.version, score: s.score, severity: s.severity };
      }),
    })),
    references: content.references,
    // Public readers see consented credits only (publishing refuses others anyway).
    credits: content.credits.filter((c) => options.withConsent || c.consent).map((c) => (options.withConsent ? { name: c.name, kind: c.kind, consent: c.consent } : { name: c.name, kind: c.kind })),
  };
}

export interface AdvisorySummaryView {
  id: string;
  title: string;
  severity: string;
  cves: string[];
  state: 'draft' | 'published';
  revision: number;
  initialReleaseAt: string | null;
  currentReleaseAt: string | null;
  url: string;
}

export interface AdvisoryView extends AdvisorySummaryView {
  content: ContentView | null;
  revisions: { number: number; date: string; summary: string; publishedBy?: string }[];
  links: { page: string; csaf: string | null; osv: string | null; csafApi: string; osvApi: string };
  osvId: string;
  /** Staff only. */
  draft?: { content: AdvisoryContent; html: ContentView; updatedAt: string; unpublishedChanges: boolean };
  source?: { kind: string | null; id: string | null; url: string | null };
}

export async function presentAdvisory(context: AppContext, db: Executor, actor: Actor, row: AdvisoryRow): Promise<AdvisoryView> {
  const staff = canSeeDrafts(actor);
  const content = row.revision > 0 ? await publishedContent(db, row) : null;
  const revisions = await findRevisions(db, row.id);
  const base = context.config.publicUrl;
  const view: AdvisoryView = {
    ...summaryOf(context, row, content),
    content: content ? presentContent(content) : null,
    revisions: revisions.map((r) => ({ number: r.number, date: r.published_at, summary: r.summary, ...(staff ? { publishedBy: r.published_by } : {}) })),
    links: {
      page: `${base}${advisoryPagePath(row.tracking_id)}`,
      csaf: row.initial_release_at ? `${base}${csafDocumentPath(row.tracking_id, row.initial_release_at)}` : null,
      osv: content && osvAffected(content).length > 0 ? `${base}/api/v1/advisories/${row.tracking_id}/osv` : null,
      csafApi: `${base}/api/v1/advisories/${row.tracking_id}/csaf`,
      osvApi: `${base}/api/v1/advisories/${row.tracking_id}/osv`,
    },
    osvId: osvId(context, row.tracking_id),
  };
  if (staff) {
    const draft = parseDraft(row);
    view.draft = { content: draft, html: presentContent(draft, { withConsent: true }), updatedAt: row.draft_updated_at, unpublishedChanges: !content || !contentEquals(content, draft) };
    view.source = { kind: row.source_kind, id: row.source_id, url: row.source_url };
  }
  return view;
}

function summaryOf(context: AppContext, row: AdvisoryRow, content: AdvisoryContent | null): AdvisorySummaryView {
  const draft = content ?? parseDraft(row);
  return {
    id: row.tracking_id,
    title: row.published_title ?? (draft.title || '(untitled draft)'),
    severity: row.published_severity ?? advisorySeverity(draft),
    cves: cveIds(draft),
    state: row.revision > 0 ? 'published' : 'draft',
    revision: row.revision,
    initialReleaseAt: row.initial_release_at,
    currentReleaseAt: row.current_release_at,
    url: `${context.config.publicUrl}${advisoryPagePath(row.tracking_id)}`,
  };
}

export interface AdvisoryFilter {
  q?: string | undefined;
  product?: string | undefined;
  severity?: string | undefined;
  year?: number | undefined;
  /** Staff: `draft` (never published), `published`, or `all`. Everyone else sees published ones. */
  state?: 'draft' | 'published' | 'all' | undefined;
  page?: number | undefined;
}

export const PAGE_SIZE = 50;

/** Published advisories (staff may ask for drafts too), searched and filtered, newest release first. */
export async function listAdvisories(context: AppContext, db: Executor, actor: Actor, filter: AdvisoryFilter): Promise<{ items: AdvisorySummaryView[]; total: number; page: number; pageSize: number }> {
  const state = canSeeDrafts(actor) ? (filter.state ?? 'published') : 'published';
  if (filter.severity && !SEVERITIES.includes(filter.severity as AdvisorySeverity)) throw invalid('/severity', `must be one of ${SEVERITIES.join(', ')}`);
  // The current revision's content comes with each row (the CVE list), not one query per row.
  let query = db
    .selectFrom('advisories as a')
    .leftJoin('advisory_revisions as r', (join) => join.onRef('r.advisory_id', '=', 'a.id').onRef('r.number', '=', 'a.revision'));
  if (state === 'published') query = query.where('revision', '>', 0);
  if (state === 'draft') query = query.where('revision', '=', 0);
  const q = filter.q?.trim().toLowerCase();
  // Drafts have no published text: staff searching drafts match the tracking id only.
  if (q) query = query.where((eb) => eb.or([containsText(context.engine, 'published_search', q), containsText(context.engine, 'tracking_id', q)]));
  const product = filter.product?.trim();
  if (product) query = query.where(containsText(context.engine, 'published_products', product));
  if (filter.severity) query = query.where('published_severity', '=', filter.severity);
  if (filter.year) query = query.where('published_year', '=', filter.year);
  const total = Number((await query.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n ?? 0);
  const page = Math.max(1, filter.page ?? 1);
  const rows = await query
    .selectAll('a')
    .select('r.content')
    .orderBy('current_release_at', 'desc')
    .orderBy('created_at', 'desc')
    .orderBy('tracking_id', 'desc')
    .limit(PAGE_SIZE)
    .offset((page - 1) * PAGE_SIZE)
    .execute();
  const items = rows.map(({ content, ...row }) => summaryOf(context, row, content === null ? null : (JSON.parse(content) as AdvisoryContent)));
  return { items, total, page, pageSize: PAGE_SIZE };
}

/** Years and products that published advisories have, for the public filter form. */
export async function advisoryFacets(db: Executor): Promise<{ years: number[]; products: string[] }> {
  const rows = await db.selectFrom('advisories').select(['published_year', 'published_products']).where('revision', '>', 0).execute();
  const years = [...new Set(rows.map((r) => r.published_year!).filter(Boolean))].sort((a, b) => b - a);
  const products = new Set<string>();
  for (const r of rows) for (const name of (r.published_products ?? '').split('\n')) if (name) products.add(name);
  return { years, products: [...products].sort() };
}

/**
 * Published advisories by the people they credit (lower-case name, consented person credits of
 * the current revisions): the hall of fame links each researcher to their advisories.
 */
export async function advisoriesByCredit(db: Executor): Promise<Map<string, { id: string; title: string }[]>> {
  const rows = await db
    .selectFrom('advisories as a')
    .innerJoin('advisory_revisions as r', (join) => join.onRef('r.advisory_id', '=', 'a.id').onRef('r.number', '=', 'a.revision'))
    .select(['a.tracking_id', 'a.published_title', 'r.content'])
    .where('a.revision', '>', 0)
    .orderBy('a.current_release_at', 'desc')
    .execute();
  const byName = new Map<string, { id: string; title: string }[]>();
  for (const row of rows) {
    const content = JSON.parse(row.content) as AdvisoryContent;
    for (const credit of content.credits) {
      if (!credit.consent || credit.kind !== 'person') continue;
      const key = credit.name.toLowerCase();
      byName.set(key, [...(byName.get(key) ?? []), { id: row.tracking_id, title: row.published_title ?? row.tracking_id }]);
    }
  }
  return byName;
}

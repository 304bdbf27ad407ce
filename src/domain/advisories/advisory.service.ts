import type { AppContext } from '../../context.js';
import { forUpdate, type Executor } from '../../db/dialect.js';
import { AppError, invalid, notFound } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import { actorId, actorLabel, type Actor } from '../auth/actor.js';
import { serialiseCsaf } from '../csaf/csaf-document.js';
import { assertValidCsaf } from '../csaf/csaf-validate.js';
import { findDisclosure } from '../reports/report-disclosure.js';
import { getReportRow } from '../reports/report.service.js';
import type { ScoredVector } from '../reports/report.js';
import { readSettings } from '../settings/settings.service.js';
import { csafFor, osvFor } from './advisory-documents.js';
import { assertCanEditAdvisories, assertCanPublishAdvisories, assertCanSeeDraft } from './advisory.policy.js';
import { findAdvisory, findBySource, findRevisions } from './advisory.repository.js';
import {
  ADVISORY_LIMITS,
  advisorySeverity,
  assertPublishable,
  changeSummaryOf,
  cveIds,
  emptyContent,
  normaliseContent,
  webUrl,
  type AdvisoryContent,
  type AdvisoryContentInput,
  type AdvisoryRow,
} from './advisory.js';

export interface AdvisorySource {
  kind: 'report' | 'outbound_case';
  id: string;
  /** Where staff find the source (the report or case page). */
  url: string | null;
}

const allowHttp = (context: AppContext) => context.config.publicUrl.startsWith('http:');

/** Content checked as it arrives in a request body, where it sits under `content`: errors name `/content/…`. */
function checkedContent(context: AppContext, input: AdvisoryContentInput): AdvisoryContent {
  try {
    return normaliseContent(input, { allowHttp: allowHttp(context) });
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'validation_failed') throw error;
    const details = error.details.map((d) => ({ ...d, field: `/content${d.field === '/' ? '' : (d.field ?? '')}` }));
    throw new AppError('validation_failed', `content/${error.message}`, details);
  }
}

export function parseDraft(row: Pick<AdvisoryRow, 'draft'>): AdvisoryContent {
  return { ...emptyContent(), ...(JSON.parse(row.draft) as Partial<AdvisoryContent>) };
}

/**
 * A new draft with the next tracking id of the year (PREFIX-YYYY-NNNN). The audit event is
 * written first: on PostgreSQL it takes the audit chain's lock, which also serialises the
 * numbering, so two drafts made at the same moment cannot draw the same number.
 */
export async function createAdvisory(
  context: AppContext,
  trx: Executor,
  actor: Actor,
  input: { content?: AdvisoryContentInput | undefined; source?: AdvisorySource | undefined; sourceUrl?: string | null | undefined },
): Promise<AdvisoryRow> {
  assertCanEditAdvisories(actor);
  const content = checkedContent(context, input.content ?? {});
  const sourceUrl = input.sourceUrl ? webUrl(input.sourceUrl, '/sourceUrl', allowHttp(context)) : (input.source?.url ?? null);
  const now = context.clock.now();
  const id = newId();
  await recordAudit(context, trx, actor, {
    action: 'advisory.created',
    objectType: 'advisory',
    objectId: id,
    data: input.source ? { source: { kind: input.source.kind, id: input.source.id } } : {},
  });
  const year = now.getUTCFullYear();
  const last = await trx.selectFrom('advisories').select((eb) => eb.fn.max('seq').as('seq')).where('year', '=', year).executeTakeFirst();
  const seq = Number(last?.seq ?? 0) + 1;
  const row: AdvisoryRow = {
    id,
    tracking_id: `${context.config.advisoryIdPrefix}-${year}-${String(seq).padStart(4, '0')}`,
    year,
    seq,
    draft: JSON.stringify(content),
    draft_updated_at: iso(now),
    source_kind: input.source?.kind ?? null,
    source_id: input.source?.id ?? null,
    source_url: sourceUrl,
    revision: 0,
    published_title: null,
    published_severity: null,
    published_year: null,
    published_search: null,
    published_products: null,
    initial_release_at: null,
    current_release_at: null,
    created_at: iso(now),
    created_by: actorId(actor),
  };
  await trx.insertInto('advisories').values(row).execute();
  return row;
}

/**
 * A draft prefilled from a resolved (or disclosed) inbound report: its disclosed (redacted) text
 * where there is one, its CWE and CVSS vectors, its asset as the product, and the reporter as a
 * credit when they chose to be named in halls of fame (that choice is their consent).
 */
export async function draftAdvisoryFromReport(context: AppContext, trx: Executor, actor: Actor, reportId: string): Promise<AdvisoryRow> {
  assertCanEditAdvisories(actor);
  const report = await getReportRow(trx, actor, reportId);
  if (report.state !== 'resolved' && report.state !== 'disclosed') throw new AppError('conflict', 'Only a resolved or disclosed report becomes an advisory', [{ field: '/fromReport', message: `the report is ${report.state}` }]);
  const existing = await findBySource(trx, 'report', report.id);
  if (existing) throw new AppError('conflict', `The report has an advisory already: ${existing.tracking_id}`, [{ field: '/fromReport', message: existing.tracking_id }]);
  const disclosure = await findDisclosure(trx, report.id);
  const settings = await readSettings(context, trx);
  const asset = report.asset_id ? await trx.selectFrom('program_assets').select(['identifier']).where('id', '=', report.asset_id).executeTakeFirst() : undefined;
  const profile = await trx.selectFrom('hall_of_fame_profiles').select(['handle', 'public']).where('user_id', '=', report.reporter_id).executeTakeFirst();
  const vectors = (JSON.parse(report.cvss_vectors) as ScoredVector[]).filter((v) => v.version === '3.1' || v.version === '4.0');
  const oneEach = vectors.filter((v, i) => vectors.findIndex((w) => w.version === v.version) === i).map((v) => v.vector);
  const published = disclosure?.published_at ? disclosure : undefined;
  const content: AdvisoryContentInput = {
    title: (published?.title ?? report.title).slice(0, ADVISORY_LIMITS.title),
    summary: published?.summary || report.impact || '',
    products: [{ vendor: settings.organisationName.slice(0, ADVISORY_LIMITS.name), product: (asset?.identifier ?? report.asset_other ?? 'Product').slice(0, ADVISORY_LIMITS.name), status: 'affected', ranges: [], versions: [] }],
    vulnerabilities: [{ title: report.title.slice(0, ADVISORY_LIMITS.title), description: published?.description ?? report.description, cwes: report.cwe ? [report.cwe] : [], cvss: oneEach }],
    credits: profile?.public === 1 && profile.handle ? [{ name: profile.handle, kind: 'person', consent: true, userId: report.reporter_id }] : [],
  };
  return createAdvisory(context, trx, actor, { content, source: { kind: 'report', id: report.id, url: `${context.config.publicUrl}/reports/${report.id}` } });
}

/** What an outbound case hands to its advisory (the outbound area calls this once cases exist). */
export interface OutboundCaseForAdvisory {
  id: string;
  /** The case's page, for staff. */
  url: string;
  content: AdvisoryContentInput;
}

/** A draft for an outbound case (a flaw cvdesk's organisation found in someone else's product). */
export async function draftAdvisoryFromOutboundCase(context: AppContext, trx: Executor, actor: Actor, outboundCase: OutboundCaseForAdvisory): Promise<AdvisoryRow> {
  assertCanEditAdvisories(actor);
  const existing = await findBySource(trx, 'outbound_case', outboundCase.id);
  if (existing) throw new AppError('conflict', `The case has an advisory already: ${existing.tracking_id}`);
  return createAdvisory(context, trx, actor, { content: outboundCase.content, source: { kind: 'outbound_case', id: outboundCase.id, url: outboundCase.url } });
}

async function lockedAdvisory(context: AppContext, trx: Executor, id: string): Promise<AdvisoryRow> {
  const found = await findAdvisory(trx, id);
  if (!found) throw notFound('Advisory');
  // Serialise edits and publications of one advisory (revision numbers, draft overwrites).
  const row = await forUpdate(trx.selectFrom('advisories').selectAll().where('id', '=', found.id), context.engine).executeTakeFirst();
  return row!;
}

/** Replaces the draft (the whole content); published revisions are untouched until the next publication. */
export async function updateDraft(
  context: AppContext,
  trx: Executor,
  actor: Actor,
  id: string,
  changes: { content?: AdvisoryContentInput | undefined; sourceUrl?: string | null | undefined },
): Promise<AdvisoryRow> {
  assertCanEditAdvisories(actor);
  const row = await lockedAdvisory(context, trx, id);
  const set: Partial<AdvisoryRow> = { draft_updated_at: iso(context.clock.now()) };
  if (changes.content !== undefined) set.draft = JSON.stringify(checkedContent(context, changes.content));
  if (changes.sourceUrl !== undefined) set.source_url = changes.sourceUrl === null || changes.sourceUrl === '' ? null : webUrl(changes.sourceUrl, '/sourceUrl', allowHttp(context));
  await trx.updateTable('advisories').set(set).where('id', '=', row.id).execute();
  await recordAudit(context, trx, actor, { action: 'advisory.draft_changed', objectType: 'advisory', objectId: row.id, data: { fields: Object.keys(changes) } });
  return { ...row, ...set };
}

export const contentEquals = (a: AdvisoryContent, b: AdvisoryContent) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Publishes the draft as the next revision: checked for completeness, rendered as CSAF and
 * refused unless the CSAF validator passes it (schema and mandatory tests), so a published
 * document is never invalid. The first revision's summary defaults to "Initial public release";
 * later ones must say what changed.
 */
export async function publishAdvisory(context: AppContext, trx: Executor, actor: Actor, id: string, input: { changeSummary?: string | undefined }): Promise<AdvisoryRow> {
  assertCanPublishAdvisories(actor);
  const row = await lockedAdvisory(context, trx, id);
  // Re-checked with today's rules: a draft saved under older rules must not slip through.
  const content = normaliseContent(parseDraft(row) as AdvisoryContentInput, { allowHttp: allowHttp(context) });
  assertPublishable(content);
  const revisions = await findRevisions(trx, row.id);
  const latest = revisions[revisions.length - 1];
  if (latest && contentEquals(JSON.parse(latest.content) as AdvisoryContent, content)) throw new AppError('conflict', 'The draft is the same as the published revision: change something first');
  const given = changeSummaryOf(input.changeSummary);
  if (latest && !given) throw invalid('/changeSummary', 'say what changed: it goes into the revision history');
  const summary = given || 'Initial public release';
  const now = iso(context.clock.now());
  const initial = row.initial_release_at ?? now;
  const settings = await readSettings(context, trx);
  const document = csafFor(context, {
    advisory: { tracking_id: row.tracking_id, initial_release_at: initial },
    content,
    publisherName: settings.organisationName,
    revisions,
    next: { summary, date: now, status: 'final' },
  });
  await assertValidCsaf(document);
  const number = revisions.length + 1;
  await trx
    .insertInto('advisory_revisions')
    .values({ advisory_id: row.id, number, summary, content: JSON.stringify(content), csaf: serialiseCsaf(document), published_at: now, published_by: actorLabel(actor) })
    .execute();
  const set = {
    revision: number,
    published_title: content.title,
    published_severity: advisorySeverity(content),
    published_year: Number(initial.slice(0, 4)),
    published_search: searchText(row.tracking_id, content),
    published_products: `\n${[...new Set(content.products.map((p) => p.product))].join('\n')}\n`,
    initial_release_at: initial,
    current_release_at: now,
  };
  await trx.updateTable('advisories').set(set).where('id', '=', row.id).execute();
  await recordAudit(context, trx, actor, {
    action: 'advisory.published',
    objectType: 'advisory',
    objectId: row.id,
    data: { trackingId: row.tracking_id, revision: number, summary, cves: cveIds(content) },
  });
  return { ...row, ...set };
}

function searchText(trackingId: string, content: AdvisoryContent): string {
  return [trackingId, content.title, content.summary, ...cveIds(content), ...content.vulnerabilities.map((v) => v.title), ...content.products.map((p) => `${p.vendor} ${p.product} ${p.packageName ?? ''}`)]
    .join('\n')
    .toLowerCase();
}

/** An advisory as `actor` may see it: published ones for everyone, drafts for staff only (404 otherwise). */
export async function getAdvisory(db: Executor, actor: Actor, id: string): Promise<AdvisoryRow> {
  const row = await findAdvisory(db, id);
  if (!row) throw notFound('Advisory');
  if (row.revision === 0) assertCanSeeDraft(actor);
  return row;
}

/** The published content of the current revision. */
export async function publishedContent(db: Executor, row: AdvisoryRow): Promise<AdvisoryContent> {
  const revision = await db.selectFrom('advisory_revisions').select('content').where('advisory_id', '=', row.id).where('number', '=', row.revision).executeTakeFirstOrThrow();
  return JSON.parse(revision.content) as AdvisoryContent;
}

export async function currentCsafText(db: Executor, row: AdvisoryRow): Promise<string> {
  if (row.revision === 0) throw notFound('Published advisory');
  const revision = await db.selectFrom('advisory_revisions').select('csaf').where('advisory_id', '=', row.id).where('number', '=', row.revision).executeTakeFirstOrThrow();
  return revision.csaf;
}

/** The CSAF document: the published one, or (staff, `draft`) a preview of the draft as the next revision would be. */
export async function advisoryCsaf(context: AppContext, db: Executor, actor: Actor, row: AdvisoryRow, draft: boolean): Promise<string> {
  if (!draft) return currentCsafText(db, row);
  assertCanSeeDraft(actor);
  const settings = await readSettings(context, db);
  const document = csafFor(context, {
    advisory: row,
    content: parseDraft(row),
    publisherName: settings.organisationName,
    revisions: await findRevisions(db, row.id),
    next: { summary: 'Draft (not published)', date: iso(context.clock.now()), status: 'draft' },
  });
  return serialiseCsaf(document);
}

export async function advisoryOsv(context: AppContext, db: Executor, actor: Actor, row: AdvisoryRow, draft: boolean): Promise<Record<string, unknown>> {
  if (draft) assertCanSeeDraft(actor);
  if (!draft && row.revision === 0) throw notFound('Published advisory');
  const content = draft ? parseDraft(row) : await publishedContent(db, row);
  const record = osvFor(context, row, content);
  if (!record) throw notFound('An OSV record (the advisory names no package: give a product an ecosystem and package name, or a GIT range)');
  return record;
}

/** Every published advisory that names a package, as OSV records (the bulk download). */
export async function allOsvRecords(context: AppContext, db: Executor): Promise<Record<string, unknown>[]> {
  const rows = await db
    .selectFrom('advisories as a')
    .innerJoin('advisory_revisions as r', (join) => join.onRef('r.advisory_id', '=', 'a.id').onRef('r.number', '=', 'a.revision'))
    .select(['a.tracking_id', 'a.initial_release_at', 'a.current_release_at', 'r.content'])
    .where('a.revision', '>', 0)
    .orderBy('a.tracking_id')
    .execute();
  return rows.map((r) => osvFor(context, r, JSON.parse(r.content) as AdvisoryContent)).filter((r) => r !== null);
}


import type { Selectable } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { AppError, forbidden, invalid, notFound } from '../../shared/errors.js';
import { addDays, iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import { actorId, actorLabel, systemActor, type Actor } from '../auth/actor.js';
import { renderMarkdown, rendered } from '../markdown/render-markdown.js';
import type { DisclosureSettings } from '../programs/program.js';
import { findProgramById } from '../programs/program.repository.js';
import { canTriage } from './report.policy.js';
import { publishReportEvent } from './report-events.js';
import { findEvents, findReport, insertEvent } from './report.repository.js';
import { getReportRow } from './report.service.js';
import type { ReportDisclosureTable } from './report.table.js';
import { REPORT_LIMITS, type ReportRow } from './report.js';

export type DisclosureRow = Selectable<ReportDisclosureTable>;

async function programDisclosure(db: Executor, report: ReportRow): Promise<DisclosureSettings> {
  const program = await findProgramById(db, report.program_id);
  return JSON.parse(program!.disclosure) as DisclosureSettings;
}

function side(actor: Actor, report: ReportRow): 'reporter' | 'staff' {
  if (actor.kind === 'user' && actor.userId === report.reporter_id) return 'reporter';
  if (canTriage(actor)) return 'staff';
  throw forbidden('Only the reporter and the triage team take part in disclosure');
}

export function findDisclosure(db: Executor, reportId: string): Promise<DisclosureRow | undefined> {
  return db.selectFrom('report_disclosures').selectAll().where('report_id', '=', reportId).executeTakeFirst();
}

/**
 * Either side asks to disclose a resolved report, or agrees to the other's request. Under the
 * programme's mode: `open` discloses `delayDays` after the request (or at once when both agree);
 * `mutual` only when both agree; `none` never.
 */
export async function requestDisclosure(context: AppContext, trx: Executor, actor: Actor, id: string): Promise<DisclosureRow> {
  const report = await getReportRow(trx, actor, id, context.engine);
  const who = side(actor, report);
  if (report.state !== 'resolved') throw new AppError('conflict', 'Only a resolved report can be disclosed');
  const settings = await programDisclosure(trx, report);
  if (settings.mode === 'none') throw new AppError('conflict', "This programme's policy is not to disclose reports");
  const now = context.clock.now();
  let row = await findDisclosure(trx, id);
  if (!row) {
    row = {
      report_id: id,
      requested_at: iso(now),
      requested_by: who,
      reporter_agreed_at: null,
      staff_agreed_at: null,
      due_at: settings.mode === 'open' ? iso(addDays(now, settings.delayDays)) : null,
      level: settings.level,
      title: report.title,
      summary: '',
      description: null,
      steps: null,
      impact: null,
      published_at: null,
      timeline: null,
      timeline_redactions: null,
    };
    // Both sides asking at the same moment: the first row stands, the second agrees to it.
    await trx.insertInto('report_disclosures').values(row).onConflict((oc) => oc.column('report_id').doNothing()).execute();
    row = (await findDisclosure(trx, id))!;
  }
  const repeated = (who === 'reporter' ? row.reporter_agreed_at : row.staff_agreed_at) !== null;
  const otherAgreed = (who === 'reporter' ? row.staff_agreed_at : row.reporter_agreed_at) !== null;
  const agreed = who === 'reporter' ? { reporter_agreed_at: row.reporter_agreed_at ?? iso(now) } : { staff_agreed_at: row.staff_agreed_at ?? iso(now) };
  await trx.updateTable('report_disclosures').set(agreed).where('report_id', '=', id).execute();
  row = { ...row, ...agreed };
  await insertEvent(trx, {
    report_id: id,
    kind: 'disclosure',
    internal: 0,
    author_id: actorId(actor),
    author_label: actorLabel(actor),
    body: null,
    data: JSON.stringify({ disclosure: 'agreed', by: who, dueAt: row.due_at }),
    created_at: iso(now),
  });
  await recordAudit(context, trx, actor, { action: 'report.disclosure_agreed', objectType: 'report', objectId: id, data: { by: who } });
  const published = row.reporter_agreed_at && row.staff_agreed_at ? await publishDisclosure(context, trx, actor, report, row) : row;
  // The other side hears of a request to them; staff also of the reporter's agreement to a limited
  // disclosure still waiting for its summary. Published at once, the state change tells everyone;
  // asking again tells nobody twice.
  const tell = !repeated && !published.published_at && (!otherAgreed || who === 'reporter');
  if (tell) await publishReportEvent(context, trx, actor, { type: 'report.disclosure_requested', report, by: who, dueAt: row.due_at });
  return published;
}

export interface DisclosureText {
  title?: string | undefined;
  summary?: string | undefined;
  level?: 'full' | 'limited' | undefined;
  /** Redacted versions of the report's text; null restores the original. */
  description?: string | null | undefined;
  steps?: string | null | undefined;
  impact?: string | null | undefined;
  /** Per public timeline entry (by event id): replacement text, or null to show the entry without its text. */
  timelineRedactions?: Record<string, string | null> | undefined;
}

/** Staff write the public summary and redact the report's text before it is published. */
export async function editDisclosure(context: AppContext, trx: Executor, actor: Actor, id: string, text: DisclosureText): Promise<DisclosureRow> {
  const report = await getReportRow(trx, actor, id, context.engine);
  if (side(actor, report) !== 'staff') throw forbidden('Only the triage team edits what is disclosed');
  const row = await findDisclosure(trx, id);
  if (!row) throw new AppError('conflict', 'Disclosure has not been requested for this report');
  if (row.published_at) throw new AppError('conflict', 'This report is already disclosed');
  for (const [field, value] of Object.entries(text)) {
    if (typeof value === 'string' && value.length > REPORT_LIMITS.text) throw invalid(`/${field}`, `must be at most ${REPORT_LIMITS.text} characters`);
  }
  if (text.title !== undefined && !text.title.trim()) throw invalid('/title', 'must not be empty');
  if (text.timelineRedactions) {
    const ids = new Set((await findEvents(trx, id, false)).map((e) => e.id));
    for (const [eventId, replacement] of Object.entries(text.timelineRedactions)) {
      if (!ids.has(eventId)) throw invalid(`/timelineRedactions/${eventId}`, 'is not a public event of this report');
      if (replacement !== null && replacement.length > REPORT_LIMITS.comment) throw invalid(`/timelineRedactions/${eventId}`, `must be at most ${REPORT_LIMITS.comment} characters`);
    }
  }
  const changes = {
    ...(text.title !== undefined ? { title: text.title.trim() } : {}),
    ...(text.summary !== undefined ? { summary: text.summary } : {}),
    ...(text.level !== undefined ? { level: text.level } : {}),
    ...(text.description !== undefined ? { description: text.description } : {}),
    ...(text.steps !== undefined ? { steps: text.steps } : {}),
    ...(text.impact !== undefined ? { impact: text.impact } : {}),
    ...(text.timelineRedactions !== undefined
      ? { timeline_redactions: JSON.stringify({ ...(row.timeline_redactions ? (JSON.parse(row.timeline_redactions) as Record<string, string | null>) : {}), ...text.timelineRedactions }) }
      : {}),
  };
  await trx.updateTable('report_disclosures').set(changes).where('report_id', '=', id).execute();
  await recordAudit(context, trx, actor, { action: 'report.disclosure_edited', objectType: 'report', objectId: id, data: { fields: Object.keys(changes) } });
  return { ...row, ...changes };
}

async function publishDisclosure(context: AppContext, trx: Executor, actor: Actor, report: ReportRow, row: DisclosureRow): Promise<DisclosureRow> {
  if (row.level === 'limited' && !row.summary.trim()) {
    // A limited disclosure is its summary: it waits until staff have written one.
    return row;
  }
  const now = iso(context.clock.now());
  const timeline = JSON.stringify(await publicTimelineSnapshot(trx, report.id, row));
  await trx.updateTable('report_disclosures').set({ published_at: now, timeline }).where('report_id', '=', report.id).execute();
  await trx.updateTable('reports').set({ state: 'disclosed', updated_at: now }).where('id', '=', report.id).execute();
  await insertEvent(trx, { report_id: report.id, kind: 'state_change', internal: 0, author_id: actorId(actor), author_label: actorLabel(actor), body: null, data: JSON.stringify({ from: 'resolved', to: 'disclosed' }), created_at: now });
  await recordAudit(context, trx, actor, { action: 'report.disclosed', objectType: 'report', objectId: report.id, data: { level: row.level } });
  await publishReportEvent(context, trx, actor, { type: 'report.state_changed', report: { ...report, state: 'disclosed', updated_at: now }, from: 'resolved', to: 'disclosed', reason: null });
  return { ...row, published_at: now, timeline };
}

export interface PublicTimelineEntry {
  kind: string;
  createdAt: string;
  /** Markdown, after staff's redactions; null when there is no text or it was withheld. */
  body: string | null;
  /** `body` rendered once, at publication. */
  html: string | null;
  /** Only what is safe to publish: the states of a state change. */
  data: { from?: string; to?: string };
}

/** Event kinds that appear in a disclosure; rewards, assignments and the like stay private. */
const PUBLIC_KINDS = new Set(['submitted', 'comment', 'state_change', 'severity_change', 'retest', 'disclosure']);

/**
 * The public timeline, frozen at publication: public events only, staff's per-entry redactions
 * applied, event data reduced to state names. Limited disclosures carry no text at all.
 */
async function publicTimelineSnapshot(db: Executor, reportId: string, row: DisclosureRow): Promise<PublicTimelineEntry[]> {
  const redactions = row.timeline_redactions ? (JSON.parse(row.timeline_redactions) as Record<string, string | null>) : {};
  const events = await findEvents(db, reportId, false);
  return events
    .filter((event) => PUBLIC_KINDS.has(event.kind))
    .map((event) => {
      const data = JSON.parse(event.data) as { from?: unknown; to?: unknown };
      const body = row.level === 'full' ? (event.id in redactions ? redactions[event.id]! : event.body) : null;
      return {
        kind: event.kind,
        createdAt: event.created_at,
        body,
        html: body === null ? null : renderMarkdown(body),
        data: event.kind === 'state_change' && typeof data.from === 'string' && typeof data.to === 'string' ? { from: data.from, to: data.to } : {},
      };
    });
}

/** Open-mode disclosures whose delay has passed (and limited ones now summarised): published by the hourly task. */
export async function publishDueDisclosures(context: AppContext, trx: Executor): Promise<number> {
  const now = iso(context.clock.now());
  const due = await trx
    .selectFrom('report_disclosures')
    .selectAll()
    .where('published_at', 'is', null)
    .where((eb) => eb.or([eb('due_at', '<=', now), eb.and([eb('reporter_agreed_at', 'is not', null), eb('staff_agreed_at', 'is not', null)])]))
    .limit(200)
    .execute();
  let published = 0;
  for (const row of due) {
    const report = await findReport(trx, row.report_id);
    if (!report || report.state !== 'resolved') continue;
    const result = await publishDisclosure(context, trx, systemActor('disclosure policy'), report, row);
    if (result.published_at) published += 1;
  }
  return published;
}

export interface PublicDisclosure {
  id: string;
  program: { slug: string; name: string };
  title: string;
  level: 'full' | 'limited';
  summary: { markdown: string; html: string };
  description: { markdown: string; html: string } | null;
  steps: { markdown: string; html: string } | null;
  impact: { markdown: string; html: string } | null;
  severity: string;
  score: number | null;
  cwe: number | null;
  submittedAt: string;
  resolvedAt: string | null;
  disclosedAt: string;
  timeline: { kind: string; createdAt: string; body: { markdown: string; html: string } | null; data: unknown }[];
}


/** What the world reads at /disclosed/:id: redacted text, public timeline only (internal notes never). */
export async function publicDisclosure(db: Executor, id: string): Promise<PublicDisclosure> {
  const row = await findDisclosure(db, id);
  const report = row?.published_at ? await findReport(db, id) : undefined;
  if (!row || !row.published_at || !report) throw notFound('Disclosed report');
  const program = (await findProgramById(db, report.program_id))!;
  // An invite-only programme's reports are never public, whatever their disclosure state.
  if (program.visibility !== 'public') throw notFound('Disclosed report');
  const full = row.level === 'full';
  const timeline = JSON.parse(row.timeline ?? '[]') as PublicTimelineEntry[];
  return {
    id,
    program: { slug: program.slug, name: program.name },
    title: row.title,
    level: row.level,
    summary: rendered(row.summary),
    description: full ? rendered(row.description ?? report.description) : null,
    steps: full ? rendered(row.steps ?? report.steps) : null,
    impact: full ? rendered(row.impact ?? report.impact) : null,
    severity: report.severity,
    score: report.score,
    cwe: report.cwe,
    submittedAt: report.created_at,
    resolvedAt: report.resolved_at,
    disclosedAt: row.published_at,
    timeline: timeline.map((entry) => ({ kind: entry.kind, createdAt: entry.createdAt, body: entry.body === null ? null : { markdown: entry.body, html: entry.html ?? '' }, data: entry.data })),
  };
}

export async function listPublicDisclosures(db: Executor, options: { program?: string | undefined; before?: string | undefined; limit: number }) {
  let query = db
    .selectFrom('report_disclosures')
    .innerJoin('reports', 'reports.id', 'report_disclosures.report_id')
    .innerJoin('programs', 'programs.id', 'reports.program_id')
    .select(['report_disclosures.report_id as id', 'report_disclosures.title', 'report_disclosures.published_at', 'reports.severity', 'programs.slug', 'programs.name'])
    .where('report_disclosures.published_at', 'is not', null)
    .where('programs.visibility', '=', 'public')
    .orderBy('report_disclosures.published_at', 'desc')
    .limit(options.limit);
  if (options.program) query = query.where('programs.slug', '=', options.program);
  if (options.before) query = query.where('report_disclosures.published_at', '<', options.before);
  const rows = await query.execute();
  return rows.map((r) => ({ id: r.id, title: r.title, severity: r.severity, disclosedAt: r.published_at!, program: { slug: r.slug, name: r.name } }));
}

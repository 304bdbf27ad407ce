import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { randomToken, sha256 } from '../../security/random.js';
import { AppError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import { actorLabel, systemActor, type Actor } from '../auth/actor.js';
import { sendMail } from '../mail/mail.service.js';
import { userRoles } from '../users/user.js';
import type { CaseRow, CaseState, ParticipantRole, VulnerabilityStatus } from './case.js';
import { OPEN_STATES } from './case.js';
import { appendLog } from './case-log.js';
import { computeNextActions, type CaseFacts, type NextActions } from './case-next-actions.js';
import { checkPolicyValues, DISCLOSURE_POLICIES, effectiveValues, policyOrThrow, type DisclosureCondition, type DisclosurePolicy, type PolicyValues } from './case-policies.js';
import { assertCanChangePolicySettings, assertCanReadCases, CASE_READER_ROLES } from './case.policy.js';
import { renderCalendar, type CalendarEvent } from './ical.js';

/** The job the hourly task enqueues: reminders to case owners for actions that came due. */
export const CASES_HOURLY_JOB = 'cases.hourly';

export async function policyOverrides(db: Executor): Promise<Map<string, Partial<PolicyValues>>> {
  const rows = await db.selectFrom('case_policy_settings').selectAll().execute();
  return new Map(rows.map((r) => [r.policy, JSON.parse(r.value) as Partial<PolicyValues>]));
}

export async function policyValuesFor(db: Executor, policy: DisclosurePolicy): Promise<PolicyValues> {
  return effectiveValues(policy, (await policyOverrides(db)).get(policy.key));
}

export async function listPolicies(db: Executor, actor: Actor) {
  assertCanReadCases(actor);
  const overrides = await policyOverrides(db);
  return (DISCLOSURE_POLICIES as readonly DisclosurePolicy[]).map((p) => ({
    key: p.key,
    name: p.name,
    description: p.description,
    conditions: [...p.conditions],
    defaults: p.defaults,
    values: effectiveValues(p, overrides.get(p.key)),
  }));
}

/** Sets the organisation's values for one policy (null for a value: back to the shipped default). */
export async function changePolicyValues(context: AppContext, trx: Executor, actor: Actor, key: string, patch: Partial<Record<keyof PolicyValues, number | null>>): Promise<PolicyValues> {
  assertCanChangePolicySettings(actor);
  const policy = policyOrThrow(key, '/policy');
  const current = (await policyOverrides(trx)).get(policy.key) ?? {};
  const checked = checkPolicyValues(policy, patch);
  const next: Partial<PolicyValues> = { ...current };
  for (const [name, value] of Object.entries(checked) as [keyof PolicyValues, number | null][]) {
    if (value === null) delete next[name];
    else (next as Record<string, number | null>)[name] = value;
  }
  const at = iso(context.clock.now());
  await trx
    .insertInto('case_policy_settings')
    .values({ policy: policy.key, value: JSON.stringify(next), updated_at: at, updated_by: actorLabel(actor) })
    .onConflict((oc) => oc.column('policy').doUpdateSet({ value: JSON.stringify(next), updated_at: at, updated_by: actorLabel(actor) }))
    .execute();
  await recordAudit(context, trx, actor, { action: 'case.policy_values_changed', objectType: 'disclosure_policy', objectId: policy.key, data: { values: next } });
  return effectiveValues(policy, next);
}

/** What computeNextActions needs, read from the case's rows. */
export async function loadCaseFacts(db: Executor, row: CaseRow): Promise<CaseFacts> {
  return (await loadFactsOfCases(db, [row])).get(row.id)!;
}

const CHUNK = 500;
const chunks = <T>(items: T[]) => Array.from({ length: Math.ceil(items.length / CHUNK) }, (_, i) => items.slice(i * CHUNK, (i + 1) * CHUNK));

/**
 * The facts of many cases in a few queries (participants, statuses, extensions, decisions, each
 * by chunks of case ids): the hourly reminders and the calendar feed look at every open case.
 */
export async function loadFactsOfCases(db: Executor, rows: CaseRow[]): Promise<Map<string, CaseFacts>> {
  const facts = new Map<string, CaseFacts>();
  for (const part of chunks(rows)) {
    const ids = part.map((r) => r.id);
    const [participants, statuses, extensions, decisions] = await Promise.all([
      db
        .selectFrom('case_participants')
        .innerJoin('vendors', 'vendors.id', 'case_participants.vendor_id')
        .selectAll('case_participants')
        .select('vendors.name as vendor_name')
        .where('case_participants.case_id', 'in', ids)
        .orderBy('case_participants.added_at')
        .orderBy('case_participants.id')
        .execute(),
      db
        .selectFrom('case_participant_status')
        .innerJoin('case_participants', 'case_participants.id', 'case_participant_status.participant_id')
        .select(['case_participant_status.participant_id', 'case_participant_status.status', 'case_participant_status.changed_at'])
        .where('case_participants.case_id', 'in', ids)
        .execute(),
      db.selectFrom('case_extension_requests').selectAll().where('case_id', 'in', ids).execute(),
      db.selectFrom('case_decisions').selectAll().where('case_id', 'in', ids).orderBy('decided_at', 'desc').orderBy('id').execute(),
    ]);
    const group = <T, K>(items: T[], key: (item: T) => K) => {
      const map = new Map<K, T[]>();
      for (const item of items) {
        const list = map.get(key(item));
        if (list) list.push(item);
        else map.set(key(item), [item]);
      }
      return map;
    };
    const participantsOf = group(participants, (p) => p.case_id);
    const statusesOf = group(statuses, (s) => s.participant_id);
    const extensionsOf = group(extensions, (e) => e.case_id);
    const decisionOf = new Map<string, (typeof decisions)[number]>();
    for (const d of decisions) if (!decisionOf.has(d.case_id)) decisionOf.set(d.case_id, d);
    for (const row of part) {
      const own = extensionsOf.get(row.id) ?? [];
      const accepted = own.filter((e) => e.state === 'accepted').map((e) => e.requested_until).sort();
      const decision = decisionOf.get(row.id);
      facts.set(row.id, {
        state: row.state as CaseState,
        createdAt: row.created_at,
        exploitedAt: row.exploited_at,
        embargoEndsAt: row.embargo_end_at,
        participants: (participantsOf.get(row.id) ?? []).map((p) => ({
            id: p.id,
            name: p.vendor_name,
            role: p.role as ParticipantRole,
            firstNoticeAt: p.first_notice_at,
            lastNoticeAt: p.last_notice_at,
            noticeCount: Number(p.notice_count),
            acknowledgedAt: p.acknowledged_at,
            escalatedAt: p.escalated_at,
          statuses: (statusesOf.get(p.id) ?? []).map((s) => ({ status: s.status as VulnerabilityStatus, changedAt: s.changed_at })),
        })),
        pendingExtensions: own.filter((e) => e.state === 'pending').map((e) => ({ id: e.id, participantId: e.participant_id, requestedUntil: e.requested_until, createdAt: e.created_at })),
        extendedUntil: accepted.at(-1) ?? null,
        decision: decision ? { condition: decision.condition as DisclosureCondition, decidedAt: decision.decided_at, discloseAt: decision.disclose_at } : null,
      });
    }
  }
  return facts;
}

/** Next actions of many cases at once (policy values read once). */
export async function nextActionsOfCases(context: AppContext, db: Executor, rows: CaseRow[]): Promise<Map<string, NextActions>> {
  const overrides = await policyOverrides(db);
  const facts = await loadFactsOfCases(db, rows);
  const now = context.clock.now();
  const out = new Map<string, NextActions>();
  for (const row of rows) {
    const policy = policyOrThrow(row.policy);
    out.set(row.id, computeNextActions(facts.get(row.id)!, policy, effectiveValues(policy, overrides.get(policy.key)), now));
  }
  return out;
}

export async function nextActionsFor(context: AppContext, db: Executor, row: CaseRow): Promise<NextActions & { values: PolicyValues }> {
  const policy = policyOrThrow(row.policy);
  const values = await policyValuesFor(db, policy);
  return { ...computeNextActions(await loadCaseFacts(db, row), policy, values, context.clock.now()), values };
}

const REMINDED_KINDS = new Set(['follow_up', 'escalate', 'decide_extension', 'deadline_warning', 'deadline', 'consider_disclosure', 'embargo_ends', 'disclose']);

/**
 * The hourly job: for each open case, every action that came due and was not reminded of yet is
 * mailed to the case owner (through the outbox) and noted in the contact log, once per action
 * and due date.
 */
export async function runCaseReminders(context: AppContext): Promise<{ reminded: number }> {
  const actor = systemActor('cvdesk');
  const cases = await context.db.selectFrom('cases').selectAll().where('state', 'in', [...OPEN_STATES]).orderBy('created_at').limit(100_000).execute();
  const next = await nextActionsOfCases(context, context.db, cases);
  let reminded = 0;
  for (const row of cases) {
    const { actions } = next.get(row.id)!;
    const due = actions.filter((a) => a.overdue && REMINDED_KINDS.has(a.kind));
    if (due.length === 0) continue;
    await context.db.transaction().execute(async (trx) => {
      const done = new Set(
        (await trx.selectFrom('case_log').select('data').where('case_id', '=', row.id).where('kind', '=', 'reminder').execute()).map((r) => (JSON.parse(r.data) as { key?: string }).key),
      );
      const fresh = due.filter((a) => !done.has(`${a.kind}:${a.participantId ?? '-'}:${a.due}`));
      if (fresh.length === 0) return;
      const owner = await trx.selectFrom('users').select(['email', 'disabled_at']).where('id', '=', row.owner_id).executeTakeFirst();
      if (owner && !owner.disabled_at) {
        const lines = fresh.map((a) => `- ${a.text} (due ${a.due})`).join('\n');
        await sendMail(context, trx, {
          to: owner.email,
          subject: `Case needs attention: ${row.title.replace(/[\r\n]+/g, ' ').slice(0, 120)}`,
          text: `These actions on a case you own are due:\n\n${lines}\n\nOpen the case: ${context.config.publicUrl}/cases/${row.id}\n`,
        });
      }
      for (const a of fresh) {
        await appendLog(context, trx, { caseId: row.id, participantId: a.participantId, kind: 'reminder', channel: 'system', direction: 'internal', summary: `Reminder to the owner: ${a.text}`, actor: 'cvdesk', data: { key: `${a.kind}:${a.participantId ?? '-'}:${a.due}`, action: a.kind } });
      }
      await recordAudit(context, trx, actor, { action: 'case.reminded', objectType: 'case', objectId: row.id, data: { actions: fresh.map((a) => a.kind) } });
      reminded += fresh.length;
    });
  }
  return { reminded };
}

// ---------------------------------------------------------------------------------------------
// The iCalendar feed of deadlines, per staff member (token in the URL: calendar apps send no cookies)
// ---------------------------------------------------------------------------------------------

const CALENDAR_PREFIX = 'cvc_';

export async function issueCalendarToken(context: AppContext, trx: Executor, actor: Actor): Promise<{ token: string; url: string }> {
  assertCanReadCases(actor);
  if (actor.kind !== 'user') throw new AppError('bad_request', 'A calendar feed belongs to a staff account');
  const token = `${CALENDAR_PREFIX}${randomToken(32)}`;
  const at = iso(context.clock.now());
  // One feed per person: a new token replaces the old one.
  await trx.updateTable('case_calendar_tokens').set({ revoked_at: at }).where('user_id', '=', actor.userId).where('revoked_at', 'is', null).execute();
  await trx.insertInto('case_calendar_tokens').values({ id: newId(), user_id: actor.userId, token_hash: sha256(token), created_at: at, revoked_at: null, last_used_at: null }).execute();
  await recordAudit(context, trx, actor, { action: 'case.calendar_token_issued', objectType: 'user', objectId: actor.userId, data: {} });
  return { token, url: `${context.config.publicUrl}/api/v1/cases/calendar.ics?token=${token}` };
}

export async function revokeCalendarToken(context: AppContext, trx: Executor, actor: Actor): Promise<void> {
  assertCanReadCases(actor);
  if (actor.kind !== 'user') throw new AppError('bad_request', 'A calendar feed belongs to a staff account');
  await trx.updateTable('case_calendar_tokens').set({ revoked_at: iso(context.clock.now()) }).where('user_id', '=', actor.userId).where('revoked_at', 'is', null).execute();
  await recordAudit(context, trx, actor, { action: 'case.calendar_token_revoked', objectType: 'user', objectId: actor.userId, data: {} });
}

const CALENDAR_KINDS = new Set(['follow_up', 'escalate', 'deadline_warning', 'deadline', 'consider_disclosure', 'embargo_ends', 'disclose']);

/** Open cases, oldest first, of one owner or of everyone: what a deadlines calendar covers. */
function openCasesForCalendar(db: Executor, ownerId: string | null): Promise<CaseRow[]> {
  let query = db.selectFrom('cases').selectAll().where('state', 'in', [...OPEN_STATES]);
  if (ownerId) query = query.where('owner_id', '=', ownerId);
  return query.orderBy('created_at').orderBy('id').limit(2000).execute();
}

/** One calendar event per due action worth a calendar entry, for the staff feed and the operator's file alike. */
async function deadlineEvents(context: AppContext, db: Executor, cases: CaseRow[]): Promise<CalendarEvent[]> {
  const events: CalendarEvent[] = [];
  const next = await nextActionsOfCases(context, db, cases);
  for (const c of cases) {
    const { actions } = next.get(c.id)!;
    for (const a of actions) {
      if (!CALENDAR_KINDS.has(a.kind)) continue;
      events.push({
        uid: `${c.id}-${a.kind}-${a.participantId ?? 'case'}@cvdesk`,
        start: a.due,
        summary: `${a.text} — ${c.title}`,
        description: `Case: ${c.title}\n${a.text}${a.condition ? `\nCondition: ${a.condition}` : ''}`,
        url: `${context.config.publicUrl}/cases/${c.id}`,
        categories: [a.kind],
      });
    }
  }
  return events;
}

/**
 * The deadlines calendar for someone who reads cases without a feed token (the operator's
 * `cvdesk cases ical`): every open case's, or one owner's.
 */
export async function deadlinesCalendar(context: AppContext, db: Executor, actor: Actor, options: { owner?: { id: string; email: string } | undefined } = {}): Promise<{ events: CalendarEvent[]; text: string }> {
  assertCanReadCases(actor);
  const events = await deadlineEvents(context, db, await openCasesForCalendar(db, options.owner?.id ?? null));
  const name = `cvdesk case deadlines (${options.owner ? options.owner.email : 'all open cases'})`;
  return { events, text: renderCalendar(name, events, context.clock.now()) };
}

/** The feed: due dates of open cases the token's owner owns. A bad, revoked or disabled-account token is refused alike. */
export async function calendarFeed(context: AppContext, token: string | undefined): Promise<string> {
  const refuse = () => new AppError('token_invalid', 'This calendar link is not valid (revoked or replaced?); make a new one on the cases page');
  if (!token || !token.startsWith(CALENDAR_PREFIX) || token.length > 200) throw refuse();
  const row = await context.db
    .selectFrom('case_calendar_tokens')
    .innerJoin('users', 'users.id', 'case_calendar_tokens.user_id')
    .select(['case_calendar_tokens.id', 'case_calendar_tokens.user_id', 'case_calendar_tokens.revoked_at', 'users.disabled_at', 'users.roles', 'users.email'])
    .where('token_hash', '=', sha256(token))
    .executeTakeFirst();
  if (!row || row.revoked_at || row.disabled_at) throw refuse();
  if (!userRoles(row).some((role) => CASE_READER_ROLES.includes(role))) throw refuse();
  await context.db.updateTable('case_calendar_tokens').set({ last_used_at: iso(context.clock.now()) }).where('id', '=', row.id).execute();
  const cases = await openCasesForCalendar(context.db, row.user_id);
  const events = await deadlineEvents(context, context.db, cases);
  return renderCalendar(`cvdesk case deadlines (${row.email})`, events, context.clock.now());
}

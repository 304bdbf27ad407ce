import fs from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import type { AppContext } from '../../context.js';
import { CASE_STATES, type CaseState } from '../../domain/cases/case.js';
import { caseAgenda, dueActions, findCaseByRef, recentLog, type CaseAgendaItem, type DueAction } from '../../domain/cases/case-agenda.js';
import { recordDecision } from '../../domain/cases/case-disclosure.js';
import type { NextAction } from '../../domain/cases/case-next-actions.js';
import { escalateCase } from '../../domain/cases/case-notices.js';
import { caseRef } from '../../domain/cases/case.js';
import { CONDITION_LABELS, DISCLOSURE_CONDITIONS, type DisclosureCondition } from '../../domain/cases/case-policies.js';
import { deadlinesCalendar } from '../../domain/cases/case-schedule.js';
import { getCaseDetail } from '../../domain/cases/case-view.js';
import { getUserByEmail } from '../../domain/users/user.service.js';
import { coordinatorRows } from '../../domain/vendors/vendor.repository.js';
import { inTransaction } from '../../server/transaction.js';
import { CliFailure } from '../failure.js';
import { operator, print, printable, withContext, type CliIO, type GlobalOptions } from '../io.js';

/**
 * `cvdesk cases …`: outbound cases for the operator and for scripts (cron, on-call), through the
 * services and the policy the API uses; the operator is the system actor.
 */

function whole(name: string, min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new CliFailure(`${name}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(value.slice(0, 40))}`, 2);
    return Number(value);
  };
}

/** `2026-11-27T12:00:00.000Z` → `2026-11-27 12:00 UTC`. */
const when = (iso: string | null) => (iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '—');

/** Lines for a terminal, each escaped whole: text from vendors can neither move the cursor nor start a line of its own. */
const text = (lines: string[]) => lines.map(printable).join('\n');

async function ownerOf(context: AppContext, email: string | undefined): Promise<{ id: string; email: string } | undefined> {
  if (email === undefined) return undefined;
  const user = await getUserByEmail(context.db, email);
  return { id: user.id, email: user.email };
}

function actionLine(action: NextAction): string {
  return `${when(action.due)}${action.overdue ? ' (overdue)' : ''}  ${action.kind}: ${action.text}`;
}

function agendaText(items: CaseAgendaItem[], total: number, what: string): string {
  if (items.length === 0) return `No ${what}`;
  const lines: string[] = [];
  for (const c of items) {
    lines.push(`${c.ref}  ${c.state.padEnd(12)}  ${c.policy.padEnd(20)}  ${String(c.participants).padStart(3)} participant${c.participants === 1 ? ' ' : 's'}  ${c.title}`);
    lines.push(`          next: ${c.next ? actionLine(c.next) : 'nothing due'}${c.overdueActions > 1 ? ` (+${c.overdueActions - 1} more overdue)` : ''}`);
  }
  lines.push(items.length < total ? `${items.length} of ${total} ${what} (--limit for more)` : `${total} ${what}`);
  return text(lines);
}

type CaseDetail = Awaited<ReturnType<typeof getCaseDetail>>;
type LogTail = Awaited<ReturnType<typeof recentLog>>;

function detailText(detail: CaseDetail, log: LogTail): string {
  const titleOf = new Map(detail.vulnerabilities.map((v, i) => [v.id, `${i + 1}. ${v.title}`]));
  const nameOf = new Map(detail.participants.map((p) => [p.id, p.vendor.name]));
  const embargo = detail.embargo;
  const lines = [
    `Case ${detail.ref}: ${detail.title}`,
    `  id:       ${detail.id}`,
    `  state:    ${detail.state}${detail.allowedTransitions.length ? ` (can become ${detail.allowedTransitions.join(', ')})` : ''}`,
    `  policy:   ${detail.policy.name} [${detail.policy.key}]`,
    `  owner:    ${detail.owner ? `${detail.owner.name} <${detail.owner.email}>` : '—'}`,
    `  embargo:  ${embargo ? `${embargo.local.replace('T', ' ')} ${embargo.zone} (UTC${embargo.offset}) = ${when(embargo.endsAt)}` : 'none'}`,
    `  deadline: ${detail.next.dates.deadline ? `${when(detail.next.dates.deadline)} (${detail.next.dates.deadlineReason})` : 'none'}`,
    `  created:  ${when(detail.createdAt)}${detail.disclosedAt ? `; disclosed ${when(detail.disclosedAt)}` : ''}${detail.closedAt ? `; closed ${when(detail.closedAt)}` : ''}`,
    `Vulnerabilities (${detail.vulnerabilities.length}):`,
    ...detail.vulnerabilities.map(
      (v, i) => `  ${i + 1}. ${v.title} — ${v.product}${v.versions.length ? ` ${v.versions.join(', ')}` : ''}${v.cwe !== null ? `, CWE-${v.cwe}` : ''}${v.cvssVectors.length ? `, ${v.cvssVectors.join(' ')}` : ''}`,
    ),
    `Participants (${detail.participants.length}):`,
  ];
  for (const p of detail.participants) {
    const notices = p.noticeCount === 0 ? 'not notified' : `${p.noticeCount} notice${p.noticeCount === 1 ? '' : 's'}, last ${when(p.lastNoticeAt)}`;
    const answered = p.acknowledgedAt ? `acknowledged ${when(p.acknowledgedAt)}` : 'not acknowledged';
    lines.push(`  ${p.vendor.name} (${p.role}) <${p.contact?.value ?? 'no mail contact'}>: ${notices}; ${answered}${p.escalatedAt ? `; escalated ${when(p.escalatedAt)}` : ''}`);
    for (const s of p.statuses) lines.push(`      ${titleOf.get(s.vulnerabilityId) ?? s.vulnerabilityId}: ${s.status}`);
  }
  lines.push(`Next actions (${detail.next.actions.length}):`, ...(detail.next.actions.length ? detail.next.actions.map((a) => `  ${actionLine(a)}`) : ['  nothing due']));
  if (detail.decisions.length) lines.push('Decisions:', ...detail.decisions.map((d) => `  ${when(d.decidedAt)}  ${d.condition} by ${d.decidedBy}${d.discloseAt ? `, disclose at ${when(d.discloseAt)}` : ''}`));
  lines.push(
    log.items.length < log.total ? `Contact log (last ${log.items.length} of ${log.total}):` : `Contact log (${log.total}):`,
    ...log.items.map((e) => `  ${when(e.occurredAt)}  ${e.channel}/${e.direction}  ${e.kind}${e.participantId ? ` [${nameOf.get(e.participantId) ?? 'participant'}]` : ''}: ${e.summary}`),
  );
  return text(lines);
}

function dueText(items: DueAction[], until: string): string {
  if (items.length === 0) return `Nothing due on open cases by ${when(until)}`;
  const cases = new Set(items.map((a) => a.case.id)).size;
  return text([
    `${items.length} action${items.length === 1 ? '' : 's'} on ${cases} case${cases === 1 ? '' : 's'} due by ${when(until)}:`,
    ...items.map((a) => `${when(a.due)}  ${a.overdue ? 'OVERDUE' : '       '}  ${a.case.ref}  ${a.kind.padEnd(19)}  ${a.text} — ${a.case.title}`),
  ]);
}

/** Writes the file whole or not at all (a cron job may refresh it while a calendar app reads it). */
function writeAtomically(file: string, content: string): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(temporary, content, { mode: 0o600 });
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw new CliFailure(`cannot write ${file}: ${(error as Error).message}`);
  }
}

/** The silent vendor of an escalation: named with --vendor, else the case's only vendor, else the only one an escalation is due for. */
function silentVendor(detail: CaseDetail, vendor: string | undefined) {
  const vendors = detail.participants.filter((p) => p.role === 'vendor');
  const names = vendors.map((p) => p.vendor.name).join(', ') || 'none';
  if (vendor !== undefined) {
    const wanted = vendor.trim().toLowerCase();
    const found = vendors.find((p) => p.id === wanted || p.vendor.id === wanted || p.vendor.name.toLowerCase() === wanted);
    if (!found) throw new CliFailure(printable(`--vendor: ${JSON.stringify(vendor.slice(0, 60))} is not a vendor participant of case ${detail.ref} (vendors: ${names})`), 1);
    return found;
  }
  if (vendors.length === 1) return vendors[0]!;
  const due = new Set(detail.next.actions.filter((a) => a.kind === 'escalate').map((a) => a.participantId));
  const silent = vendors.filter((p) => due.has(p.id));
  if (silent.length === 1) return silent[0]!;
  throw new CliFailure(printable(`case ${detail.ref} has ${vendors.length} vendors: name the silent one with --vendor (${names})`), 2);
}

const REF = 'the case id, or its 8-character reference as notices show it ([case 1A2B3C4D]); more of the id when cases share a reference';

export function registerCasesCommands(program: Command, io: CliIO): void {
  const cases = program.command('cases').description('outbound disclosure cases: what is due, one case, the deadlines calendar, escalation and disclosure decisions (docs/cases.md)');
  const common = (command: Command) => command.option('--json', 'print JSON').option('--data <dir>', 'data folder');

  common(
    cases
      .command('list')
      .description('open cases (or those in --state), newest first, with state, policy, participants and the next action with its date')
      .addOption(new Option('--state <state>', 'only cases in this state (default: open = draft, notifying, coordinating)').choices([...CASE_STATES, 'open']))
      .option('--owner <email>', 'only cases this staff member owns')
      .option('--overdue', 'only cases with an action whose date has passed')
      .option('--limit <n>', 'at most this many (1–1000)', whole('--limit', 1, 1000), 50),
  ).action(async (options: GlobalOptions & { state?: CaseState | 'open'; owner?: string; overdue?: boolean; limit: number }) => {
    await withContext(options, async (context) => {
      const actor = operator();
      const owner = await ownerOf(context, options.owner);
      const { items, total } = await caseAgenda(context, context.db, actor, { state: options.state, ownerId: owner?.id, overdue: options.overdue, limit: options.limit });
      const what = `${options.overdue ? 'overdue ' : ''}${!options.state || options.state === 'open' ? 'open ' : `${options.state} `}cases`;
      print(io, options, { items, total }, () => agendaText(items, total, what));
    });
  });

  common(
    cases
      .command('show')
      .description('one case: vulnerabilities, participants with their statuses, embargo (date, hour, zone), next actions with dates, decisions, the last contact-log entries')
      .argument('<ref>', REF)
      .option('--log <n>', 'how many of the last contact-log entries (0–1000)', whole('--log', 0, 1000), 10),
  ).action(async (ref: string, options: GlobalOptions & { log: number }) => {
    await withContext(options, async (context) => {
      const actor = operator();
      const row = await findCaseByRef(context.db, actor, ref);
      const detail = await getCaseDetail(context, context.db, actor, row.id);
      const log = await recentLog(context.db, actor, row.id, options.log);
      print(io, options, { ...detail, log }, () => detailText(detail, log));
    });
  });

  common(
    cases
      .command('next-actions')
      .description('every open case\'s actions due within the next N days, overdue ones included, soonest first (for a cron job or whoever is on call); exit 0 whether or not anything is due')
      .option('--days <n>', 'how far ahead (0–3650; 0: only what is due now)', whole('--days', 0, 3650), 7)
      .option('--owner <email>', 'only cases this staff member owns'),
  ).action(async (options: GlobalOptions & { days: number; owner?: string }) => {
    await withContext(options, async (context) => {
      const owner = await ownerOf(context, options.owner);
      const result = await dueActions(context, context.db, operator(), { days: options.days, ownerId: owner?.id });
      print(io, options, result, () => dueText(result.items, result.until));
    });
  });

  common(
    cases
      .command('ical')
      .description('the deadlines calendar (RFC 5545) of every open case, or of one owner: the staff feed\'s events without a feed token')
      .option('--output <file>', 'write it to this file (replaced whole, mode 600) instead of standard output')
      .option('--owner <email>', 'only cases this staff member owns'),
  ).action(async (options: GlobalOptions & { output?: string; owner?: string }) => {
    await withContext(options, async (context) => {
      const owner = await ownerOf(context, options.owner);
      const calendar = await deadlinesCalendar(context, context.db, operator(), { owner });
      if (options.output) {
        writeAtomically(options.output, calendar.text);
        print(io, options, { file: options.output, events: calendar.events }, () => `wrote ${calendar.events.length} event${calendar.events.length === 1 ? '' : 's'} to ${options.output}`);
      } else {
        print(io, options, { file: null, events: calendar.events, calendar: calendar.text }, () => calendar.text);
      }
    });
  });

  common(
    cases
      .command('escalate')
      .description(
        'escalate to a coordinator from the vendor directory: it joins the case with every vulnerability shared, the silent vendor\'s unknown statuses become no_response, ' +
          'and the coordinator gets the case with the contact attempts (by mail, or as a package printed here to submit on its web form)',
      )
      .argument('<ref>', REF)
      .requiredOption('--coordinator <name>', 'the coordinator, by its name in the directory (e.g. CERT/CC) or id')
      .requiredOption('--reason <text>', 'why: sent to the coordinator as the message with the package')
      .option('--vendor <name>', 'the silent vendor, by name or id (default: the case\'s only vendor, or the only one an escalation is due for)'),
  ).action(async (ref: string, options: GlobalOptions & { coordinator: string; reason: string; vendor?: string }) => {
    if (!options.reason.trim()) throw new CliFailure('--reason must not be empty', 2);
    await withContext(options, async (context) => {
      const actor = operator();
      const row = await findCaseByRef(context.db, actor, ref);
      const detail = await getCaseDetail(context, context.db, actor, row.id);
      const vendor = silentVendor(detail, options.vendor);
      const wanted = options.coordinator.trim().toLowerCase();
      const coordinators = await coordinatorRows(context.db);
      const coordinator = coordinators.find((c) => c.id === wanted || c.name.toLowerCase() === wanted);
      if (!coordinator) throw new CliFailure(printable(`--coordinator: no coordinator ${JSON.stringify(options.coordinator.slice(0, 60))} in the directory (${coordinators.map((c) => c.name).join(', ') || 'none'})`), 1);
      const result = await inTransaction(context, (trx) => escalateCase(context, trx, actor, row.id, { coordinatorId: coordinator.id, participantId: vendor.id, message: options.reason }));
      print(io, options, { case: { id: row.id, ref: detail.ref }, vendor: { participantId: vendor.id, name: vendor.vendor.name }, coordinator: { id: coordinator.id, name: coordinator.name }, ...result }, () =>
        text([
          `Escalated case ${detail.ref} (${vendor.vendor.name} silent) to ${coordinator.name}`,
          ...(result.noticeId ? [`notice ${result.noticeId} queued to ${coordinator.name} by mail`] : []),
          ...(result.handOver
            ? [
                `${coordinator.name} has no mail contact: submit this package ${result.handOver.channel ? `at ${result.handOver.channel.value}` : 'by hand'} (shown once, not stored):`,
                '',
                ...result.handOver.text.split('\n'),
              ]
            : []),
        ]),
      );
    });
  });

  common(
    cases
      .command('decide')
      .description('record a disclosure decision: a condition the case\'s policy allows, with the evidence that it holds; the case can then be disclosed')
      .argument('<ref>', REF)
      .addOption(new Option('--condition <condition>', 'what justifies disclosure (the case\'s policy allows a subset)').choices(DISCLOSURE_CONDITIONS).makeOptionMandatory())
      .requiredOption('--reason <text>', 'the evidence that the condition holds (at least 10 characters)')
      .option('--disclose-at <date-time>', 'when to publish (ISO 8601), if not at once'),
  ).action(async (ref: string, options: GlobalOptions & { condition: DisclosureCondition; reason: string; discloseAt?: string }) => {
    await withContext(options, async (context) => {
      const actor = operator();
      const row = await findCaseByRef(context.db, actor, ref);
      const decision = await inTransaction(context, (trx) => recordDecision(context, trx, actor, row.id, { condition: options.condition, evidence: options.reason, discloseAt: options.discloseAt }));
      print(io, options, { case: { id: row.id }, ...decision }, () =>
        text([`Recorded on case ${caseRef(row.id)}: ${decision.condition} (${CONDITION_LABELS[decision.condition]})${decision.discloseAt ? `, disclose at ${when(decision.discloseAt)}` : ''}`]),
      );
    });
  });
}

import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createContext, type AppContext } from '../../src/context.js';
import { systemActor } from '../../src/domain/auth/actor.js';
import { createCase } from '../../src/domain/cases/case.service.js';
import { caseParticipants } from '../../src/domain/cases/case.repository.js';
import { sendNotice } from '../../src/domain/cases/case-notices.js';
import { receiveCaseReply } from '../../src/domain/cases/case-mail-replies.js';
import { seedDemoAccounts } from '../../src/demo/seed-accounts.js';
import { seedDemoCase } from '../../src/demo/seed-case.js';
import { findUserByEmail } from '../../src/domain/users/user.repository.js';
import { createVendor } from '../../src/domain/vendors/vendor.service.js';
import { inTransaction } from '../../src/server/transaction.js';
import { useCliEnvironment } from '../helpers/cli.js';
import { DIALECTS } from '../helpers/databases.js';

const DAY = 86_400_000;
const LEAD = 'lead@demo.cvdesk.local';
const TRIAGER = 'triager@demo.cvdesk.local';
const VULNERABILITY = { title: 'SQL injection in the search endpoint', product: 'Widget Server', versions: ['< 2.4.1'], cwe: 89, cvssVectors: ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'] };

interface Seeded {
  /** Notified, deadline policy, embargo: nothing overdue. */
  notified: string;
  /** A draft never sent: its first notice is overdue; owned by the lead. */
  draft: string;
  /** Notified, to be escalated to a coordinator without a mail contact. */
  silent: string;
  /** A draft with two vendors. */
  twoVendors: string;
  /** The demo's disclosed case. */
  disclosed: string;
  embargoDate: string;
}

/** Cases made through the services, as the web app makes them (the demo's case too). */
async function seed(context: AppContext): Promise<Seeded> {
  const operator = systemActor('test');
  await seedDemoAccounts(context, operator);
  const demo = await seedDemoCase(context);
  const lead = (await findUserByEmail(context.db, LEAD))!.id;
  const triager = (await findUserByEmail(context.db, TRIAGER))!.id;
  const vendor = (name: string) =>
    inTransaction(context, (trx) => createVendor(context, trx, operator, { name, domains: [`${name.toLowerCase()}.example`], contacts: [{ kind: 'email', value: `security@${name.toLowerCase()}.example` }] }));
  const open = async (title: string, vendors: string[], extra: Partial<Parameters<typeof createCase>[3]> = {}) => {
    const ids: string[] = [];
    for (const name of vendors) ids.push((await vendor(name)).id);
    return inTransaction(context, (trx) => createCase(context, trx, operator, { title, ownerId: triager, vulnerabilities: [VULNERABILITY], participants: ids.map((vendorId) => ({ vendorId })), ...extra }));
  };
  const notify = async (caseId: string) => {
    for (const p of await caseParticipants(context.db, caseId)) await inTransaction(context, (trx) => sendNotice(context, trx, operator, caseId, p.id));
  };
  const embargoDate = new Date(Date.now() + 30 * DAY).toISOString().slice(0, 10);
  const notified = await open('Widget Server flaws', ['Acme'], { policy: 'deadline_90_30', embargo: { date: embargoDate, time: '10:00', zone: 'Europe/Amsterdam' } });
  await notify(notified.id);
  const draft = await open('Gadget firmware flaw', ['Globex'], { ownerId: lead });
  const silent = await open('Initech portal flaw', ['Initech']);
  await notify(silent.id);
  // A reply whose subject carries terminal escapes, as the mail intake stores it.
  const [initech] = await caseParticipants(context.db, silent.id);
  await receiveCaseReply(context, { token: initech!.reply_token, sender: 'noreply@initech.example', subject: 'Re: \u001b[2J\u001b[31mclosed ticket', text: 'Auto-reply.', attachedArmour: [], encrypted: false, attachments: 0, messageHash: 'initech-auto-reply' });
  const twoVendors = await open('Shared library flaw', ['Umbrella', 'Hooli']);
  return { notified: notified.id, draft: draft.id, silent: silent.id, twoVendors: twoVendors.id, disclosed: demo!.caseId, embargoDate };
}

/** The reference cases show (their notices' subject carries it). */
const ref = (id: string) => id.slice(-8).toUpperCase();

describe.each(DIALECTS)('cvdesk cases on %s', (engine) => {
  const { cli, environment } = useCliEnvironment(engine);
  let s: Seeded;
  let caseIds: string[] = [];
  /** What an operator types: the reference (the id's end), or as much more of the id as tells it from the other cases'. */
  const arg = (id: string) => {
    for (let n = 8; n < id.length; n++) {
      const end = id.slice(-n);
      if (!end.startsWith('-') && caseIds.filter((other) => other.endsWith(end)).length === 1) return n === 8 ? end.toUpperCase() : end;
    }
    return id;
  };

  beforeAll(async () => {
    const context = await createContext(environment().config);
    try {
      s = await seed(context);
      caseIds = (await context.db.selectFrom('cases').select('id').execute()).map((r) => r.id);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('tells the truth in --help, for the group and every subcommand', async () => {
    const group = await cli(['cases', '--help']);
    expect(group.code).toBe(0);
    for (const sub of ['list', 'show', 'next-actions', 'ical', 'escalate', 'decide']) expect(group.out).toContain(sub);
    const top = await cli(['--help']);
    expect(top.out).toMatch(/\n {2}cases +outbound disclosure cases/);
    for (const [sub, option] of [['list', '--overdue'], ['show', '--log'], ['next-actions', '--days'], ['ical', '--output'], ['escalate', '--coordinator'], ['decide', '--condition']]) {
      const run = await cli(['cases', sub!, '--help']);
      expect(run.code, sub).toBe(0);
      expect(run.out).toContain(`Usage: cvdesk cases ${sub}`);
      expect(run.out).toContain(option);
    }
  });

  it('lists open cases with state, policy, participants and the next action, as text and JSON', async () => {
    const json = await cli(['cases', 'list', '--json']);
    expect(json.code, json.err).toBe(0);
    const { items, total } = JSON.parse(json.out) as { items: { id: string; ref: string; state: string; policy: string; participants: number; next: { kind: string; due: string; overdue: boolean } | null }[]; total: number };
    expect(total).toBe(4);
    expect(items.map((c) => c.id).sort()).toEqual([s.notified, s.draft, s.silent, s.twoVendors].sort());
    expect(items.map((c) => c.id)).not.toContain(s.disclosed);
    const notified = items.find((c) => c.id === s.notified)!;
    expect(notified).toMatchObject({ ref: ref(s.notified), state: 'notifying', policy: 'deadline_90_30', participants: 1, next: { kind: 'follow_up', overdue: false } });
    expect(Date.parse(notified.next!.due) - Date.now()).toBeGreaterThan(6 * DAY);
    expect(items.find((c) => c.id === s.twoVendors)).toMatchObject({ state: 'draft', participants: 2, next: { kind: 'send_notice', overdue: true } });

    const text = await cli(['cases', 'list']);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(new RegExp(`${ref(s.notified)}\\s+notifying\\s+deadline_90_30\\s+1 participant\\s+Widget Server flaws`));
    expect(text.out).toMatch(/next: \d{4}-\d\d-\d\d \d\d:\d\d UTC {2}follow_up: Follow up with Acme/);
    expect(text.out).toMatch(/\(overdue\) {2}send_notice: Send the first notice to Globex/);
    expect(text.out.trim().split('\n').at(-1)).toBe('4 open cases');
  });

  it('filters by state, owner and overdue, and limits', async () => {
    const disclosed = JSON.parse((await cli(['cases', 'list', '--state', 'disclosed', '--json'])).out) as { items: { id: string; next: unknown }[] };
    expect(disclosed.items).toEqual([expect.objectContaining({ id: s.disclosed, next: null })]);
    const mine = JSON.parse((await cli(['cases', 'list', '--owner', LEAD.toUpperCase(), '--json'])).out) as { items: { id: string }[] };
    expect(mine.items.map((c) => c.id)).toEqual([s.draft]);
    const overdue = JSON.parse((await cli(['cases', 'list', '--overdue', '--json'])).out) as { items: { id: string; overdueActions: number }[]; total: number };
    expect(overdue.items.map((c) => c.id).sort()).toEqual([s.draft, s.twoVendors].sort());
    expect(overdue.items.find((c) => c.id === s.twoVendors)!.overdueActions).toBe(2);
    const limited = await cli(['cases', 'list', '--overdue', '--limit', '1']);
    expect(limited.out.trim().split('\n').at(-1)).toBe('1 of 2 overdue open cases (--limit for more)');
    expect((await cli(['cases', 'list', '--state', 'closed'])).out.trim()).toBe('No closed cases');
  });

  it('shows a case by its reference or id: vulnerabilities, participants with statuses, embargo, next actions, the last log entries', async () => {
    const text = await cli(['cases', 'show', arg(s.notified).toLowerCase()]);
    expect(text.code, text.err).toBe(0);
    const out = text.out;
    expect(out).toContain(`Case ${ref(s.notified)}: Widget Server flaws`);
    expect(out).toMatch(/state: +notifying \(can become coordinating, disclosed, closed\)/);
    expect(out).toContain('policy:   90+30 deadline [deadline_90_30]');
    expect(out).toMatch(/owner: +\S.* <triager@demo\.cvdesk\.local>\n/);
    expect(out).toMatch(new RegExp(`embargo: +${s.embargoDate} 10:00 Europe/Amsterdam \\(UTC\\+0[12]:00\\) = ${s.embargoDate} 0[89]:00 UTC`));
    expect(out).toContain('1. SQL injection in the search endpoint — Widget Server < 2.4.1, CWE-89, CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H');
    expect(out).toMatch(/Acme \(vendor\) <security@acme\.example>: 1 notice, last .* UTC; not acknowledged/);
    expect(out).toContain('      1. SQL injection in the search endpoint: unknown');
    expect(out).toMatch(/Next actions \(4\):\n {2}.*follow_up: Follow up with Acme[^\n]*\n {2}.*embargo_ends[^\n]*\n {2}.*deadline_warning[^\n]*\n {2}.*deadline: Disclosure deadline \(deadline\)/);
    // Entries of one transaction share their time: their order among themselves is not asserted.
    expect(out).toMatch(/\nContact log \(5\):\n( {2}\d{4}-\d\d-\d\d \d\d:\d\d UTC {2}\w+\/\w+ {2}\w+.*\n){5}$/);
    expect(out).toMatch(/UTC {2}staff\/internal {2}participant_added \[Acme\]: Acme added as vendor\n/);
    expect(out).toMatch(/UTC {2}mail\/out {2}notice_queued \[Acme\]: initial notice to security@acme\.example/);

    const json = JSON.parse((await cli(['cases', 'show', s.notified, '--json', '--log', '1'])).out);
    expect(json).toMatchObject({ id: s.notified, ref: ref(s.notified), state: 'notifying', embargo: { zone: 'Europe/Amsterdam', local: `${s.embargoDate}T10:00` }, log: { total: 5, items: [expect.objectContaining({ kind: expect.any(String) })] } });
    expect(json.log.items).toHaveLength(1);
    expect(json.participants[0]).toMatchObject({ vendor: { name: 'Acme' }, noticeCount: 1, statuses: [{ status: 'unknown' }] });
    expect(json.next.actions.map((a: { kind: string }) => a.kind)).toEqual(['follow_up', 'embargo_ends', 'deadline_warning', 'deadline']);

    const demo = await cli(['cases', 'show', arg(s.disclosed), '--log', '2']);
    expect(demo.out).toMatch(/state: +disclosed \(can become closed\)/);
    expect(demo.out).toMatch(/Fabrikam \(vendor\) .*acknowledged \d{4}/);
    expect(demo.out).toContain('  1. Archive entry path escapes the extraction directory — fabrikam-tar < 2.4.1, CWE-22\n');
    expect(demo.out).toContain('      1. Archive entry path escapes the extraction directory: fixed\n');
    expect(demo.out).toMatch(/Decisions:\n {2}.* fix_released by /);
    expect(demo.out).toMatch(/Contact log \(last 2 of \d+\):/);
  });

  it('shows what vendors wrote without control characters, never sent to the terminal', async () => {
    const run = await cli(['cases', 'show', arg(s.silent)]);
    expect(run.code, run.err).toBe(0);
    // The intake keeps no control characters of a subject; the CLI escapes any that reach it anyway.
    expect(run.out).toContain('mail/in  reply_received [Initech]: Reply by mail from noreply@initech.example: Re: [2J[31mclosed ticket');
    expect(run.out).not.toContain('\u001b');
    const json = await cli(['cases', 'show', arg(s.silent), '--json']);
    expect(JSON.parse(json.out).log.items.find((e: { kind: string }) => e.kind === 'reply_received').summary).toContain('Re: [2J[31mclosed ticket');
  });

  it('refuses an unknown or malformed case reference with exit 1 and a message', async () => {
    for (const bad of ['DEADBEEF', '00000000-0000-4000-8000-000000000000', '../etc/passwd', 'x\u001b[2J']) {
      const run = await cli(['cases', 'show', bad]);
      expect(run.code, bad).toBe(1);
      expect(run.err).toMatch(/^not_found: No case has the reference ".*" \(give the case id or its 8-character reference/);
      expect(run.err).not.toContain('\u001b');
      expect(run.out).toBe('');
    }
    const escalate = await cli(['cases', 'escalate', 'DEADBEEF', '--coordinator', 'CISA', '--reason', 'silent for months']);
    expect(escalate.code).toBe(1);
    expect(escalate.err).toContain('not_found');
  });

  it('refuses bad options with exit 2 (usage) or 1 (nothing found), naming the option', async () => {
    const usage: [string[], RegExp][] = [
      [['cases', 'list', '--limit', '0'], /--limit: expected a whole number from 1 to 1000, got "0"/],
      [['cases', 'list', '--limit', 'ten'], /--limit: expected a whole number/],
      [['cases', 'list', '--state', 'open-ish'], /argument 'open-ish' is invalid\. Allowed choices are draft, notifying, coordinating, disclosed, closed, open/],
      [['cases', 'next-actions', '--days', '99999'], /--days: expected a whole number from 0 to 3650/],
      [['cases', 'show', arg(s.notified), '--log', '-3'], /--log: expected a whole number from 0 to 1000, got "-3"/],
      [['cases', 'decide', arg(s.notified), '--condition', 'because', '--reason', 'a good reason'], /Allowed choices are vendor_consent/],
      [['cases', 'decide', arg(s.notified), '--reason', 'a good reason'], /required option '--condition <condition>'/],
      [['cases', 'escalate', arg(s.silent), '--reason', 'silent'], /required option '--coordinator <name>'/],
      [['cases', 'escalate', arg(s.silent), '--coordinator', 'CISA', '--reason', '  '], /--reason must not be empty/],
      [['cases', 'frobnicate'], /unknown command 'frobnicate'/],
      [['cases', 'list', '--colour'], /unknown option '--colour'/],
    ];
    for (const [args, message] of usage) {
      const run = await cli(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.err, args.join(' ')).toMatch(message);
    }
    const nobody = await cli(['cases', 'list', '--owner', 'nobody@example.org']);
    expect(nobody.code).toBe(1);
    expect(nobody.err).toMatch(/^not_found: Account nobody@example\.org was not found/);
  });

  it('lists every due action within N days, soonest first, and exits 0 whether or not anything is due', async () => {
    const now = await cli(['cases', 'next-actions', '--days', '0', '--json']);
    expect(now.code, now.err).toBe(0);
    const due = JSON.parse(now.out) as { until: string; items: { kind: string; overdue: boolean; due: string; case: { id: string; ref: string } }[] };
    expect(due.items.map((a) => [a.kind, a.case.id])).toEqual(
      expect.arrayContaining([
        ['send_notice', s.draft],
        ['send_notice', s.twoVendors],
        ['send_notice', s.twoVendors],
      ]),
    );
    expect(due.items).toHaveLength(3);
    expect(due.items.every((a) => a.overdue)).toBe(true);
    const week = JSON.parse((await cli(['cases', 'next-actions', '--days', '10', '--json'])).out) as typeof due;
    expect(week.items.map((a) => a.kind)).toEqual(['send_notice', 'send_notice', 'send_notice', 'follow_up', 'follow_up']);
    expect(week.items.map((a) => a.due)).toEqual([...week.items.map((a) => a.due)].sort());
    const quarter = JSON.parse((await cli(['cases', 'next-actions', '--days', '100', '--json'])).out) as typeof due;
    expect(quarter.items.map((a) => a.kind)).toEqual(expect.arrayContaining(['embargo_ends', 'deadline_warning', 'deadline']));

    const text = await cli(['cases', 'next-actions', '--days', '10']);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^5 actions on 4 cases due by \d{4}-\d\d-\d\d \d\d:\d\d UTC:\n/);
    expect(text.out).toMatch(new RegExp(`UTC {2}OVERDUE {2}${ref(s.draft)} {2}send_notice {10}Send the first notice to Globex — Gadget firmware flaw`));
    expect(text.out).toMatch(new RegExp(`UTC {11}${ref(s.notified)} {2}follow_up {12}Follow up with Acme: 1 notice unacknowledged — Widget Server flaws`));

    const lead = await cli(['cases', 'next-actions', '--owner', LEAD]);
    expect(lead.out.split('\n').filter((l) => l.includes('UTC  '))).toHaveLength(1);
    // Nothing due for someone who owns nothing: still exit 0.
    const empty = await cli(['cases', 'next-actions', '--owner', 'auditor@demo.cvdesk.local']);
    expect(empty.code).toBe(0);
    expect(empty.out).toMatch(/^Nothing due on open cases by /);
  });

  it('writes the deadlines calendar (RFC 5545) to standard output or a file', async () => {
    const run = await cli(['cases', 'ical']);
    expect(run.code, run.err).toBe(0);
    expect(run.out.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(run.out.endsWith('END:VCALENDAR\r\n')).toBe(true);
    const unfolded = run.out.replace(/\r\n /g, '');
    expect(unfolded).toContain('X-WR-CALNAME:cvdesk case deadlines (all open cases)');
    expect(unfolded).toContain(`UID:${s.notified}-deadline-case@cvdesk`);
    expect(unfolded).toContain('SUMMARY:Follow up with Acme: 1 notice unacknowledged — Widget Server flaws');
    expect(unfolded).toContain(`URL:http://localhost:8080/cases/${s.notified}`);
    // Never notified: nothing for a calendar yet (send_notice is not a calendar kind).
    expect(unfolded).not.toContain('Globex');

    const file = path.join(environment().dataDir, 'deadlines.ics');
    fs.writeFileSync(file, 'old');
    const written = await cli(['cases', 'ical', '--output', file, '--owner', TRIAGER, '--json']);
    expect(written.code, written.err).toBe(0);
    const result = JSON.parse(written.out) as { file: string; events: { uid: string; start: string }[] };
    expect(result.file).toBe(file);
    expect(result.events.map((e) => e.uid)).toContain(`${s.notified}-embargo_ends-case@cvdesk`);
    const calendar = fs.readFileSync(file, 'utf8');
    expect(calendar.replace(/\r\n /g, '')).toContain('X-WR-CALNAME:cvdesk case deadlines (triager@demo.cvdesk.local)');
    expect(calendar.match(/BEGIN:VEVENT/g)).toHaveLength(result.events.length);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const human = await cli(['cases', 'ical', '--output', file]);
    expect(human.out.trim()).toMatch(/^wrote \d+ events to .*deadlines\.ics$/);
    const nowhere = await cli(['cases', 'ical', '--output', path.join(environment().dataDir, 'no', 'such', 'dir.ics')]);
    expect(nowhere.code).toBe(1);
    expect(nowhere.err).toMatch(/cannot write .*dir\.ics: ENOENT/);
  });

  it('escalates to a coordinator as the operator: a web-form coordinator gets a package printed once, a mail one a notice', async () => {
    const ambiguous = await cli(['cases', 'escalate', arg(s.twoVendors), '--coordinator', 'CERT/CC', '--reason', 'Neither vendor answers']);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.err).toMatch(new RegExp(`case ${ref(s.twoVendors)} has 2 vendors: name the silent one with --vendor \\((Umbrella, Hooli|Hooli, Umbrella)\\)`));
    const unknown = await cli(['cases', 'escalate', arg(s.silent), '--coordinator', 'Interpol', '--reason', 'silent']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/--coordinator: no coordinator "Interpol" in the directory \(BSI \/ CERT-Bund, CERT-FR, CERT\/CC, CISA, JPCERT\/CC, NCSC-NL\)/);

    const byForm = await cli(['cases', 'escalate', arg(s.silent), '--coordinator', 'cisa', '--reason', 'Initech has not answered our notice.']);
    expect(byForm.code, byForm.err).toBe(0);
    expect(byForm.out).toContain(`Escalated case ${ref(s.silent)} (Initech silent) to CISA`);
    expect(byForm.out).toContain('CISA has no mail contact: submit this package at https://www.cisa.gov/report (shown once, not stored):');
    expect(byForm.out).toContain('Initech has not answered our notice.');

    const byMail = await cli(['cases', 'escalate', s.twoVendors, '--coordinator', 'NCSC-NL', '--vendor', 'hooli', '--reason', 'Hooli does not answer.', '--json']);
    expect(byMail.code, byMail.err).toBe(0);
    const result = JSON.parse(byMail.out);
    expect(result).toMatchObject({ case: { id: s.twoVendors }, vendor: { name: 'Hooli' }, coordinator: { name: 'NCSC-NL' }, noticeId: expect.any(String), handOver: null });

    const shown = JSON.parse((await cli(['cases', 'show', s.twoVendors, '--json'])).out);
    const hooli = shown.participants.find((p: { vendor: { name: string } }) => p.vendor.name === 'Hooli');
    expect(hooli.escalatedAt).toEqual(expect.any(String));
    expect(hooli.statuses.map((x: { status: string }) => x.status)).toEqual(['no_response']);
    expect(shown.participants.map((p: { vendor: { name: string }; role: string }) => [p.vendor.name, p.role])).toContainEqual(['NCSC-NL', 'coordinator']);
    const context = await createContext(environment().config);
    try {
      const audit = await context.db.selectFrom('audit_events').select(['action', 'actor_label']).where('object_id', '=', s.twoVendors).where('action', '=', 'case.escalated').execute();
      expect(audit).toEqual([{ action: 'case.escalated', actor_label: expect.stringMatching(/^cli:/) }]);
    } finally {
      await context.close();
    }
    const closedVendor = await cli(['cases', 'escalate', arg(s.disclosed), '--coordinator', 'CISA', '--reason', 'too late']);
    expect(closedVendor.code).toBe(1);
    expect(closedVendor.err).toMatch(/^invalid_transition: Only an open case can be escalated; this one is disclosed/);
  });

  it("records a disclosure decision only on a condition the case's policy allows, with evidence", async () => {
    const notAllowed = await cli(['cases', 'decide', arg(s.notified), '--condition', 'public_interest', '--reason', 'Everybody should know about this.']);
    expect(notAllowed.code).toBe(1);
    expect(notAllowed.err).toMatch(/^validation_failed: condition: "public_interest" is not a condition the 90\+30 deadline policy allows/);
    const thin = await cli(['cases', 'decide', arg(s.notified), '--condition', 'vendor_consent', '--reason', 'ok']);
    expect(thin.code).toBe(1);
    expect(thin.err).toMatch(/^validation_failed: evidence: say what shows the condition holds/);
    const badDate = await cli(['cases', 'decide', arg(s.notified), '--condition', 'vendor_consent', '--reason', 'Acme agreed by phone.', '--disclose-at', 'tomorrow']);
    expect(badDate.code).toBe(1);
    expect(badDate.err).toMatch(/discloseAt: is not a date-time/);

    const discloseAt = new Date(Date.now() + 3 * DAY).toISOString();
    const text = await cli(['cases', 'decide', arg(s.notified), '--condition', 'vendor_consent', '--reason', 'Acme agreed to publication by phone.', '--disclose-at', discloseAt]);
    expect(text.code, text.err).toBe(0);
    expect(text.out.trim()).toBe(`Recorded on case ${ref(s.notified)}: vendor_consent (The vendor agreed to publication), disclose at ${discloseAt.slice(0, 16).replace('T', ' ')} UTC`);
    const shown = JSON.parse((await cli(['cases', 'show', s.notified, '--json'])).out);
    expect(shown.decisions).toEqual([expect.objectContaining({ condition: 'vendor_consent', discloseAt, decidedBy: expect.stringMatching(/^cli:/) })]);
    expect(shown.next.actions.map((a: { kind: string }) => a.kind)).toContain('disclose');

    const json = await cli(['cases', 'decide', s.silent, '--condition', 'vendor_unreachable', '--reason', 'Three notices and a coordinator, no answer.', '--json']);
    expect(json.code, json.err).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({ case: { id: s.silent }, condition: 'vendor_unreachable', discloseAt: null });
    const disclosed = await cli(['cases', 'decide', s.disclosed, '--condition', 'fix_released', '--reason', 'Already public anyway.']);
    expect(disclosed.code).toBe(1);
    expect(disclosed.err).toMatch(/^invalid_transition: A decision is recorded on an open case; this one is disclosed/);
  });

  it('refuses a reference two cases share, naming them, and takes more of the id', async () => {
    const ids = ['01936a3b-1111-7000-8000-1111abcdef01', '01936a3b-2222-7000-8000-2222abcdef01'];
    const context = await createContext(environment().config);
    try {
      const owner = (await findUserByEmail(context.db, TRIAGER))!.id;
      const at = new Date().toISOString();
      // Written directly: the services draw ids themselves, and two sharing a reference is what is tested.
      for (const [index, id] of ids.entries()) {
        await context.db
          .insertInto('cases')
          .values({ id, title: `Twin ${index + 1}`, summary: '', state: 'closed', owner_id: owner, policy: 'organisation_default', embargo_end_at: null, embargo_zone: null, exploited_at: null, project_key: null, state_changed_at: at, disclosed_at: null, closed_at: at, advisory_id: null, created_by: 'test', created_at: at, updated_at: at })
          .execute();
      }
    } finally {
      await context.close();
    }
    const shared = await cli(['cases', 'show', 'ABCDEF01']);
    expect(shared.code).toBe(1);
    expect(shared.err.trim()).toBe(`conflict: More than one case ends with "ABCDEF01": give more of the case id (${ids.join(', ')})`);
    const longer = await cli(['cases', 'show', '2222abcdef01', '--json']);
    expect(longer.code, longer.err).toBe(0);
    expect(JSON.parse(longer.out)).toMatchObject({ id: ids[1], title: 'Twin 2', state: 'closed', next: { actions: [] } });
  });
});

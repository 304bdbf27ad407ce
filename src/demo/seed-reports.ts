import type { AppContext } from '../context.js';
import { systemActor, type Actor, type UserActor } from '../domain/auth/actor.js';
import { createProgram } from '../domain/programs/program.service.js';
import { findProgramBySlug } from '../domain/programs/program.repository.js';
import { findAssets, findExclusions } from '../domain/programs/program.repository.js';
import { requestDisclosure, editDisclosure } from '../domain/reports/report-disclosure.js';
import { addComment, submitReport, transitionReport, updateTriage, type NewReport } from '../domain/reports/report.service.js';
import { awardReward } from '../domain/rewards/reward.service.js';
import { changeHallOfFameProfile } from '../domain/reputation/hall-of-fame.js';
import { findUserByEmail } from '../domain/users/user.repository.js';
import { userRoles, type UserRow } from '../domain/users/user.js';
import { inTransaction } from '../server/transaction.js';
import { processReportIntake } from '../domain/reports/report-intake.js';

/** A demo account acting as if signed in (the seeders go through the same services as the web app). */
export const asActor = (user: UserRow): UserActor => ({ kind: 'user', userId: user.id, email: user.email, roles: userRoles(user), via: 'session', scopes: ['read', 'write'] });

const CVSS = {
  critical: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N',
  high: 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:N',
  medium: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N',
  low: 'CVSS:3.1/AV:N/AC:H/PR:L/UI:R/S:U/C:L/I:N/A:N',
};

/**
 * The demonstration organisation's bounty programme and VDP, and reports in every state —
 * triaged, asking for more information, duplicate, spam, resolved with a bounty, disclosed —
 * made through the same services the web app calls. Skipped when the programmes exist.
 */
export async function seedDemoReports(context: AppContext): Promise<{ programs: string[]; reports: number }> {
  const system = systemActor('demo');
  if (await findProgramBySlug(context.db, 'acme-bounty')) return { programs: [], reports: 0 };
  const people = async (email: string) => {
    const user = await findUserByEmail(context.db, email);
    if (!user) throw new Error(`demo account ${email} is missing`);
    return asActor(user);
  };
  const triager = await people('triager@demo.cvdesk.local');
  const lead = await people('lead@demo.cvdesk.local');
  const rosa = await people('researcher@demo.cvdesk.local');
  const hamid = await people('hunter@demo.cvdesk.local');

  const bounty = await inTransaction(context, (trx) =>
    createProgram(context, trx, system, {
      slug: 'acme-bounty',
      name: 'Acme Bug Bounty',
      kind: 'bounty',
      policy:
        '# Acme bug bounty\n\nWe reward reports of security flaws in the assets listed in scope.\n\n' +
        '- Test only against accounts you own.\n- Do not access, change or delete data that is not yours.\n- No denial of service, spam or social engineering.\n\n' +
        'We answer within two business days and pay once a report is triaged.',
      scope: [
        { kind: 'domain', identifier: 'app.acme.example', tier: 1, inScope: true, description: 'The customer web application' },
        { kind: 'api', identifier: 'https://api.acme.example', tier: 1, inScope: true, description: 'Public REST API' },
        { kind: 'mobile_app', identifier: 'com.acme.mobile', tier: 2, inScope: true },
        { kind: 'repository', identifier: 'https://git.acme.example/acme/agent', tier: 2, inScope: true },
        { kind: 'domain', identifier: 'blog.acme.example', tier: 3, inScope: false, description: 'Hosted by a third party' },
      ],
      exclusions: [
        { name: 'Model jailbreaks and harmful outputs', description: 'These are not security vulnerabilities under this policy.', redirectUrl: 'https://acme.example/model-feedback' },
        { name: 'Missing security headers without impact' },
      ],
      rewards: {
        currency: 'USD',
        ranges: [
          { tier: 1, severity: 'critical', min: 500_000, max: 2_000_000 },
          { tier: 1, severity: 'high', min: 150_000, max: 500_000 },
          { tier: 1, severity: 'medium', min: 50_000, max: 150_000 },
          { tier: 1, severity: 'low', min: 10_000, max: 50_000 },
          { tier: 2, severity: 'high', min: 75_000, max: 250_000 },
          { tier: 2, severity: 'medium', min: 25_000, max: 75_000 },
        ],
      },
      responseTargets: { firstResponse: { value: 2, unit: 'days' }, triage: { value: 5, unit: 'days' }, bounty: { value: 14, unit: 'days' }, resolution: { value: 90, unit: 'days' } },
      businessDays: true,
      disclosure: { mode: 'mutual', delayDays: 30, level: 'full' },
    }),
  );
  await inTransaction(context, (trx) =>
    createProgram(context, trx, system, {
      slug: 'acme-vdp',
      name: 'Acme Vulnerability Disclosure',
      kind: 'vdp',
      policy: '# Vulnerability disclosure\n\nAnything Acme runs that is not in the bounty programme: tell us, and we will fix it and credit you.',
      scope: [{ kind: 'domain', identifier: '*.acme.example', tier: 3, inScope: true }],
      responseTargets: { firstResponse: { value: 5, unit: 'days' } },
      disclosure: { mode: 'open', delayDays: 90, level: 'limited' },
    }),
  );
  const [app, api, , , blog] = await findAssets(context.db, bounty.id);
  const [jailbreak] = await findExclusions(context.db, bounty.id);
  const file = async (actor: Actor, input: Omit<NewReport, 'program'>) => {
    const report = await inTransaction(context, (trx) => submitReport(context, trx, actor, { program: 'acme-bounty', ...input }));
    await processReportIntake(context);
    return report;
  };
  const move = (id: string, to: Parameters<typeof transitionReport>[4]['to'], reason?: string, duplicateOf?: string) =>
    inTransaction(context, (trx) => transitionReport(context, trx, triager, id, { to, reason, duplicateOf }));
  const say = (actor: Actor, id: string, body: string, internal = false) => inTransaction(context, (trx) => addComment(context, trx, actor, id, { body, internal }));

  const idor = await file(rosa, {
    title: 'IDOR: any user can read any invoice via /api/invoices/{id}',
    description: 'The invoice endpoint checks that the caller is signed in but not that the invoice belongs to them.',
    steps: '1. Sign in as user A and open an invoice: `GET /api/invoices/1001`\n2. Change the id to 1002 (user B)\n3. The response contains user B\'s invoice',
    impact: 'Names, addresses and purchase history of every customer.',
    asset: api!.id,
    cwe: 639,
    cvss: [CVSS.high],
  });
  await move(idor.id, 'triaged');
  await say(triager, idor.id, 'Confirmed, thank you. We are working on a fix.');
  await say(triager, idor.id, 'Affects the v1 and v2 invoice handlers; owner: payments team.', true);
  await inTransaction(context, (trx) => updateTriage(context, trx, triager, idor.id, { assigneeId: triager.userId, labels: ['idor', 'payments'] }));
  await move(idor.id, 'resolved', 'Fixed in release 2026.11.3: invoices are now checked against the caller.');
  await inTransaction(context, (trx) => awardReward(context, trx, triager, idor.id, { amount: 300_000, kind: 'bounty', note: 'High, tier 1' }));
  await inTransaction(context, (trx) => requestDisclosure(context, trx, rosa, idor.id));
  await inTransaction(context, (trx) => editDisclosure(context, trx, triager, idor.id, { summary: 'The invoice API did not check ownership, so any signed-in user could read any invoice. Fixed in 2026.11.3.' }));
  await inTransaction(context, (trx) => requestDisclosure(context, trx, lead, idor.id));
  await inTransaction(context, (trx) => changeHallOfFameProfile(context, trx, rosa, { handle: 'rosa', public: true }));

  const xss = await file(hamid, {
    title: 'Stored XSS in the profile bio',
    description: 'The bio field renders HTML unescaped on the public profile page: `<img src=x onerror=alert(document.domain)>` runs for every visitor.',
    asset: app!.id,
    cwe: 79,
    cvss: [CVSS.medium],
  });
  await move(xss.id, 'triaged');
  const xssAgain = await file(rosa, { title: 'XSS via profile biography field', description: 'Script in the profile bio executes when others view the profile page.', asset: app!.id, cwe: 79 });
  await move(xssAgain.id, 'duplicate', 'Reported earlier; we credit the first report.', xss.id);

  const sqli = await file(hamid, { title: 'Possible SQL injection in search', description: 'The search page returns a database error for a single quote.', asset: app!.id, cwe: 89 });
  await move(sqli.id, 'needs_more_info', 'Could you share the exact request and the error you saw?');

  const fresh = await file(rosa, { title: 'Account takeover via password reset token reuse', description: 'A reset token still works after it has been used once.', asset: app!.id, cwe: 640, cvss: [CVSS.critical] });
  void fresh;
  await file(hamid, { title: 'Blog comment form allows HTML', description: 'The blog accepts HTML in comments.', asset: blog!.id });
  await file(rosa, { title: 'Model answers harmful questions', description: 'The assistant answers a question it should refuse.', category: jailbreak!.id });
  const spam = await file(hamid, { title: 'I found your website', description: 'Pay me to tell you about a bug.' });
  await move(spam.id, 'spam', 'No report of a flaw.');
  return { programs: ['acme-bounty', 'acme-vdp'], reports: 9 };
}

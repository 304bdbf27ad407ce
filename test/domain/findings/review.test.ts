import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/context.js';
import { systemActor } from '../../../src/domain/auth/actor.js';
import { findingsDashboard } from '../../../src/domain/findings/finding-dashboard.js';
import { getCandidate, listCandidates, listDraftGroups, listSuppressions, reviewCandidate, type ReviewInput } from '../../../src/domain/findings/finding.service.js';
import { importSbomFile } from '../../../src/domain/findings/sbom.js';
import type { Role } from '../../../src/shared/roles.js';
import { inTransaction } from '../../../src/server/transaction.js';
import { DIALECTS, createTestContext } from '../../helpers/databases.js';
import { buildUser, type BuiltUser } from '../../helpers/factories.js';
import { count, importObject, importer, registerCommandLineSource, sarifLog, writeTemp } from './findings.support.js';

const review = (context: AppContext, actor: Parameters<typeof reviewCandidate>[2], id: string, input: ReviewInput) => inTransaction(context, (trx) => reviewCandidate(context, trx, actor, id, input));

describe.each(DIALECTS)('review gate, suppression and SBOMs on %s', (engine) => {
  let context: AppContext & { close(): Promise<void> };
  const users = {} as Record<Role, BuiltUser>;
  let secondTriager: BuiltUser;

  beforeAll(async () => {
    context = await createTestContext(engine, { RUN_JOBS: 'false' });
    for (const role of ['reporter', 'triager', 'lead', 'cna', 'auditor'] as Role[]) users[role] = await buildUser(context, { roles: [role] });
    secondTriager = await buildUser(context, { roles: ['triager'] });
    // candidateFor's scanner, uploaded from the command line as registered: automated findings (automated-sources.test.ts has the rest).
    await registerCommandLineSource(context, 'test-scanner', users.lead.actor);
  });
  afterAll(async () => context?.close());

  async function candidateFor(repository: string, spec: Parameters<typeof sarifLog>[0] = [{ line: 1 }]) {
    await importObject(context, sarifLog(spec, { repository }));
    const project = `repo:${repository.replace('https://', '')}`;
    return context.db.selectFrom('finding_candidates').selectAll().where('project_key', '=', project).orderBy('first_seen_at').executeTakeFirstOrThrow();
  }

  /** A candidate found by a person: the triager's own manual finding, in the native format. */
  async function personCandidate(author: BuiltUser, title: string, withEmail = true) {
    const summary = await importObject(
      context,
      {
        format: 'cvdesk-findings',
        version: 1,
        finder: { kind: 'person', name: 'Manual review', ...(withEmail ? { email: author.row.email.toUpperCase() } : {}) },
        findings: [{ title, rule: 'auth-bypass', cwe: 287, severity: 'critical', target: { repository: `https://git.example.org/vendor/${title.replace(/\W/g, '-')}` } }],
      },
      { source: 'manual' },
      withEmail ? importer : author.actor,
    );
    expect(summary.created).toBe(1);
    return context.db.selectFrom('finding_candidates').selectAll().where('title', '=', title).executeTakeFirstOrThrow();
  }

  describe('automated findings need one security engineer', () => {
    it.each(['triager', 'lead'] as Role[])('a %s approves, and the approval is audited', async (role) => {
      const candidate = await candidateFor(`https://github.com/gate/auto-${role}`);
      expect(candidate.origin).toBe('automated');
      const approved = await review(context, users[role].actor, candidate.id, { decision: 'approve', note: 'reproduced' });
      expect(approved.state).toBe('approved');
      const audit = await context.db.selectFrom('audit_events').selectAll().where('object_id', '=', candidate.id).where('action', '=', 'finding_candidate.approved').executeTakeFirstOrThrow();
      expect(audit.actor_id).toBe(users[role].row.id);
      const reviews = await context.db.selectFrom('finding_reviews').selectAll().where('candidate_id', '=', candidate.id).execute();
      expect(reviews).toMatchObject([{ decision: 'approved', reviewer_id: users[role].row.id, note: 'reproduced' }]);
    });

    it.each(['reporter', 'cna', 'auditor'] as Role[])('a %s may not review', async (role) => {
      const candidate = await candidateFor(`https://github.com/gate/refused-${role}`);
      await expect(review(context, users[role].actor, candidate.id, { decision: 'approve' })).rejects.toMatchObject({ code: 'forbidden' });
      await expect(review(context, users[role].actor, candidate.id, { decision: 'reject', reason: 'false_positive' })).rejects.toMatchObject({ code: 'forbidden' });
      const row = await context.db.selectFrom('finding_candidates').select('state').where('id', '=', candidate.id).executeTakeFirstOrThrow();
      expect(row.state).toBe('pending');
    });

    it('later findings of a decided candidate are counted but change nothing a reviewer saw', async () => {
      const repository = 'https://github.com/gate/after-approval';
      const candidate = await candidateFor(repository, [{ uri: 'a.js', line: 1, sinkLine: 70 }]);
      await review(context, users.triager.actor, candidate.id, { decision: 'approve' });
      // Same sink (so the same root cause), another place, with a graver vector, text, and a person as finder.
      const later = await importObject(
        context,
        sarifLog([{ uri: 'b.js', line: 2, sinkLine: 70, properties: { cvss: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', impact: 'Unreviewed claim', reproduction: 'Unreviewed steps', finder: { kind: 'person', name: 'Someone' } } }], { repository }),
      );
      expect(later).toMatchObject({ created: 1, candidatesCreated: 0 });
      const after = await context.db.selectFrom('finding_candidates').selectAll().where('id', '=', candidate.id).executeTakeFirstOrThrow();
      expect(after).toMatchObject({ state: 'approved', finding_count: 2, severity: candidate.severity, cvss_vector: candidate.cvss_vector, priority: candidate.priority, origin: 'automated', impact: candidate.impact, reproduction: candidate.reproduction });
      // A pending candidate still takes them in.
      const pending = await candidateFor('https://github.com/gate/still-pending', [{ uri: 'a.js', line: 1, sinkLine: 80 }]);
      await importObject(context, sarifLog([{ uri: 'b.js', line: 2, sinkLine: 80, properties: { impact: 'Reviewed later' } }], { repository: 'https://github.com/gate/still-pending' }));
      expect(await context.db.selectFrom('finding_candidates').select(['impact', 'finding_count']).where('id', '=', pending.id).executeTakeFirstOrThrow()).toEqual({ impact: 'Reviewed later', finding_count: 2 });
    });

    it('the command line (a system actor) may import but not review: a review is a person’s decision', async () => {
      const candidate = await candidateFor('https://github.com/gate/system');
      await expect(review(context, systemActor('cli:ops'), candidate.id, { decision: 'approve' })).rejects.toMatchObject({ code: 'forbidden' });
    });
  });

  describe('person findings need a second engineer who is not the author', () => {
    it('the author (matched by the finder e-mail) may not approve; another triager may', async () => {
      const candidate = await personCandidate(users.triager, 'Auth bypass in admin panel');
      expect(candidate.origin).toBe('person');
      await expect(review(context, users.triager.actor, candidate.id, { decision: 'approve' })).rejects.toMatchObject({ code: 'forbidden', message: expect.stringMatching(/second engineer/) });
      const detail = await getCandidate(context.db, users.triager.actor, candidate.id);
      expect(detail.canApprove).toBe(false);
      expect(detail.authors).toEqual([users.triager.row.id]);
      expect((await getCandidate(context.db, secondTriager.actor, candidate.id)).canApprove).toBe(true);
      const approved = await review(context, secondTriager.actor, candidate.id, { decision: 'approve' });
      expect(approved.state).toBe('approved');
      await expect(review(context, users.lead.actor, candidate.id, { decision: 'approve' })).rejects.toMatchObject({ code: 'invalid_transition' });
    });

    it('without a finder e-mail, whoever imported it is its author', async () => {
      const candidate = await personCandidate(users.lead, 'Stored XSS in comments', false);
      await expect(review(context, users.lead.actor, candidate.id, { decision: 'approve' })).rejects.toMatchObject({ code: 'forbidden' });
      expect((await review(context, users.triager.actor, candidate.id, { decision: 'approve' })).state).toBe('approved');
    });

    it('naming someone else (or no account) as the finder does not let the importer approve their own finding', async () => {
      for (const [title, email] of [
        ['Claimed by a stranger', 'nobody@elsewhere.example'],
        ['Claimed by a colleague', secondTriager.row.email],
      ] as const) {
        await importObject(
          context,
          { format: 'cvdesk-findings', version: 1, finder: { kind: 'person', name: 'Someone else', email }, findings: [{ title, rule: 'idor', severity: 'high', target: { repository: `https://git.example.org/claims/${title.replace(/\W/g, '-')}` } }] },
          { source: 'manual' },
          users.triager.actor,
        );
        const candidate = await context.db.selectFrom('finding_candidates').selectAll().where('title', '=', title).executeTakeFirstOrThrow();
        await expect(review(context, users.triager.actor, candidate.id, { decision: 'approve' })).rejects.toMatchObject({ code: 'forbidden' });
        expect((await getCandidate(context.db, users.triager.actor, candidate.id)).authors).toContain(users.triager.row.id);
        expect((await review(context, users.lead.actor, candidate.id, { decision: 'approve' })).state).toBe('approved');
      }
    });

    it('a SARIF finder e-mail matches its account whatever its case', async () => {
      const repository = 'https://github.com/gate/sarif-person';
      await importObject(context, sarifLog([{ line: 9, properties: { finder: { kind: 'person', name: 'Reviewer', email: secondTriager.row.email.toUpperCase() } } }], { repository }));
      const candidate = await context.db.selectFrom('finding_candidates').selectAll().where('project_key', '=', 'repo:github.com/gate/sarif-person').executeTakeFirstOrThrow();
      expect(candidate.origin).toBe('person');
      await expect(review(context, secondTriager.actor, candidate.id, { decision: 'approve' })).rejects.toMatchObject({ code: 'forbidden' });
      expect((await review(context, users.lead.actor, candidate.id, { decision: 'approve' })).state).toBe('approved');
    });

    it('the author may still reject (withdraw) their own finding', async () => {
      const candidate = await personCandidate(users.triager, 'Withdrawn finding');
      expect((await review(context, users.triager.actor, candidate.id, { decision: 'reject', reason: 'duplicate', suppress: 'none' })).state).toBe('rejected');
    });
  });

  it('refuses a rejection without a reason, and a reason with an approval', async () => {
    const candidate = await candidateFor('https://github.com/gate/reasons');
    await expect(review(context, users.triager.actor, candidate.id, { decision: 'reject' })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(review(context, users.triager.actor, candidate.id, { decision: 'approve', reason: 'false_positive' })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(review(context, users.triager.actor, '00000000-0000-4000-8000-000000000000', { decision: 'approve' })).rejects.toMatchObject({ code: 'not_found' });
  });

  describe('suppression rules learned from rejections', () => {
    it('a false positive suppresses the same fingerprint next time, with the reason shown', async () => {
      const repository = 'https://github.com/suppress/fingerprint';
      const candidate = await candidateFor(repository, [{ line: 3, fingerprint: 'fp-1' }]);
      const rejected = await review(context, users.triager.actor, candidate.id, { decision: 'reject', reason: 'false_positive', note: 'sanitised upstream' });
      expect(rejected.suppressionsCreated).toBe(1);
      const again = await importObject(context, sarifLog([{ line: 30, fingerprint: 'fp-1' }, { line: 4, fingerprint: 'fp-2' }], { repository }));
      // fp-1 moved lines but is the same finding: already stored, a duplicate. A fresh import elsewhere shows suppression:
      expect(again).toMatchObject({ duplicates: 1, created: 1, suppressed: 0 });
      await context.db.deleteFrom('findings').where('candidate_id', '=', candidate.id).execute();
      const third = await importObject(context, sarifLog([{ line: 3, fingerprint: 'fp-1' }], { repository }));
      expect(third).toMatchObject({ created: 0, suppressed: 1 });
      expect(third.suppressedBy).toEqual([expect.objectContaining({ kind: 'fingerprint', reason: 'false_positive', count: 1 })]);
      const rules = await listSuppressions(context.db, users.auditor.actor, { project: 'repo:github.com/suppress/fingerprint' });
      expect(rules).toMatchObject([{ kind: 'fingerprint', reason: 'false_positive', note: 'sanitised upstream', hits: 1 }]);
    });

    it('"rule on the same target" suppresses that rule anywhere in the project, and nothing else', async () => {
      const repository = 'https://github.com/suppress/rule';
      const candidate = await candidateFor(repository, [{ line: 1 }]);
      await review(context, users.lead.actor, candidate.id, { decision: 'reject', reason: 'wont_report', suppress: 'rule_target' });
      const later = await importObject(context, sarifLog([{ uri: 'other.js', line: 99 }, { rule: 'js/sqli', line: 5 }], { repository }));
      expect(later).toMatchObject({ read: 2, suppressed: 1, created: 1 });
      expect(later.suppressedBy[0]).toMatchObject({ kind: 'rule_target', reason: 'wont_report' });
      // Another project is not affected.
      const elsewhere = await importObject(context, sarifLog([{ uri: 'other.js', line: 99 }], { repository: 'https://github.com/suppress/elsewhere' }));
      expect(elsewhere).toMatchObject({ created: 1, suppressed: 0 });
    });

    it('"root cause" suppresses new findings that reach the same sink', async () => {
      const repository = 'https://github.com/suppress/root';
      const candidate = await candidateFor(repository, [{ uri: 'a.js', line: 1, sinkLine: 70 }]);
      await review(context, users.lead.actor, candidate.id, { decision: 'reject', reason: 'false_positive', suppress: 'root_cause' });
      const later = await importObject(context, sarifLog([{ uri: 'b.js', line: 2, sinkLine: 70 }, { uri: 'c.js', line: 3, sinkLine: 71 }], { repository }));
      expect(later).toMatchObject({ suppressed: 1, created: 1 });
    });

    it('findings without a location stay apart: a second manual finding is neither a duplicate nor hidden by the first one’s suppression', async () => {
      const repository = 'https://git.example.org/nowhere/app';
      const manual = (title: string) => ({ format: 'cvdesk-findings', version: 1, finder: { kind: 'automated', name: 'agent' }, findings: [{ title, cwe: 639, severity: 'high', target: { repository } }] });
      expect(await importObject(context, manual('IDOR on /invoices'), { source: 'agent' })).toMatchObject({ created: 1, duplicates: 0 });
      const first = await context.db.selectFrom('finding_candidates').selectAll().where('title', '=', 'IDOR on /invoices').executeTakeFirstOrThrow();
      // A second, different finding of the same weakness on the same project, also without a location.
      expect(await importObject(context, manual('IDOR on /users'), { source: 'agent' })).toMatchObject({ created: 1, duplicates: 0, candidatesCreated: 1 });
      for (const suppress of ['root_cause', 'fingerprint'] as const) {
        await review(context, users.lead.actor, first.id, { decision: 'reject', reason: 'false_positive', suppress });
        await review(context, users.lead.actor, first.id, { decision: 'approve' });
      }
      expect(await importObject(context, manual('IDOR on /orders'), { source: 'agent' })).toMatchObject({ created: 1, suppressed: 0 });
      // The same finding again is still recognised.
      expect(await importObject(context, manual('IDOR on /invoices'), { source: 'agent' })).toMatchObject({ created: 0, duplicates: 1 });
    });

    it('"rule on the same target" does not reach a project and rule that merely read the same when joined by a space', async () => {
      const finding = (product: string, rule: string, title: string) => ({ format: 'cvdesk-findings', version: 1, finder: { kind: 'automated', name: 'agent' }, findings: [{ title, rule, severity: 'low', target: { product } }] });
      await importObject(context, finding('Acme', 'router xss', 'Rule with a space'), { source: 'agent' });
      const first = await context.db.selectFrom('finding_candidates').selectAll().where('title', '=', 'Rule with a space').executeTakeFirstOrThrow();
      await review(context, users.lead.actor, first.id, { decision: 'reject', reason: 'wont_report', suppress: 'rule_target' });
      // Product "Acme Router", rule "xss": a different project and rule.
      expect(await importObject(context, finding('Acme Router', 'xss', 'Unrelated finding'), { source: 'agent' })).toMatchObject({ created: 1, suppressed: 0 });
      expect(await importObject(context, finding('Acme', 'router xss', 'Same rule, same product'), { source: 'agent' })).toMatchObject({ created: 0, suppressed: 1 });
    });

    it('other rejection reasons teach nothing', async () => {
      const candidate = await candidateFor('https://github.com/suppress/duplicate');
      const rejected = await review(context, users.lead.actor, candidate.id, { decision: 'reject', reason: 'duplicate' });
      expect(rejected.suppressionsCreated).toBe(0);
    });
  });

  it('orders the queue by severity × confidence × reach and filters it', async () => {
    const repository = 'https://github.com/queue/ordered';
    await importObject(
      context,
      sarifLog(
        [
          { rule: 'js/sqli', line: 1 },
          { rule: 'js/xss', line: 2 },
          { rule: 'js/xss', uri: 'b.js', line: 3, sinkLine: 5 },
          { rule: 'js/xss', uri: 'c.js', line: 4, sinkLine: 5 },
        ],
        { repository },
      ),
      { source: 'queue-source' },
    );
    const queue = await listCandidates(context.db, users.auditor.actor, { project: 'repo:github.com/queue/ordered' });
    expect(queue.total).toBe(3);
    const priorities = queue.items.map((c) => c.priority);
    expect(priorities).toEqual([...priorities].sort((a, b) => b - a));
    // Reach counts: XSS reached by two findings (6.1 × 0.85 × (1 + log10 3) = 7.66) comes before the
    // more severe but less certain SQL injection (8.8 × 0.6 × (1 + log10 2) = 6.87), then the single XSS (6.75).
    expect(queue.items.map((c) => [c.rule, c.findings, Math.round(c.priority * 100) / 100])).toEqual([
      ['js/xss', 2, 7.66],
      ['js/sqli', 1, 6.87],
      ['js/xss', 1, 6.75],
    ]);
    expect((await listCandidates(context.db, users.triager.actor, { project: 'repo:github.com/queue/ordered', minSeverity: 7 })).items.map((c) => c.rule)).toEqual(['js/sqli']);
    expect((await listCandidates(context.db, users.triager.actor, { project: 'repo:github.com/queue/ordered', rule: 'CWE-79' })).total).toBe(2);
    expect((await listCandidates(context.db, users.triager.actor, { source: 'queue-source' })).total).toBe(3);
    expect((await listCandidates(context.db, users.triager.actor, { source: 'no-such-source' })).total).toBe(0);
    await expect(listCandidates(context.db, users.reporter.actor, {})).rejects.toMatchObject({ code: 'forbidden' });
    await expect(listCandidates(context.db, users.cna.actor, {})).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('groups candidates by project into draft case groups', async () => {
    await importObject(context, sarifLog([{ line: 1 }, { rule: 'js/sqli', line: 2 }], { repository: 'https://github.com/groups/one' }));
    const groups = await listDraftGroups(context.db, users.triager.actor);
    expect(groups.find((g) => g.projectKey === 'repo:github.com/groups/one')).toMatchObject({ candidates: 2, findings: 2, maxSeverity: 8.8, approved: 0 });
    // Rejected candidates leave the draft groups.
    const rejected = groups.find((g) => g.projectKey === 'repo:github.com/suppress/duplicate');
    expect(rejected).toBeUndefined();
  });

  describe('SBOMs', () => {
    it('marks candidates whose component (purl, same version) the organisation uses, from CycloneDX, and notifies staff', async () => {
      const document = {
        format: 'cvdesk-findings',
        version: 1,
        finder: { kind: 'automated', name: 'dep-agent' },
        findings: [
          { title: 'RCE in yaml parser', rule: 'rce', severity: 'critical', target: { purl: 'pkg:npm/yaml-thing@2.0.1' } },
          { title: 'ReDoS in other version', rule: 'redos', severity: 'medium', target: { purl: 'pkg:npm/yaml-thing@1.0.0' } },
          { title: 'Unused package', rule: 'rce', severity: 'high', target: { purl: 'pkg:pypi/unused@1.0' } },
        ],
      };
      await importObject(context, document, { source: 'deps' });
      const before = await context.db.selectFrom('notifications').select('id').where('kind', '=', 'component_in_use').execute();
      const bom = {
        bomFormat: 'CycloneDX',
        specVersion: '1.6',
        metadata: { component: { name: 'Payments API' } },
        components: [{ name: 'express', version: '4.19.2', purl: 'pkg:npm/express@4.19.2', components: [{ name: 'yaml-thing', version: '2.0.1', purl: 'pkg:npm/yaml-thing@2.0.1' }] }],
      };
      const summary = await importSbomFile(context, users.lead.actor, writeTemp('bom.cdx.json', bom), {});
      expect(summary).toMatchObject({ format: 'cyclonedx', specVersion: '1.6', name: 'Payments API', components: 2, candidatesMarked: 1 });
      const marked = await context.db.selectFrom('finding_candidates').select(['title', 'component_in_use']).where('project_key', '=', 'pkg:npm/yaml-thing').orderBy('title').execute();
      expect(marked.map((m) => [m.title, m.component_in_use ? JSON.parse(m.component_in_use) : null])).toEqual([
        ['RCE in yaml parser', [{ sbom: 'Payments API', name: 'yaml-thing', version: '2.0.1' }]],
        ['ReDoS in other version', null],
      ]);
      const after = await context.db.selectFrom('notifications').selectAll().where('kind', '=', 'component_in_use').execute();
      const staffIds = [users.triager.row.id, users.lead.row.id, secondTriager.row.id];
      const fresh = after.filter((n) => !before.some((b) => b.id === n.id));
      expect(fresh.map((n) => n.recipient_id).sort()).toEqual([...staffIds].sort());
      expect(fresh[0]!.title).toMatch(/We use an affected component: pkg:npm\/yaml-thing@2\.0\.1/);
      expect((await listCandidates(context.db, users.triager.actor, { inUse: true, project: 'pkg:npm/yaml-thing' })).total).toBe(1);
    });

    it('marks findings imported after an SPDX SBOM as they arrive', async () => {
      const spdx = {
        spdxVersion: 'SPDX-2.3',
        name: 'Billing service',
        packages: [
          { name: 'log4j-core', versionInfo: '2.14.1', externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1' }] },
          { name: 'Internal Widget', versionInfo: '3' },
        ],
      };
      const summary = await importSbomFile(context, users.triager.actor, writeTemp('bom.spdx.json', spdx), {});
      expect(summary).toMatchObject({ format: 'spdx', name: 'Billing service', components: 2, candidatesMarked: 0 });
      await importObject(context, {
        format: 'cvdesk-findings',
        version: 1,
        finder: { kind: 'automated', name: 'dep-agent' },
        findings: [
          { title: 'Log4Shell', rule: 'jndi', cwe: 502, severity: 'critical', target: { purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1' } },
          { title: 'Widget bug', rule: 'w', severity: 'low', target: { product: 'internal widget' } },
        ],
      });
      const rows = await context.db.selectFrom('finding_candidates').select(['title', 'component_in_use']).where('title', 'in', ['Log4Shell', 'Widget bug']).orderBy('title').execute();
      expect(rows.map((r) => r.component_in_use !== null)).toEqual([true, true]);
    });

    it('refuses what is not an SBOM, and malformed JSON, storing nothing', async () => {
      const before = await count(context, 'sboms');
      await expect(importSbomFile(context, users.lead.actor, writeTemp('x.json', { hello: 'world', components: [{ name: 'a' }] }), {})).rejects.toMatchObject({ code: 'validation_failed' });
      await expect(importSbomFile(context, users.lead.actor, writeTemp('y.json', '{"bomFormat":"CycloneDX","components":[{"name":'), {})).rejects.toMatchObject({ code: 'invalid_json' });
      await expect(importSbomFile(context, users.auditor.actor, writeTemp('z.json', { bomFormat: 'CycloneDX', components: [] }), {})).rejects.toMatchObject({ code: 'forbidden' });
      expect(await count(context, 'sboms')).toBe(before);
    });
  });

  it('counts findings and review outcomes per source and finder, with the false-positive rate, per day', async () => {
    const fresh = await createTestContext(engine, { RUN_JOBS: 'false' });
    try {
      const triager = await buildUser(fresh, { roles: ['triager'] });
      await importObject(fresh, sarifLog([{ line: 1 }, { line: 2 }, { rule: 'js/sqli', line: 3 }], { repository: 'https://github.com/dash/one', tool: 'ScannerA' }), { source: 'scanner-a' });
      await importObject(fresh, sarifLog([{ line: 9 }], { repository: 'https://github.com/dash/two', tool: 'AgentB' }), { source: 'agent-b' });
      const candidates = await fresh.db.selectFrom('finding_candidates').selectAll().orderBy('project_key').orderBy('sink').orderBy('rule_id').execute();
      const [a1, a2, a3, b1] = candidates;
      await review(fresh, triager.actor, a1!.id, { decision: 'reject', reason: 'false_positive' });
      await review(fresh, triager.actor, a2!.id, { decision: 'approve' });
      await review(fresh, triager.actor, a3!.id, { decision: 'reject', reason: 'false_positive' });
      await review(fresh, triager.actor, b1!.id, { decision: 'approve' });
      const dashboard = await findingsDashboard(fresh.db, fresh.clock, triager.actor, { days: 7 });
      expect(dashboard.candidates).toEqual({ pending: 0, approved: 2, rejected: 2 });
      expect(dashboard.sources).toEqual([
        { name: 'scanner-a', findings: 3, candidates: 3, pending: 0, approved: 1, falsePositive: 2, otherRejected: 0, falsePositiveRate: 0.667 },
        { name: 'agent-b', findings: 1, candidates: 1, pending: 0, approved: 1, falsePositive: 0, otherRejected: 0, falsePositiveRate: 0 },
      ]);
      expect(dashboard.finders.map((f) => f.name).sort()).toEqual(['automated: AgentB', 'automated: ScannerA']);
      const today = new Date().toISOString().slice(0, 10);
      expect(dashboard.timeline).toEqual([{ day: today, imported: { 'scanner-a': 3, 'agent-b': 1 }, approved: 2, falsePositive: 2, otherRejected: 0 }]);
    } finally {
      await fresh.close();
    }
  });
});

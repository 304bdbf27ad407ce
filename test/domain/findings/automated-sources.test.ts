import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/context.js';
import { listAutomatedSources, registerAutomatedSource, retireAutomatedSource, type RegisterInput } from '../../../src/domain/findings/automated-sources.js';
import { getCandidate, reviewCandidate } from '../../../src/domain/findings/finding.service.js';
import type { Actor } from '../../../src/domain/auth/actor.js';
import { inTransaction } from '../../../src/server/transaction.js';
import { DIALECTS, createTestContext } from '../../helpers/databases.js';
import { buildUser, type BuiltUser } from '../../helpers/factories.js';
import { importObject, importer, sarifLog } from './findings.support.js';

/**
 * The review gate trusts a file's "automated" only under a registered automated source, uploaded
 * by the account (or the command line) the registration names, while the registration is in force.
 */
describe.each(DIALECTS)('registered automated sources and the review gate on %s', (engine) => {
  let context: AppContext & { close(): Promise<void> };
  let lead: BuiltUser;
  let triager: BuiltUser;
  let colleague: BuiltUser;
  /** A triager account only a CI pipeline's token uses. */
  let pipeline: BuiltUser;
  let auditor: BuiltUser;

  const review = (actor: Actor, id: string) => inTransaction(context, (trx) => reviewCandidate(context, trx, actor, id, { decision: 'approve' }));
  const register = (input: RegisterInput, actor: Actor = lead.actor) => inTransaction(context, (trx) => registerAutomatedSource(context, trx, actor, input));
  const retire = (id: string, actor: Actor = lead.actor) => inTransaction(context, (trx) => retireAutomatedSource(context, trx, actor, id));

  /** A native file whose finder says it is automated: the importer's own claim. */
  const agentFile = (title: string, repo: string) => ({
    format: 'cvdesk-findings',
    version: 1,
    finder: { kind: 'automated', name: 'Triage Agent 7' },
    findings: [{ title, rule: 'idor', cwe: 639, severity: 'high', target: { repository: `https://git.example.org/sources/${repo}` } }],
  });
  const candidateTitled = (title: string) => context.db.selectFrom('finding_candidates').selectAll().where('title', '=', title).executeTakeFirstOrThrow();

  beforeAll(async () => {
    context = await createTestContext(engine, { RUN_JOBS: 'false' });
    lead = await buildUser(context, { roles: ['lead'] });
    triager = await buildUser(context, { roles: ['triager'] });
    colleague = await buildUser(context, { roles: ['triager'] });
    pipeline = await buildUser(context, { roles: ['triager'] });
    auditor = await buildUser(context, { roles: ['auditor'] });
  });
  afterAll(async () => context?.close());

  it('the exploit fails: a triager who imports their own finding declared automated under an unregistered source may not approve it alone', async () => {
    const summary = await importObject(context, agentFile('Self-declared automated', 'exploit'), { source: 'my-agent' }, triager.actor);
    expect(summary).toMatchObject({ created: 1, automation: 'unregistered' });
    const candidate = await candidateTitled('Self-declared automated');
    expect(candidate.origin).toBe('person');
    await expect(review(triager.actor, candidate.id)).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/^You imported this person-found candidate \(declared automated, but source "my-agent" was not a registered automated source when .* imported it\): a second engineer who did not import it must approve it$/),
    });
    const mine = await getCandidate(context.db, triager.actor, candidate.id);
    expect(mine).toMatchObject({ origin: 'person', canApprove: false, authors: [triager.row.id] });
    expect(mine.approvalBlock).toMatch(/did not import it/);
    expect(mine.originReasons).toEqual([expect.stringMatching(/declared automated, but source "my-agent" was not a registered automated source/)]);
    expect(mine.items).toMatchObject([{ finder: { kind: 'automated' }, countedAs: 'person', importedBy: triager.row.email }]);
    expect(await context.db.selectFrom('finding_reviews').select('id').where('candidate_id', '=', candidate.id).execute()).toEqual([]);
    // A second engineer may.
    expect((await review(colleague.actor, candidate.id)).state).toBe('approved');
    const audit = await context.db.selectFrom('audit_events').selectAll().where('object_id', '=', candidate.id).where('action', '=', 'finding_candidate.approved').executeTakeFirstOrThrow();
    expect(JSON.parse(audit.data)).toMatchObject({ origin: 'person', originReasons: [expect.stringMatching(/not a registered automated source/)] });
  });

  it('the same through SARIF properties.finder, and through a SARIF log that declares nothing (the tool is the finder)', async () => {
    const repository = 'https://github.com/sources/sarif-claim';
    await importObject(context, sarifLog([{ line: 1, properties: { finder: { kind: 'automated', name: 'agent' } } }, { line: 40, uri: 'b.js' }], { repository }), { source: 'sarif-agent' }, triager.actor);
    const candidates = await context.db.selectFrom('finding_candidates').selectAll().where('project_key', '=', 'repo:github.com/sources/sarif-claim').execute();
    expect(candidates).toHaveLength(2);
    for (const candidate of candidates) {
      expect(candidate.origin).toBe('person');
      await expect(review(triager.actor, candidate.id)).rejects.toMatchObject({ code: 'forbidden' });
    }
  });

  it('a registered source (command line) counts as automated: one engineer approves, even one who never saw it', async () => {
    const registered = await register({ name: 'nightly-agent', description: 'The nightly AI triage agent, run by the platform team' });
    expect(registered).toMatchObject({ name: 'nightly-agent', uploader: null, registeredBy: lead.row.email, retiredAt: null });
    const summary = await importObject(context, agentFile('Registered finding', 'registered'), { source: 'nightly-agent' }, importer);
    expect(summary.automation).toBe('registered');
    const candidate = await candidateTitled('Registered finding');
    expect(candidate.origin).toBe('automated');
    const detail = await getCandidate(context.db, triager.actor, candidate.id);
    expect(detail).toMatchObject({ origin: 'automated', canApprove: true, approvalBlock: null, originReasons: ['automated: registered source "nightly-agent"'], authors: [] });
    expect((await review(triager.actor, candidate.id)).state).toBe('approved');
    const audit = await context.db.selectFrom('audit_events').selectAll().where('object_id', '=', registered.id).executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ action: 'finding_automated_source.registered', actor_id: lead.row.id });
    expect(JSON.parse(audit.data)).toMatchObject({ name: 'nightly-agent', uploader: 'command line' });
  });

  it('a registration names its uploader: a triager uploading under a registered name is not the pipeline', async () => {
    await register({ name: 'ci-semgrep', description: 'Semgrep in CI', uploaderEmail: pipeline.row.email.toUpperCase() });
    // The pipeline's account uploads: automated, and one engineer (any) approves.
    expect((await importObject(context, agentFile('From the pipeline', 'pipeline'), { source: 'ci-semgrep' }, pipeline.actor)).automation).toBe('registered');
    const fromPipeline = await candidateTitled('From the pipeline');
    expect(fromPipeline.origin).toBe('automated');
    // The pipeline's own account is the automated system: it may not approve what it uploaded.
    await expect(review(pipeline.actor, fromPipeline.id)).rejects.toMatchObject({ code: 'forbidden', message: expect.stringMatching(/uploads the automated findings/) });
    expect((await review(triager.actor, fromPipeline.id)).state).toBe('approved');
    // The triager (or the command line) borrowing the name: a person's, and the triager may not approve it.
    expect((await importObject(context, agentFile('Borrowed name', 'borrowed'), { source: 'ci-semgrep' }, triager.actor)).automation).toBe('other_uploader');
    const borrowed = await candidateTitled('Borrowed name');
    expect(borrowed.origin).toBe('person');
    await expect(review(triager.actor, borrowed.id)).rejects.toMatchObject({ code: 'forbidden', message: expect.stringMatching(/uploaded by .*, not by .* for whom it is registered/) });
    expect((await importObject(context, agentFile('Borrowed by the command line', 'borrowed-cli'), { source: 'ci-semgrep' }, importer)).automation).toBe('other_uploader');
    expect((await candidateTitled('Borrowed by the command line')).origin).toBe('person');
  });

  it('one person finding makes the whole candidate person-found, even next to a registered automated one', async () => {
    const repository = 'https://git.example.org/sources/mixed';
    await importObject(context, { format: 'cvdesk-findings', version: 1, finder: { kind: 'automated', name: 'agent' }, findings: [{ title: 'Mixed', rule: 'sqli', location: { uri: 'db.js', line: 3 }, severity: 'high', target: { repository } }] }, { source: 'nightly-agent' }, importer);
    await importObject(context, { format: 'cvdesk-findings', version: 1, finder: { kind: 'person', name: 'Me' }, findings: [{ title: 'Mixed too', rule: 'sqli', location: { uri: 'db.js', line: 3 }, fingerprint: 'other', severity: 'high', target: { repository } }] }, { source: 'manual' }, triager.actor);
    const candidate = await candidateTitled('Mixed');
    expect(candidate.finding_count).toBe(2);
    expect(candidate.origin).toBe('person');
    const detail = await getCandidate(context.db, auditor.actor, candidate.id);
    expect(detail.originReasons).toEqual([expect.stringMatching(/^found by a person/), 'automated: registered source "nightly-agent"']);
    await expect(review(triager.actor, candidate.id)).rejects.toMatchObject({ code: 'forbidden', message: expect.stringMatching(/^You found this yourself/) });
  });

  it('retiring a registration stops it counting: its pending candidates become person-found, later imports too, and registering the name again revives neither', async () => {
    const registration = await register({ name: 'old-scanner', description: 'Being replaced', uploaderEmail: pipeline.row.email });
    await importObject(context, agentFile('Before retirement', 'retire'), { source: 'old-scanner' }, pipeline.actor);
    const before = await candidateTitled('Before retirement');
    expect(before.origin).toBe('automated');

    const retired = await retire(registration.id);
    expect(retired).toMatchObject({ name: 'old-scanner', retiredBy: lead.row.email, candidatesNowPersonFound: 1 });
    expect(retired.retiredAt).not.toBeNull();
    expect((await candidateTitled('Before retirement')).origin).toBe('person');
    // The pipeline's account imported it: now a person's finding, it may not approve it.
    const detail = await getCandidate(context.db, pipeline.actor, before.id);
    expect(detail).toMatchObject({ origin: 'person', canApprove: false });
    expect(detail.originReasons[0]).toMatch(/declared automated, but the registration of source "old-scanner" was retired/);
    await expect(review(pipeline.actor, before.id)).rejects.toMatchObject({ code: 'forbidden' });

    expect((await importObject(context, agentFile('After retirement', 'retire-after'), { source: 'old-scanner' }, pipeline.actor)).automation).toBe('unregistered');
    expect((await candidateTitled('After retirement')).origin).toBe('person');

    await register({ name: 'old-scanner', description: 'Registered again', uploaderEmail: pipeline.row.email });
    expect((await getCandidate(context.db, lead.actor, before.id)).origin).toBe('person');
    expect((await getCandidate(context.db, lead.actor, (await candidateTitled('After retirement')).id)).origin).toBe('person');
    expect((await review(triager.actor, before.id)).state).toBe('approved');

    const audit = await context.db.selectFrom('audit_events').selectAll().where('object_id', '=', registration.id).orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(['finding_automated_source.registered', 'finding_automated_source.retired']);
    await expect(retire(registration.id)).rejects.toMatchObject({ code: 'invalid_transition' });
    const names = (await listAutomatedSources(context.db, auditor.actor, { includeRetired: true })).filter((s) => s.name === 'old-scanner');
    expect(names.map((s) => s.description)).toEqual(['Registered again', 'Being replaced']);
    expect((await listAutomatedSources(context.db, triager.actor)).map((s) => s.name)).not.toContain('my-agent');
  });

  it('only a lead registers or retires; staff who review or audit read; bad input is named', async () => {
    for (const actor of [triager.actor, auditor.actor, importer]) {
      await expect(register({ name: 'sneaky', description: 'mine' }, actor)).rejects.toMatchObject({ code: 'forbidden' });
    }
    const registration = await register({ name: 'guarded', description: 'Guarded' });
    await expect(retire(registration.id, triager.actor)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(retire('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'not_found' });
    await expect(retire('not-an-id')).rejects.toMatchObject({ code: 'not_found' });
    const reporter = await buildUser(context, { roles: ['reporter'] });
    await expect(listAutomatedSources(context.db, reporter.actor)).rejects.toMatchObject({ code: 'forbidden' });

    await expect(register({ name: 'guarded', description: 'Twice' })).rejects.toMatchObject({ code: 'conflict', details: [{ field: '/name' }] });
    await expect(register({ name: '-bad name', description: 'x' })).rejects.toMatchObject({ code: 'validation_failed', details: [{ field: '/name' }] });
    await expect(register({ name: 'blank', description: '   ' })).rejects.toMatchObject({ code: 'validation_failed', details: [{ field: '/description' }] });
    await expect(register({ name: 'ctrl', description: 'a\u001b[2Jb' })).rejects.toMatchObject({ code: 'validation_failed', details: [{ field: '/description' }] });
    await expect(register({ name: 'nobody', description: 'x', uploaderEmail: 'nobody@example.org' })).rejects.toMatchObject({ code: 'validation_failed', details: [{ field: '/uploaderEmail' }] });
    await expect(register({ name: 'auditor-uploads', description: 'x', uploaderEmail: auditor.row.email })).rejects.toMatchObject({ code: 'validation_failed', details: [{ field: '/uploaderEmail' }] });
    const stored = await context.db.selectFrom('finding_automated_sources').select('name').where('name', 'in', ['sneaky', 'blank', 'ctrl', 'nobody', 'auditor-uploads']).execute();
    expect(stored).toEqual([]);
  });
});

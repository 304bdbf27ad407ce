import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context.js';
import { systemActor } from '../../src/domain/auth/actor.js';
import { KEYS_DAILY_CHECK_JOB, expiryLevel } from '../../src/domain/keys/key-warnings.service.js';
import { addKey, prepareGeneratedKey, prepareRotatedKey } from '../../src/domain/keys/keys.service.js';
import { prepareSecurityTxtSignature, storeSecurityTxtSignature } from '../../src/domain/keys/security-txt.service.js';
import { changeSettings } from '../../src/domain/settings/settings.service.js';
import { PERIODIC_TASKS, enqueueDueTasks, periodOf, startScheduler, type PeriodicTask } from '../../src/jobs/tasks/scheduler.js';
import { inTransaction } from '../../src/server/transaction.js';
import { DIALECTS, createTestContext, testClock } from '../helpers/databases.js';
import { buildUser } from '../helpers/factories.js';
import { waitFor } from './helpers.js';

const DAY = 86_400_000;
const PASSPHRASE = 'the daily check passphrase';
const operator = systemActor('test');
const TASK: PeriodicTask = { name: 'test.daily', every: 'day', job: 'test.daily-job' };
/** The key check alone, so other areas' periodic tasks do not run in these tests. */
const KEY_CHECK = PERIODIC_TASKS.filter((task) => task.name === 'keys.daily-check');
const WORKER = fileURLToPath(new URL('./fixtures/scheduler-worker.ts', import.meta.url));

/** Runs fixtures/scheduler-worker.ts in its own process on the test's database; resolves to what it enqueued. */
function runWorker(context: AppContext, startAt: number): Promise<string[]> {
  const { config } = context;
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
    env: {
      ...process.env,
      CVDESK_DATA: config.dataDir,
      DATABASE_URL: config.databaseUrl ?? '',
      DATABASE_SCHEMA: config.databaseSchema ?? '',
      PUBLIC_URL: config.publicUrl,
      LOG_LEVEL: 'silent',
      RUN_JOBS: 'false',
      START_AT: String(startAt),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += String(chunk)));
  child.stderr.on('data', (chunk) => (stderr += String(chunk)));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`scheduler worker exited with ${code}: ${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as string[]);
    });
  });
}

describe.each(DIALECTS)('periodic tasks on %s', (engine) => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of cleanup.splice(0).reverse()) await close();
  });

  async function setup() {
    const clock = testClock();
    const context = await createTestContext(engine, { RUN_JOBS: 'false' }, { clock });
    cleanup.push(() => context.close());
    return { clock, context };
  }

  async function jobs(context: AppContext, name: string) {
    return context.jobs.list({ name, limit: 1000 });
  }

  it('names periods in UTC', () => {
    expect(periodOf(new Date('2026-11-27T23:59:59Z'), 'day')).toBe('2026-11-27');
    expect(periodOf(new Date('2026-11-28T00:00:00Z'), 'day')).toBe('2026-11-28');
    expect(periodOf(new Date('2026-11-27T13:05:00Z'), 'hour')).toBe('2026-11-27T13');
  });

  it('enqueues a task once per period, and again in the next period', async () => {
    const { clock, context } = await setup();
    expect(await enqueueDueTasks(context, [TASK])).toEqual(['test.daily']);
    expect(await enqueueDueTasks(context, [TASK])).toEqual([]);
    clock.advance(6 * 3_600_000);
    expect(await enqueueDueTasks(context, [TASK])).toEqual([]);
    expect(await jobs(context, 'test.daily-job')).toHaveLength(1);
    clock.advance(DAY);
    expect(await enqueueDueTasks(context, [TASK])).toEqual(['test.daily']);
    const queued = await jobs(context, 'test.daily-job');
    expect(queued).toHaveLength(2);
    expect(queued.map((job) => (job.payload as { period: string }).period).sort()).toEqual(['2026-11-27', '2026-11-28']);
    const runs = await context.db.selectFrom('scheduled_runs').selectAll().orderBy('period').execute();
    expect(runs.map((run) => [run.task, run.period])).toEqual([
      ['test.daily', '2026-11-27'],
      ['test.daily', '2026-11-28'],
    ]);
    expect(runs.every((run) => run.job_id !== null)).toBe(true);
  });

  it('enqueues once per period even with three worker processes on one database racing', { timeout: 60_000 }, async () => {
    const { context } = await setup();
    const startAt = Date.now() + 2_500;
    const workers = Array.from({ length: 3 }, () => runWorker(context, startAt));
    const results = await Promise.all(workers);
    expect(results.flat()).toEqual(['test.daily']);
    expect(await jobs(context, 'test.daily-job')).toHaveLength(1);
    expect(await context.db.selectFrom('scheduled_runs').selectAll().where('task', '=', 'test.daily').execute()).toHaveLength(1);
  });

  it('two schedulers in one process enqueue once', async () => {
    const { context } = await setup();
    const results = await Promise.all(Array.from({ length: 6 }, () => enqueueDueTasks(context, [TASK])));
    expect(results.flat()).toEqual(['test.daily']);
    expect(await jobs(context, 'test.daily-job')).toHaveLength(1);
  });

  it('the running scheduler looks at once and stops cleanly', async () => {
    const { context } = await setup();
    const scheduler = startScheduler(context, { tasks: [TASK], intervalMs: 50, onError: (error) => console.error(error) });
    const other = startScheduler(context, { tasks: [TASK], intervalMs: 50, onError: (error) => console.error(error) });
    try {
      await waitFor(async () => (await jobs(context, 'test.daily-job')).length > 0, 10_000, 'the scheduled job');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await jobs(context, 'test.daily-job')).toHaveLength(1);
    } finally {
      await scheduler.stop();
      await other.stop();
    }
  });

  it('schedules the daily key check by default, and the job has a handler', async () => {
    const { context } = await setup();
    expect(KEY_CHECK).toEqual([{ name: 'keys.daily-check', every: 'day', job: KEYS_DAILY_CHECK_JOB }]);
    expect(await enqueueDueTasks(context)).toContain('keys.daily-check');
    await context.jobs.drain();
    expect(await jobs(context, KEYS_DAILY_CHECK_JOB)).toEqual([expect.objectContaining({ state: 'done' })]);
  });

  it('mails the leads 30 days before the current key expires, once, then at 7 days and on expiry', async () => {
    const { clock, context } = await setup();
    const lead = await buildUser(context, { roles: ['lead'] });
    const otherLead = await buildUser(context, { roles: ['lead', 'auditor'] });
    await buildUser(context, { roles: ['triager'] });
    const prepared = await prepareGeneratedKey(context, operator, { name: 'Security', email: 'security@example.org', passphrase: PASSPHRASE, expiresInDays: 60 });
    const key = await inTransaction(context, (trx) => addKey(context, trx, operator, prepared));

    const outbox = async () => context.db.selectFrom('mail_outbox').selectAll().orderBy('created_at').execute();
    const runDay = async () => {
      await enqueueDueTasks(context, KEY_CHECK);
      await context.jobs.drain();
    };

    await runDay();
    expect(await outbox()).toEqual([]);
    clock.advance(29 * DAY); // 31 days left
    await runDay();
    expect(await outbox()).toEqual([]);

    clock.advance(DAY + 3_600_000); // 29 days and 23 hours left
    await runDay();
    let mail = await outbox();
    expect(mail.map((m) => m.recipient).sort()).toEqual([lead.row.email, otherLead.row.email].sort());
    expect(mail[0]!.subject).toContain("OpenPGP key expires in 30 day(s)");
    expect(context.secrets.open(mail[0]!.body)).toContain(key.fingerprint);
    expect(context.secrets.open(mail[0]!.body)).toContain('cvdesk keys rotate');

    // The same day again (a second job run), and the next days: no repeat.
    await context.jobs.drain();
    await runDay();
    for (let i = 0; i < 5; i++) {
      clock.advance(DAY);
      await runDay();
    }
    expect(await outbox()).toHaveLength(2);

    clock.advance(18 * DAY); // 6 days left
    await runDay();
    mail = await outbox();
    expect(mail).toHaveLength(4);
    expect(mail.at(-1)!.subject).toContain('expires in 7 day(s)'); // 6 days 23 hours, rounded up

    clock.advance(7 * DAY);
    await runDay();
    expect((await outbox()).filter((m) => m.subject.includes('has expired'))).toHaveLength(2);
    const audit = await context.db.selectFrom('audit_events').select('data').where('action', '=', 'key.expiry_warned').execute();
    expect(audit.map((a) => JSON.parse(a.data).level)).toEqual(['expires-30', 'expires-7', 'expired']);

    // A rotated key starts afresh.
    const next = await prepareRotatedKey(context, context.db, operator, { passphrase: PASSPHRASE });
    await inTransaction(context, (trx) => addKey(context, trx, operator, next));
    clock.advance(DAY);
    await runDay();
    expect(await outbox()).toHaveLength(6);
  });

  it('reminds the leads to sign security.txt again before its Expires, and when the settings changed', async () => {
    const { clock, context } = await setup();
    const lead = await buildUser(context, { roles: ['lead'] });
    const prepared = await prepareGeneratedKey(context, operator, { name: 'Security', email: 'security@example.org', passphrase: PASSPHRASE });
    await inTransaction(context, (trx) => addKey(context, trx, operator, prepared));
    await inTransaction(context, (trx) => changeSettings(context, trx, operator, { securityTxtValidityDays: 60 }));
    const signature = await prepareSecurityTxtSignature(context, context.db, operator, PASSPHRASE);
    await inTransaction(context, (trx) => storeSecurityTxtSignature(context, trx, operator, signature));

    const reminders = async () => context.db.selectFrom('mail_outbox').selectAll().where('subject', 'like', '%Sign security.txt again%').execute();
    const runDay = async () => {
      await enqueueDueTasks(context, KEY_CHECK);
      await context.jobs.drain();
    };
    await runDay();
    expect(await reminders()).toEqual([]);
    clock.advance(31 * DAY); // the signed copy expires in 29 days
    await runDay();
    const mail = await reminders();
    expect(mail).toHaveLength(1);
    expect(mail[0]!.recipient).toBe(lead.row.email);
    expect(context.secrets.open(mail[0]!.body)).toContain('cvdesk keys sign-securitytxt');
    clock.advance(DAY);
    await runDay();
    expect(await reminders()).toHaveLength(1);

    await inTransaction(context, (trx) => changeSettings(context, trx, operator, { organisationName: 'Renamed' }));
    clock.advance(DAY);
    await runDay();
    const after = await reminders();
    expect(after).toHaveLength(2);
    expect(context.secrets.open(after[1]!.body)).toContain('no longer matches the settings');
  });

  it('grades expiry', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const at = (days: number) => new Date(now.getTime() + days * DAY).toISOString();
    expect(expiryLevel(at(31), now)).toBeNull();
    expect(expiryLevel(at(30), now)).toBe('expires-30');
    expect(expiryLevel(at(7), now)).toBe('expires-7');
    expect(expiryLevel(at(1), now)).toBe('expires-1');
    expect(expiryLevel(at(0), now)).toBe('expired');
  });
});

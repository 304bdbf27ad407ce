import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/context.js';
import { processReportIntake, retryReportIntake } from '../../../src/domain/reports/report-intake.js';
import { submitReport } from '../../../src/domain/reports/report.service.js';
import { inTransaction } from '../../../src/server/transaction.js';
import { DIALECTS, createTestContext } from '../../helpers/databases.js';
import { buildUser } from '../../helpers/factories.js';
import { buildProgram } from '../../helpers/programs.js';

/**
 * What a stored report sets off (report-intake.ts) happens after its commit, in batches: the term
 * index and the staff's new-report notifications. A report whose processing fails must neither
 * hold up the others nor be lost.
 */
describe.each(DIALECTS)('report intake on %s', (engine) => {
  let context: AppContext;
  beforeEach(async () => {
    context = await createTestContext(engine, { RUN_JOBS: 'false' });
  });
  afterEach(async () => context?.close());

  /** Makes writing the term index of reports titled `title` fail, as a broken row or a bug would. */
  async function breakIndexingOf(title: string): Promise<() => Promise<void>> {
    if (engine === 'sqlite') {
      await sql.raw(`create trigger break_terms before insert on report_terms when (select title from reports where id = new.report_id) = '${title}' begin select raise(abort, 'indexing broke'); end`).execute(context.db);
      return async () => void (await sql.raw('drop trigger break_terms').execute(context.db));
    }
    await sql.raw(`create function break_terms() returns trigger language plpgsql as $$ begin if (select title from reports where id = new.report_id) = '${title}' then raise exception 'indexing broke'; end if; return new; end $$`).execute(context.db);
    await sql.raw('create trigger break_terms before insert on report_terms for each row execute function break_terms()').execute(context.db);
    return async () => {
      await sql.raw('drop trigger break_terms on report_terms').execute(context.db);
      await sql.raw('drop function break_terms()').execute(context.db);
    };
  }

  const queued = () => context.db.selectFrom('report_intake').select(['report_id', 'attempts', 'last_error']).execute();
  const notified = async (reportId: string) => (await context.db.selectFrom('notifications').select('id').where('report_id', '=', reportId).where('kind', '=', 'new_report').execute()).length;
  const indexed = async (reportId: string) => (await context.db.selectFrom('report_terms').select('term').where('report_id', '=', reportId).execute()).length;

  it('indexes and announces after commit, keeps a failing report queued with its error, and gets it through once it can', async () => {
    const program = await buildProgram(context);
    const { actor } = await buildUser(context);
    await buildUser(context, { roles: ['triager'] });
    const file = (title: string) => inTransaction(context, (trx) => submitReport(context, trx, actor, { program: program.slug, title, description: `Details of ${title}: the search field reflects markup.` }));
    const repair = await breakIndexingOf('Broken one');
    const [first, broken, last] = [await file('First report'), await file('Broken one'), await file('Last report')];
    // Stored and queued, nothing done yet.
    expect((await queued()).map((q) => q.report_id).sort()).toEqual([first.id, broken.id, last.id].sort());
    expect(await notified(first.id)).toBe(0);

    await processReportIntake(context);
    // The others went through despite the one that fails, each indexed and announced once.
    for (const report of [first, last]) {
      expect(await indexed(report.id)).toBeGreaterThan(0);
      expect(await notified(report.id)).toBe(1);
    }
    expect(await queued()).toEqual([{ report_id: broken.id, attempts: 1, last_error: expect.stringContaining('indexing broke') }]);
    expect(await notified(broken.id)).toBe(0);

    // Tried again by every drain, up to five times; then left for the hourly housekeeping.
    for (let i = 0; i < 6; i++) await processReportIntake(context);
    expect((await queued())[0]!.attempts).toBe(5);

    await repair();
    await retryReportIntake(context);
    expect(await queued()).toEqual([]);
    expect(await indexed(broken.id)).toBeGreaterThan(0);
    expect(await notified(broken.id)).toBe(1);
    expect(await notified(first.id)).toBe(1);
    // The term statistics count each report once, whatever failed on the way.
    const stats = await context.db.selectFrom('report_term_stats').select(['term', 'df']).where('program_id', '=', program.id).where('term', '=', 'markup').executeTakeFirstOrThrow();
    expect(Number(stats.df)).toBe(3);
  });

  it('lets concurrent callers share one pass, each answered only when its reports are done', async () => {
    const program = await buildProgram(context);
    const { actor } = await buildUser(context);
    const reports = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        inTransaction(context, (trx) => submitReport(context, trx, actor, { program: program.slug, title: `Report ${i}`, description: 'Open redirect through the next parameter.' })).then(async (row) => {
          await processReportIntake(context);
          // When a caller is answered, its report is indexed.
          expect(await indexed(row.id)).toBeGreaterThan(0);
          return row;
        }),
      ),
    );
    expect(reports).toHaveLength(12);
    expect(await queued()).toEqual([]);
  });
});

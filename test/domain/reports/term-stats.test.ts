import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/context.js';
import { INDEXED_REPORTS } from '../../../src/domain/reports/report.repository.js';
import { processReportIntake, queueReportIntake } from '../../../src/domain/reports/report-intake.js';
import { submitReport } from '../../../src/domain/reports/report.service.js';
import { inTransaction } from '../../../src/server/transaction.js';
import { DIALECTS, createTestContext } from '../../helpers/databases.js';
import { buildUser } from '../../helpers/factories.js';
import { buildProgram } from '../../helpers/programs.js';

/** The statistics must equal what counting the postings would give, whatever was written. */
async function countedFromPostings(context: AppContext, programId: string): Promise<Map<string, number>> {
  const rows = await context.db.selectFrom('report_terms').select(['term', (eb) => eb.fn.countAll<number>().as('df')]).where('program_id', '=', programId).groupBy('term').execute();
  const reports = await context.db.selectFrom('report_terms').select((eb) => eb.fn.count<number>('report_id').distinct().as('n')).where('program_id', '=', programId).executeTakeFirstOrThrow();
  return new Map([[INDEXED_REPORTS, Number(reports.n)], ...rows.map((r): [string, number] => [r.term, Number(r.df)])]);
}

async function storedStats(context: AppContext, programId: string): Promise<Map<string, number>> {
  const rows = await context.db.selectFrom('report_term_stats').select(['term', 'df']).where('program_id', '=', programId).where('df', '>', 0).execute();
  return new Map(rows.map((r) => [r.term, Number(r.df)]));
}

describe.each(DIALECTS)('term statistics on %s', (engine) => {
  let context: AppContext;
  beforeEach(async () => {
    context = await createTestContext(engine, { RUN_JOBS: 'false' });
  });
  afterEach(async () => context?.close());

  it('count each term once per report as reports are submitted and re-indexed', async () => {
    const program = await buildProgram(context);
    const other = await buildProgram(context);
    const { actor } = await buildUser(context);
    const texts = [
      ['Stored XSS in profile bio', 'The bio field renders script tags. Script runs for every visitor of the profile.'],
      ['Reflected XSS in search', 'The search parameter is echoed without encoding; script runs.'],
      ['SQL injection in export', 'The export endpoint concatenates the sort column into SQL.'],
    ];
    const ids: string[] = [];
    for (const [title, description] of texts) {
      const row = await inTransaction(context, (trx) => submitReport(context, trx, actor, { program: program.slug, title: title!, description: description! }));
      ids.push(row.id);
    }
    await inTransaction(context, (trx) => submitReport(context, trx, actor, { program: other.slug, title: 'XSS elsewhere', description: 'script in another programme' }));
    // Queued with the report, indexed after commit.
    expect((await storedStats(context, program.id)).size).toBe(0);
    await processReportIntake(context);

    const stats = await storedStats(context, program.id);
    expect(stats).toEqual(await countedFromPostings(context, program.id));
    expect(stats.get('xss')).toBe(2);
    expect(stats.get('script')).toBe(2);
    expect(stats.get(INDEXED_REPORTS)).toBe(3);

    // Re-indexing one report with other text moves its counts, and emptying one removes it.
    const reindex = async (id: string, title: string, description: string) => {
      await inTransaction(context, async (trx) => {
        const row = await trx.updateTable('reports').set({ title, description, steps: '', impact: '' }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
        await queueReportIntake(trx, row, { newReport: false, submittedBy: null });
      });
    };
    await reindex(ids[0]!, 'Open redirect', 'The next parameter redirects anywhere.');
    await reindex(ids[1]!, 'a', 'b');
    await processReportIntake(context);
    const after = await storedStats(context, program.id);
    expect(after).toEqual(await countedFromPostings(context, program.id));
    expect(after.get('xss')).toBeUndefined();
    expect(after.get('redirect')).toBe(1);
    expect(after.get(INDEXED_REPORTS)).toBe(2);
    expect((await storedStats(context, other.id)).get('xss')).toBe(1);
  });

  it('are not changed by a submission that is rolled back', async () => {
    const program = await buildProgram(context);
    const { actor } = await buildUser(context);
    await expect(
      inTransaction(context, async (trx) => {
        await submitReport(context, trx, actor, { program: program.slug, title: 'Rolled back report', description: 'never committed' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await processReportIntake(context);
    expect((await storedStats(context, program.id)).size).toBe(0);
    expect(await context.db.selectFrom('report_intake').selectAll().execute()).toEqual([]);
  });
});

import { sql, type Kysely } from 'kysely';

/**
 * How many reports of a programme use each term (document frequency), kept as reports are indexed.
 * Duplicate suggestions weigh terms by it; counting postings at query time grows with the
 * programme (a common term has as many postings as reports). The empty term counts the indexed
 * reports themselves (no token is empty).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('report_term_stats')
    .addColumn('program_id', 'text', (c) => c.notNull())
    .addColumn('term', 'text', (c) => c.notNull())
    .addColumn('df', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('report_term_stats_pk', ['program_id', 'term'])
    .execute();
  await sql`insert into report_term_stats (program_id, term, df) select program_id, term, count(*) from report_terms group by program_id, term`.execute(db);
  await sql`insert into report_term_stats (program_id, term, df) select program_id, '', count(distinct report_id) from report_terms group by program_id`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('report_term_stats').execute();
}

import type { Kysely } from 'kysely';

/**
 * Response-target due times fixed at submission (so the inbox can filter breaches with an index,
 * not a computation per row), breach notices sent once, retests, stale-report closing, and the
 * disclosure of resolved reports.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const column of ['first_response_due_at', 'triage_due_at', 'resolution_due_at', 'needs_info_since', 'needs_info_warned_at', 'retest_state', 'retest_requested_at']) {
    await db.schema.alterTable('reports').addColumn(column, 'text').execute();
  }
  await db.schema.alterTable('programs').addColumn('stale_close_days', 'integer').execute();
  await db.schema.createIndex('reports_first_response_due').on('reports').columns(['first_response_due_at']).execute();
  await db.schema.createIndex('reports_needs_info').on('reports').columns(['state', 'needs_info_since']).execute();

  await db.schema
    .createTable('sla_breaches')
    .addColumn('report_id', 'text', (c) => c.notNull().references('reports.id').onDelete('cascade'))
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('noticed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('sla_breaches_pk', ['report_id', 'metric'])
    .execute();

  await db.schema
    .createTable('report_disclosures')
    .addColumn('report_id', 'text', (c) => c.primaryKey().references('reports.id').onDelete('cascade'))
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('reporter_agreed_at', 'text')
    .addColumn('staff_agreed_at', 'text')
    .addColumn('due_at', 'text')
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('steps', 'text')
    .addColumn('impact', 'text')
    .addColumn('published_at', 'text')
    .execute();
  await db.schema.createIndex('report_disclosures_published').on('report_disclosures').columns(['published_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('report_disclosures').execute();
  await db.schema.dropTable('sla_breaches').execute();
}

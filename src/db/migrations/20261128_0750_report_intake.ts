import type { Kysely } from 'kysely';

/**
 * What a stored report still has to set off (its term index; for a new report, staff
 * notifications and the report.created webhook), queued in the transaction that stores it and
 * processed in batches right after commit (domain/reports/report-intake.ts). Reports stored before
 * this migration were indexed when they were submitted.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('report_intake')
    .addColumn('report_id', 'text', (c) => c.primaryKey().references('reports.id').onDelete('cascade'))
    .addColumn('new_report', 'integer', (c) => c.notNull())
    .addColumn('submitted_by', 'text')
    .addColumn('queued_at', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .execute();
  await db.schema.createIndex('report_intake_order').on('report_intake').columns(['attempts', 'queued_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('report_intake').execute();
}

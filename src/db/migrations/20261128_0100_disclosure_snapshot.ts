import type { Kysely } from 'kysely';

/**
 * The order of a report's events, and a disclosed report's public timeline is a snapshot taken when it is published (with staff's
 * redactions applied), not the live timeline: later comments never become public by accident.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('report_disclosures').addColumn('timeline', 'text').execute();
  await db.schema.alterTable('report_disclosures').addColumn('timeline_redactions', 'text').execute();
  // Events of one report in the order they were written, even within one millisecond.
  await db.schema.alterTable('report_events').addColumn('seq', 'integer').execute();
  // Rendered once when written: reading a long timeline must not re-render every comment.
  await db.schema.alterTable('report_events').addColumn('body_html', 'text').execute();
  await db.schema.createIndex('report_events_report_seq').on('report_events').columns(['report_id', 'seq']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('report_events_report_seq').execute();
  await db.schema.alterTable('report_events').dropColumn('body_html').execute();
  await db.schema.alterTable('report_events').dropColumn('seq').execute();
  await db.schema.alterTable('report_disclosures').dropColumn('timeline_redactions').execute();
  await db.schema.alterTable('report_disclosures').dropColumn('timeline').execute();
}

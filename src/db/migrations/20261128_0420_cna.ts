import type { Kysely } from 'kysely';

/**
 * The CNA workflow (issue 5): the CNA profile (one row, id `default`, JSON), eligibility decisions on CVE records, public CVE requests (tracked by
 * a hashed receipt), publication operations through CVE Services (one row before the job calls the
 * service), and the publication clock on records (the organisation's own disclosure time and how
 * far the alerts have gone).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('cve_records').addColumn('disclosed_at', 'text').execute();
  await db.schema.alterTable('cve_records').addColumn('clock_alert_stage', 'integer', (c) => c.notNull().defaultTo(0)).execute();

  await db.schema
    .createTable('cna_profile')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('profile', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('cna_eligibility_decisions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('record_id', 'text', (c) => c.notNull().references('cve_records.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('answers', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('reasons', 'text', (c) => c.notNull())
    .addColumn('rationale', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('cna_eligibility_record').on('cna_eligibility_decisions').columns(['record_id', 'seq']).unique().execute();

  await db.schema
    .createTable('cve_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('versions', 'text')
    .addColumn('cwe', 'integer')
    .addColumn('references', 'text', (c) => c.notNull())
    .addColumn('planned_disclosure', 'text')
    .addColumn('requester_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('requester_name', 'text')
    .addColumn('requester_email', 'text')
    .addColumn('report_id', 'text', (c) => c.references('reports.id').onDelete('set null'))
    .addColumn('receipt_hash', 'text', (c) => c.notNull().unique())
    .addColumn('record_id', 'text', (c) => c.references('cve_records.id').onDelete('set null'))
    .addColumn('decision_reason', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('cve_requests_queue').on('cve_requests').columns(['status', 'created_at']).execute();
  await db.schema.createIndex('cve_requests_requester').on('cve_requests').columns(['requester_id', 'created_at']).execute();

  await db.schema
    .createTable('cve_record_operations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('record_id', 'text', (c) => c.notNull().references('cve_records.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('call_started_at', 'text')
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('cve_record_operations_record').on('cve_record_operations').columns(['record_id', 'seq']).unique().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('cve_record_operations').execute();
  await db.schema.dropTable('cve_requests').execute();
  await db.schema.dropTable('cna_eligibility_decisions').execute();
  await db.schema.dropTable('cna_profile').execute();
  await db.schema.alterTable('cve_records').dropColumn('clock_alert_stage').execute();
  await db.schema.alterTable('cve_records').dropColumn('disclosed_at').execute();
}

import type { Kysely } from 'kysely';

/**
 * CVE records (issue 5): one row per record — a draft before publication (with or without its CVE
 * ID yet), then the record as published or rejected — with the container being edited, the facts
 * it was composed from and what it is about (an inbound report or an outbound case); and every
 * version published or rejected through CVE Services, for the diff between versions.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('cve_records')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('cve_id', 'text', (c) => c.unique())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('container', 'text', (c) => c.notNull())
    .addColumn('facts', 'text')
    .addColumn('subject_kind', 'text')
    .addColumn('subject_id', 'text')
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('changed_since_version', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text')
    .addColumn('rejected_at', 'text')
    .execute();
  await db.schema.createIndex('cve_records_subject').on('cve_records').columns(['subject_kind', 'subject_id']).execute();
  await db.schema.createIndex('cve_records_updated').on('cve_records').columns(['updated_at', 'id']).execute();

  await db.schema
    .createTable('cve_record_versions')
    .addColumn('record_id', 'text', (c) => c.notNull().references('cve_records.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('container', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('cve_record_versions_pk', ['record_id', 'version'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('cve_record_versions').execute();
  await db.schema.dropTable('cve_records').execute();
}

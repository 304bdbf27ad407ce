import type { Kysely } from 'kysely';

/**
 * Programmes (policy versions, scope, out-of-scope categories, members) and inbound reports with
 * their timeline and the term index used for search and duplicate suggestions.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('programs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('visibility', 'text', (c) => c.notNull())
    .addColumn('policy_version', 'integer', (c) => c.notNull())
    .addColumn('safe_harbour', 'text', (c) => c.notNull())
    .addColumn('rewards', 'text', (c) => c.notNull())
    .addColumn('response_targets', 'text', (c) => c.notNull())
    .addColumn('business_days', 'integer', (c) => c.notNull())
    .addColumn('disclosure', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('program_policies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addUniqueConstraint('program_policies_version', ['program_id', 'version'])
    .execute();

  await db.schema
    .createTable('program_assets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('identifier', 'text', (c) => c.notNull())
    .addColumn('tier', 'integer', (c) => c.notNull())
    .addColumn('in_scope', 'integer', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('program_assets_program').on('program_assets').column('program_id').execute();

  await db.schema
    .createTable('program_exclusions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('redirect_url', 'text')
    .addColumn('position', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('program_exclusions_program').on('program_exclusions').column('program_id').execute();

  await db.schema
    .createTable('program_members')
    .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('program_members_pk', ['program_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id'))
    .addColumn('reporter_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('steps', 'text', (c) => c.notNull())
    .addColumn('impact', 'text', (c) => c.notNull())
    .addColumn('asset_id', 'text', (c) => c.references('program_assets.id'))
    .addColumn('asset_other', 'text')
    .addColumn('cwe', 'integer')
    .addColumn('cvss_vectors', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('score', 'real')
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('assignee_id', 'text', (c) => c.references('users.id'))
    .addColumn('labels', 'text', (c) => c.notNull())
    .addColumn('out_of_scope', 'text')
    .addColumn('policy_version', 'integer', (c) => c.notNull())
    .addColumn('duplicate_of', 'text', (c) => c.references('reports.id'))
    .addColumn('close_reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('first_response_at', 'text')
    .addColumn('triaged_at', 'text')
    .addColumn('resolved_at', 'text')
    .execute();
  // The inbox: newest first within a programme and state (keyset on created_at, id).
  await db.schema.createIndex('reports_inbox').on('reports').columns(['program_id', 'state', 'created_at', 'id']).execute();
  await db.schema.createIndex('reports_state_created').on('reports').columns(['state', 'created_at', 'id']).execute();
  await db.schema.createIndex('reports_created').on('reports').columns(['created_at', 'id']).execute();
  await db.schema.createIndex('reports_reporter').on('reports').columns(['reporter_id', 'created_at']).execute();
  await db.schema.createIndex('reports_assignee').on('reports').column('assignee_id').execute();

  await db.schema
    .createTable('report_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('report_id', 'text', (c) => c.notNull().references('reports.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('internal', 'integer', (c) => c.notNull())
    .addColumn('author_id', 'text')
    .addColumn('author_label', 'text', (c) => c.notNull())
    .addColumn('body', 'text')
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('report_events_report').on('report_events').columns(['report_id', 'created_at']).execute();

  // One row per distinct term of a report: search and duplicate candidates on both engines.
  await db.schema
    .createTable('report_terms')
    .addColumn('program_id', 'text', (c) => c.notNull())
    .addColumn('term', 'text', (c) => c.notNull())
    .addColumn('report_id', 'text', (c) => c.notNull().references('reports.id').onDelete('cascade'))
    .addColumn('weight', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('report_terms_pk', ['program_id', 'term', 'report_id'])
    .execute();
  await db.schema.createIndex('report_terms_report').on('report_terms').column('report_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['report_terms', 'report_events', 'reports', 'program_members', 'program_exclusions', 'program_assets', 'program_policies', 'programs']) {
    await db.schema.dropTable(table).execute();
  }
}

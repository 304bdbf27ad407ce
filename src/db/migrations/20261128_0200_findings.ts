import type { Kysely } from 'kysely';

/**
 * Outbound findings (issue 6): where findings come from (sources), each import and how far it got,
 * the findings themselves (one row per distinct fingerprint), candidate vulnerabilities (one per
 * root cause), suppression rules learned from rejections, reviews, and the organisation's SBOMs
 * with their components.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('finding_sources')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_import_at', 'text')
    .execute();

  await db.schema
    .createTable('finding_imports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('source_id', 'text', (c) => c.notNull().references('finding_sources.id'))
    .addColumn('format', 'text')
    .addColumn('filename', 'text')
    .addColumn('sha256', 'text')
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('read', 'integer', (c) => c.notNull())
    .addColumn('created', 'integer', (c) => c.notNull())
    .addColumn('duplicates', 'integer', (c) => c.notNull())
    .addColumn('suppressed', 'integer', (c) => c.notNull())
    .addColumn('rejected', 'integer', (c) => c.notNull())
    .addColumn('candidates_created', 'integer', (c) => c.notNull())
    .addColumn('problems', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('imported_by', 'text', (c) => c.notNull())
    .addColumn('imported_by_id', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('finding_imports_source').on('finding_imports').columns(['source_id', 'started_at']).execute();

  await db.schema
    .createTable('finding_candidates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('root_key', 'text', (c) => c.notNull().unique())
    .addColumn('project_key', 'text', (c) => c.notNull())
    .addColumn('component_key', 'text')
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('purl', 'text')
    .addColumn('repository_url', 'text')
    .addColumn('product', 'text')
    .addColumn('versions', 'text')
    .addColumn('commit_range', 'text')
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('cwe', 'integer')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('sink', 'text', (c) => c.notNull())
    .addColumn('severity', 'double precision', (c) => c.notNull())
    .addColumn('cvss_vector', 'text')
    .addColumn('confidence', 'double precision', (c) => c.notNull())
    .addColumn('downloads', 'integer')
    .addColumn('finding_count', 'integer', (c) => c.notNull())
    .addColumn('priority', 'double precision', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('impact', 'text')
    .addColumn('reproduction', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('rejection_reason', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('component_in_use', 'text')
    .addColumn('first_seen_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // The review queue: state first, then priority (highest first).
  await db.schema.createIndex('finding_candidates_queue').on('finding_candidates').columns(['state', 'priority', 'id']).execute();
  await db.schema.createIndex('finding_candidates_project').on('finding_candidates').columns(['project_key', 'state']).execute();
  await db.schema.createIndex('finding_candidates_component').on('finding_candidates').column('component_key').execute();

  await db.schema
    .createTable('findings')
    // The fingerprint is the identity (one index fewer to write: imports write many findings).
    .addColumn('fingerprint', 'text', (c) => c.primaryKey())
    .addColumn('candidate_id', 'text', (c) => c.notNull().references('finding_candidates.id'))
    .addColumn('source_id', 'text', (c) => c.notNull().references('finding_sources.id'))
    .addColumn('import_id', 'text', (c) => c.notNull())
    .addColumn('finder_kind', 'text', (c) => c.notNull())
    .addColumn('finder_name', 'text', (c) => c.notNull())
    .addColumn('finder_user_id', 'text')
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('cwe', 'integer')
    .addColumn('severity', 'double precision', (c) => c.notNull())
    .addColumn('confidence', 'double precision', (c) => c.notNull())
    .addColumn('location', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('findings_candidate').on('findings').column('candidate_id').execute();

  await db.schema
    .createTable('finding_suppressions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('match_key', 'text', (c) => c.notNull().unique())
    .addColumn('project_key', 'text')
    .addColumn('rule_id', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('candidate_id', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .addColumn('last_hit_at', 'text')
    .execute();

  await db.schema
    .createTable('finding_reviews')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('candidate_id', 'text', (c) => c.notNull().references('finding_candidates.id'))
    .addColumn('reviewer_id', 'text', (c) => c.references('users.id'))
    .addColumn('reviewer_label', 'text', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('note', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('finding_reviews_candidate').on('finding_reviews').columns(['candidate_id', 'created_at']).execute();
  await db.schema.createIndex('finding_reviews_created').on('finding_reviews').column('created_at').execute();

  await db.schema
    .createTable('sboms')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('spec_version', 'text', (c) => c.notNull())
    .addColumn('component_count', 'integer', (c) => c.notNull())
    .addColumn('imported_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('sbom_components')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('sbom_id', 'text', (c) => c.notNull().references('sboms.id').onDelete('cascade'))
    .addColumn('component_key', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'text')
    .addColumn('purl', 'text')
    .execute();
  await db.schema.createIndex('sbom_components_component').on('sbom_components').column('component_key').execute();
  await db.schema.createIndex('sbom_components_name').on('sbom_components').column('name_key').execute();
  await db.schema.createIndex('sbom_components_sbom').on('sbom_components').column('sbom_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['sbom_components', 'sboms', 'finding_reviews', 'finding_suppressions', 'findings', 'finding_candidates', 'finding_imports', 'finding_sources']) {
    await db.schema.dropTable(table).execute();
  }
}

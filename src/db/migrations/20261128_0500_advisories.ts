import type { Kysely } from 'kysely';

/**
 * Advisories: the draft being edited and, once published, every published revision with the
 * exact CSAF document served for it (hashes and signatures are over those bytes), and the
 * OpenPGP signatures a lead made of them. The public security policy page's sections, versioned.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('advisories')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tracking_id', 'text', (c) => c.notNull().unique())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('draft', 'text', (c) => c.notNull())
    .addColumn('draft_updated_at', 'text', (c) => c.notNull())
    .addColumn('source_kind', 'text')
    .addColumn('source_id', 'text')
    .addColumn('source_url', 'text')
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('published_title', 'text')
    .addColumn('published_severity', 'text')
    .addColumn('published_year', 'integer')
    .addColumn('published_search', 'text')
    .addColumn('published_products', 'text')
    .addColumn('initial_release_at', 'text')
    .addColumn('current_release_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .execute();
  await db.schema.createIndex('advisories_year_seq').on('advisories').columns(['year', 'seq']).unique().execute();
  await db.schema.createIndex('advisories_source').on('advisories').columns(['source_kind', 'source_id']).execute();
  await db.schema.createIndex('advisories_current_release').on('advisories').column('current_release_at').execute();

  await db.schema
    .createTable('advisory_revisions')
    .addColumn('advisory_id', 'text', (c) => c.notNull().references('advisories.id').onDelete('cascade'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('csaf', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text', (c) => c.notNull())
    .addColumn('published_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('advisory_revisions_pk', ['advisory_id', 'number'])
    .execute();

  await db.schema
    .createTable('advisory_signatures')
    .addColumn('advisory_id', 'text', (c) => c.notNull().references('advisories.id').onDelete('cascade'))
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('key_fingerprint', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .addColumn('signed_at', 'text', (c) => c.notNull())
    .addColumn('signed_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('advisory_signatures_pk', ['advisory_id', 'revision', 'key_fingerprint'])
    .execute();

  await db.schema
    .createTable('policy_page_sections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('section', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .execute();
  await db.schema.createIndex('policy_page_sections_version').on('policy_page_sections').columns(['section', 'version']).unique().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('policy_page_sections').execute();
  await db.schema.dropTable('advisory_signatures').execute();
  await db.schema.dropTable('advisory_revisions').execute();
  await db.schema.dropTable('advisories').execute();
}

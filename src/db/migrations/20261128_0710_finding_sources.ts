import { sql, type Kysely } from 'kysely';

/**
 * Registered automated finding sources: the import source names (`--source`) a lead has declared
 * to be automated systems, each bound to who uploads for it (an account, or the command line).
 * A finding counts as automated only when it says so *and* arrived under such a registration, so
 * each import records the registration it arrived under and how it matched.
 *
 * Until now the declared kind was trusted: nothing is registered yet, so every existing candidate
 * becomes person-found (the review gate then needs an engineer who neither found nor imported it).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('finding_automated_sources')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    // Null: only the command line (the server's operator) uploads for it.
    .addColumn('uploader_id', 'text', (c) => c.references('users.id'))
    .addColumn('registered_by', 'text', (c) => c.notNull())
    .addColumn('registered_by_id', 'text')
    .addColumn('registered_at', 'text', (c) => c.notNull())
    .addColumn('retired_at', 'text')
    .addColumn('retired_by', 'text')
    .addColumn('retired_by_id', 'text')
    .execute();
  // One registration in force per name, whatever races between processes; retired ones stay as history.
  await db.schema.createIndex('finding_automated_sources_active_name').on('finding_automated_sources').column('name').unique().where(sql.ref('retired_at'), 'is', null).execute();

  await db.schema.alterTable('finding_imports').addColumn('automated_source_id', 'text', (c) => c.references('finding_automated_sources.id')).execute();
  await db.schema.alterTable('finding_imports').addColumn('automation', 'text', (c) => c.notNull().defaultTo('unregistered')).execute();

  await db.updateTable('finding_candidates').set({ origin: 'person' }).where('origin', '=', 'automated').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('finding_imports').dropColumn('automation').execute();
  await db.schema.alterTable('finding_imports').dropColumn('automated_source_id').execute();
  await db.schema.dropTable('finding_automated_sources').execute();
}

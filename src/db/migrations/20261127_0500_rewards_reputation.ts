import type { Kysely } from 'kysely';

/**
 * Rewards and credit: a report's collaborators and their split, the rewards ledger (one row per
 * person per award, integer minor units), reputation entries (one live entry per person per
 * report, older ones kept as superseded), the deployment's points per outcome, per-programme
 * limits for low-signal reporters, and hall-of-fame profiles.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('report_collaborators')
    .addColumn('report_id', 'text', (c) => c.notNull().references('reports.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('share', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('report_collaborators_pk', ['report_id', 'user_id'])
    .execute();
  await db.schema.createIndex('report_collaborators_user').on('report_collaborators').column('user_id').execute();

  await db.schema
    .createTable('rewards')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('award_id', 'text', (c) => c.notNull())
    .addColumn('report_id', 'text', (c) => c.notNull().references('reports.id'))
    .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('amount', 'integer', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('share', 'integer', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('reference', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_by_label', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('paid_at', 'text')
    .addColumn('cancelled_at', 'text')
    .execute();
  await db.schema.createIndex('rewards_report').on('rewards').columns(['report_id', 'created_at']).execute();
  await db.schema.createIndex('rewards_user').on('rewards').columns(['user_id', 'created_at']).execute();
  // The ledger: newest first, keyset on (created_at, id), optionally by state and programme.
  await db.schema.createIndex('rewards_created').on('rewards').columns(['created_at', 'id']).execute();
  await db.schema.createIndex('rewards_state_created').on('rewards').columns(['state', 'created_at', 'id']).execute();
  await db.schema.createIndex('rewards_program_state_created').on('rewards').columns(['program_id', 'state', 'created_at', 'id']).execute();

  await db.schema
    .createTable('reputation_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('report_id', 'text', (c) => c.notNull().references('reports.id').onDelete('cascade'))
    .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id'))
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('points', 'integer', (c) => c.notNull())
    .addColumn('share', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('superseded_at', 'text')
    .execute();
  await db.schema.createIndex('reputation_entries_user').on('reputation_entries').columns(['user_id', 'superseded_at']).execute();
  await db.schema.createIndex('reputation_entries_report').on('reputation_entries').columns(['report_id', 'superseded_at']).execute();
  await db.schema.createIndex('reputation_entries_program').on('reputation_entries').columns(['program_id', 'superseded_at']).execute();

  await db.schema
    .createTable('reputation_points')
    .addColumn('outcome', 'text', (c) => c.primaryKey())
    .addColumn('points', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('program_submission_limits')
    .addColumn('program_id', 'text', (c) => c.primaryKey().references('programs.id').onDelete('cascade'))
    .addColumn('reputation_below', 'integer', (c) => c.notNull())
    .addColumn('max_reports', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('hall_of_fame_profiles')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('handle', 'text')
    // Lower-cased handle: unique, so nobody takes another researcher's name by changing case.
    .addColumn('handle_key', 'text', (c) => c.unique())
    .addColumn('link', 'text')
    .addColumn('public', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['hall_of_fame_profiles', 'program_submission_limits', 'reputation_points', 'reputation_entries', 'rewards', 'report_collaborators']) {
    await db.schema.dropTable(table).execute();
  }
}

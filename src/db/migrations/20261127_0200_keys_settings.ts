import { sql, type Kysely } from 'kysely';

/**
 * Organisation settings, the organisation's OpenPGP keys, signed copies of security.txt, and
 * the record of periodic task runs (one row per task and period, so a task is enqueued at most
 * once per period however many processes run the scheduler).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('openpgp_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('fingerprint', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('algorithm', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('private_key', 'text', (c) => c.notNull())
    .addColumn('revocation_certificate', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('revocation_reason', 'text')
    .addColumn('expiry_warning', 'text')
    .execute();
  // At most one current key, whatever races between processes.
  await db.schema
    .createIndex('openpgp_keys_one_current')
    .on('openpgp_keys')
    .column('status')
    .unique()
    .where(sql.ref('status'), '=', 'current')
    .execute();

  await db.schema
    .createTable('security_txt_signatures')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('key_fingerprint', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('signed_text', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('signed_at', 'text', (c) => c.notNull())
    .addColumn('signed_by', 'text', (c) => c.notNull())
    .addColumn('warning', 'text')
    .execute();
  await db.schema.createIndex('security_txt_signatures_signed').on('security_txt_signatures').column('signed_at').execute();

  await db.schema
    .createTable('scheduled_runs')
    .addColumn('task', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('job_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('scheduled_runs_pk', ['task', 'period'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['scheduled_runs', 'security_txt_signatures', 'openpgp_keys', 'settings']) {
    await db.schema.dropTable(table).execute();
  }
}

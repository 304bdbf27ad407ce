import type { Kysely } from 'kysely';

/**
 * Sealed incident reports (issue 4): the incident (routing metadata only), its encrypted
 * messages (the submission, the reporter's follow-ups, staff replies — all armoured OpenPGP
 * ciphertext), anonymous receipts (argon2id hashes), the incident settings, and the link between
 * mail that came in through the SMTP intake and what it became (for replies by mail).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('incidents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('program_id', 'text', (c) => c.references('programs.id'))
    .addColumn('reporter_id', 'text', (c) => c.references('users.id'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('encrypted_to', 'text', (c) => c.notNull())
    .addColumn('contact_method', 'text', (c) => c.notNull())
    .addColumn('contact_email', 'text')
    .addColumn('contact_public_key', 'text')
    .addColumn('reply_key', 'text')
    .addColumn('accepted_at', 'text', (c) => c.notNull())
    .addColumn('terms_version', 'integer', (c) => c.notNull())
    .addColumn('program_policy_version', 'integer')
    .addColumn('acknowledged_at', 'text')
    .addColumn('acknowledged_by', 'text')
    .addColumn('alarm_count', 'integer', (c) => c.notNull())
    .addColumn('last_alarm_at', 'text')
    .addColumn('next_alarm_at', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('closed_by', 'text')
    .addColumn('unsealed_at', 'text')
    .addColumn('unsealed_by', 'text')
    .addColumn('report_id', 'text', (c) => c.references('reports.id'))
    .addColumn('retention_warned_at', 'text')
    .addColumn('last_message_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // Few indexes: every submission writes each of them. The alarm sweep (state new) and retention
  // (state closed) go through the state index; the staff list through the received one.
  await db.schema.createIndex('incidents_received').on('incidents').columns(['received_at', 'id']).execute();
  await db.schema.createIndex('incidents_state_received').on('incidents').columns(['state', 'received_at', 'id']).execute();
  await db.schema.createIndex('incidents_reporter').on('incidents').columns(['reporter_id', 'received_at']).execute();

  await db.schema
    .createTable('incident_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('author_id', 'text')
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('incident_messages_incident').on('incident_messages').columns(['incident_id', 'created_at']).execute();

  await db.schema
    .createTable('incident_receipts')
    .addColumn('lookup_id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().unique().references('incidents.id').onDelete('cascade'))
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('locked_until', 'text')
    .execute();
  await db.schema.createIndex('incident_receipts_expires').on('incident_receipts').column('expires_at').execute();

  await db.schema
    .createTable('incident_settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('mail_intake_links')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('message_hash', 'text', (c) => c.notNull())
    .addColumn('sender', 'text', (c) => c.notNull())
    .addColumn('incident_id', 'text', (c) => c.references('incidents.id').onDelete('cascade'))
    .addColumn('report_id', 'text', (c) => c.references('reports.id').onDelete('cascade'))
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('mail_intake_links_message').on('mail_intake_links').column('message_hash').execute();
  await db.schema.createIndex('mail_intake_links_incident').on('mail_intake_links').column('incident_id').execute();
  await db.schema.createIndex('mail_intake_links_report').on('mail_intake_links').column('report_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['mail_intake_links', 'incident_settings', 'incident_receipts', 'incident_messages', 'incidents']) {
    await db.schema.dropTable(table).execute();
  }
}

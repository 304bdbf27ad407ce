import type { Kysely } from 'kysely';

/**
 * Outbound coordinated disclosure cases: vulnerabilities, participants (vendors and coordinators
 * from the vendor directory) with a status per vulnerability, statements, the contact log,
 * notices sent by mail, vendor-portal tokens, extension requests, disclosure decisions, credits,
 * per-organisation disclosure-policy values and staff calendar-feed tokens.
 * Finding candidates are referred to by id as text (no foreign key): that area may still change.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('cases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('policy', 'text', (c) => c.notNull())
    .addColumn('embargo_end_at', 'text')
    .addColumn('embargo_zone', 'text')
    .addColumn('exploited_at', 'text')
    .addColumn('project_key', 'text')
    .addColumn('state_changed_at', 'text', (c) => c.notNull())
    .addColumn('disclosed_at', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('advisory_id', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('cases_state').on('cases').columns(['state', 'created_at']).execute();
  await db.schema.createIndex('cases_owner').on('cases').column('owner_id').execute();

  await db.schema
    .createTable('case_vulnerabilities')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('versions', 'text', (c) => c.notNull())
    .addColumn('cwe', 'integer')
    .addColumn('cvss_vectors', 'text', (c) => c.notNull())
    .addColumn('candidate_id', 'text')
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_vulnerabilities_case').on('case_vulnerabilities').columns(['case_id', 'position']).execute();
  await db.schema.createIndex('case_vulnerabilities_candidate').on('case_vulnerabilities').column('candidate_id').execute();

  await db.schema
    .createTable('case_participants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('vendor_id', 'text', (c) => c.notNull().references('vendors.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text')
    .addColumn('reply_token', 'text', (c) => c.notNull().unique())
    .addColumn('acknowledged_at', 'text')
    .addColumn('first_notice_at', 'text')
    .addColumn('last_notice_at', 'text')
    .addColumn('notice_count', 'integer', (c) => c.notNull())
    .addColumn('escalated_at', 'text')
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('case_participants_unique', ['case_id', 'vendor_id'])
    .execute();
  await db.schema.createIndex('case_participants_vendor').on('case_participants').column('vendor_id').execute();

  await db.schema
    .createTable('case_participant_status')
    .addColumn('participant_id', 'text', (c) => c.notNull().references('case_participants.id').onDelete('cascade'))
    .addColumn('vulnerability_id', 'text', (c) => c.notNull().references('case_vulnerabilities.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .addColumn('changed_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_participant_status_pk', ['participant_id', 'vulnerability_id'])
    .execute();

  await db.schema
    .createTable('case_statements')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('participant_id', 'text', (c) => c.references('case_participants.id').onDelete('cascade'))
    .addColumn('vulnerability_id', 'text', (c) => c.references('case_vulnerabilities.id').onDelete('cascade'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('shared', 'integer', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_statements_case').on('case_statements').columns(['case_id', 'created_at']).execute();

  await db.schema
    .createTable('case_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('participant_id', 'text', (c) => c.references('case_participants.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('body', 'text')
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('message_hash', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_log_case').on('case_log').columns(['case_id', 'occurred_at']).execute();
  await db.schema.createIndex('case_log_message').on('case_log').column('message_hash').execute();

  await db.schema
    .createTable('case_notices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('participant_id', 'text', (c) => c.notNull().references('case_participants.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('reply_to', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('encrypted_to', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .execute();
  await db.schema.createIndex('case_notices_case').on('case_notices').columns(['case_id', 'created_at']).execute();

  await db.schema
    .createTable('case_portal_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('participant_id', 'text', (c) => c.notNull().references('case_participants.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('last_used_at', 'text')
    .addColumn('uses', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_portal_tokens_participant').on('case_portal_tokens').column('participant_id').execute();

  await db.schema
    .createTable('case_extension_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('participant_id', 'text', (c) => c.notNull().references('case_participants.id').onDelete('cascade'))
    .addColumn('requested_until', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('decision_note', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_extension_requests_case').on('case_extension_requests').column('case_id').execute();

  await db.schema
    .createTable('case_decisions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('condition', 'text', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('disclose_at', 'text')
    .addColumn('decided_by', 'text', (c) => c.notNull())
    .addColumn('decided_by_id', 'text')
    .addColumn('decided_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_decisions_case').on('case_decisions').column('case_id').execute();

  await db.schema
    .createTable('case_credits')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('consent_to_name', 'integer', (c) => c.notNull())
    .addColumn('consent_recorded_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_credits_case').on('case_credits').column('case_id').execute();

  await db.schema
    .createTable('case_policy_settings')
    .addColumn('policy', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('case_calendar_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('last_used_at', 'text')
    .execute();
  await db.schema.createIndex('case_calendar_tokens_user').on('case_calendar_tokens').column('user_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'case_calendar_tokens',
    'case_policy_settings',
    'case_credits',
    'case_decisions',
    'case_extension_requests',
    'case_portal_tokens',
    'case_notices',
    'case_log',
    'case_statements',
    'case_participant_status',
    'case_participants',
    'case_vulnerabilities',
    'cases',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}

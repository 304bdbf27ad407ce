import type { Kysely } from 'kysely';

/**
 * The CVE ID pool (issue 5): IDs reserved at CVE Services and what each is assigned to, the
 * reservation requests (the idempotency record written before the call), the state of the sync
 * with the service, and the CVE Services credentials a lead entered (the key sealed).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('cve_id_reservations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('amount', 'integer', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('batch_type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('call_started_at', 'text')
    .addColumn('completed_at', 'text')
    .addColumn('reserved_count', 'integer', (c) => c.notNull())
    .addColumn('message', 'text')
    .execute();
  await db.schema.createIndex('cve_id_reservations_requested').on('cve_id_reservations').columns(['requested_at']).execute();

  await db.schema
    .createTable('cve_ids')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('cve_id', 'text', (c) => c.notNull().unique())
    .addColumn('sort_key', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('owning_cna', 'text')
    .addColumn('requested_by', 'text')
    .addColumn('reserved_at', 'text', (c) => c.notNull())
    .addColumn('service_modified_at', 'text')
    .addColumn('synced_at', 'text', (c) => c.notNull())
    .addColumn('reservation_id', 'text', (c) => c.references('cve_id_reservations.id'))
    .addColumn('subject_kind', 'text')
    .addColumn('subject_ref', 'text')
    .addColumn('assigned_at', 'text')
    .addColumn('assigned_by', 'text')
    .addColumn('flagged_at', 'text')
    .addColumn('missing_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // The pool list pages by sort_key; "next free ID" and the unused sweep go by state and reservation time.
  await db.schema.createIndex('cve_ids_sort').on('cve_ids').columns(['sort_key']).execute();
  await db.schema.createIndex('cve_ids_state_reserved').on('cve_ids').columns(['state', 'reserved_at']).execute();
  await db.schema.createIndex('cve_ids_reservation').on('cve_ids').columns(['reservation_id']).execute();
  await db.schema.createIndex('cve_ids_subject').on('cve_ids').columns(['subject_kind', 'subject_ref']).execute();

  await db.schema
    .createTable('cve_services_connection')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('api_url', 'text', (c) => c.notNull())
    .addColumn('org', 'text', (c) => c.notNull())
    .addColumn('user_name', 'text', (c) => c.notNull())
    .addColumn('api_key_sealed', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('cve_id_sync')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('last_started_at', 'text')
    .addColumn('last_finished_at', 'text')
    .addColumn('last_full_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('seen', 'integer', (c) => c.notNull())
    .addColumn('inserted', 'integer', (c) => c.notNull())
    .addColumn('changed', 'integer', (c) => c.notNull())
    .addColumn('missing', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('cve_id_sync').execute();
  await db.schema.dropTable('cve_services_connection').execute();
  await db.schema.dropTable('cve_ids').execute();
  await db.schema.dropTable('cve_id_reservations').execute();
}

import type { Kysely } from 'kysely';
import { COORDINATORS } from '../../domain/vendors/coordinators.js';
import { newId } from '../../shared/ids.js';

/**
 * The vendor directory for outbound disclosure: vendors and coordinators, their domains,
 * repositories, packages, contacts (with liveness and evidence), OpenPGP keys, response times,
 * and the stored results of contact discovery. Known coordinators are seeded (and stay editable).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('vendors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('notes', 'text', (c) => c.notNull())
    .addColumn('preferred_contact_id', 'text')
    .addColumn('country', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('vendors_name').on('vendors').column('name').execute();

  await db.schema
    .createTable('vendor_domains')
    .addColumn('vendor_id', 'text', (c) => c.notNull().references('vendors.id').onDelete('cascade'))
    .addColumn('domain', 'text', (c) => c.notNull().unique())
    .execute();
  await db.schema.createIndex('vendor_domains_vendor').on('vendor_domains').column('vendor_id').execute();

  await db.schema
    .createTable('vendor_repositories')
    .addColumn('vendor_id', 'text', (c) => c.notNull().references('vendors.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull().unique())
    .execute();
  await db.schema.createIndex('vendor_repositories_vendor').on('vendor_repositories').column('vendor_id').execute();

  await db.schema
    .createTable('vendor_packages')
    .addColumn('vendor_id', 'text', (c) => c.notNull().references('vendors.id').onDelete('cascade'))
    .addColumn('ecosystem', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addUniqueConstraint('vendor_packages_unique', ['ecosystem', 'name'])
    .execute();
  await db.schema.createIndex('vendor_packages_vendor').on('vendor_packages').column('vendor_id').execute();

  await db.schema
    .createTable('vendor_contacts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('vendor_id', 'text', (c) => c.notNull().references('vendors.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('evidence', 'text')
    .addColumn('checked_at', 'text')
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('vendor_contacts_unique', ['vendor_id', 'kind', 'value'])
    .execute();

  await db.schema
    .createTable('vendor_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('vendor_id', 'text', (c) => c.notNull().references('vendors.id').onDelete('cascade'))
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('armored', 'text', (c) => c.notNull())
    .addColumn('user_ids', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('vendor_keys_unique', ['vendor_id', 'fingerprint'])
    .execute();

  await db.schema
    .createTable('vendor_response_times')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('vendor_id', 'text', (c) => c.notNull().references('vendors.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('case_ref', 'text')
    .addColumn('contacted_at', 'text', (c) => c.notNull())
    .addColumn('responded_at', 'text', (c) => c.notNull())
    .addColumn('hours', 'real', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('vendor_response_times_vendor').on('vendor_response_times').columns(['vendor_id', 'kind']).execute();

  await db.schema
    .createTable('vendor_discoveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('vendor_id', 'text', (c) => c.references('vendors.id').onDelete('cascade'))
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('result', 'text')
    .addColumn('requested_by', 'text')
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('vendor_discoveries_vendor').on('vendor_discoveries').columns(['vendor_id', 'requested_at']).execute();

  const now = new Date().toISOString();
  for (const coordinator of COORDINATORS) {
    const id = newId();
    await db.insertInto('vendors').values({ id, name: coordinator.name, kind: 'coordinator', notes: coordinator.notes, preferred_contact_id: null, country: coordinator.country, created_at: now, updated_at: now }).execute();
    for (const domain of coordinator.domains) await db.insertInto('vendor_domains').values({ vendor_id: id, domain }).execute();
    for (const [position, contact] of coordinator.contacts.entries()) {
      const contactId = newId();
      await db
        .insertInto('vendor_contacts')
        .values({ id: contactId, vendor_id: id, kind: contact.kind, value: contact.value, status: 'unverified', source: 'seed', note: contact.note ?? '', evidence: null, checked_at: null, position, created_at: now, updated_at: now })
        .execute();
      if (position === 0) await db.updateTable('vendors').set({ preferred_contact_id: contactId }).where('id', '=', id).execute();
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['vendor_discoveries', 'vendor_response_times', 'vendor_keys', 'vendor_contacts', 'vendor_packages', 'vendor_repositories', 'vendor_domains', 'vendors']) {
    await db.schema.dropTable(table).execute();
  }
}

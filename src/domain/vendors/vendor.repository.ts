import type { Engine, Executor } from '../../db/dialect.js';
import { containsText } from '../../db/dialect.js';
import type { VendorContactRow, VendorKeyRow, VendorRow } from './vendor.js';

export function findVendorById(db: Executor, id: string): Promise<VendorRow | undefined> {
  return db.selectFrom('vendors').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function vendorParts(db: Executor, vendorId: string) {
  const [domains, repositories, packages, contacts, keys] = await Promise.all([
    db.selectFrom('vendor_domains').select('domain').where('vendor_id', '=', vendorId).orderBy('domain').execute(),
    db.selectFrom('vendor_repositories').select('url').where('vendor_id', '=', vendorId).orderBy('url').execute(),
    db.selectFrom('vendor_packages').select(['ecosystem', 'name']).where('vendor_id', '=', vendorId).orderBy('ecosystem').orderBy('name').execute(),
    findContacts(db, vendorId),
    db.selectFrom('vendor_keys').selectAll().where('vendor_id', '=', vendorId).orderBy('created_at').execute() as Promise<VendorKeyRow[]>,
  ]);
  return { domains: domains.map((d) => d.domain), repositories: repositories.map((r) => r.url), packages, contacts, keys };
}

export function findContacts(db: Executor, vendorId: string): Promise<VendorContactRow[]> {
  return db.selectFrom('vendor_contacts').selectAll().where('vendor_id', '=', vendorId).orderBy('position').orderBy('created_at').execute();
}

export function findContact(db: Executor, vendorId: string, contactId: string): Promise<VendorContactRow | undefined> {
  return db.selectFrom('vendor_contacts').selectAll().where('vendor_id', '=', vendorId).where('id', '=', contactId).executeTakeFirst();
}

export interface VendorSearch {
  q?: string | undefined;
  kind?: string | undefined;
  limit: number;
  offset: number;
}

/** Vendors whose name, a domain, a repository or a package contains `q` (case-insensitive), by name. */
export async function searchVendors(db: Executor, engine: Engine, search: VendorSearch): Promise<{ rows: VendorRow[]; total: number }> {
  let query = db.selectFrom('vendors');
  if (search.kind) query = query.where('kind', '=', search.kind);
  const q = search.q?.trim();
  if (q) {
    query = query.where((eb) =>
      eb.or([
        containsText(engine, 'vendors.name', q),
        eb.exists(eb.selectFrom('vendor_domains').select('vendor_id').whereRef('vendor_domains.vendor_id', '=', 'vendors.id').where(containsText(engine, 'vendor_domains.domain', q))),
        eb.exists(eb.selectFrom('vendor_repositories').select('vendor_id').whereRef('vendor_repositories.vendor_id', '=', 'vendors.id').where(containsText(engine, 'vendor_repositories.url', q))),
        eb.exists(eb.selectFrom('vendor_packages').select('vendor_id').whereRef('vendor_packages.vendor_id', '=', 'vendors.id').where(containsText(engine, 'vendor_packages.name', q))),
      ]),
    );
  }
  const [rows, count] = await Promise.all([
    query.selectAll('vendors').orderBy('vendors.name').orderBy('vendors.id').limit(search.limit).offset(search.offset).execute(),
    query.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** Owners of domains, as given (lower case): which vendor each belongs to. */
export async function vendorIdsByDomain(db: Executor, domains: string[]): Promise<Map<string, string>> {
  if (domains.length === 0) return new Map();
  const rows = await db.selectFrom('vendor_domains').select(['domain', 'vendor_id']).where('domain', 'in', domains).execute();
  return new Map(rows.map((r) => [r.domain, r.vendor_id]));
}

export async function vendorIdByRepository(db: Executor, url: string): Promise<string | undefined> {
  return (await db.selectFrom('vendor_repositories').select('vendor_id').where('url', '=', url).executeTakeFirst())?.vendor_id;
}

/** The vendor of a package: an exact entry, else a namespace entry written `namespace/*`. */
export async function vendorIdByPackage(db: Executor, ecosystem: string, name: string, namespace: string | null): Promise<string | undefined> {
  const candidates = [name, ...(namespace ? [`${namespace}/*`] : [])];
  const rows = await db.selectFrom('vendor_packages').select(['vendor_id', 'name']).where('ecosystem', '=', ecosystem).where('name', 'in', candidates).execute();
  return (rows.find((r) => r.name === name) ?? rows[0])?.vendor_id;
}

export async function responseTimes(db: Executor, vendorId: string): Promise<{ kind: string; hours: number }[]> {
  return db.selectFrom('vendor_response_times').select(['kind', 'hours']).where('vendor_id', '=', vendorId).execute();
}

export function coordinatorRows(db: Executor): Promise<VendorRow[]> {
  return db.selectFrom('vendors').selectAll().where('kind', '=', 'coordinator').orderBy('created_at').orderBy('name').execute();
}

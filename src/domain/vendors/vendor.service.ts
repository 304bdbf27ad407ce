import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { AppError, invalid, notFound } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import type { Actor } from '../auth/actor.js';
import { rendered, type Rendered } from '../markdown/render-markdown.js';
import { packageKey, parsePurl, purlOfPackage } from './purl.js';
import { parseVendorKey } from './vendor-keys.js';
import { assertCanManageVendors, assertCanReadVendors } from './vendor.policy.js';
import { findContact, findVendorById, responseTimes, searchVendors, vendorIdByPackage, vendorIdByRepository, vendorIdsByDomain, vendorParts, type VendorSearch } from './vendor.repository.js';
import {
  LIMITS,
  normaliseContactValue,
  normaliseDomain,
  normaliseRepositoryUrl,
  type ContactKind,
  type ContactSource,
  type ContactStatus,
  type Evidence,
  type ResponseKind,
  type VendorContactRow,
  type VendorKind,
  type VendorRow,
} from './vendor.js';

export interface ContactInput {
  kind: ContactKind;
  value: string;
  note?: string | undefined;
  status?: ContactStatus | undefined;
}

export interface VendorInput {
  name: string;
  kind?: VendorKind | undefined;
  country?: string | null | undefined;
  notes?: string | undefined;
  domains?: string[] | undefined;
  repositories?: string[] | undefined;
  /** Package URLs; `pkg:npm/%40acme/*` stands for every package of a namespace. */
  packages?: string[] | undefined;
  contacts?: ContactInput[] | undefined;
}

export type VendorChanges = Partial<Omit<VendorInput, 'contacts'>> & { preferredContactId?: string | null | undefined };

export interface ContactView {
  id: string;
  kind: string;
  value: string;
  status: string;
  source: string;
  note: string;
  evidence: Evidence | null;
  checkedAt: string | null;
  preferred: boolean;
}

export interface VendorSummary {
  id: string;
  name: string;
  kind: string;
  domains: string[];
  contactCount: number;
  preferredContact: { kind: string; value: string; status: string } | null;
}

export interface ResponseStats {
  medianHours: number | null;
  count: number;
}

export interface VendorView {
  id: string;
  name: string;
  kind: string;
  country: string | null;
  notes: Rendered;
  domains: string[];
  repositories: string[];
  packages: { ecosystem: string; name: string; purl: string }[];
  contacts: ContactView[];
  preferredContactId: string | null;
  keys: { id: string; fingerprint: string; userIds: string[]; expiresAt: string | null; armored: string; createdAt: string }[];
  responseTimes: { acknowledgement: ResponseStats; fix: ResponseStats };
  createdAt: string;
  updatedAt: string;
}

function checkCountry(country: string | null | undefined): string | null {
  if (country === undefined || country === null || country === '') return null;
  if (!/^[A-Za-z]{2}$/.test(country)) throw invalid('/country', 'must be a two-letter ISO 3166 country code');
  return country.toUpperCase();
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > LIMITS.name) throw invalid('/name', `must be 1 to ${LIMITS.name} characters`);
  return trimmed;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** Domains, repositories and packages, checked and normalised before anything is written. */
function normaliseParts(input: Pick<VendorInput, 'domains' | 'repositories' | 'packages'>) {
  if ((input.domains?.length ?? 0) > LIMITS.domains) throw invalid('/domains', `at most ${LIMITS.domains}`);
  if ((input.repositories?.length ?? 0) > LIMITS.repositories) throw invalid('/repositories', `at most ${LIMITS.repositories}`);
  if ((input.packages?.length ?? 0) > LIMITS.packages) throw invalid('/packages', `at most ${LIMITS.packages}`);
  return {
    domains: input.domains && unique(input.domains.map((d, i) => normaliseDomain(d, `/domains/${i}`))),
    repositories: input.repositories && unique(input.repositories.map((r, i) => normaliseRepositoryUrl(r, `/repositories/${i}`))),
    packages:
      input.packages &&
      [...new Map(input.packages.map((p, i) => {
        const key = packageKey(parsePurl(p, `/packages/${i}`));
        return [`${key.ecosystem}/${key.name}`, key] as const;
      })).values()],
  };
}

async function replaceParts(trx: Executor, vendorId: string, parts: ReturnType<typeof normaliseParts>): Promise<void> {
  if (parts.domains) {
    const owners = await vendorIdsByDomain(trx, parts.domains);
    for (const [index, domain] of parts.domains.entries()) {
      const owner = owners.get(domain);
      if (owner && owner !== vendorId) throw new AppError('conflict', `The domain ${domain} belongs to another vendor`, [{ field: `/domains/${index}`, message: 'belongs to another vendor' }]);
    }
    await trx.deleteFrom('vendor_domains').where('vendor_id', '=', vendorId).execute();
    for (const domain of parts.domains) await trx.insertInto('vendor_domains').values({ vendor_id: vendorId, domain }).execute();
  }
  if (parts.repositories) {
    for (const [index, url] of parts.repositories.entries()) {
      const owner = await trx.selectFrom('vendor_repositories').select('vendor_id').where('url', '=', url).executeTakeFirst();
      if (owner && owner.vendor_id !== vendorId) throw new AppError('conflict', `The repository ${url} belongs to another vendor`, [{ field: `/repositories/${index}`, message: 'belongs to another vendor' }]);
    }
    await trx.deleteFrom('vendor_repositories').where('vendor_id', '=', vendorId).execute();
    for (const url of parts.repositories) await trx.insertInto('vendor_repositories').values({ vendor_id: vendorId, url }).execute();
  }
  if (parts.packages) {
    for (const [index, pkg] of parts.packages.entries()) {
      const owner = await trx.selectFrom('vendor_packages').select('vendor_id').where('ecosystem', '=', pkg.ecosystem).where('name', '=', pkg.name).executeTakeFirst();
      if (owner && owner.vendor_id !== vendorId) throw new AppError('conflict', `The package ${pkg.ecosystem}/${pkg.name} belongs to another vendor`, [{ field: `/packages/${index}`, message: 'belongs to another vendor' }]);
    }
    await trx.deleteFrom('vendor_packages').where('vendor_id', '=', vendorId).execute();
    for (const pkg of parts.packages) await trx.insertInto('vendor_packages').values({ vendor_id: vendorId, ...pkg }).execute();
  }
}

async function insertContact(context: AppContext, trx: Executor, vendorId: string, input: ContactInput, field: string, source: ContactSource, evidence: Evidence | null = null): Promise<VendorContactRow> {
  const value = normaliseContactValue(input.kind, input.value, `${field}/value`);
  const note = input.note?.trim() ?? '';
  if (note.length > LIMITS.contactNote) throw invalid(`${field}/note`, `at most ${LIMITS.contactNote} characters`);
  const existing = await trx.selectFrom('vendor_contacts').select(['kind', 'value', 'position']).where('vendor_id', '=', vendorId).execute();
  if (existing.length >= LIMITS.contacts) throw invalid(field, `a vendor has at most ${LIMITS.contacts} contacts`);
  if (existing.some((c) => c.kind === input.kind && c.value === value)) throw new AppError('conflict', `The vendor has this ${input.kind} contact already`, [{ field: `${field}/value`, message: 'already listed' }]);
  const now = iso(context.clock.now());
  const row: VendorContactRow = {
    id: newId(),
    vendor_id: vendorId,
    kind: input.kind,
    value,
    status: input.status ?? 'unverified',
    source,
    note,
    evidence: evidence ? JSON.stringify(evidence) : null,
    checked_at: evidence ? evidence.fetched_at : null,
    position: existing.reduce((max, c) => Math.max(max, c.position + 1), 0),
    created_at: now,
    updated_at: now,
  };
  await trx.insertInto('vendor_contacts').values(row).execute();
  return row;
}

export async function createVendor(context: AppContext, trx: Executor, actor: Actor, input: VendorInput): Promise<VendorRow> {
  assertCanManageVendors(actor);
  const name = checkName(input.name);
  const notes = input.notes ?? '';
  if (notes.length > LIMITS.notes) throw invalid('/notes', `at most ${LIMITS.notes} characters`);
  if ((input.contacts?.length ?? 0) > LIMITS.contacts) throw invalid('/contacts', `at most ${LIMITS.contacts}`);
  const parts = normaliseParts(input);
  const now = iso(context.clock.now());
  const row: VendorRow = { id: newId(), name, kind: input.kind ?? 'vendor', notes, preferred_contact_id: null, country: checkCountry(input.country), created_at: now, updated_at: now };
  await trx.insertInto('vendors').values(row).execute();
  await replaceParts(trx, row.id, parts);
  for (const [index, contact] of (input.contacts ?? []).entries()) {
    const created = await insertContact(context, trx, row.id, contact, `/contacts/${index}`, 'manual');
    if (index === 0) row.preferred_contact_id = created.id;
  }
  if (row.preferred_contact_id) await trx.updateTable('vendors').set({ preferred_contact_id: row.preferred_contact_id }).where('id', '=', row.id).execute();
  await recordAudit(context, trx, actor, { action: 'vendor.created', objectType: 'vendor', objectId: row.id, data: { name, kind: row.kind } });
  return row;
}

/** The vendor, for reading (staff only); 404 when there is none. */
export async function getVendor(db: Executor, actor: Actor, id: string): Promise<VendorRow> {
  assertCanReadVendors(actor);
  const vendor = await findVendorById(db, id);
  if (!vendor) throw notFound('Vendor');
  return vendor;
}

/** The vendor, for changing it (triagers, leads); 404 when there is none. */
export async function vendorForChange(trx: Executor, actor: Actor, id: string): Promise<VendorRow> {
  assertCanManageVendors(actor);
  const vendor = await findVendorById(trx, id);
  if (!vendor) throw notFound('Vendor');
  return vendor;
}

export async function updateVendor(context: AppContext, trx: Executor, actor: Actor, id: string, changes: VendorChanges): Promise<VendorRow> {
  const vendor = await vendorForChange(trx, actor, id);
  if (changes.notes !== undefined && changes.notes.length > LIMITS.notes) throw invalid('/notes', `at most ${LIMITS.notes} characters`);
  if (changes.preferredContactId) {
    if (!(await findContact(trx, id, changes.preferredContactId))) throw invalid('/preferredContactId', 'is not a contact of this vendor');
  }
  const parts = normaliseParts(changes);
  await trx
    .updateTable('vendors')
    .set({
      ...(changes.name !== undefined ? { name: checkName(changes.name) } : {}),
      ...(changes.kind !== undefined ? { kind: changes.kind } : {}),
      ...(changes.notes !== undefined ? { notes: changes.notes } : {}),
      ...(changes.country !== undefined ? { country: checkCountry(changes.country) } : {}),
      ...(changes.preferredContactId !== undefined ? { preferred_contact_id: changes.preferredContactId } : {}),
      updated_at: iso(context.clock.now()),
    })
    .where('id', '=', id)
    .execute();
  await replaceParts(trx, id, parts);
  await recordAudit(context, trx, actor, { action: 'vendor.changed', objectType: 'vendor', objectId: id, data: { name: vendor.name, fields: Object.keys(changes).sort() } });
  return (await findVendorById(trx, id))!;
}

export async function deleteVendor(context: AppContext, trx: Executor, actor: Actor, id: string): Promise<void> {
  const vendor = await vendorForChange(trx, actor, id);
  // Cases keep their participants: a vendor that took part in one stays (its record is the case's history).
  const inCase = await trx.selectFrom('case_participants').select('case_id').where('vendor_id', '=', id).executeTakeFirst();
  if (inCase) throw new AppError('conflict', `${vendor.name} takes part in cases and cannot be deleted`);
  await trx.deleteFrom('vendors').where('id', '=', id).execute();
  await recordAudit(context, trx, actor, { action: 'vendor.deleted', objectType: 'vendor', objectId: id, data: { name: vendor.name, kind: vendor.kind } });
}

export async function addContact(context: AppContext, trx: Executor, actor: Actor, vendorId: string, input: ContactInput, source: ContactSource = 'manual', evidence: Evidence | null = null): Promise<VendorContactRow> {
  const vendor = await vendorForChange(trx, actor, vendorId);
  const row = await insertContact(context, trx, vendorId, input, '', source, evidence);
  if (!vendor.preferred_contact_id) await trx.updateTable('vendors').set({ preferred_contact_id: row.id }).where('id', '=', vendorId).execute();
  await touch(context, trx, vendorId);
  await recordAudit(context, trx, actor, { action: 'vendor.contact_added', objectType: 'vendor', objectId: vendorId, data: { contactId: row.id, kind: row.kind, source } });
  return row;
}

export interface ContactChanges {
  note?: string | undefined;
  status?: ContactStatus | undefined;
}

/** A contact's note or status (`bounced` when mail to it came back; cases set it, so can staff). */
export async function updateContact(context: AppContext, trx: Executor, actor: Actor, vendorId: string, contactId: string, changes: ContactChanges): Promise<VendorContactRow> {
  await vendorForChange(trx, actor, vendorId);
  const contact = await findContact(trx, vendorId, contactId);
  if (!contact) throw notFound('Contact');
  if (changes.note !== undefined && changes.note.length > LIMITS.contactNote) throw invalid('/note', `at most ${LIMITS.contactNote} characters`);
  const now = iso(context.clock.now());
  await trx
    .updateTable('vendor_contacts')
    .set({ ...(changes.note !== undefined ? { note: changes.note.trim() } : {}), ...(changes.status !== undefined ? { status: changes.status, checked_at: now } : {}), updated_at: now })
    .where('id', '=', contactId)
    .execute();
  await touch(context, trx, vendorId);
  await recordAudit(context, trx, actor, { action: 'vendor.contact_changed', objectType: 'vendor', objectId: vendorId, data: { contactId, fields: Object.keys(changes).sort(), ...(changes.status ? { status: changes.status } : {}) } });
  return (await findContact(trx, vendorId, contactId))!;
}

export async function deleteContact(context: AppContext, trx: Executor, actor: Actor, vendorId: string, contactId: string): Promise<void> {
  const vendor = await vendorForChange(trx, actor, vendorId);
  const contact = await findContact(trx, vendorId, contactId);
  if (!contact) throw notFound('Contact');
  if (vendor.preferred_contact_id === contactId) await trx.updateTable('vendors').set({ preferred_contact_id: null }).where('id', '=', vendorId).execute();
  await trx.deleteFrom('vendor_contacts').where('id', '=', contactId).execute();
  await touch(context, trx, vendorId);
  await recordAudit(context, trx, actor, { action: 'vendor.contact_removed', objectType: 'vendor', objectId: vendorId, data: { contactId, kind: contact.kind } });
}

export async function addVendorKey(context: AppContext, trx: Executor, actor: Actor, vendorId: string, armored: string) {
  await vendorForChange(trx, actor, vendorId);
  const key = await parseVendorKey(armored);
  const count = await trx.selectFrom('vendor_keys').select('fingerprint').where('vendor_id', '=', vendorId).execute();
  if (count.some((k) => k.fingerprint === key.fingerprint)) throw new AppError('conflict', `The vendor has the key ${key.fingerprint} already`, [{ field: '/armored', message: 'already added' }]);
  if (count.length >= LIMITS.keys) throw invalid('/armored', `a vendor has at most ${LIMITS.keys} keys`);
  const row = { id: newId(), vendor_id: vendorId, fingerprint: key.fingerprint, armored: key.armored, user_ids: JSON.stringify(key.userIds), expires_at: key.expiresAt, created_at: iso(context.clock.now()) };
  await trx.insertInto('vendor_keys').values(row).execute();
  await touch(context, trx, vendorId);
  await recordAudit(context, trx, actor, { action: 'vendor.key_added', objectType: 'vendor', objectId: vendorId, data: { fingerprint: key.fingerprint } });
  return row;
}

export async function deleteVendorKey(context: AppContext, trx: Executor, actor: Actor, vendorId: string, keyId: string): Promise<void> {
  await vendorForChange(trx, actor, vendorId);
  const key = await trx.selectFrom('vendor_keys').select('fingerprint').where('vendor_id', '=', vendorId).where('id', '=', keyId).executeTakeFirst();
  if (!key) throw notFound('Key');
  await trx.deleteFrom('vendor_keys').where('id', '=', keyId).execute();
  await touch(context, trx, vendorId);
  await recordAudit(context, trx, actor, { action: 'vendor.key_removed', objectType: 'vendor', objectId: vendorId, data: { fingerprint: key.fingerprint } });
}

export interface ResponseTimeInput {
  kind: ResponseKind;
  contactedAt: string;
  respondedAt: string;
  caseRef?: string | undefined;
}

/** One measured response (cases record acknowledgement and fix times here); the vendor page shows the medians. */
export async function recordResponseTime(context: AppContext, trx: Executor, actor: Actor, vendorId: string, input: ResponseTimeInput): Promise<void> {
  await vendorForChange(trx, actor, vendorId);
  const contacted = Date.parse(input.contactedAt);
  const responded = Date.parse(input.respondedAt);
  if (Number.isNaN(contacted)) throw invalid('/contactedAt', 'is not a date-time');
  if (Number.isNaN(responded)) throw invalid('/respondedAt', 'is not a date-time');
  if (responded < contacted) throw invalid('/respondedAt', 'is before contactedAt');
  if (input.caseRef !== undefined && input.caseRef.length > 200) throw invalid('/caseRef', 'at most 200 characters');
  const hours = Math.round(((responded - contacted) / 3_600_000) * 100) / 100;
  await trx
    .insertInto('vendor_response_times')
    .values({ id: newId(), vendor_id: vendorId, kind: input.kind, case_ref: input.caseRef ?? null, contacted_at: new Date(contacted).toISOString(), responded_at: new Date(responded).toISOString(), hours, recorded_at: iso(context.clock.now()) })
    .execute();
  await recordAudit(context, trx, actor, { action: 'vendor.response_recorded', objectType: 'vendor', objectId: vendorId, data: { kind: input.kind, hours, ...(input.caseRef ? { caseRef: input.caseRef } : {}) } });
}

async function touch(context: AppContext, trx: Executor, vendorId: string): Promise<void> {
  await trx.updateTable('vendors').set({ updated_at: iso(context.clock.now()) }).where('id', '=', vendorId).execute();
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function presentContact(row: VendorContactRow, preferredId: string | null): ContactView {
  return {
    id: row.id,
    kind: row.kind,
    value: row.value,
    status: row.status,
    source: row.source,
    note: row.note,
    evidence: row.evidence ? (JSON.parse(row.evidence) as Evidence) : null,
    checkedAt: row.checked_at,
    preferred: row.id === preferredId,
  };
}

export async function presentVendor(db: Executor, vendor: VendorRow): Promise<VendorView> {
  const [parts, times] = await Promise.all([vendorParts(db, vendor.id), responseTimes(db, vendor.id)]);
  const stats = (kind: ResponseKind): ResponseStats => {
    const hours = times.filter((t) => t.kind === kind).map((t) => Number(t.hours));
    return { medianHours: median(hours), count: hours.length };
  };
  return {
    id: vendor.id,
    name: vendor.name,
    kind: vendor.kind,
    country: vendor.country,
    notes: rendered(vendor.notes),
    domains: parts.domains,
    repositories: parts.repositories,
    packages: parts.packages.map((p) => ({ ...p, purl: purlOfPackage(p.ecosystem, p.name) })),
    contacts: parts.contacts.map((c) => presentContact(c, vendor.preferred_contact_id)),
    preferredContactId: vendor.preferred_contact_id,
    keys: parts.keys.map((k) => ({ id: k.id, fingerprint: k.fingerprint, userIds: JSON.parse(k.user_ids) as string[], expiresAt: k.expires_at, armored: k.armored, createdAt: k.created_at })),
    responseTimes: { acknowledgement: stats('acknowledgement'), fix: stats('fix') },
    createdAt: vendor.created_at,
    updatedAt: vendor.updated_at,
  };
}

export async function listVendors(context: AppContext, db: Executor, actor: Actor, search: VendorSearch): Promise<{ items: VendorSummary[]; total: number }> {
  assertCanReadVendors(actor);
  const { rows, total } = await searchVendors(db, context.engine, search);
  const ids = rows.map((r) => r.id);
  const [domains, contacts] = ids.length
    ? await Promise.all([
        db.selectFrom('vendor_domains').select(['vendor_id', 'domain']).where('vendor_id', 'in', ids).orderBy('domain').execute(),
        db.selectFrom('vendor_contacts').select(['vendor_id', 'id', 'kind', 'value', 'status']).where('vendor_id', 'in', ids).execute(),
      ])
    : [[], []];
  return {
    total,
    items: rows.map((row) => {
      const own = contacts.filter((c) => c.vendor_id === row.id);
      const preferred = own.find((c) => c.id === row.preferred_contact_id);
      return {
        id: row.id,
        name: row.name,
        kind: row.kind,
        domains: domains.filter((d) => d.vendor_id === row.id).map((d) => d.domain),
        contactCount: own.length,
        preferredContact: preferred ? { kind: preferred.kind, value: preferred.value, status: preferred.status } : null,
      };
    }),
  };
}

export interface PurlMatch {
  purl: string;
  vendor: { id: string; name: string } | null;
  error?: string;
}

/**
 * The vendor of each package URL (findings carry purls): a package entry (exact, or `namespace/*`),
 * or for pkg:github / pkg:gitlab the repository. Bad purls are answered with their error, not thrown.
 */
export async function matchVendorsForPurls(db: Executor, actor: Actor, purls: string[]): Promise<PurlMatch[]> {
  assertCanReadVendors(actor);
  const names = new Map<string, string>();
  const out: PurlMatch[] = [];
  for (const text of purls) {
    let id: string | undefined;
    try {
      const purl = parsePurl(text);
      const key = packageKey(purl);
      id = await vendorIdByPackage(db, key.ecosystem, key.name, purl.namespace);
      if (!id && (purl.type === 'github' || purl.type === 'gitlab') && purl.namespace) id = await vendorIdByRepository(db, `https://${purl.type}.com/${purl.namespace}/${purl.name}`);
    } catch (error) {
      out.push({ purl: text, vendor: null, error: (error as Error).message });
      continue;
    }
    if (id && !names.has(id)) names.set(id, (await findVendorById(db, id))?.name ?? '');
    out.push({ purl: text, vendor: id ? { id, name: names.get(id)! } : null });
  }
  return out;
}

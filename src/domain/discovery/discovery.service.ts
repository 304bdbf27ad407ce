import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import type { Resolver } from '../../net/safe-fetch.js';
import { AppError, invalid, notFound } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import { actorId, actorLabel, systemActor, type Actor } from '../auth/actor.js';
import { addContact, getVendor, vendorForChange } from '../vendors/vendor.service.js';
import { assertCanManageVendors } from '../vendors/vendor.policy.js';
import { coordinatorRows, findVendorById, vendorIdByPackage, vendorIdByRepository, vendorIdsByDomain, vendorParts } from '../vendors/vendor.repository.js';
import { packageKey, purlOfPackage } from '../vendors/purl.js';
import type { ContactKind, Evidence, VendorRow } from '../vendors/vendor.js';
import { discover } from './discover.js';
import { DiscoveryNet, Semaphore } from './discovery-fetcher.js';
import { parseTarget } from './discovery-target.js';
import type { Channel, Directory, DirectoryVendor, DiscoveryDeps, DiscoveryResult } from './discovery.js';
import { checkMailDomain, systemMailResolver, type MailResolver } from './mail-domain.js';

export const VENDOR_DISCOVERY_JOB = 'vendors.discover';

async function directoryVendor(db: Executor, vendor: VendorRow): Promise<DirectoryVendor> {
  const parts = await vendorParts(db, vendor.id);
  return {
    id: vendor.id,
    name: vendor.name,
    kind: vendor.kind,
    country: vendor.country,
    domains: parts.domains,
    repositories: parts.repositories,
    preferredContactId: vendor.preferred_contact_id,
    contacts: parts.contacts.map((c) => ({ id: c.id, kind: c.kind, value: c.value, status: c.status, evidence: c.evidence ? (JSON.parse(c.evidence) as Evidence) : null, updatedAt: c.updated_at })),
    keys: parts.keys.map((k) => k.armored),
  };
}

/** The directory as discovery reads it: a vendor by package, then repository, then domain (the most specific host first). */
export function databaseDirectory(db: Executor): Directory {
  return {
    async findVendor(hints) {
      let id: string | undefined;
      if (hints.purl) {
        const key = packageKey({ ...hints.purl, version: null });
        id = await vendorIdByPackage(db, key.ecosystem, key.name, hints.purl.namespace);
      }
      for (const url of hints.repositories) id ??= await vendorIdByRepository(db, url);
      if (!id && hints.hosts.length) {
        const owners = await vendorIdsByDomain(db, hints.hosts);
        id = hints.hosts.map((h) => owners.get(h)).find(Boolean);
      }
      const vendor = id ? await findVendorById(db, id) : undefined;
      return vendor ? directoryVendor(db, vendor) : null;
    },
    async coordinators() {
      return Promise.all((await coordinatorRows(db)).map((row) => directoryVendor(db, row)));
    },
  };
}

/** Test and demo hooks: the DNS answers for host names and mail domains (there is no Internet in CI). */
export interface DiscoveryNetworkHooks {
  resolve?: Resolver;
  mailResolver?: MailResolver;
}
// Keyed by the configuration, which every copy of a context (the job queue holds its own) shares.
const hooks = new WeakMap<AppContext['config'], DiscoveryNetworkHooks>();
export function provideDiscoveryNetwork(context: AppContext, network: DiscoveryNetworkHooks): void {
  hooks.set(context.config, network);
}

// One bound on requests in flight per process (per configuration), whoever asks.
const semaphores = new WeakMap<AppContext['config'], Semaphore>();
function processSemaphore(config: AppContext['config']): Semaphore {
  let semaphore = semaphores.get(config);
  if (!semaphore) semaphores.set(config, (semaphore = new Semaphore(config.discovery.concurrency)));
  return semaphore;
}

/** Everything discovery needs, from the configuration (docs/vendors.md). */
export function discoveryDeps(context: AppContext, db: Executor = context.db, owner = ''): DiscoveryDeps {
  const { config } = context;
  const network = hooks.get(context.config) ?? {};
  const mailResolver = network.mailResolver ?? (config.discovery.mailCheck === 'dns' ? systemMailResolver() : null);
  return {
    net: new DiscoveryNet(
      { connectTimeoutMs: config.discovery.connectTimeoutMs, timeoutMs: config.discovery.fetchTimeoutMs, maxRedirects: 5, maxBytes: config.discovery.maxBytes, concurrency: config.discovery.concurrency },
      config.fetchAllowLoopback,
      network.resolve,
      undefined,
      processSemaphore(config),
      owner,
    ),
    sources: config.discovery.sources,
    checkMail: mailResolver ? (domain) => checkMailDomain(mailResolver, domain) : null,
    directory: databaseDirectory(db),
    now: () => context.clock.now(),
    targetTimeoutMs: config.discovery.targetTimeoutMs,
  };
}

/**
 * Discovery for any target, answered now (API and CLI). Triagers and leads: it makes requests on the
 * organisation's behalf. Writes only its audit event: who asked about what, and what came of it.
 */
export async function discoverNow(context: AppContext, actor: Actor, target: string): Promise<DiscoveryResult> {
  assertCanManageVendors(actor);
  const result = await discover(target, discoveryDeps(context, context.db, actorId(actor) ?? actorLabel(actor)));
  await context.db.transaction().execute((trx) =>
    recordAudit(context, trx, actor, {
      action: 'discovery.run',
      objectType: 'discovery',
      objectId: result.vendor?.id ?? null,
      data: { target: result.target, channels: result.channels.length, rejected: result.rejected.length, timedOut: result.timed_out },
    }),
  );
  return result;
}

/** What a vendor's discovery starts from when none is given: a domain, else a repository, else a package. */
async function defaultTarget(db: Executor, vendorId: string): Promise<string> {
  const parts = await vendorParts(db, vendorId);
  const target = parts.domains[0] ?? parts.repositories[0] ?? (parts.packages[0] ? purlOfPackage(parts.packages[0].ecosystem, parts.packages[0].name) : undefined);
  if (!target || target.endsWith('/*')) throw invalid('/target', 'the vendor has no domain, repository or package to discover from: give a target');
  return target;
}

export interface DiscoveryView {
  id: string;
  vendorId: string | null;
  target: string;
  state: string;
  result: DiscoveryResult | null;
  requestedAt: string;
  finishedAt: string | null;
}

function presentDiscovery(row: { id: string; vendor_id: string | null; target: string; state: string; result: string | null; requested_at: string; finished_at: string | null }): DiscoveryView {
  return { id: row.id, vendorId: row.vendor_id, target: row.target, state: row.state, result: row.result ? (JSON.parse(row.result) as DiscoveryResult) : null, requestedAt: row.requested_at, finishedAt: row.finished_at };
}

/** Queues discovery for a vendor (the job stores its result with the vendor). */
export async function requestVendorDiscovery(context: AppContext, trx: Executor, actor: Actor, vendorId: string, target?: string): Promise<DiscoveryView> {
  await vendorForChange(trx, actor, vendorId);
  const chosen = target?.trim() || (await defaultTarget(trx, vendorId));
  // Checked now, so a bad target is a 400 and not a failed job.
  parseTarget(chosen, context.config.discovery.sources);
  const row = { id: newId(), vendor_id: vendorId, target: chosen, state: 'queued', result: null, requested_by: actorId(actor), requested_at: iso(context.clock.now()), finished_at: null };
  await trx.insertInto('vendor_discoveries').values(row).execute();
  await context.jobs.enqueue(trx, VENDOR_DISCOVERY_JOB, { discoveryId: row.id }, { maxAttempts: 2 });
  await recordAudit(context, trx, actor, { action: 'vendor.discovery_requested', objectType: 'vendor', objectId: vendorId, data: { discoveryId: row.id, target: chosen } });
  return presentDiscovery(row);
}

/**
 * The job: runs a queued discovery and stores its result; directory contacts whose liveness it
 * checked get their status (bounced ones keep theirs). Idempotent: a finished discovery is not run again.
 */
export async function runVendorDiscoveryJob(context: AppContext, payload: { discoveryId: string }): Promise<void> {
  const row = await context.db.selectFrom('vendor_discoveries').selectAll().where('id', '=', payload.discoveryId).executeTakeFirst();
  if (!row || row.state !== 'queued') return;
  const result = await discover(row.target, discoveryDeps(context, context.db, row.requested_by ?? ''));
  await context.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('vendor_discoveries')
      .set({ state: 'done', result: JSON.stringify(result), finished_at: iso(context.clock.now()) })
      .where('id', '=', row.id)
      .where('state', '=', 'queued')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return;
    if (row.vendor_id) {
      for (const channel of [...result.channels, ...result.rejected]) {
        if (channel.source !== 'directory' || channel.vendor?.id !== row.vendor_id || !channel.evidence.check) continue;
        if (channel.status !== 'live' && channel.status !== 'not_live') continue;
        await trx
          .updateTable('vendor_contacts')
          .set({ status: channel.status, checked_at: String(channel.evidence.checked_at ?? result.finished_at) })
          .where('vendor_id', '=', row.vendor_id)
          .where('value', '=', channel.value)
          .where('status', '!=', 'bounced')
          .execute();
      }
    }
    await recordAudit(context, trx, systemActor('cvdesk'), {
      action: 'vendor.discovery_finished',
      objectType: 'vendor',
      objectId: row.vendor_id,
      data: { discoveryId: row.id, channels: result.channels.length, rejected: result.rejected.length, timedOut: result.timed_out },
    });
  });
}

export async function listVendorDiscoveries(db: Executor, actor: Actor, vendorId: string): Promise<DiscoveryView[]> {
  await getVendor(db, actor, vendorId);
  const rows = await db.selectFrom('vendor_discoveries').selectAll().where('vendor_id', '=', vendorId).orderBy('requested_at', 'desc').orderBy('id').limit(20).execute();
  return rows.map(presentDiscovery);
}

const CHANNEL_TO_CONTACT: Record<Channel['kind'], ContactKind> = { email: 'email', web_form: 'web_form', private_reporting: 'private_reporting', phone: 'phone', other: 'other' };

/** Copies a discovered channel, with its evidence, into the vendor's contacts. Flagged channels are refused. */
export async function adoptDiscoveredChannel(context: AppContext, trx: Executor, actor: Actor, vendorId: string, discoveryId: string, index: number) {
  assertCanManageVendors(actor);
  const row = await trx.selectFrom('vendor_discoveries').selectAll().where('id', '=', discoveryId).where('vendor_id', '=', vendorId).executeTakeFirst();
  if (!row) throw notFound('Discovery');
  if (!row.result) throw new AppError('conflict', 'The discovery has not finished yet');
  const result = JSON.parse(row.result) as DiscoveryResult;
  const channel = result.channels[index];
  if (!channel) throw invalid('/channel', `there is no usable channel ${index} in this discovery (it has ${result.channels.length})`);
  const status = channel.status === 'live' ? 'live' : channel.status === 'stale' ? 'stale' : 'unverified';
  return addContact(context, trx, actor, vendorId, { kind: CHANNEL_TO_CONTACT[channel.kind], value: channel.value, note: `found by discovery (${channel.source})`, status }, 'discovery', channel.evidence);
}

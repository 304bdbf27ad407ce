import { setMaxListeners } from 'node:events';
import { countryOfDomain } from '../vendors/coordinators.js';
import { CHANNEL_SOURCES, type Channel, type ChannelKind, type DiscoveryDeps, type DiscoveryResult } from './discovery.js';
import { DiscoveryRun } from './discovery-run.js';
import { parseTarget, type DiscoveryTarget } from './discovery-target.js';
import { publicRepositoryUrl, recogniseRepository } from './known-sources.js';
import { discoverRepository } from './repository-source.js';
import { discoverPackage } from './registry-source.js';
import { discoverSecurityTxt } from './securitytxt-source.js';

const MAX_DOMAINS = 5;
const MAX_REPOSITORIES = 5;
const STATUS_RANK: Record<string, number> = { live: 0, unchecked: 1, stale: 2 };
const DIRECTORY_KINDS: Record<string, ChannelKind> = { email: 'email', web_form: 'web_form', private_reporting: 'private_reporting', phone: 'phone', coordinator: 'other', other: 'other' };

/** `www.security.example.org` → it and its parents down to two labels: a vendor listed under example.org is found. */
function hostAndParents(host: string): string[] {
  const labels = host.split('.');
  const out: string[] = [];
  for (let i = 0; i <= labels.length - 2; i++) out.push(labels.slice(i).join('.'));
  return out.length ? out : [host];
}

async function fromDirectory(run: DiscoveryRun, target: DiscoveryTarget): Promise<{ authorities: string[] }> {
  const { directory, sources } = run.deps;
  const authorities: string[] = [];
  const hosts: string[] = [];
  if (target.kind === 'domain' || target.kind === 'url') {
    authorities.push(target.authority);
    hosts.push(...hostAndParents(target.host));
  }
  if (target.kind === 'repository') run.addRepository(target.repository);
  const vendor = await directory.findVendor({
    hosts,
    repositories: target.kind === 'repository' ? [publicRepositoryUrl(target.repository), target.url] : [],
    purl: target.kind === 'package' ? target.purl : null,
  });
  run.vendor = vendor;
  if (!vendor) return { authorities };
  const who = { id: vendor.id, name: vendor.name };
  const contacts = [...vendor.contacts].sort((a, b) => Number(b.id === vendor.preferredContactId) - Number(a.id === vendor.preferredContactId));
  for (const contact of contacts) {
    if (contact.kind === 'security_txt') {
      try {
        authorities.push(new URL(contact.value).host);
      } catch {
        // a bad URL in the directory is shown on the vendor page, not fatal here
      }
      continue;
    }
    const status = contact.status === 'live' || contact.status === 'stale' || contact.status === 'bounced' || contact.status === 'not_live' ? contact.status : 'unchecked';
    run.add({
      kind: DIRECTORY_KINDS[contact.kind] ?? 'other',
      value: contact.value,
      source: 'directory',
      status,
      vendor: who,
      ...(contact.id === vendor.preferredContactId ? { note: 'the vendor’s preferred channel' } : {}),
      evidence: { url: null, fetched_at: contact.updatedAt, recorded_in: `directory: vendor ${vendor.name}`, ...(contact.evidence ? { found: contact.evidence } : {}) },
    });
  }
  for (const domain of vendor.domains) authorities.push(domain);
  for (const repoUrl of vendor.repositories) {
    try {
      const repository = recogniseRepository(new URL(repoUrl), sources);
      if (repository) run.addRepository(repository);
      else run.warn(`the vendor's repository ${repoUrl} is on a forge cvdesk does not know`);
    } catch {
      // stored URLs are normalised; nothing to do
    }
  }
  return { authorities };
}

async function fromCoordinators(run: DiscoveryRun, authorities: string[]): Promise<void> {
  const countries = new Set(authorities.map((a) => countryOfDomain(a.replace(/:\d+$/, ''))).filter(Boolean));
  if (run.vendor?.country) countries.add(run.vendor.country);
  for (const coordinator of await run.once('coordinators', () => run.deps.directory.coordinators())) {
    if (coordinator.id === run.vendor?.id) continue;
    if (coordinator.country !== null && !countries.has(coordinator.country)) continue;
    const preferred = coordinator.contacts.find((c) => c.id === coordinator.preferredContactId) ?? coordinator.contacts[0];
    for (const contact of preferred ? [preferred, ...coordinator.contacts.filter((c) => c !== preferred)] : []) {
      if (contact.status === 'bounced' || contact.status === 'not_live') continue;
      run.add({
        kind: DIRECTORY_KINDS[contact.kind] ?? 'other',
        value: contact.value,
        source: 'coordinator',
        vendor: { id: coordinator.id, name: coordinator.name },
        note: coordinator.country ? `national coordinator (${coordinator.country})` : 'coordinator',
        evidence: { url: null, fetched_at: contact.updatedAt, recorded_in: `directory: coordinator ${coordinator.name}` },
      });
    }
  }
}

function usable(channel: Channel): boolean {
  return channel.flags.filter((f) => f !== 'expired').length === 0 && channel.status !== 'not_live' && channel.status !== 'bounced';
}

function compose(run: DiscoveryRun, target: string, startedAt: string, deps: DiscoveryDeps): DiscoveryResult {
  const rank = (c: Channel) => CHANNEL_SOURCES.indexOf(c.source);
  const all = run.channels.map((c) => ({ ...c, flags: [...c.flags], evidence: { ...c.evidence }, usable: usable(c) })).sort((a, b) => rank(a) - rank(b));
  const channels = all.filter((c) => c.usable);
  const rejected = all.filter((c) => !c.usable);
  const best = (pool: Channel[]) => [...pool].sort((a, b) => (STATUS_RANK[a.status] ?? 3) - (STATUS_RANK[b.status] ?? 3) || rank(a) - rank(b))[0] ?? null;
  // A maintainer's personal address is a last resort before coordinators, not a security channel.
  const own = channels.filter((c) => c.source !== 'coordinator');
  const recommended = best(own.filter((c) => c.status !== 'stale' && !(c.source === 'registry' && c.kind === 'email'))) ?? best(own) ?? best(channels);
  const warnings = [...run.warnings];
  for (const channel of rejected) {
    const fallback = recommended ? `; fallback: ${recommended.value} (${recommended.source})` : '; no fallback was found';
    if (channel.status === 'not_live' || channel.status === 'bounced') warnings.push(`${channel.value} (${channel.source}) is not live${channel.evidence.check ? `: ${String(channel.evidence.check)}` : channel.status === 'bounced' ? ': mail to it bounced' : ''}${fallback}`);
    else {
      const flags = channel.flags.filter((f) => f !== 'expired');
      warnings.push(`${channel.value} (${channel.source}) is flagged ${flags.join(', ')}: not used${fallback}`);
    }
  }
  if (run.timedOut) warnings.push(`discovery stopped after ${deps.targetTimeoutMs} ms; what was found until then is listed`);
  return { target, vendor: run.vendor ? { id: run.vendor.id, name: run.vendor.name } : null, channels, rejected, recommended, warnings, timed_out: run.timedOut, started_at: startedAt, finished_at: deps.now().toISOString() };
}

/**
 * Finds the reporting channels of a target, in order: the directory, security.txt on the
 * vendor's domains, SECURITY.md in its repositories, private vulnerability reporting on the
 * forge, package registry metadata, then coordinators. Every channel carries its evidence; flagged
 * and dead ones are kept apart with the reason and a fallback. Bounded by `deps.targetTimeoutMs`:
 * it always answers, with what it found by then. Throws only `validation_failed` for a bad target.
 */
export async function discover(input: string, deps: DiscoveryDeps): Promise<DiscoveryResult> {
  const target = parseTarget(input, deps.sources);
  const startedAt = deps.now().toISOString();
  const controller = new AbortController();
  // Every request of the run listens to its deadline.
  setMaxListeners(0, controller.signal);
  const timer = setTimeout(() => controller.abort(), deps.targetTimeoutMs);
  const run = new DiscoveryRun(deps, controller.signal);
  const deadline = new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve(), { once: true }));
  const work = (async () => {
    const { authorities } = await fromDirectory(run, target);
    const domains = [...new Set(authorities.map((a) => a.toLowerCase()))].slice(0, MAX_DOMAINS);
    await Promise.all([...domains.map((authority) => discoverSecurityTxt(run, authority)), target.kind === 'package' ? discoverPackage(run, target.purl) : Promise.resolve()]);
    await Promise.all([...run.repositories.values()].slice(0, MAX_REPOSITORIES).map((repository) => discoverRepository(run, repository)));
    if (run.repositories.size > MAX_REPOSITORIES) run.warn(`only the first ${MAX_REPOSITORIES} of ${run.repositories.size} repositories were looked at`);
    await fromCoordinators(run, domains);
    await run.settle();
  })();
  try {
    await Promise.race([work, deadline]);
  } catch (error) {
    run.warn(`discovery failed: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
  work.catch(() => undefined);
  return compose(run, target.input, startedAt, deps);
}

/** Discovers many targets with at most `concurrency` at once (fetches are bounded separately); results in input order. */
export async function discoverMany(inputs: string[], deps: DiscoveryDeps, concurrency: number): Promise<(DiscoveryResult | { target: string; error: string })[]> {
  const shared = { ...deps, cache: deps.cache ?? new Map<string, Promise<unknown>>() };
  const results: (DiscoveryResult | { target: string; error: string })[] = new Array(inputs.length);
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) {
      const index = next++;
      try {
        results[index] = await discover(inputs[index]!, shared);
      } catch (error) {
        results[index] = { target: inputs[index]!, error: (error as Error).message };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, inputs.length)) }, worker));
  return results;
}

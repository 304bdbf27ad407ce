import type { Evidence } from '../vendors/vendor.js';
import { flagForEmail, flagForUrl } from './channel-flags.js';
import { fetchWithEvidence } from './discovery-fetcher.js';
import type { Channel, ChannelKind, ChannelSource, ChannelStatus, DirectoryVendor, DiscoveryDeps } from './discovery.js';
import type { ForgeRepository } from './known-sources.js';

/** A channel as a source reports it, before flags and liveness are judged. */
export interface Candidate {
  kind: ChannelKind;
  value: string;
  source: ChannelSource;
  evidence: Evidence;
  status?: ChannelStatus;
  flags?: Channel['flags'];
  note?: string;
  vendor?: { id: string; name: string };
}

/** The state of discovering one target: what was found, what is left to look at, the deadline. */
export class DiscoveryRun {
  readonly channels: Channel[] = [];
  readonly warnings: string[] = [];
  readonly repositories = new Map<string, ForgeRepository>();
  vendor: DirectoryVendor | null = null;
  private readonly checks: Promise<void>[] = [];
  private readonly cache: Map<string, Promise<unknown>>;

  constructor(
    readonly deps: DiscoveryDeps,
    readonly signal: AbortSignal,
  ) {
    this.cache = deps.cache ?? new Map();
  }

  get timedOut(): boolean {
    return this.signal.aborted;
  }

  warn(message: string): void {
    if (!this.warnings.includes(message) && this.warnings.length < 100) this.warnings.push(message);
  }

  /** Adds a channel once (by kind and value; the earlier source wins), judging flags now and liveness in the background. */
  add(candidate: Candidate): void {
    const value = candidate.kind === 'email' ? candidate.value.toLowerCase() : candidate.value;
    const existing = this.channels.findIndex((c) => c.kind === candidate.kind && c.value === value);
    if (existing >= 0) {
      // A channel named only by a lying security.txt is replaced when an honest source names it too.
      const lied = this.channels[existing]!.flags.some((f) => f === 'canonical_mismatch' || f === 'signature_invalid');
      if (!lied || (candidate.flags ?? []).some((f) => f === 'canonical_mismatch' || f === 'signature_invalid')) return;
      this.channels.splice(existing, 1);
    }
    if (this.channels.length >= 200) return;
    const flags = [...(candidate.flags ?? [])];
    if (candidate.kind === 'email') {
      const flag = flagForEmail(value);
      if (flag) flags.push(flag);
    } else if (candidate.kind === 'web_form' || candidate.kind === 'private_reporting') {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        this.warn(`${candidate.source}: "${value.slice(0, 100)}" is not a URL`);
        return;
      }
      const flag = flagForUrl(url, this.deps.sources, this.deps.net.allowHttp);
      if (flag) flags.push(flag);
    }
    const channel: Channel = {
      kind: candidate.kind,
      value,
      source: candidate.source,
      status: candidate.status ?? 'unchecked',
      usable: true,
      flags,
      ...(candidate.vendor ? { vendor: candidate.vendor } : {}),
      ...(candidate.note ? { note: candidate.note } : {}),
      evidence: { ...candidate.evidence },
    };
    this.channels.push(channel);
    if (flags.every((f) => f === 'expired') && channel.status !== 'bounced' && channel.status !== 'not_live' && candidate.source !== 'coordinator') this.checks.push(this.checkLiveness(channel));
  }

  /** Queues a repository to look at, once per forge, owner and name. */
  addRepository(repository: ForgeRepository): void {
    this.repositories.set(`${repository.forge}:${repository.owner}/${repository.repo}`.toLowerCase(), repository);
  }

  /** Waits for every liveness check started so far. */
  async settle(): Promise<void> {
    while (this.checks.length > 0) await Promise.all(this.checks.splice(0));
  }

  /** `work` once per key across the targets of a run (mail domains, pages, the coordinators). */
  once<T>(key: string, work: () => Promise<T>): Promise<T> {
    let pending = this.cache.get(key) as Promise<T> | undefined;
    if (!pending) this.cache.set(key, (pending = work()));
    return pending;
  }

  /** Mail: its domain must accept mail. Pages: a 404 or 410 means there is nothing there (a private-reporting page that is switched off). */
  private async checkLiveness(channel: Channel): Promise<void> {
    if (channel.kind === 'email') {
      const check = this.deps.checkMail;
      if (!check) return;
      const domain = channel.value.slice(channel.value.lastIndexOf('@') + 1);
      const verdict = await this.once(`mail:${domain}`, () => check(domain).catch((error: Error) => ({ status: 'unchecked' as const, detail: error.message })));
      channel.evidence.check = verdict.detail;
      channel.evidence.checked_at = this.deps.now().toISOString();
      if (verdict.status === 'not_live') channel.status = 'not_live';
      else if (verdict.status === 'live' && channel.status === 'unchecked') channel.status = 'live';
      return;
    }
    if (channel.kind !== 'web_form' && channel.kind !== 'private_reporting') return;
    const outcome = await this.once(`page:${channel.value}`, () => fetchWithEvidence(this.deps.net, channel.value, this.signal, this.deps.now, { maxBytes: 16 * 1024, accept: 'text/html, */*;q=0.5' }));
    channel.evidence.checked_at = outcome.evidence.fetched_at;
    if (!outcome.ok) {
      channel.evidence.check = `not checked: ${outcome.error.message}`;
      if (outcome.error.reason === 'blocked_address' || outcome.error.reason === 'dns_failed') channel.status = 'not_live';
      return;
    }
    const status = outcome.response.status;
    channel.evidence.check = `HTTP ${status} from ${outcome.response.url}`;
    if (channel.evidence.url === channel.value) channel.evidence.http_status = status;
    else channel.evidence.check_status = status;
    if (status === 404 || status === 410) channel.status = 'not_live';
    else if (status >= 200 && status < 300 && channel.status === 'unchecked') channel.status = 'live';
  }
}

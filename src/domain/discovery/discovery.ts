import type { Evidence } from '../vendors/vendor.js';
import type { ChannelFlag } from './channel-flags.js';
import type { DiscoveryNet } from './discovery-fetcher.js';
import type { KnownSources } from './known-sources.js';
import type { MailDomainVerdict } from './mail-domain.js';

/** Where a channel was found; also the order results are given in (docs/vendors.md, "Discovery order"). */
export const CHANNEL_SOURCES = ['directory', 'security_txt', 'security_md', 'private_reporting', 'registry', 'coordinator'] as const;
export type ChannelSource = (typeof CHANNEL_SOURCES)[number];

export type ChannelKind = 'email' | 'web_form' | 'private_reporting' | 'phone' | 'other';

/**
 * live: checked and answering; not_live: checked and dead (404 page, domain without mail);
 * unchecked: not checkable (or the check was inconclusive); stale: from an expired security.txt;
 * bounced: mail to it came back (recorded in the directory).
 */
export type ChannelStatus = 'live' | 'not_live' | 'unchecked' | 'stale' | 'bounced';

export interface Channel {
  kind: ChannelKind;
  value: string;
  source: ChannelSource;
  status: ChannelStatus;
  /** False for flagged and dead channels: they are listed in `rejected`, not offered. */
  usable: boolean;
  flags: (ChannelFlag | 'canonical_mismatch' | 'signature_invalid' | 'expired')[];
  vendor?: { id: string; name: string };
  note?: string;
  evidence: Evidence;
}

export interface DiscoveryResult {
  target: string;
  vendor: { id: string; name: string } | null;
  /** Usable channels, in discovery order. */
  channels: Channel[];
  /** Flagged (bounty platform, public tracker, lying security.txt) and dead channels, with why. */
  rejected: Channel[];
  /** The channel to use: the best usable one (live before unchecked before stale; coordinators last). */
  recommended: Channel | null;
  warnings: string[];
  timed_out: boolean;
  started_at: string;
  finished_at: string;
}

/** A vendor as discovery needs it from the directory. */
export interface DirectoryVendor {
  id: string;
  name: string;
  kind: string;
  country: string | null;
  domains: string[];
  repositories: string[];
  preferredContactId: string | null;
  contacts: { id: string; kind: string; value: string; status: string; evidence: Evidence | null; updatedAt: string }[];
  /** Armoured public keys a signed security.txt of theirs must verify against. */
  keys: string[];
}

export interface DirectoryHints {
  hosts: string[];
  repositories: string[];
  purl: { type: string; namespace: string | null; name: string } | null;
}

/** The directory, as discovery reads it (from the database, or empty for a bare CLI run). */
export interface Directory {
  findVendor(hints: DirectoryHints): Promise<DirectoryVendor | null>;
  coordinators(): Promise<DirectoryVendor[]>;
}

export const EMPTY_DIRECTORY: Directory = { findVendor: async () => null, coordinators: async () => [] };

export interface DiscoveryDeps {
  net: DiscoveryNet;
  sources: KnownSources;
  /** Mail-domain check; null: addresses are left `unchecked`. */
  checkMail: ((domain: string) => Promise<MailDomainVerdict>) | null;
  directory: Directory;
  now: () => Date;
  /** The whole discovery of one target; what is found until then is kept. */
  targetTimeoutMs: number;
  /** Shared by the targets of one run so a mail domain or page is checked once. */
  cache?: Map<string, Promise<unknown>>;
}

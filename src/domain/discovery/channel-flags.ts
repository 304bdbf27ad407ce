import { forgeHosts, type KnownSources } from './known-sources.js';

/**
 * Channels the organisation's outbound policy does not use: bounty platforms (no bounty
 * participation) and public issue trackers (never report a vulnerability in public). They are
 * shown, flagged, so staff see why they were passed over.
 */
export type ChannelFlag = 'bounty_platform' | 'public_tracker' | 'insecure_http' | 'no_reply_address';

const BOUNTY_DOMAINS = ['hackerone.com', 'wearehackerone.com', 'bugcrowd.com', 'bugcrowdninja.com', 'intigriti.com', 'intigriti.io', 'yeswehack.com', 'yeswehack.io', 'yogosha.com', 'synack.com', 'openbugbounty.org', 'huntr.com', 'huntr.dev', 'immunefi.com', 'hackenproof.com', 'zerocopter.com', 'federacy.com', 'cobalt.io'];

const matchesDomain = (host: string, domains: readonly string[]) => domains.some((d) => host === d || host.endsWith(`.${d}`));

export function isBountyHost(host: string): boolean {
  return matchesDomain(host.toLowerCase().replace(/:\d+$/, ''), BOUNTY_DOMAINS);
}

/** An issue tracker anyone can read: a forge's issues, Bugzilla, Jira, Launchpad, `bugs.` / `issues.` hosts. */
export function isPublicTracker(url: URL, sources: KnownSources): boolean {
  const host = url.hostname.toLowerCase();
  const path = url.pathname.toLowerCase();
  if (forgeHosts(sources).has(url.host.toLowerCase()) || forgeHosts(sources).has(host)) {
    return /^\/[^/]+\/[^/]+\/(-\/)?issues(\/|$)/.test(path) || /^\/.+\/-\/issues(\/|$)/.test(path);
  }
  if (/^(bugs|issues|bugzilla|tracker|jira)\./.test(host)) return true;
  if (host === 'launchpad.net' || host.endsWith('.launchpad.net')) return /\/\+bugs|^\/bugs/.test(path) || host.startsWith('bugs.');
  if (host.endsWith('.atlassian.net')) return /^\/(browse|jira)\//.test(path);
  if (host === 'sourceforge.net') return /\/(tickets|bugs)\//.test(path);
  return /\/(show_bug\.cgi|bugzilla\/)/.test(path);
}

/** Why a web URL is not used as a channel, or null when it may be. `allowHttp`: plain http is tolerated (loopback demos). */
export function flagForUrl(url: URL, sources: KnownSources, allowHttp: boolean): ChannelFlag | null {
  if (isBountyHost(url.hostname)) return 'bounty_platform';
  if (isPublicTracker(url, sources)) return 'public_tracker';
  if (url.protocol === 'http:' && !allowHttp) return 'insecure_http';
  return null;
}

/** Why an address is not used: a bounty platform's mailbox, or a forge's no-reply address. */
export function flagForEmail(address: string): ChannelFlag | null {
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  if (matchesDomain(domain, BOUNTY_DOMAINS)) return 'bounty_platform';
  if (matchesDomain(domain, ['users.noreply.github.com', 'noreply.github.com']) || /^(no-?reply|do-?not-?reply)@/.test(address)) return 'no_reply_address';
  return null;
}

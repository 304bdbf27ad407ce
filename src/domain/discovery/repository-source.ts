import { fetchWithEvidence } from './discovery-fetcher.js';
import type { DiscoveryRun } from './discovery-run.js';
import { privateReportingUrl, securityFileUrls, type ForgeRepository } from './known-sources.js';

export const isPrivateReportingPath = (path: string) => /^\/[^/]+\/[^/]+\/security\/advisories\/new\/?$/.test(path);

/** Phrases with which a SECURITY.md sends reporters to GitHub's private vulnerability reporting. */
const PRIVATE_REPORTING_PHRASE = /private(ly)?\s+(vulnerability\s+)?report(ing)?|report\s+a\s+vulnerability[^\n]{0,80}(security\s+tab|advisor)|security\/advisories\/new|github\s+security\s+advisor/i;
/** A mail address anywhere in a text (a file's line, a registry field). */
export const EMAIL = /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}/g;
const LINK = /\bhttps?:\/\/[^\s<>()"'`\]]+/g;
/** A link counts as a reporting channel only on a line that speaks of reporting. */
const REPORTING_LINE = /report|vulnerab|disclos|contact|submit|form|advisor|bounty|issue/i;
const MAX_SECURITY_FILE = 256 * 1024;
const MAX_FROM_FILE = 30;

/**
 * A repository's SECURITY.md (the first of SECURITY_FILE_PATHS found): its mail addresses, its
 * reporting links, and whether it points to private vulnerability reporting; then, on GitHub, the
 * private-reporting page itself, whose HTTP status tells whether it is switched on.
 */
export async function discoverRepository(run: DiscoveryRun, repository: ForgeRepository): Promise<void> {
  const { net, now, sources } = run.deps;
  const pvr = privateReportingUrl(repository, sources);
  let pointsToPvr = false;
  for (const url of securityFileUrls(repository, sources)) {
    if (run.timedOut) return;
    const outcome = await fetchWithEvidence(net, url, run.signal, now, { maxBytes: MAX_SECURITY_FILE, accept: 'text/plain, text/markdown, */*;q=0.1' });
    if (!outcome.ok) {
      if (outcome.error.reason !== 'aborted') run.warn(`${url}: ${outcome.error.message}`);
      break;
    }
    if (outcome.response.status === 404) continue;
    if (outcome.response.status !== 200) {
      run.warn(`${url} answered HTTP ${outcome.response.status}`);
      continue;
    }
    const text = outcome.response.body.toString('utf8');
    const lines = text.split(/\r?\n/);
    // A hostile file cannot make discovery check hundreds of pages and domains.
    let found = 0;
    for (const [index, line] of lines.entries()) {
      if (found >= MAX_FROM_FILE) {
        run.warn(`${url}: only the first ${MAX_FROM_FILE} addresses and links were used`);
        break;
      }
      const excerpt = `line ${index + 1}: ${line.trim()}`.slice(0, 300);
      for (const address of (line.match(EMAIL) ?? []).slice(0, 5)) {
        found += 1;
        run.add({ kind: 'email', value: address, source: 'security_md', evidence: { ...outcome.evidence, excerpt } });
      }
      if (!REPORTING_LINE.test(line)) continue;
      for (const raw of line.match(LINK) ?? []) {
        let link: URL;
        try {
          link = new URL(raw.replace(/[.,;:!?*_]+$/, ''));
        } catch {
          continue;
        }
        if (/\.(png|svg|jpe?g|gif)$/i.test(link.pathname) || link.hostname === 'img.shields.io') continue;
        found += 1;
        run.add({ kind: isPrivateReportingPath(link.pathname) ? 'private_reporting' : 'web_form', value: link.href, source: 'security_md', evidence: { ...outcome.evidence, excerpt } });
      }
    }
    const phrase = PRIVATE_REPORTING_PHRASE.exec(text);
    if (phrase && pvr) {
      pointsToPvr = true;
      const line = text.slice(0, phrase.index).split(/\r?\n/).length;
      run.add({ kind: 'private_reporting', value: pvr, source: 'security_md', note: 'SECURITY.md asks for private vulnerability reporting', evidence: { ...outcome.evidence, excerpt: `line ${line}: ${lines[line - 1]?.trim() ?? ''}`.slice(0, 300) } });
    }
    break;
  }
  if (pvr && !pointsToPvr && !run.timedOut) {
    run.add({ kind: 'private_reporting', value: pvr, source: 'private_reporting', evidence: { url: pvr, fetched_at: now().toISOString() } });
  }
}

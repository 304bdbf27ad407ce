import { fetchSecurityTxt, type FetchedSecurityTxt } from '../securitytxt/securitytxt.fetch.js';
import { SafeFetchError } from '../../net/safe-fetch.js';
import type { Channel } from './discovery.js';
import type { DiscoveryRun } from './discovery-run.js';
import { isPrivateReportingPath } from './repository-source.js';

/** security.txt errors that mean the file lies about where it belongs or who signed it: its contacts are not used. */
const LYING: Record<string, Channel['flags'][number]> = { no_canonical_match: 'canonical_mismatch', signature_invalid: 'signature_invalid', signed_format_issue: 'signature_invalid' };
const EXPIRY = new Set(['expired', 'no_expire', 'invalid_expiry']);

/**
 * Reads the security.txt of `authority` (host[:port]) with the shared fetcher and strict parser
 * (RFC 9116: /.well-known/security.txt, then /security.txt), checks its signature against the
 * vendor's keys when it is signed and keys are known, and turns each `Contact` into a channel.
 */
export async function discoverSecurityTxt(run: DiscoveryRun, authority: string): Promise<void> {
  const { net, now } = run.deps;
  const keys = run.vendor?.keys ?? [];
  let fetched: FetchedSecurityTxt;
  const fetchedAt = now().toISOString();
  try {
    const options = net.options(run.signal);
    fetched = await net.limited(() =>
      fetchSecurityTxt(authority, {
        connectTimeoutMs: options.connectTimeoutMs!,
        timeoutMs: options.timeoutMs!,
        maxRedirects: options.maxRedirects!,
        signal: run.signal,
        addressPolicy: options.addressPolicy!,
        privateAddressesSetting: options.privateAddressesSetting!,
        allowPlainHttp: options.allowPlainHttp!,
        tryHttp: net.allowHttp,
        now: now(),
        verificationKeys: keys,
        ...(options.resolve ? { resolve: options.resolve } : {}),
        ...(options.ca ? { ca: options.ca } : {}),
      }),
    );
  } catch (error) {
    if (error instanceof SafeFetchError && error.reason === 'aborted') return;
    run.warn(`security.txt on ${authority}: ${(error as Error).message}`);
    return;
  }
  if (!fetched.parsed || !fetched.url) {
    const tried = fetched.attempts.map((a) => `${a.url} → ${a.status ?? (a.error ?? '').split('\n')[0]!.slice(0, 160)}`).join('; ');
    run.warn(`no security.txt on ${authority} (${tried.slice(0, 1000)})`);
    return;
  }
  const codes = new Set(fetched.errors.map((e) => e.code));
  const flags = [...new Set([...codes].filter((c) => LYING[c]).map((c) => LYING[c]!))];
  const stale = [...codes].some((c) => EXPIRY.has(c));
  const signature = !fetched.parsed.signature ? 'unsigned' : keys.length === 0 ? 'not checked: no key of the vendor is known' : codes.has('signature_invalid') || codes.has('signed_format_issue') ? 'invalid' : 'verified';
  for (const error of fetched.errors) {
    if (LYING[error.code]) run.warn(`security.txt at ${fetched.url} is not trusted (${error.code}): ${error.message}`);
    else if (EXPIRY.has(error.code)) run.warn(`security.txt at ${fetched.url} is stale (${error.code}): ${error.message} Its contacts are offered only as a fallback.`);
  }
  if (fetched.parsed.signature && keys.length === 0) run.warn(`security.txt at ${fetched.url} is signed, but no key of the vendor is known: the signature was not checked`);
  const others = fetched.errors.filter((e) => !LYING[e.code] && !EXPIRY.has(e.code)).length;
  const encryption = fetched.parsed.fields.filter((f) => f.name === 'encryption').map((f) => f.value);
  const contacts = fetched.parsed.fields.filter((f) => f.name === 'contact');
  if (contacts.length === 0) run.warn(`security.txt at ${fetched.url} names no Contact`);
  for (const field of contacts.slice(0, 20)) {
    const evidence = {
      url: fetched.url,
      ...(fetched.finalUrl && fetched.finalUrl !== fetched.url ? { final_url: fetched.finalUrl } : {}),
      fetched_at: fetchedAt,
      http_status: 200,
      ...(fetched.sha256 ? { sha256: fetched.sha256 } : {}),
      excerpt: `line ${field.line}: ${field.rawName}: ${field.value}`.slice(0, 300),
      signature,
      ...(others > 0 ? { other_errors: others } : {}),
      ...(encryption.length ? { encryption: encryption.slice(0, 3) } : {}),
    };
    const base = { source: 'security_txt' as const, evidence, flags, ...(stale ? { status: 'stale' as const } : {}) };
    for (const candidate of contactCandidates(field.value, run)) run.add({ ...base, ...candidate, flags: [...flags, ...(stale ? (['expired'] as const) : [])] });
  }
}

/** A `Contact` value as channels: every address of a mailto:, a tel:, or a web page (a forge's private-reporting page recognised). */
function contactCandidates(value: string, run: DiscoveryRun): { kind: Channel['kind']; value: string }[] {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]?.toLowerCase();
  if (scheme === 'mailto') {
    // Header fields after `?` (cc=, bcc=, body=) are dropped; a bad %-escape or a control character drops that address only.
    return value
      .slice(7)
      .split('?')[0]!
      .split(',')
      .map((a) => {
        try {
          return decodeURIComponent(a.trim());
        } catch {
          run.warn(`security.txt Contact "${value.slice(0, 100)}" has a bad %-escape`);
          return '';
        }
      })
      .filter((a) => /^[^\s@<>(),;:"[\]\0-\x1f\x7f]+@[^\s@<>(),;:"[\]\0-\x1f\x7f]+\.[^\s@<>(),;:"[\]\0-\x1f\x7f]+$/.test(a))
      .map((address) => ({ kind: 'email' as const, value: address }));
  }
  if (scheme === 'tel') return [{ kind: 'phone', value: value.slice(4) }];
  if (scheme === 'https' || scheme === 'http') {
    try {
      const url = new URL(value);
      return [{ kind: isPrivateReportingPath(url.pathname) ? 'private_reporting' : 'web_form', value: url.href }];
    } catch {
      run.warn(`security.txt Contact "${value.slice(0, 100)}" is not a valid URL`);
      return [];
    }
  }
  run.warn(`security.txt Contact "${value.slice(0, 100)}" is not a mailto:, tel: or https: URI`);
  return [];
}

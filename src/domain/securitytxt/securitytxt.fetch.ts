import crypto from 'node:crypto';
import { invalid } from '../../shared/errors.js';
import { safeFetch, SafeFetchError, type SafeFetchOptions, type SafeFetchResponse } from '../../net/safe-fetch.js';
import { parseSecurityTxt, type ParsedSecurityTxt } from './securitytxt.parser.js';
import { IssueCollector, SECURITY_TXT_MAX_BYTES, type SecurityTxtErrorCode, type SecurityTxtIssue, type SecurityTxtReport } from './securitytxt.js';
import { collectSecurityTxtIssues, type SecurityTxtCheckOptions } from './securitytxt.validator.js';

export interface FetchSecurityTxtOptions
  extends Pick<SafeFetchOptions, 'allowPrivateAddresses' | 'addressPolicy' | 'privateAddressesSetting' | 'allowPlainHttp' | 'ca' | 'connectTimeoutMs' | 'timeoutMs' | 'maxRedirects' | 'resolve' | 'signal' | 'userAgent'>,
    Pick<SecurityTxtCheckOptions, 'now' | 'verificationKeys' | 'notifyUnknownFields'> {
  /** Read at most this many bytes of a file; default 32 KiB (`size_exceeded` past it). */
  maxBytes?: number;
  /** When https finds nothing, try plain http too (found there: `invalid_uri_scheme`); default true. */
  tryHttp?: boolean;
}

/** What one URL tried came to: an HTTP status, or why there was none. */
export interface FetchAttempt {
  url: string;
  status: number | null;
  error: string | null;
}

export interface FetchedSecurityTxt extends SecurityTxtReport {
  /** Where the file was found (the first URL of its redirect chain), null when it was not. */
  url: string | null;
  /** Where the redirects ended. */
  finalUrl: string | null;
  /** Every URL of the redirect chain that served the file. */
  redirects: string[];
  contentType: string | null;
  /** The file read (for evidence and for its fields), null when none was found. */
  parsed: ParsedSecurityTxt | null;
  /** Every URL tried, in order, and what came of it. */
  attempts: FetchAttempt[];
  /** SHA-256 (hex) of the bytes read, as evidence of what the file said; null when none was found. */
  sha256: string | null;
}

const PATHS = ['/.well-known/security.txt', '/security.txt'] as const;

/** `example.org`, `example.org:8443` or any URL on the host → the host and port to look at. */
function authorityOf(domainOrUrl: string): { host: string; port: string } {
  const text = domainOrUrl.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    throw invalid('/url', `"${text.slice(0, 200)}" is neither a domain name nor an http(s) URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('/url', `only http and https can be checked, not ${url.protocol}`);
  if (!url.hostname) throw invalid('/url', `"${text.slice(0, 200)}" names no host`);
  return { host: url.hostname, port: url.port };
}

/** RFC 9116 section 3: `text/plain` with, if any, `charset=utf-8`. */
function contentTypeIssues(contentType: string | undefined): SecurityTxtIssue<SecurityTxtErrorCode>[] {
  if (contentType === undefined || contentType.trim() === '') return [{ code: 'no_content_type', line: null, message: 'The response has no Content-Type header; it must be "text/plain; charset=utf-8".' }];
  const [mediaType = '', ...params] = contentType.split(';');
  const issues: SecurityTxtIssue<SecurityTxtErrorCode>[] = [];
  if (mediaType.trim().toLowerCase() !== 'text/plain') issues.push({ code: 'invalid_media', line: null, message: `The media type is "${mediaType.trim().slice(0, 80)}"; it must be "text/plain".` });
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    const charset = param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1').toLowerCase();
    if (charset !== 'utf-8' && charset !== 'csutf8') issues.push({ code: 'invalid_charset', line: null, message: `The charset is "${charset.slice(0, 40)}"; it must be "utf-8" if given.` });
  }
  return issues;
}

/**
 * Finds and checks the security.txt of a site, as RFC 9116 section 3 places it: `https://host/.well-known/security.txt`,
 * then the legacy `/security.txt` (`location`), then the same over plain http (`invalid_uri_scheme`). A bad
 * certificate is reported (`invalid_cert`) and the file read anyway, so its content is still judged.
 * Nothing found: `no_security_txt`. Every request goes through `safeFetch`: a host that resolves to
 * a non-public address is refused with a thrown `SafeFetchError` (reason `blocked_address`), not reported.
 */
export async function fetchSecurityTxt(domainOrUrl: string, options: FetchSecurityTxtOptions = {}): Promise<FetchedSecurityTxt> {
  const { host, port } = authorityOf(domainOrUrl);
  const maxBytes = options.maxBytes ?? SECURITY_TXT_MAX_BYTES;
  const fetchOptions: SafeFetchOptions = {
    ...(options.allowPrivateAddresses !== undefined ? { allowPrivateAddresses: options.allowPrivateAddresses } : {}),
    ...(options.addressPolicy !== undefined ? { addressPolicy: options.addressPolicy } : {}),
    ...(options.privateAddressesSetting !== undefined ? { privateAddressesSetting: options.privateAddressesSetting } : {}),
    ...(options.allowPlainHttp !== undefined ? { allowPlainHttp: options.allowPlainHttp } : {}),
    ...(options.ca !== undefined ? { ca: options.ca } : {}),
    ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.maxRedirects !== undefined ? { maxRedirects: options.maxRedirects } : {}),
    ...(options.resolve !== undefined ? { resolve: options.resolve } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    ...(options.userAgent !== undefined ? { userAgent: options.userAgent } : {}),
    // One byte over the limit, so the parser sees the file is too large.
    maxBytes: maxBytes + 1,
  };
  const issues = new IssueCollector();
  const attempts: FetchAttempt[] = [];
  const authority = `${host}${port ? `:${port}` : ''}`;
  const schemes = options.tryHttp === false ? ['https'] : ['https', 'http'];

  for (const scheme of schemes) {
    for (const path of PATHS) {
      const url = `${scheme}://${authority}${path}`;
      let response: SafeFetchResponse;
      try {
        response = await safeFetch(url, fetchOptions);
      } catch (error) {
        if (!(error instanceof SafeFetchError) || error.reason === 'blocked_address' || error.reason === 'aborted') throw error;
        if (error.reason !== 'certificate') {
          attempts.push({ url, status: null, error: error.message });
          continue;
        }
        if (!issues.has('invalid_cert')) issues.add('invalid_cert', null, `security.txt must be served with a valid TLS certificate: ${error.message}`);
        try {
          response = await safeFetch(url, { ...fetchOptions, rejectUnauthorized: false });
        } catch (retryError) {
          if (retryError instanceof SafeFetchError && retryError.reason === 'blocked_address') throw retryError;
          attempts.push({ url, status: null, error: (retryError as Error).message });
          continue;
        }
      }
      attempts.push({ url, status: response.status, error: null });
      // A redirect must still end at a security.txt (sectxt's rule): a site that sends every unknown path to its home page has none.
      if (response.status !== 200 || !new URL(response.url).pathname.endsWith(path)) continue;

      if (scheme === 'http') issues.add('invalid_uri_scheme', null, 'security.txt was found only over plain http; it must be served over https.');
      if (path !== PATHS[0]) issues.add('location', null, 'security.txt was found at the legacy top-level path; it must be placed under "/.well-known/".');
      issues.addAll(contentTypeIssues(response.headers['content-type']));
      const parsed = parseSecurityTxt(response.body, { maxBytes });
      const chain = response.redirects.length > 1 ? [response.redirects[0]!, response.url] : [response.url];
      await collectSecurityTxtIssues(
        parsed,
        {
          url: chain,
          ...(options.now ? { now: options.now } : {}),
          ...(options.verificationKeys !== undefined ? { verificationKeys: options.verificationKeys } : {}),
          ...(options.notifyUnknownFields !== undefined ? { notifyUnknownFields: options.notifyUnknownFields } : {}),
        },
        issues,
      );
      return {
        ...issues.report(),
        url: response.redirects[0]!,
        finalUrl: response.url,
        redirects: response.redirects,
        contentType: response.headers['content-type'] ?? null,
        parsed,
        attempts,
        sha256: crypto.createHash('sha256').update(response.body).digest('hex'),
      };
    }
  }
  issues.add('no_security_txt', null, `No security.txt was found on ${authority} (tried ${attempts.map((a) => a.url).join(', ')}).`);
  return { ...issues.report(), url: null, finalUrl: null, redirects: [], contentType: null, parsed: null, attempts, sha256: null };
}

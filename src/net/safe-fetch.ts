import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { blockedAddressReason } from './address-ranges.js';

/**
 * HTTP(S) for URLs that come from outside (security.txt, vendor discovery, webhooks): it refuses
 * to reach private, loopback, link-local, multicast and reserved addresses, on every hop of a
 * redirect chain; it connects to exactly the address it checked (the resolved address is pinned
 * through the socket's `lookup`, so a DNS answer that changes between check and connect cannot
 * redirect it); it refuses https → http redirects, bounds redirects, time and bytes. Webhook
 * POSTs go through it too (`postWebhook`, src/domain/webhooks/webhook-http.ts).
 */

export type SafeFetchFailure =
  | 'invalid_url'
  | 'unsupported_scheme'
  | 'blocked_address'
  | 'dns_failed'
  | 'connect_timeout'
  | 'timeout'
  | 'too_many_redirects'
  | 'insecure_redirect'
  | 'certificate'
  | 'tls'
  | 'network'
  | 'aborted';

export class SafeFetchError extends Error {
  constructor(
    readonly reason: SafeFetchFailure,
    message: string,
    readonly url: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SafeFetchError';
  }
}

export interface ResolvedAddress {
  address: string;
  /** 4 or 6. */
  family: number;
}

/** Resolves a host name to its addresses; the default asks the system resolver (getaddrinfo). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface SafeFetchOptions {
  method?: 'GET' | 'HEAD' | 'POST';
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** The request body (its content-length is set); a followed redirect sends it again. */
  body?: string | Buffer;
  /** Redirects followed at most; default 5. 0: none is followed, a 3xx (with its body) is the answer. */
  maxRedirects?: number;
  /** Per hop, from the request to an established (TLS) connection; default 5 s. */
  connectTimeoutMs?: number;
  /** The whole fetch, redirects and body included; default 15 s. */
  timeoutMs?: number;
  /** Body bytes kept; more makes `truncated` true and closes the connection. Default 1 MiB. */
  maxBytes?: number;
  /** A body the server breaks off is returned as far as it came, instead of failing with `network`. */
  acceptIncompleteBody?: boolean;
  /** Reach private, loopback and other non-public addresses too. For tests and closed networks only. */
  allowPrivateAddresses?: boolean;
  /** The switch a `blocked_address` refusal names as the one that permits it; default `allowPrivateAddresses`. */
  privateAddressesSetting?: string;
  /** Why an address must not be reached, or null when it may; default `blockedAddressReason` (public unicast only). */
  addressPolicy?: (address: string) => string | null;
  /** When given, plain http is used only to addresses it accepts (every hop; `unsupported_scheme` otherwise); default: http to any address allowed. */
  allowPlainHttp?: (address: string) => boolean;
  /** Certificate authorities to trust instead of the built-in ones (PEM). */
  ca?: string | Buffer | (string | Buffer)[];
  /** Verify the server's certificate; default true. False only to read a page despite a bad certificate. */
  rejectUnauthorized?: boolean;
  resolve?: Resolver;
  signal?: AbortSignal;
  userAgent?: string;
}

export interface SafeFetchResponse {
  /** The URL of the final response. */
  url: string;
  /** Every URL requested, in order: the first is the one asked for, the last is `url`. */
  redirects: string[];
  status: number;
  /** Lower-case header names; repeated headers joined by ", ". */
  headers: Record<string, string>;
  body: Buffer;
  /** The body was longer than `maxBytes`; `body` holds its first `maxBytes`. */
  truncated: boolean;
  /** The IP address the final response came from. */
  address: string;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const CERTIFICATE_ERRORS = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_REJECTED',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_CHAIN_TOO_LONG',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export const systemResolver: Resolver = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/** `[::1]` → `::1`: URL keeps IPv6 literals in brackets. */
export const bareHost = (hostname: string) => hostname.replace(/^\[|\]$/g, '');

/** Resolves the URL's host and checks every address; refuses the host if any address is not public. */
async function resolveChecked(url: URL, options: SafeFetchOptions): Promise<ResolvedAddress[]> {
  const host = bareHost(url.hostname);
  const literal = net.isIP(host);
  let addresses: ResolvedAddress[];
  if (literal) addresses = [{ address: host, family: literal }];
  else {
    try {
      addresses = await (options.resolve ?? systemResolver)(host);
    } catch (error) {
      throw new SafeFetchError('dns_failed', `cannot resolve ${host}: ${(error as Error).message}`, url.href, { cause: error });
    }
    if (addresses.length === 0) throw new SafeFetchError('dns_failed', `${host} has no address`, url.href);
  }
  if (!options.allowPrivateAddresses) {
    for (const { address } of addresses) {
      const reason = (options.addressPolicy ?? blockedAddressReason)(address);
      if (reason !== null) {
        throw new SafeFetchError(
          'blocked_address',
          `refusing to connect to ${host}${literal ? '' : ` (${address})`}: a ${reason} address, not a public one (${options.privateAddressesSetting ?? 'allowPrivateAddresses'} permits it)`,
          url.href,
        );
      }
    }
  }
  return addresses;
}

/** A `lookup` for the socket that answers only with the addresses already checked: the connection is pinned to them. */
function pinnedLookup(addresses: ResolvedAddress[]): net.LookupFunction {
  return (_hostname, options, callback) => {
    const family = typeof options === 'object' && options && 'family' in options ? Number(options.family) : 0;
    const usable = family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses;
    const chosen = usable.length > 0 ? usable : addresses;
    if (typeof options === 'object' && options && 'all' in options && options.all) {
      (callback as (error: null, addresses: dns.LookupAddress[]) => void)(null, chosen);
    } else (callback as (error: null, address: string, family: number) => void)(null, chosen[0]!.address, chosen[0]!.family);
  };
}

function classify(error: NodeJS.ErrnoException, url: URL): SafeFetchError {
  if (error instanceof SafeFetchError) return error;
  const code = error.code ?? '';
  if (CERTIFICATE_ERRORS.has(code)) return new SafeFetchError('certificate', `the TLS certificate of ${url.host} is not valid: ${error.message}`, url.href, { cause: error });
  if (code.startsWith('ERR_SSL') || code === 'EPROTO' || code.startsWith('ERR_TLS')) {
    return new SafeFetchError('tls', `TLS with ${url.host} failed: ${error.message}`, url.href, { cause: error });
  }
  return new SafeFetchError('network', `cannot reach ${url.host}: ${error.message}`, url.href, { cause: error });
}

interface Hop {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  truncated: boolean;
  address: string;
}

function request(url: URL, addresses: ResolvedAddress[], options: SafeFetchOptions, signal: AbortSignal): Promise<Hop> {
  return new Promise<Hop>((resolve, reject) => {
    const isHttps = url.protocol === 'https:';
    const host = bareHost(url.hostname);
    const maxBytes = options.maxBytes ?? 1024 * 1024;
    let settled = false;
    const fail = (error: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      reject(signal.aborted && signal.reason instanceof SafeFetchError ? signal.reason : classify(error, url));
    };
    const requestOptions: https.RequestOptions = {
      protocol: url.protocol,
      hostname: host,
      port: url.port || (isHttps ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      method: options.method ?? 'GET',
      headers: {
        host: url.host,
        'user-agent': options.userAgent ?? 'cvdesk',
        accept: 'text/plain, */*;q=0.1',
        'accept-encoding': 'identity',
        connection: 'close',
        ...(options.body !== undefined ? { 'content-length': Buffer.byteLength(options.body) } : {}),
        ...options.headers,
      },
      agent: false,
      lookup: pinnedLookup(addresses),
      signal,
      ...(isHttps
        ? { rejectUnauthorized: options.rejectUnauthorized ?? true, ...(options.ca ? { ca: options.ca } : {}), ...(net.isIP(host) ? {} : { servername: host }) }
        : {}),
    };
    const req = (isHttps ? https : http).request(requestOptions);
    const connectTimer = setTimeout(() => {
      req.destroy(new SafeFetchError('connect_timeout', `no connection to ${url.host} within ${options.connectTimeoutMs ?? 5000} ms`, url.href));
    }, options.connectTimeoutMs ?? 5000);
    req.once('socket', (socket) => {
      socket.once(isHttps ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
    });
    req.once('error', fail);
    req.once('response', (res) => {
      clearTimeout(connectTimer);
      const address = res.socket?.remoteAddress ?? '';
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(res.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      const finish = () => {
        if (settled) return;
        settled = true;
        resolve({ status, headers, body: Buffer.concat(chunks, size), truncated, address });
      };
      if (options.maxRedirects !== 0 && REDIRECT_STATUSES.has(status) && headers.location) {
        res.destroy();
        finish();
        return;
      }
      res.on('data', (chunk: Buffer) => {
        if (truncated) return;
        const room = maxBytes - size;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room));
          size += room;
          truncated = true;
          finish();
          res.destroy();
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      const broken: (error: NodeJS.ErrnoException) => void = options.acceptIncompleteBody ? finish : fail;
      res.once('end', finish);
      res.once('error', broken);
      res.once('close', () => {
        if (!res.complete && !truncated) broken(Object.assign(new Error('the connection closed before the whole response arrived'), { code: 'ECONNRESET' }));
      });
    });
    req.end(options.body);
  });
}

/** Requests `input` safely (see the module comment). Throws `SafeFetchError` naming the reason; any HTTP status is a response. */
export async function safeFetch(input: string | URL, options: SafeFetchOptions = {}): Promise<SafeFetchResponse> {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new SafeFetchError('invalid_url', `not a URL: ${String(input).slice(0, 200)}`, String(input));
  }
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxRedirects = options.maxRedirects ?? 5;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new SafeFetchError('timeout', `no complete answer within ${timeoutMs} ms`, url.href)), timeoutMs);
  const onAbort = () => controller.abort(new SafeFetchError('aborted', 'the fetch was cancelled', url.href));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
  });
  aborted.catch(() => undefined);

  try {
    const redirects: string[] = [];
    for (;;) {
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new SafeFetchError('unsupported_scheme', `only http and https URLs can be fetched, not ${url.protocol}`, url.href);
      redirects.push(url.href);
      const addresses = await Promise.race([resolveChecked(url, options), aborted]);
      if (url.protocol === 'http:' && options.allowPlainHttp && !addresses.every((a) => options.allowPlainHttp!(a.address))) {
        throw new SafeFetchError('unsupported_scheme', `refusing plain http to ${url.host}: only https is used here`, url.href);
      }
      const hop = await Promise.race([request(url, addresses, options, controller.signal), aborted]);
      if (maxRedirects !== 0 && REDIRECT_STATUSES.has(hop.status) && hop.headers.location) {
        if (redirects.length > maxRedirects) throw new SafeFetchError('too_many_redirects', `more than ${maxRedirects} redirects, starting at ${redirects[0]}`, url.href);
        let next: URL;
        try {
          next = new URL(hop.headers.location, url);
        } catch {
          throw new SafeFetchError('invalid_url', `${url.href} redirects to an invalid URL: ${hop.headers.location.slice(0, 200)}`, url.href);
        }
        // A redirect back to a URL already asked for will never end: stop now instead of after maxRedirects hops.
        if (redirects.includes(next.href)) throw new SafeFetchError('too_many_redirects', `${url.href} redirects in a loop (back to ${next.href})`, url.href);
        if (url.protocol === 'https:' && next.protocol === 'http:') {
          throw new SafeFetchError('insecure_redirect', `${url.href} redirects from https to plain http (${next.href}); refused`, url.href);
        }
        url = next;
        continue;
      }
      return { url: url.href, redirects, ...hop };
    }
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { blockedAddressReason } from '../../net/address-ranges.js';

/**
 * The POST that delivers a webhook. `src/net/safe-fetch.ts` only GETs (and follows redirects), so
 * this is its sibling for one signed POST, with the same address policy (`blockedAddressReason`):
 * the host is resolved first, every address must be public unless `allowPrivateAddresses`, and the
 * socket connects to exactly the checked address (pinned through `lookup`, so a DNS answer that
 * changes between check and connect cannot redirect it). Redirects are never followed (a 3xx is
 * just a status), the whole exchange has a deadline, and at most `maxBytes` of the answer are read.
 */

export type WebhookHttpFailure = 'invalid_url' | 'unsupported_scheme' | 'blocked_address' | 'dns_failed' | 'timeout' | 'certificate' | 'network';

export class WebhookHttpError extends Error {
  constructor(
    readonly reason: WebhookHttpFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WebhookHttpError';
  }
}

export interface WebhookHttpOptions {
  timeoutMs: number;
  maxBytes: number;
  /** Plain http and non-public addresses too (WEBHOOK_ALLOW_PRIVATE: tests, closed networks). */
  allowPrivateAddresses: boolean;
  resolve?: (hostname: string) => Promise<{ address: string; family: number }[]>;
}

export interface WebhookHttpResponse {
  status: number;
  /** The first `maxBytes` of the body. */
  body: Buffer;
  truncated: boolean;
  address: string;
}

const bareHost = (hostname: string) => hostname.replace(/^\[|\]$/g, '');

/** Why `url` may not be a webhook endpoint (scheme, credentials, a non-public IP literal), or null. */
export function webhookUrlProblem(raw: string, allowPrivateAddresses: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'https:' && !(allowPrivateAddresses && url.protocol === 'http:')) return 'must be an https:// URL';
  if (url.username || url.password) return 'must not carry a user name or password';
  const host = bareHost(url.hostname);
  if (!allowPrivateAddresses && net.isIP(host)) {
    const reason = blockedAddressReason(host);
    if (reason !== null) return `points at a ${reason} address; only public addresses may receive webhooks`;
  }
  return null;
}

async function resolveChecked(url: URL, options: WebhookHttpOptions): Promise<{ address: string; family: number }[]> {
  const host = bareHost(url.hostname);
  const literal = net.isIP(host);
  let addresses: { address: string; family: number }[];
  if (literal) addresses = [{ address: host, family: literal }];
  else {
    try {
      addresses = await (options.resolve ?? ((name: string) => dns.promises.lookup(name, { all: true, verbatim: true })))(host);
    } catch (error) {
      throw new WebhookHttpError('dns_failed', `cannot resolve ${host}: ${(error as Error).message}`, { cause: error });
    }
    if (addresses.length === 0) throw new WebhookHttpError('dns_failed', `${host} has no address`);
  }
  if (!options.allowPrivateAddresses) {
    for (const { address } of addresses) {
      const reason = blockedAddressReason(address);
      if (reason !== null) {
        throw new WebhookHttpError('blocked_address', `refusing to connect to ${host}${literal ? '' : ` (${address})`}: a ${reason} address, not a public one (WEBHOOK_ALLOW_PRIVATE permits it)`);
      }
    }
  }
  return addresses;
}

function pinnedLookup(addresses: { address: string; family: number }[]): net.LookupFunction {
  return (_hostname, options, callback) => {
    const family = typeof options === 'object' && options && 'family' in options ? Number(options.family) : 0;
    const usable = family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses;
    const chosen = usable.length > 0 ? usable : addresses;
    if (typeof options === 'object' && options && 'all' in options && options.all) {
      (callback as (error: null, addresses: dns.LookupAddress[]) => void)(null, chosen);
    } else (callback as (error: null, address: string, family: number) => void)(null, chosen[0]!.address, chosen[0]!.family);
  };
}

export async function postWebhook(target: string, body: string, headers: Record<string, string>, options: WebhookHttpOptions): Promise<WebhookHttpResponse> {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new WebhookHttpError('invalid_url', `not a URL: ${target.slice(0, 200)}`);
  }
  if (url.protocol !== 'https:' && !(options.allowPrivateAddresses && url.protocol === 'http:')) {
    throw new WebhookHttpError('unsupported_scheme', `webhooks are sent over https only, not ${url.protocol} (WEBHOOK_ALLOW_PRIVATE permits http)`);
  }
  const deadline = Date.now() + options.timeoutMs;
  const addresses = await withDeadline(resolveChecked(url, options), options.timeoutMs, url);
  const isHttps = url.protocol === 'https:';
  const host = bareHost(url.hostname);
  return new Promise<WebhookHttpResponse>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const req = (isHttps ? https : http).request({
      protocol: url.protocol,
      hostname: host,
      port: url.port || (isHttps ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers: {
        host: url.host,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        'user-agent': 'cvdesk-webhooks',
        accept: '*/*',
        'accept-encoding': 'identity',
        connection: 'close',
        ...headers,
      },
      agent: false,
      lookup: pinnedLookup(addresses),
      ...(isHttps ? { rejectUnauthorized: true, ...(net.isIP(host) ? {} : { servername: host }) } : {}),
    });
    const timer = setTimeout(() => {
      const error = new WebhookHttpError('timeout', `no complete answer from ${url.host} within ${options.timeoutMs} ms`);
      settle(() => reject(error));
      req.destroy(error);
    }, Math.max(1, deadline - Date.now()));
    req.once('error', (error: NodeJS.ErrnoException) => settle(() => reject(classify(error, url))));
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      const address = res.socket?.remoteAddress ?? '';
      const finish = () => settle(() => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks, size), truncated, address }));
      res.on('data', (chunk: Buffer) => {
        if (truncated) return;
        const room = options.maxBytes - size;
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
      res.once('end', finish);
      // The status is the answer; a body cut short still leaves a status to record.
      res.once('close', finish);
      res.once('error', finish);
    });
    req.end(body);
  });
}

async function withDeadline<T>(work: Promise<T>, ms: number, url: URL): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new WebhookHttpError('timeout', `${url.host} was not resolved within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function classify(error: NodeJS.ErrnoException, url: URL): WebhookHttpError {
  if (error instanceof WebhookHttpError) return error;
  const code = error.code ?? '';
  if (/CERT|SELF_SIGNED|UNABLE_TO|HOSTNAME_MISMATCH|ALTNAME/.test(code)) {
    return new WebhookHttpError('certificate', `the TLS certificate of ${url.host} is not valid: ${error.message}`, { cause: error });
  }
  return new WebhookHttpError('network', `${url.host}: ${error.message}${code && !error.message.includes(code) ? ` (${code})` : ''}`, { cause: error });
}

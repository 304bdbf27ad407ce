import net from 'node:net';
import { blockedAddressReason } from '../../net/address-ranges.js';
import { bareHost, safeFetch, SafeFetchError, systemResolver } from '../../net/safe-fetch.js';

/**
 * The POST that delivers a webhook: `safeFetch` (src/net/safe-fetch.ts) with the webhook's rules.
 * Same address policy (`blockedAddressReason`): the host is resolved first, every address must be
 * public unless `allowPrivateAddresses`, and the socket connects to exactly the checked address.
 * Redirects are never followed (a 3xx is just a status), the whole exchange has a deadline, at
 * most `maxBytes` of the answer are read, and a body cut short still leaves a status to record.
 * Failures come out as `WebhookHttpError`, in the webhook's own reasons and words.
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
  // Which words a timeout gets: still resolving the host, or waiting for the answer.
  let resolved = net.isIP(bareHost(url.hostname)) !== 0;
  const resolve = async (host: string) => {
    const addresses = await (options.resolve ?? systemResolver)(host);
    resolved = true;
    return addresses;
  };
  try {
    const response = await safeFetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', accept: '*/*', ...headers },
      userAgent: 'cvdesk-webhooks',
      maxRedirects: 0,
      timeoutMs: options.timeoutMs,
      connectTimeoutMs: options.timeoutMs,
      maxBytes: options.maxBytes,
      acceptIncompleteBody: true,
      allowPrivateAddresses: options.allowPrivateAddresses,
      privateAddressesSetting: 'WEBHOOK_ALLOW_PRIVATE',
      resolve,
    });
    return { status: response.status, body: response.body, truncated: response.truncated, address: response.address };
  } catch (error) {
    throw webhookError(error, url, options.timeoutMs, resolved);
  }
}

/** A `SafeFetchError` in the webhook's reasons and words; connection failures are told apart by the error code underneath. */
function webhookError(error: unknown, url: URL, ms: number, resolved: boolean): unknown {
  if (!(error instanceof SafeFetchError)) return error;
  const cause = error.cause as NodeJS.ErrnoException | undefined;
  switch (error.reason) {
    case 'timeout':
    case 'connect_timeout':
      return new WebhookHttpError('timeout', resolved ? `no complete answer from ${url.host} within ${ms} ms` : `${url.host} was not resolved within ${ms} ms`);
    case 'blocked_address':
    case 'dns_failed':
      return new WebhookHttpError(error.reason, error.message, cause ? { cause } : undefined);
  }
  const code = cause?.code ?? '';
  const message = cause?.message ?? error.message;
  if (/CERT|SELF_SIGNED|UNABLE_TO|HOSTNAME_MISMATCH|ALTNAME/.test(code)) {
    return new WebhookHttpError('certificate', `the TLS certificate of ${url.host} is not valid: ${message}`, { cause });
  }
  return new WebhookHttpError('network', `${url.host}: ${message}${code && !message.includes(code) ? ` (${code})` : ''}`, { cause });
}

import crypto from 'node:crypto';
import { blockedAddressReason } from '../../net/address-ranges.js';
import { safeFetch, SafeFetchError, type Resolver, type SafeFetchOptions, type SafeFetchResponse } from '../../net/safe-fetch.js';
import type { Evidence } from '../vendors/vendor.js';

/** The bounds every discovery request is held to (docs/vendors.md, "Fetching"). */
export interface FetchLimits {
  connectTimeoutMs: number;
  /** One request, redirects and body included. */
  timeoutMs: number;
  maxRedirects: number;
  /** Body bytes read at most (registry documents; files and pages get less). */
  maxBytes: number;
  /** Requests in flight at once, across every target of a run. */
  concurrency: number;
}

export const DEFAULT_LIMITS: FetchLimits = { connectTimeoutMs: 3000, timeoutMs: 8000, maxRedirects: 5, maxBytes: 2 * 1024 * 1024, concurrency: 16 };

/**
 * At most `size` tasks at once. The rest wait per owner (the account a discovery runs for), and a
 * freed slot goes to the owners in turn: one account queueing hundreds of fetches cannot make
 * everyone else's discoveries wait behind all of them.
 */
export class Semaphore {
  private active = 0;
  /** Owners with waiting tasks, in turn order (a Map keeps insertion order). */
  private readonly waiting = new Map<string, (() => void)[]>();
  constructor(private readonly size: number) {}

  async run<T>(task: () => Promise<T>, owner = ''): Promise<T> {
    if (this.active >= this.size) {
      await new Promise<void>((resolve) => {
        const queue = this.waiting.get(owner);
        if (queue) queue.push(resolve);
        else this.waiting.set(owner, [resolve]);
      });
    }
    this.active += 1;
    try {
      return await task();
    } finally {
      this.active -= 1;
      this.next();
    }
  }

  /** Wakes the first waiter of the owner whose turn it is; that owner goes to the back of the line. */
  private next(): void {
    const first = this.waiting.entries().next();
    if (first.done) return;
    const [owner, queue] = first.value;
    this.waiting.delete(owner);
    const wake = queue.shift()!;
    if (queue.length) this.waiting.set(owner, queue);
    wake();
  }
}

const isLoopback = (address: string) => {
  const reason = blockedAddressReason(address);
  return reason === 'loopback' || reason === 'loopback, as IPv4 inside IPv6';
};

/**
 * How discovery reaches the network. Without `allowLoopback` only public addresses over https are
 * reached; with it (CVDESK_FETCH_ALLOW_LOOPBACK=1) loopback addresses too, and plain http to them,
 * never other private ranges.
 */
export class DiscoveryNet {
  readonly semaphore: Semaphore;
  constructor(
    readonly limits: FetchLimits,
    readonly allowLoopback: boolean,
    readonly resolve?: Resolver,
    readonly ca?: string,
    /** Shared by every discovery of a process, so concurrent API calls and jobs stay within one bound. */
    semaphore?: Semaphore,
    /** Whose discovery this is (an account id): slots of the shared semaphore are shared out per owner. */
    readonly owner = '',
  ) {
    this.semaphore = semaphore ?? new Semaphore(limits.concurrency);
  }

  options(signal: AbortSignal, maxBytes = this.limits.maxBytes): SafeFetchOptions {
    return {
      connectTimeoutMs: this.limits.connectTimeoutMs,
      timeoutMs: this.limits.timeoutMs,
      maxRedirects: this.limits.maxRedirects,
      maxBytes,
      signal,
      userAgent: 'cvdesk-discovery (+https://github.com/cvdesk)',
      addressPolicy: this.allowLoopback ? (address) => (isLoopback(address) ? null : blockedAddressReason(address)) : blockedAddressReason,
      privateAddressesSetting: 'CVDESK_FETCH_ALLOW_LOOPBACK=1, for loopback only,',
      allowPlainHttp: this.allowLoopback ? isLoopback : () => false,
      ...(this.resolve ? { resolve: this.resolve } : {}),
      ...(this.ca ? { ca: this.ca } : {}),
    };
  }

  /** Runs `task` in one of the shared slots, in this owner's turn. */
  limited<T>(task: () => Promise<T>): Promise<T> {
    return this.semaphore.run(task, this.owner);
  }

  /** Whether a plain-http URL may be used at all (it is then still checked per address). */
  get allowHttp(): boolean {
    return this.allowLoopback;
  }
}

export type FetchOutcome = { ok: true; response: SafeFetchResponse; evidence: Evidence } | { ok: false; error: SafeFetchError; evidence: Evidence };

export function sha256(body: Buffer): string {
  return crypto.createHash('sha256').update(body).digest('hex');
}

/** One bounded GET, counted against the run's concurrency; failures are outcomes with evidence, never thrown. */
export async function fetchWithEvidence(net: DiscoveryNet, url: string, signal: AbortSignal, now: () => Date, options: { maxBytes?: number; accept?: string } = {}): Promise<FetchOutcome> {
  return net.limited(async () => {
    const fetchedAt = now().toISOString();
    try {
      const response = await safeFetch(url, { ...net.options(signal, options.maxBytes), ...(options.accept ? { headers: { accept: options.accept } } : {}) });
      return {
        ok: true,
        response,
        evidence: {
          url,
          ...(response.url !== url ? { final_url: response.url } : {}),
          fetched_at: fetchedAt,
          http_status: response.status,
          sha256: sha256(response.body),
          bytes: response.body.length,
          ...(response.truncated ? { truncated: true } : {}),
        },
      };
    } catch (error) {
      const failure = error instanceof SafeFetchError ? error : new SafeFetchError('network', (error as Error).message, url);
      return { ok: false, error: failure, evidence: { url, fetched_at: fetchedAt, http_status: null, error: failure.reason, message: failure.message } };
    }
  });
}

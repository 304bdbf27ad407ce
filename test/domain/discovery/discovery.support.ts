/**
 * Loopback "Internet" for discovery tests: one HTTP server that routes by the Host header to a
 * handler per host name, a resolver that maps those names to 127.0.0.1 (the real safeFetch path:
 * resolve, check the address, connect pinned, send Host), and DNS answers for mail domains.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DiscoveryNet, DEFAULT_LIMITS, type FetchLimits } from '../../../src/domain/discovery/discovery-fetcher.js';
import { EMPTY_DIRECTORY, type Directory, type DiscoveryDeps } from '../../../src/domain/discovery/discovery.js';
import { DEFAULT_SOURCES, type KnownSources } from '../../../src/domain/discovery/known-sources.js';
import { checkMailDomain, type MailResolver } from '../../../src/domain/discovery/mail-domain.js';
import type { Resolver } from '../../../src/net/safe-fetch.js';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface VirtualHosts {
  port: number;
  /** `name.test:PORT` */
  authority(name: string): string;
  /** `http://name.test:PORT` */
  origin(name: string): string;
  /** Requests seen, as `host path`. */
  requests: string[];
  set(name: string, handler: Handler): void;
  close(): Promise<void>;
}

export async function startVirtualHosts(): Promise<VirtualHosts> {
  const handlers = new Map<string, Handler>();
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    requests.push(`${host} ${req.url}`);
    const handler = handlers.get(host);
    if (handler) handler(req, res);
    else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('no such site');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    authority: (name) => `${name}:${port}`,
    origin: (name) => `http://${name}:${port}`,
    requests,
    set: (name, handler) => handlers.set(name, handler),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Serves fixed paths of one site; anything else is a 404. */
export function site(paths: Record<string, string | { status?: number; body?: string; headers?: Record<string, string> } | Handler>): Handler {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const entry = paths[path];
    if (entry === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    } else if (typeof entry === 'function') entry(req, res);
    else if (typeof entry === 'string') {
      res.writeHead(200, { 'content-type': path.endsWith('.txt') ? 'text/plain; charset=utf-8' : path.endsWith('.md') ? 'text/markdown' : 'application/json' });
      res.end(entry);
    } else {
      res.writeHead(entry.status ?? 200, { 'content-type': 'text/plain; charset=utf-8', ...entry.headers });
      res.end(entry.body ?? '');
    }
  };
}

/** Every `*.test` name is 127.0.0.1; `*.private` names are 10.0.0.1 (to show private ranges stay refused). */
export const testResolver: Resolver = async (host) => {
  if (host.endsWith('.test')) return [{ address: '127.0.0.1', family: 4 }];
  if (host.endsWith('.private')) return [{ address: '10.0.0.1', family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
};

/** DNS answers for mail domains: MX hosts, `'null'` for a null MX, or absent (NXDOMAIN). */
export function mailResolver(zones: Record<string, string[] | 'null' | { a: string }>): MailResolver {
  const missing = (domain: string, code: string) => Object.assign(new Error(`${code} ${domain}`), { code });
  return {
    resolveMx: async (domain) => {
      const zone = zones[domain];
      if (zone === undefined) throw missing(domain, 'ENOTFOUND');
      if (zone === 'null') return [{ exchange: '', priority: 0 }];
      if (!Array.isArray(zone)) throw missing(domain, 'ENODATA');
      return zone.map((exchange, priority) => ({ exchange, priority }));
    },
    resolve4: async (domain) => {
      const zone = zones[domain];
      if (zone && typeof zone === 'object' && !Array.isArray(zone)) return [zone.a];
      throw missing(domain, 'ENODATA');
    },
    resolve6: async (domain) => {
      throw missing(domain, 'ENODATA');
    },
  };
}

export function testDeps(options: { sources?: Partial<KnownSources>; directory?: Directory; mail?: MailResolver; limits?: Partial<FetchLimits>; allowLoopback?: boolean; targetTimeoutMs?: number; now?: () => Date } = {}): DiscoveryDeps {
  const mail = options.mail;
  return {
    net: new DiscoveryNet({ ...DEFAULT_LIMITS, connectTimeoutMs: 1000, timeoutMs: 2000, ...options.limits }, options.allowLoopback ?? true, testResolver),
    sources: { ...DEFAULT_SOURCES, ...options.sources },
    checkMail: mail ? (domain) => checkMailDomain(mail, domain) : null,
    directory: options.directory ?? EMPTY_DIRECTORY,
    now: options.now ?? (() => new Date()),
    targetTimeoutMs: options.targetTimeoutMs ?? 10_000,
  };
}

export function inAMonth(now = new Date()): string {
  return new Date(now.getTime() + 30 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function aYearAgo(now = new Date()): string {
  return new Date(now.getTime() - 365 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

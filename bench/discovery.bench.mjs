#!/usr/bin/env node
// Contact discovery over 1,000 vendor domains served by local test sites, through the real code
// path: every "domain" (v0001.bench.test …) resolves (by an injected resolver) to 127.0.0.1, and
// one HTTPS server in its own process routes by Host header and SNI-matching wildcard certificate.
// Per 20 domains: 14 good (a valid security.txt with a mail address and a form that is checked),
// 1 slow (answers after 1.5 s), 1 silent (never answers: timeouts), 1 HTTP 500, 1 endless body,
// 1 redirect loop, 1 invalid or lying security.txt. Mail domains are answered by an in-process
// resolver (no Internet here).
//   cvdesk     discoverMany(domains): directory (SQLite), security.txt (shared fetcher + strict
//              parser), liveness checks, coordinators; bounded: 128 requests in flight, 2 s per
//              request, 4 s per domain
//   baseline   a plain concurrent GET of each domain's /.well-known/security.txt with the same
//              concurrency and timeout (node:https, no parsing, no checks)
// Target: all 1,000 answered or timed out within 10 s. Run after `npm run build:server`:
//   node bench/discovery.bench.mjs
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const DOMAINS = Number(process.env.BENCH_DISCOVERY_DOMAINS ?? 1000);
const CONCURRENCY = 128;
const FETCH_TIMEOUT_MS = 2000;
const TARGET_TIMEOUT_MS = 4000;
const KINDS = ['good', 'good', 'good', 'good', 'good', 'good', 'good', 'good', 'good', 'good', 'good', 'good', 'good', 'good', 'slow', 'silent', 'error', 'endless', 'loop', 'invalid'];
const kindOf = (i) => KINDS[i % KINDS.length];
const nameOf = (i) => `v${String(i).padStart(4, '0')}.bench.test`;

if (process.argv[2] === '--sites') {
  // The sites, in their own process.
  const tls = { key: fs.readFileSync(process.env.SITES_KEY), cert: fs.readFileSync(process.env.SITES_CERT) };
  const expires = new Date(Date.now() + 30 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const server = https.createServer(tls, (req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const index = Number(/^v(\d+)\./.exec(host)?.[1] ?? -1);
    const kind = index >= 0 ? kindOf(index) : 'none';
    const port = server.address().port;
    const securityTxt = `Contact: mailto:security@${host}\nContact: https://${host}:${port}/report\nExpires: ${expires}\nCanonical: https://${host}:${port}/.well-known/security.txt\n`;
    if (req.url === '/report') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end('<form></form>');
    }
    if (req.url !== '/.well-known/security.txt' && req.url !== '/security.txt') {
      res.writeHead(404);
      return res.end();
    }
    switch (kind) {
      case 'good':
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        return res.end(securityTxt);
      case 'slow':
        return setTimeout(() => {
          res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
          res.end(securityTxt);
        }, 1500);
      case 'silent':
        return undefined;
      case 'error':
        res.writeHead(500);
        return res.end('oops');
      case 'endless': {
        res.writeHead(200, { 'content-type': 'text/plain' });
        const chunk = Buffer.alloc(16 * 1024, 0x41);
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
        };
        res.on('drain', pump);
        return pump();
      }
      case 'loop':
        res.writeHead(302, { location: req.url });
        return res.end();
      case 'invalid':
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        return res.end(index % 40 === 19 ? `Contact: mailto:security@${host}\nCanonical: https://elsewhere.example/.well-known/security.txt\nExpires: ${expires}\n` : 'Contact security@ host\nExpires: soon\n<html>');
      default:
        res.writeHead(404);
        return res.end();
    }
  });
  server.keepAliveTimeout = 1000;
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`));
} else {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const dist = (file) => pathToFileURL(path.join(root, 'dist', 'server', file)).href;
  const { discoverMany } = await import(dist('domain/discovery/discover.js'));
  const { DiscoveryNet } = await import(dist('domain/discovery/discovery-fetcher.js'));
  const { discoveryDeps } = await import(dist('domain/discovery/discovery.service.js'));
  const { checkMailDomain } = await import(dist('domain/discovery/mail-domain.js'));
  const { loadConfig } = await import(dist('config/config.js'));
  const { createContext } = await import(dist('context.js'));

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvdesk-bench-discovery-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=bench.test', '-addext', 'subjectAltName=DNS:*.bench.test', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
  const ca = fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8');
  const sites = spawn(process.execPath, [fileURLToPath(import.meta.url), '--sites'], { env: { ...process.env, SITES_KEY: path.join(dir, 'key.pem'), SITES_CERT: path.join(dir, 'cert.pem') }, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    sites.stdout.once('data', (data) => resolve(JSON.parse(String(data)).port));
    sites.once('exit', (code) => reject(new Error(`the sites exited with ${code}`)));
  });
  const targets = Array.from({ length: DOMAINS }, (_, i) => `${nameOf(i)}:${port}`);
  const resolve = async (host) => {
    if (host.endsWith('.bench.test')) return [{ address: '127.0.0.1', family: 4 }];
    throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  };
  const mail = {
    resolveMx: async (domain) => (domain.endsWith('.bench.test') ? [{ exchange: `mx.${domain}`, priority: 10 }] : Promise.reject(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }))),
    resolve4: async () => [],
    resolve6: async () => [],
  };

  // Baseline: one plain GET per domain, same concurrency and timeout.
  async function baseline() {
    let next = 0;
    const outcome = { answered: 0, failed: 0 };
    const get = (name) =>
      new Promise((done) => {
        const req = https.get({ host: '127.0.0.1', port, servername: name, path: '/.well-known/security.txt', headers: { host: `${name}:${port}` }, ca, agent: false, timeout: FETCH_TIMEOUT_MS, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) }, (res) => {
          let size = 0;
          res.on('data', (chunk) => {
            size += chunk.length;
            if (size > 32 * 1024) res.destroy();
          });
          res.on('close', () => done(true));
        });
        req.on('error', () => done(false));
        req.on('timeout', () => req.destroy());
      });
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < DOMAINS) {
          const i = next++;
          if (await get(nameOf(i))) outcome.answered += 1;
          else outcome.failed += 1;
        }
      }),
    );
    return { ms: performance.now() - started, ...outcome };
  }

  const context = await createContext(loadConfig({ LOG_LEVEL: 'silent', RUN_JOBS: 'false', CVDESK_FETCH_ALLOW_LOOPBACK: '1' }, { dataDir: dir }));
  try {
    const deps = {
      ...discoveryDeps(context),
      net: new DiscoveryNet({ connectTimeoutMs: 1000, timeoutMs: FETCH_TIMEOUT_MS, maxRedirects: 5, maxBytes: 2 * 1024 * 1024, concurrency: CONCURRENCY }, true, resolve, ca),
      checkMail: (domain) => checkMailDomain(mail, domain),
      targetTimeoutMs: TARGET_TIMEOUT_MS,
    };
    const base = await baseline();
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const results = await discoverMany(targets, deps, CONCURRENCY);
    const ms = performance.now() - started;

    const byKind = {};
    let answered = 0;
    let timedOut = 0;
    let missing = 0;
    for (const [i, result] of results.entries()) {
      const kind = kindOf(i);
      byKind[kind] ??= { domains: 0, withOwnChannel: 0, timedOut: 0 };
      byKind[kind].domains += 1;
      if (!result || 'error' in result) {
        missing += 1;
        continue;
      }
      answered += 1;
      if (result.timed_out) {
        timedOut += 1;
        byKind[kind].timedOut += 1;
      }
      if (result.channels.some((c) => c.source === 'security_txt' && c.status === 'live')) byKind[kind].withOwnChannel += 1;
    }
    const ok = missing === 0 && answered === DOMAINS && ms <= 10_000;
    console.log(`contact discovery, ${DOMAINS} domains (${CONCURRENCY} requests in flight, ${FETCH_TIMEOUT_MS} ms per request, ${TARGET_TIMEOUT_MS} ms per domain)`);
    console.log(`  cvdesk    ${(ms / 1000).toFixed(2)} s  ${(DOMAINS / (ms / 1000)).toFixed(0)} domains/s  answered ${answered} (timed out ${timedOut}), missing ${missing}  RSS +${((process.memoryUsage().rss - rssBefore) / 1e6).toFixed(0)} MB`);
    console.log(`  baseline  ${(base.ms / 1000).toFixed(2)} s  one plain GET per domain: ${base.answered} answered, ${base.failed} failed or timed out`);
    console.log(`  ratio     ${(ms / base.ms).toFixed(2)}× the baseline's time (discovery does more: a second path, liveness checks, DNS, the directory)`);
    for (const [kind, row] of Object.entries(byKind)) console.log(`    ${kind.padEnd(8)} ${String(row.domains).padStart(4)} domains, ${String(row.withOwnChannel).padStart(4)} with a live security.txt channel, ${row.timedOut} timed out`);
    console.log(`  target    all answered or timed out within 10 s: ${ok ? 'met' : 'NOT met'}`);
    if (!ok) process.exitCode = 1;
  } finally {
    await context.close();
    sites.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

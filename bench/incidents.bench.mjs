#!/usr/bin/env node
// Sealed incident submission (issue 4): POST /api/v1/incidents with a 100 KB armoured OpenPGP
// message (random bytes encrypted to the organisation key, so nothing compresses), 50 concurrent
// connections, against a bare Fastify route that parses the same JSON body and stores nothing.
// Both run as child processes; autocannon runs here. Every acknowledged incident must be in the
// database afterwards.                                   target: ratio >= 0.3
// Two figures: without follow-up (contact "none": validation, storage, audit, alarm) — the
// submission itself — and with an anonymous receipt (the same plus one argon2id hash, ~20 ms of
// CPU per submission by design), reported beside it.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const cli = path.join(root, 'bin', 'cvdesk.js');
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 50;
const TARGET_BYTES = 100 * 1024;

if (!fs.existsSync(path.join(root, 'dist', 'server', 'server', 'routes', 'incidents.routes.js'))) {
  spawnSync('npm', ['run', 'build:server'], { cwd: root, stdio: 'inherit' });
}

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function cvdesk(args, env, input) {
  const result = spawnSync(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, input, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`cvdesk ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout.trim();
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux; clock ticks of 1/100 s). */
function cpuSeconds(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function start(command, args, env, url) {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  for (;;) {
    try {
      if ((await fetch(url)).status === 200) return child;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function stop(child) {
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

/**
 * Throughput as the client saw it, and the server's own capacity: requests per CPU-second of the
 * server process (on 2 cores the load generator needs a core of its own and can be the
 * bottleneck; the CPU figure does not depend on it).
 */
async function load(url, body, pid) {
  const request = { url, connections: CONNECTIONS, method: 'POST', headers: { 'content-type': 'application/json' }, body };
  await autocannon({ ...request, duration: 2 });
  const cpuBefore = cpuSeconds(pid);
  const result = await autocannon({ ...request, duration: DURATION });
  const cpu = cpuSeconds(pid) - cpuBefore;
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p99: result.latency.p99, ok: result['2xx'], perCpuSecond: result.requests.total / cpu };
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvdesk-bench-incidents-'));
const env = {
  CVDESK_DATA: dataDir,
  LOG_LEVEL: 'silent',
  CVDESK_ADMIN_EMAIL: 'bench-lead@example.org',
  SUBMISSION_RATE_LIMIT_PER_MINUTE: '10000000',
};
cvdesk(['migrate'], env);
cvdesk(['keys', 'generate', '--name', 'Bench Security Team', '--email', 'security@bench.example', '--passphrase-stdin'], env, 'bench passphrase, long enough\n');
const publicKey = cvdesk(['keys', 'export'], env);

// Random bytes, so the armoured message is TARGET_BYTES whatever compression a client might use.
const openpgp = await import('openpgp');
const encryptionKeys = await openpgp.readKey({ armoredKey: publicKey });
const binaryLength = Math.floor(TARGET_BYTES / ((4 / 3) * (65 / 64)));
const message = await openpgp.encrypt({ message: await openpgp.createMessage({ binary: new Uint8Array(randomBytes(binaryLength)) }), encryptionKeys });
const plainBody = JSON.stringify({ message, accept_unconditional: true, contact: { method: 'none' } });
const receiptBody = JSON.stringify({ message, accept_unconditional: true });

const port = await freePort();
// The first start makes the first administrator, a lead: every submission mails the alarm to them.
const server = await start(process.execPath, [cli, 'serve', '--port', String(port)], env, `http://127.0.0.1:${port}/healthz`);
const sealed = await load(`http://127.0.0.1:${port}/api/v1/incidents`, plainBody, server.pid);
const withReceipt = await load(`http://127.0.0.1:${port}/api/v1/incidents`, receiptBody, server.pid);
await stop(server);
const { default: SQLite } = await import('better-sqlite3');
const db = new SQLite(path.join(dataDir, 'cvdesk.sqlite'), { readonly: true });
const stored = db.prepare('select count(*) as n from incidents').get().n;
const receipts = db.prepare('select count(*) as n from incident_receipts').get().n;
const alarms = db.prepare("select count(*) as n from mail_outbox where subject like '%ALERT%'").get().n;
db.close();

const barePort = await freePort();
const bareScript = `
import Fastify from 'fastify';
const app = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024 });
app.get('/healthz', async () => ({ status: 'ok' }));
// The same JSON body, parsed and answered, stored nowhere.
app.post('/api/v1/incidents', async (request, reply) => reply.status(201).send({ id: 'x', size: request.body.message.length }));
await app.listen({ port: ${barePort}, host: '127.0.0.1' });
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
`;
const bare = await start(process.execPath, ['--input-type=module', '-e', bareScript], {}, `http://127.0.0.1:${barePort}/healthz`);
const baseline = await load(`http://127.0.0.1:${barePort}/api/v1/incidents`, plainBody, bare.pid);
await stop(bare);
fs.rmSync(dataDir, { recursive: true, force: true });

const f = (n) => n.toFixed(0);
console.log(
  [
    `POST /api/v1/incidents, ${(Buffer.byteLength(message) / 1024).toFixed(1)} KB armoured message, SQLite, ${CONNECTIONS} connections, ${DURATION}s:`,
    `  cvdesk (no follow-up)     ${f(sealed.rps)} req/s  p99 ${sealed.p99} ms`,
    `  cvdesk (with a receipt)   ${f(withReceipt.rps)} req/s  p99 ${withReceipt.p99} ms   (one argon2id hash each)`,
    `  bare Fastify              ${f(baseline.rps)} req/s  p99 ${baseline.p99} ms`,
    `  ratio                     ${(sealed.rps / baseline.rps).toFixed(3)}   (target >= 0.30)`,
    `  ratio with a receipt      ${(withReceipt.rps / baseline.rps).toFixed(3)}`,
    `  server capacity (requests per server CPU-second): cvdesk ${f(sealed.perCpuSecond)} (with a receipt ${f(withReceipt.perCpuSecond)}), bare ${f(baseline.perCpuSecond)}, ratio ${(sealed.perCpuSecond / baseline.perCpuSecond).toFixed(3)}`,
    `  machine                   ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} at the end`,
    `  durability                ${stored} incidents stored for ${sealed.ok + withReceipt.ok} acknowledged in the measured runs (plus warm-ups): ${stored >= sealed.ok + withReceipt.ok ? 'all kept' : 'LOST SOME'}; ${receipts} receipts; ${alarms} alarm mails`,
  ].join('\n'),
);

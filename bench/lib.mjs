// What every benchmark needs: the project's CLI, free loopback ports, servers started in their
// own processes, and load from this process measured two ways (client throughput and the
// server's requests per CPU-second).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import autocannon from 'autocannon';

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
export const cli = path.join(root, 'bin', 'cvdesk.js');
export const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
export const CONNECTIONS = 50;

export function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Runs a cvdesk command to completion and returns its standard output. */
export function cvdesk(args, env, input) {
  const result = spawnSync(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, input, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`cvdesk ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout.trim();
}

/** Spawns a server; resolves with the child and the ms from spawn to the first 200 on `url`. */
export async function startServer(command, args, env, url, headers = {}) {
  const started = process.hrtime.bigint();
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  for (;;) {
    try {
      if ((await fetch(url, { headers })).status === 200) return { child, ms: Number(process.hrtime.bigint() - started) / 1e6 };
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export function stopServer(child) {
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux; clock ticks of 1/100 s). */
function cpuSeconds(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Load from this process (autocannon), measured two ways. Throughput is what the client saw;
 * on a 2-core machine the client needs a core of its own and can be the bottleneck (the bare
 * server idles), so the server's CPU time is read too: requests per CPU-second is the server's
 * own capacity, independent of the client.
 */
export async function load(url, headers, request = {}, pid) {
  await autocannon({ url, connections: CONNECTIONS, duration: 2, headers, ...request });
  const cpuBefore = pid ? cpuSeconds(pid) : 0;
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, headers, ...request });
  const cpu = pid ? cpuSeconds(pid) - cpuBefore : NaN;
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p99: result.latency.p99, ok: result['2xx'], perCpuSecond: result.requests.total / cpu };
}

#!/usr/bin/env node
// Findings import (issue 6): `cvdesk findings import` of a generated SARIF 2.1.0 log of 100,000
// results (100 runs on 100 repositories; every 4 results share a sink, so they group into ~25,000
// candidates; 2% are repeated within the file), de-duplicated and grouped, on SQLite (a file
// database) and PostgreSQL. Each import runs in its own process, which reports its peak RSS.
// Baselines, measured in the same run: the raw streaming parse of the same file without a
// database (cvdesk's own scanner, capturing and JSON.parse-ing every result), and JSON.parse of the
// whole file plus counting its results.
//                                   target: >= 20,000 results/s, peak RSS <= 512 MB, re-import creates 0
// Knobs: BENCH_RESULTS (default 100000), BENCH_ENGINES (sqlite,postgres).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { cli, root } from './lib.mjs';

const RESULTS = Number(process.env.BENCH_RESULTS ?? 100_000);
const ENGINES = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',');
const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const RUNS = 100;

if (!fs.existsSync(path.join(root, 'dist', 'server', 'domain', 'findings', 'finding-import.js'))) {
  spawnSync('npm', ['run', 'build:server'], { cwd: root, stdio: 'inherit' });
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvdesk-bench-findings-'));
const file = path.join(dir, 'results.sarif');

/** Writes the log piece by piece (the generator must not hold it in memory either). */
function generate() {
  const fd = fs.openSync(file, 'w');
  const perRun = Math.ceil(RESULTS / RUNS);
  let written = 0;
  fs.writeSync(fd, '{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","version":"2.1.0","runs":[');
  for (let run = 0; run < RUNS; run++) {
    const rules = [
      { id: 'js/xss', shortDescription: { text: 'Cross-site scripting' }, properties: { 'security-severity': '6.1', precision: 'high', tags: ['security', 'external/cwe/cwe-079'] } },
      { id: 'js/sqli', shortDescription: { text: 'SQL injection' }, properties: { 'security-severity': '8.8', precision: 'medium', tags: ['security', 'external/cwe/cwe-089'] } },
      { id: 'js/path-injection', shortDescription: { text: 'Path traversal' }, properties: { 'security-severity': '7.5', precision: 'high', tags: ['security', 'external/cwe/cwe-022'] } },
    ];
    fs.writeSync(fd, `${run ? ',' : ''}{"tool":{"driver":{"name":"BenchScanner","version":"1.0","rules":${JSON.stringify(rules)}}},`);
    fs.writeSync(fd, `"versionControlProvenance":[{"repositoryUri":"https://github.com/vendor${run}/project${run}","revisionId":"${run.toString(16).padStart(40, '0')}"}],"results":[`);
    let buffer = '';
    for (let i = 0; i < perRun && written < RESULTS; i++, written++) {
      // 2% repeat the previous result exactly (duplicates within the file).
      const n = i % 50 === 49 ? i - 1 : i;
      const sink = Math.floor(n / 4);
      const rule = rules[sink % 3].id;
      const result = {
        ruleId: rule,
        ruleIndex: sink % 3,
        level: 'error',
        message: { text: `Untrusted data from source ${n} reaches sink ${sink} in file ${sink % 97}` },
        locations: [{ physicalLocation: { artifactLocation: { uri: `src/module${n % 97}/file${n}.js`, uriBaseId: '%SRCROOT%' }, region: { startLine: 10 + (n % 400), startColumn: 5, endColumn: 30, snippet: { text: `const value = request.query.p${n};` } } } }],
        partialFingerprints: { primaryLocationLineHash: `${run.toString(16)}${n.toString(16).padStart(12, '0')}:1` },
        codeFlows: [
          {
            threadFlows: [
              {
                locations: [
                  { location: { physicalLocation: { artifactLocation: { uri: `src/module${n % 97}/file${n}.js` }, region: { startLine: 10 + (n % 400) } }, message: { text: 'source' } } },
                  { location: { physicalLocation: { artifactLocation: { uri: `src/sinks/sink${sink}.js` }, region: { startLine: 42 } }, message: { text: 'sink' } } },
                ],
              },
            ],
          },
        ],
      };
      buffer += (i === 0 ? '' : ',') + JSON.stringify(result);
      if (buffer.length > 1_000_000) {
        fs.writeSync(fd, buffer);
        buffer = '';
      }
    }
    fs.writeSync(fd, buffer);
    fs.writeSync(fd, ']}');
  }
  fs.writeSync(fd, ']}');
  fs.closeSync(fd);
}

generate();
const bytes = fs.statSync(file).size;

/** Runs a script in its own Node process; it prints JSON on its last stdout line, with maxRSS (KB). */
function child(script, env = {}) {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`child failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop());
}

const distUrl = (p) => JSON.stringify(new URL(`../dist/server/${p}`, import.meta.url).href);

const streamingBaseline = child(`
  import fs from 'node:fs';
  const { scanJson } = await import(${distUrl('domain/findings/json-stream.js')});
  const started = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  let n = 0;
  const predicate = (f) => f.length === 4 && f[0].key === 'runs' && f[2].key === 'results' && f[3].kind === 'array';
  for await (const items of scanJson(fs.createReadStream(${JSON.stringify(file)}, { highWaterMark: 256 * 1024 }), { maxDepth: 64, maxStringBytes: 1 << 20, maxCaptureBytes: 4 << 20 }, predicate, 4)) for (const item of items) if (item.value) n++;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpuStart);
  const cpu = (used.user + used.system) / 1e6;
  console.log(JSON.stringify({ n, seconds, cpu, maxRssKb: process.resourceUsage().maxRSS }));
`);
const parseBaseline = child(`
  import fs from 'node:fs';
  const started = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const log = JSON.parse(fs.readFileSync(${JSON.stringify(file)}, 'utf8'));
  let n = 0;
  for (const run of log.runs) n += run.results.length;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpuStart);
  const cpu = (used.user + used.system) / 1e6;
  console.log(JSON.stringify({ n, seconds, cpu, maxRssKb: process.resourceUsage().maxRSS }));
`);

function importScript() {
  return `
    const { runCli } = await import(${distUrl('cli/main.js')});
    let out = '';
    const io = { out: (t) => { out += t; }, err: (t) => process.stderr.write(t), readStdin: async () => '' };
    const started = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
    const code = await runCli(['findings', 'import', ${JSON.stringify(file)}, '--source', 'bench', '--json'], io);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpuStart);
  const cpu = (used.user + used.system) / 1e6;
    if (code !== 0) process.exit(code);
    console.log(JSON.stringify({ ...JSON.parse(out), seconds, cpu, maxRssKb: process.resourceUsage().maxRSS }));
  `;
}

const rows = [];
for (const engine of ENGINES) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `cvdesk-bench-findings-${engine}-`));
  const schema = engine === 'postgres' ? `bench_findings_${process.pid}_${Date.now().toString(36)}` : undefined;
  const env = { CVDESK_DATA: dataDir, LOG_LEVEL: 'silent', RUN_JOBS: 'false', ...(schema ? { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema } : {}) };
  try {
    spawnSync(process.execPath, [cli, 'migrate'], { env: { ...process.env, ...env }, stdio: 'ignore' });
    const first = child(importScript(), env);
    const again = child(importScript(), env);
    rows.push({ engine, first, again });
  } finally {
    if (schema) {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.query(`DROP SCHEMA IF EXISTS "${schema}_jobs" CASCADE`);
      await client.end();
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
fs.rmSync(dir, { recursive: true, force: true });

const rate = (r) => r.n / r.seconds;
// Per CPU-second of the measured process: on a shared, busy machine wall time mostly measures the
// neighbours; CPU time is the work itself (on PostgreSQL the server's own CPU is not included).
const cpuRate = (n, r) => n / r.cpu;
const mb = (kb) => (kb / 1024).toFixed(0);
console.log(`findings import: ${RESULTS.toLocaleString('en')} SARIF results, ${(bytes / 1_048_576).toFixed(1)} MB`);
console.log(`  baseline streaming parse (no database): ${Math.round(rate(streamingBaseline)).toLocaleString('en')} results/s, ${Math.round(cpuRate(streamingBaseline.n, streamingBaseline)).toLocaleString('en')} per CPU-s, peak RSS ${mb(streamingBaseline.maxRssKb)} MB`);
console.log(`  baseline JSON.parse of the whole file:  ${Math.round(rate(parseBaseline)).toLocaleString('en')} results/s, ${Math.round(cpuRate(parseBaseline.n, parseBaseline)).toLocaleString('en')} per CPU-s, peak RSS ${mb(parseBaseline.maxRssKb)} MB`);
let ok = true;
for (const { engine, first, again } of rows) {
  const perSecond = first.read / first.seconds;
  const pass = perSecond >= 20_000 && first.maxRssKb <= 512 * 1024 && again.created === 0;
  ok &&= pass;
  console.log(
    `  ${engine.padEnd(8)} import: ${Math.round(perSecond).toLocaleString('en')} results/s (${first.seconds.toFixed(2)} s; ratio ${(perSecond / rate(streamingBaseline)).toFixed(2)} of streaming parse, ` +
      `${Math.round(cpuRate(first.read, first)).toLocaleString('en')} per CPU-s = ${(cpuRate(first.read, first) / cpuRate(streamingBaseline.n, streamingBaseline)).toFixed(2)} of streaming parse per CPU-s, ` +
      `${(perSecond / rate(parseBaseline)).toFixed(2)} of JSON.parse), peak RSS ${mb(first.maxRssKb)} MB; read ${first.read}, created ${first.created}, duplicates ${first.duplicates}, ` +
      `candidates ${first.candidatesCreated}; re-import: created ${again.created}, duplicates ${again.duplicates} (${Math.round(again.read / again.seconds).toLocaleString('en')} results/s, RSS ${mb(again.maxRssKb)} MB)` +
      `  ${pass ? 'ok' : 'BELOW TARGET'}`,
  );
}
if (!ok) process.exitCode = 1;

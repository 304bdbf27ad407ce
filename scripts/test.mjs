#!/usr/bin/env node
// `npm test`: the whole suite. Unit, repository, route and CLI tests run on SQLite and PostgreSQL
// (every test file loops over both engines); then the web app is built and the browser tests
// drive it in headless Chromium. Ends with one line: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const artifacts = path.join(root, '.test-artifacts');
fs.mkdirSync(artifacts, { recursive: true });
const extraArgs = process.argv.slice(2);

async function checkPostgres() {
  const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    console.error(`PostgreSQL is not reachable at ${url}: ${error.message}`);
    console.error('Start it (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set TEST_DATABASE_URL.');
    process.exit(1);
  } finally {
    await client.end().catch(() => {});
  }
}

function run(command, args) {
  console.log(`\n$ ${command} ${args.join(' ')}`);
  return spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env }).status ?? 1;
}

function counts(file) {
  try {
    const report = JSON.parse(fs.readFileSync(file, 'utf8'));
    // A file that fails to load has no failed tests but a failed suite: count it once.
    const failedTests = report.numFailedTests ?? 0;
    const brokenFiles = (report.testResults ?? []).filter((file) => file.status !== 'passed' && (file.assertionResults ?? []).every((test) => test.status !== 'failed')).length;
    return { passed: report.numPassedTests ?? 0, failed: failedTests + brokenFiles, skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0) };
  } catch {
    return { passed: 0, failed: 1, skipped: 0 };
  }
}

await checkPostgres();
const vitest = path.join(root, 'node_modules', '.bin', 'vitest');
const unitReport = path.join(artifacts, 'unit.json');
const e2eReport = path.join(artifacts, 'e2e.json');
fs.rmSync(unitReport, { force: true });
fs.rmSync(e2eReport, { force: true });

const unitStatus = run(vitest, ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${unitReport}`, ...extraArgs]);
let e2eStatus = 0;
if (process.env.CVDESK_SKIP_E2E !== '1') {
  if (!fs.existsSync('/usr/bin/chromium')) {
    console.error('Chromium is missing: apt-get install -y chromium (the browser tests need it).');
    e2eStatus = 1;
  } else if (run('npm', ['run', 'build']) !== 0) {
    e2eStatus = 1;
  } else {
    e2eStatus = run(vitest, ['run', '--config', 'vitest.e2e.config.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${e2eReport}`]);
  }
}

const unit = counts(unitReport);
const e2e = process.env.CVDESK_SKIP_E2E === '1' ? { passed: 0, failed: 0, skipped: 0 } : counts(e2eReport);
const passed = unit.passed + e2e.passed;
const failed = unit.failed + e2e.failed + (unitStatus !== 0 && unit.failed === 0 ? 1 : 0) + (e2eStatus !== 0 && e2e.failed === 0 ? 1 : 0);
console.log(`\nunit and integration (SQLite + PostgreSQL): ${unit.passed} passed, ${unit.failed} failed; browser (Chromium): ${e2e.passed} passed, ${e2e.failed} failed`);
console.log(`${passed} passed, ${failed} failed${unit.skipped + e2e.skipped ? `, ${unit.skipped + e2e.skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);

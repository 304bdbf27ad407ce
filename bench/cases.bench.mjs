#!/usr/bin/env node
// The hourly reminder scan at machine scale: the next actions of every open case, computed the way
// runCaseReminders and the calendar feed do (facts of all cases loaded in chunks of 500 ids, then
// the pure next-action function), at 10,000 open cases with two participants and two
// vulnerabilities each, on SQLite and PostgreSQL. Against, in the same run on the same database:
//   baseline   plain SELECTs of the same rows (cases, participants, statuses), nothing computed
//   per case   the same facts loaded case by case (the N+1 way) on 500 cases, scaled up, for information
// Rounds alternate so load elsewhere hits all alike. Knobs: BENCH_CASES, BENCH_ENGINES.
// Run after `npm run build:server`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (file) => pathToFileURL(path.join(root, 'dist', 'server', file)).href;
const { loadConfig } = await import(dist('config/config.js'));
const { createContext } = await import(dist('context.js'));
const { nextActionsOfCases, loadCaseFacts } = await import(dist('domain/cases/case-schedule.js'));
const { computeNextActions } = await import(dist('domain/cases/case-next-actions.js'));
const { findPolicy, effectiveValues } = await import(dist('domain/cases/case-policies.js'));
const { createAccount } = await import(dist('domain/users/user.service.js'));
const { systemActor } = await import(dist('domain/auth/actor.js'));

const CASES = Number(process.env.BENCH_CASES ?? 10_000);
const ENGINES = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',');
const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ROUNDS = 3;
const POLICIES = ['organisation_default', 'deadline_90_30', 'coordinator_45'];

async function seed(context) {
  const db = context.db;
  const now = Date.parse('2026-11-27T12:00:00Z');
  const iso = (ms) => new Date(ms).toISOString();
  const owner = (await db.transaction().execute((trx) => createAccount(context, trx, systemActor('bench'), { email: 'bench-owner@example.org', roles: ['triager'], verified: true }))).id;
  const vendors = Array.from({ length: 200 }, (_, i) => ({ id: randomUUID(), name: `Vendor ${i}`, kind: 'vendor', notes: '', preferred_contact_id: null, country: null, created_at: iso(now), updated_at: iso(now) }));
  await db.insertInto('vendors').values(vendors).execute();
  for (let start = 0; start < CASES; start += 250) {
    await db.transaction().execute(async (trx) => {
      const cases = [], vulns = [], participants = [], statuses = [];
      for (let i = start; i < Math.min(CASES, start + 250); i++) {
        const id = randomUUID();
        const created = now - (i % 120) * 86_400_000;
        cases.push({ id, title: `Case ${i}`, summary: '', state: ['draft', 'notifying', 'coordinating'][i % 3], owner_id: owner, policy: POLICIES[i % 3], embargo_end_at: null, embargo_zone: null, exploited_at: i % 50 === 0 ? iso(created + 86_400_000) : null, project_key: null, state_changed_at: iso(created), disclosed_at: null, closed_at: null, advisory_id: null, created_by: 'bench', created_at: iso(created), updated_at: iso(created) });
        const v = [randomUUID(), randomUUID()];
        v.forEach((vid, n) => vulns.push({ id: vid, case_id: id, title: `Flaw ${n}`, summary: '', product: 'Widget', versions: '[]', cwe: 79, cvss_vectors: '[]', candidate_id: null, position: n, created_at: iso(created), updated_at: iso(created) }));
        for (let p = 0; p < 2; p++) {
          const pid = randomUUID();
          const notices = i % 3 === 0 ? 0 : 1 + ((i + p) % 4);
          participants.push({ id: pid, case_id: id, vendor_id: vendors[(i + p * 7) % vendors.length].id, role: 'vendor', contact_id: null, reply_token: pid.replace(/-/g, ''), acknowledged_at: i % 3 === 2 && p === 0 ? iso(created + 2 * 86_400_000) : null, first_notice_at: notices ? iso(created) : null, last_notice_at: notices ? iso(created + (notices - 1) * 7 * 86_400_000) : null, notice_count: notices, escalated_at: null, added_at: iso(created) });
          for (const vid of v) statuses.push({ participant_id: pid, vulnerability_id: vid, status: (i + p) % 5 === 0 ? 'fixed' : 'unknown', changed_at: iso(created + 86_400_000), changed_by: 'bench' });
        }
      }
      await trx.insertInto('cases').values(cases).execute();
      await trx.insertInto('case_vulnerabilities').values(vulns).execute();
      await trx.insertInto('case_participants').values(participants).execute();
      await trx.insertInto('case_participant_status').values(statuses).execute();
    });
  }
}

const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function run(engine) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvdesk-bench-cases-'));
  const schema = `bench_cases_${process.pid}`;
  const config = loadConfig({ LOG_LEVEL: 'silent', RUN_JOBS: 'false', PUBLIC_URL: 'http://localhost:8080', ...(engine === 'postgres' ? { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema } : {}) }, { dataDir });
  const context = await createContext(config, { clock: { now: () => new Date('2026-11-27T12:00:00Z') } });
  try {
    const seeding = process.hrtime.bigint();
    await seed(context);
    const seedMs = ms(seeding);
    const open = () => context.db.selectFrom('cases').selectAll().where('state', 'in', ['draft', 'notifying', 'coordinating']).orderBy('created_at').execute();
    const timings = { baseline: [], batched: [], perCase: [] };
    let actions = 0;
    for (let round = 0; round < ROUNDS; round++) {
      let start = process.hrtime.bigint();
      const rows = await open();
      await context.db.selectFrom('case_participants').selectAll().execute();
      await context.db.selectFrom('case_participant_status').selectAll().execute();
      timings.baseline.push(ms(start));

      start = process.hrtime.bigint();
      const next = await nextActionsOfCases(context, context.db, await open());
      timings.batched.push(ms(start));
      actions = [...next.values()].reduce((n, a) => n + a.actions.length, 0);

      if (round === 0) {
        // A sample, scaled up: case by case is slow (two minutes at 10,000 cases on PostgreSQL).
        const sample = rows.slice(0, 500);
        start = process.hrtime.bigint();
        for (const row of sample) {
          const policy = findPolicy(row.policy);
          computeNextActions(await loadCaseFacts(context.db, row), policy, effectiveValues(policy, undefined), new Date('2026-11-27T12:00:00Z'));
        }
        timings.perCase.push((ms(start) * rows.length) / sample.length);
      }
    }
    const base = median(timings.baseline);
    const batched = median(timings.batched);
    const perCase = median(timings.perCase);
    console.log(
      `cases ${engine}: ${CASES} open cases (seeded in ${(seedMs / 1000).toFixed(1)} s), ${actions} actions; ` +
        `next actions of all: ${batched.toFixed(0)} ms (${Math.round((CASES / batched) * 1000)} cases/s); ` +
        `baseline plain selects ${base.toFixed(0)} ms → ratio ${(batched / base).toFixed(2)}×; ` +
        `per-case loading ≈${perCase.toFixed(0)} ms (${(perCase / batched).toFixed(1)}× the batched time)`,
    );
  } finally {
    await context.close();
    if (engine === 'postgres') {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.query(`DROP SCHEMA IF EXISTS "${schema}_jobs" CASCADE`);
      await client.end();
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

for (const engine of ENGINES) await run(engine);

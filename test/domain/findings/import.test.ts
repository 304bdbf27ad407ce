import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv-draft-04';
import AjvDraft07 from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/context.js';
import { importFindingsFile } from '../../../src/domain/findings/finding-import.js';
import { DIALECTS, createTestContext } from '../../helpers/databases.js';
import { SARIF_EXAMPLES, SARIF_SCHEMA, count, importObject, importer, registerCommandLineSource, repoRoot, sarifLog, writeTemp } from './findings.support.js';

const examples = fs.readdirSync(SARIF_EXAMPLES).filter((f) => f.endsWith('.sarif'));

describe('SARIF fixtures', () => {
  // CommonJS packages: their classes are on `.default`.
  const ajv = new Ajv.default({ strict: false, allErrors: true });
  addFormats.default(ajv as never);
  const validate = ajv.compile(JSON.parse(fs.readFileSync(SARIF_SCHEMA, 'utf8')) as object);

  it.each(examples)('the shared example %s is valid against the official SARIF 2.1.0 schema', (name) => {
    const valid = validate(JSON.parse(fs.readFileSync(path.join(SARIF_EXAMPLES, name), 'utf8')));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the logs the tests generate are valid SARIF 2.1.0 too (so the tests exercise real SARIF)', () => {
    const log = sarifLog([{ line: 1 }, { line: 2, sinkLine: 9, fingerprint: 'f1' }, { rule: 'js/sqli', properties: { purl: 'pkg:npm/widget@1.0.0' } }]);
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
  });

  it('the schema is read from the shared reference, not copied into the project', () => {
    expect(SARIF_SCHEMA.startsWith(repoRoot)).toBe(false);
  });
});

describe('the native format schema (docs/findings.schema.json)', () => {
  const schema = JSON.parse(fs.readFileSync(path.join(repoRoot, 'docs/findings.schema.json'), 'utf8')) as object;
  const ajv = new AjvDraft07.default({ strict: false, allErrors: true });
  const validate = ajv.compile(schema);
  const docExample = () => {
    const doc = fs.readFileSync(path.join(repoRoot, 'docs/findings.md'), 'utf8');
    return JSON.parse(/```json\n([\s\S]*?)\n```/.exec(doc)![1]!) as Record<string, unknown>;
  };

  it('accepts the example in docs/findings.md', () => {
    expect(validate(docExample()), JSON.stringify(validate.errors)).toBe(true);
  });

  it('refuses wrong types and missing parts', () => {
    expect(validate({ format: 'cvdesk-findings', version: 1, findings: [{ title: 'x', severity: 'high' }] })).toBe(false);
    expect(validate({ format: 'cvdesk-findings', version: 2, findings: [] })).toBe(false);
    expect(validate({ format: 'cvdesk-findings', version: 1, findings: [{ title: 'x', rule: 'r', severity: 'high', confidence: 7 }] })).toBe(false);
  });
});

describe.each(DIALECTS)('findings import on %s', (engine) => {
  let context: AppContext & { close(): Promise<void> };
  beforeAll(async () => {
    context = await createTestContext(engine, { RUN_JOBS: 'false' });
    // The tests' importer is the command line; codeql is registered for it, so its findings count as automated.
    await registerCommandLineSource(context, 'codeql');
  });
  afterAll(async () => context?.close());

  it('imports the shared SARIF examples, and re-importing them creates nothing', async () => {
    const codeql = path.join(SARIF_EXAMPLES, 'codeql-2.11.1_mrva_apache-hadoop.sarif');
    const first = await importFindingsFile(context, importer, codeql, { source: 'codeql' });
    // The run names its repository (versionControlProvenance): every result has a target.
    expect(first).toMatchObject({ format: 'sarif', read: 3, created: 3, duplicates: 0, suppressed: 0, rejected: 0 });
    const candidate = await context.db.selectFrom('finding_candidates').selectAll().where('project_key', '=', 'repo:github.com/apache/hadoop').executeTakeFirstOrThrow();
    expect(candidate).toMatchObject({ target: 'https://github.com/apache/hadoop', rule_id: 'remote-query', origin: 'automated', state: 'pending' });

    for (const name of examples.filter((n) => n.startsWith('semgrep'))) {
      const file = path.join(SARIF_EXAMPLES, name);
      // No repository in these logs: without --target every result is rejected, naming why.
      const untargeted = await importFindingsFile(context, importer, file, { source: 'semgrep' });
      expect(untargeted.created).toBe(0);
      expect(untargeted.rejected).toBe(untargeted.read);
      expect(untargeted.rejections[0]!.reason).toMatch(/no target/);
      const targeted = await importFindingsFile(context, importer, file, { source: 'semgrep', target: 'https://github.com/semgrep/semgrep' });
      expect(targeted.created).toBe(targeted.read);
      expect(targeted.rejected).toBe(0);
    }
    const again = await importFindingsFile(context, importer, codeql, { source: 'codeql' });
    expect(again).toMatchObject({ read: 3, created: 0, duplicates: 3 });
    const semgrepAgain = await importFindingsFile(context, importer, path.join(SARIF_EXAMPLES, 'semgrep_test_sarif_output_with_source.sarif'), { source: 'semgrep', target: 'https://github.com/semgrep/semgrep' });
    expect(semgrepAgain.created).toBe(0);
    expect(semgrepAgain.duplicates).toBe(semgrepAgain.read);
  });

  it('uses partialFingerprints when given, so a moved line is still the same finding', async () => {
    const target = 'https://github.com/acme/fingerprinted';
    const first = await importObject(context, sarifLog([{ line: 10, fingerprint: 'stable-hash' }], { repository: target }));
    const moved = await importObject(context, sarifLog([{ line: 12, fingerprint: 'stable-hash' }], { repository: target }));
    expect(first.created).toBe(1);
    expect(moved).toMatchObject({ created: 0, duplicates: 1 });
    // Without fingerprints the location is the identity: another line is another finding.
    const a = await importObject(context, sarifLog([{ line: 10 }], { repository: target }));
    const b = await importObject(context, sarifLog([{ line: 11 }], { repository: target }));
    expect([a.created, b.created]).toEqual([1, 1]);
  });

  it('stores each finding once when the same file is imported twice at the same time', async () => {
    const repository = 'https://github.com/acme/concurrent';
    const log = sarifLog([{ line: 1 }, { line: 2 }, { line: 3, sinkLine: 9 }, { line: 4, sinkLine: 9 }, { rule: 'js/sqli', line: 5 }], { repository });
    const [a, b] = await Promise.all([importObject(context, log), importObject(context, log)]);
    expect(a.created + b.created).toBe(5);
    expect(a.duplicates + b.duplicates).toBe(5);
    const rows = await context.db.selectFrom('finding_candidates').select('finding_count').where('project_key', '=', 'repo:github.com/acme/concurrent').execute();
    expect(rows.map((r) => Number(r.finding_count)).sort()).toEqual([1, 1, 1, 2]);
  });

  it('counts duplicates within one file once', async () => {
    const summary = await importObject(context, sarifLog([{ line: 1 }, { line: 1 }, { line: 2 }], { repository: 'https://github.com/acme/dupes' }));
    expect(summary).toMatchObject({ read: 3, created: 2, duplicates: 1 });
  });

  it('groups findings with the same root cause (project, CWE or rule, sink) into one candidate, and candidates by project', async () => {
    const repository = 'https://github.com/acme/grouped';
    const summary = await importObject(
      context,
      sarifLog(
        [
          { uri: 'src/a.js', line: 1, sinkLine: 40 },
          { uri: 'src/b.js', line: 7, sinkLine: 40 },
          { uri: 'src/c.js', line: 3, sinkLine: 41 },
          { rule: 'js/sqli', uri: 'src/d.js', line: 3, sinkLine: 40 },
        ],
        { repository },
      ),
    );
    expect(summary).toMatchObject({ created: 4, candidatesCreated: 3 });
    const candidates = await context.db.selectFrom('finding_candidates').selectAll().where('project_key', '=', 'repo:github.com/acme/grouped').orderBy('finding_count', 'desc').execute();
    expect(candidates.map((c) => [c.sink, Number(c.finding_count), c.cwe])).toEqual([
      ['src/sink.js:40', 2, 79],
      ['src/sink.js:41', 1, 79],
      ['src/sink.js:40', 1, 89],
    ]);
    // A later import adds to the same candidate.
    await importObject(context, sarifLog([{ uri: 'src/e.js', line: 9, sinkLine: 40 }], { repository }));
    const grown = await context.db.selectFrom('finding_candidates').select('finding_count').where('id', '=', candidates[0]!.id).executeTakeFirstOrThrow();
    expect(Number(grown.finding_count)).toBe(3);
  });

  it('takes the project from the purl, and a GitHub purl is the same project as the repository', async () => {
    await importObject(context, sarifLog([{ line: 5, properties: { purl: 'pkg:github/Acme/Purled@1.0' } }], { repository: 'https://github.com/other/repo' }));
    await importObject(context, sarifLog([{ line: 6 }], { repository: 'git@github.com:acme/purled.git' }));
    const rows = await context.db.selectFrom('finding_candidates').select('project_key').where('project_key', '=', 'repo:github.com/acme/purled').execute();
    expect(rows).toHaveLength(2);
  });

  it('rejects results of the wrong shape, counting each with its reason, and imports the rest', async () => {
    const log = sarifLog([{ line: 1 }], { repository: 'https://github.com/acme/typed' });
    const results = log.runs[0]!.results as unknown[];
    results.push(
      'not an object',
      { ruleId: 42, message: { text: 'x' } },
      { ruleId: 'js/xss', locations: 'nowhere' },
      { ruleId: 'js/xss', locations: [{ physicalLocation: { region: { startLine: -3 } } }] },
      { ruleId: 'js/xss', level: 'catastrophic' },
      { ruleId: 'js/xss', properties: { cvss: 'CVSS:3.1/AV:X' } },
      { message: { text: 'no rule at all' } },
    );
    const summary = await importObject(context, log);
    expect(summary).toMatchObject({ read: 8, created: 1, rejected: 7 });
    expect(summary.rejections.map((r) => r.index)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(summary.rejections.map((r) => r.reason)).toEqual([
      'a result must be an object',
      'ruleId: must be a string',
      'locations: must be an array',
      'locations[0].physicalLocation.region.startLine: must be a positive integer',
      'level: must be none, note, warning or error',
      expect.stringMatching(/^properties\.cvss: /),
      'no rule: give ruleId, rule.id or ruleIndex',
    ]);
  });

  describe('hostile files', () => {
    const repository = 'https://github.com/acme/hostile';

    async function expectNothingStored(file: string, code: string, message: RegExp) {
      const before = { findings: await count(context, 'findings'), candidates: await count(context, 'finding_candidates') };
      const error = await importFindingsFile(context, importer, file, { source: 'hostile' }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code });
      expect((error as Error).message).toMatch(message);
      expect({ findings: await count(context, 'findings'), candidates: await count(context, 'finding_candidates') }).toEqual(before);
      // The failure is recorded, with its reason.
      const failed = await context.db.selectFrom('finding_imports').selectAll().where('state', '=', 'failed').orderBy('started_at', 'desc').orderBy('finished_at', 'desc').execute();
      expect(failed.some((f) => f.error !== null && message.test(f.error))).toBe(true);
    }

    it('refuses a truncated file and stores nothing of it, not even the complete results before the cut', async () => {
      const text = JSON.stringify(sarifLog([{ line: 1 }, { line: 2 }, { line: 3 }], { repository }));
      await expectNothingStored(writeTemp('truncated.sarif', text.slice(0, Math.floor(text.length * 0.8))), 'invalid_json', /truncated|ends early/);
    });

    it('refuses deep nesting', async () => {
      const deep = `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"ruleId":"r","properties":${'['.repeat(10_000)}${']'.repeat(10_000)}}]}]}`;
      await expectNothingStored(writeTemp('deep.sarif', deep), 'invalid_json', /nesting deeper than 64/);
    });

    it('rejects a result with a huge string, and refuses one outside the results', async () => {
      const log = sarifLog([{ line: 1 }, { line: 2, properties: { impact: 'x'.repeat(1_100_000) } }, { line: 3 }], { repository });
      const summary = await importObject(context, log);
      expect(summary).toMatchObject({ read: 3, created: 2, rejected: 1 });
      expect(summary.rejections[0]!.reason).toMatch(/string longer than 1048576 bytes/);
      const outside = sarifLog([{ line: 4 }], { repository }) as Record<string, unknown>;
      outside.padding = 'y'.repeat(1_100_000);
      await expectNothingStored(writeTemp('huge.sarif', JSON.stringify(outside)), 'invalid_json', /string longer than/);
    });

    it('records a failure whose place names a key holding \\u0000 (PostgreSQL refuses NUL in text) instead of failing in the database', async () => {
      await expectNothingStored(writeTemp('nul-key.sarif', '{"version":"2.1.0","a\\u0000b":[1,'), 'invalid_json', /truncated\) at a\?b\[0\]/);
      await expectNothingStored(writeTemp('nul-key-deep.sarif', `{"x\\u0000":${'['.repeat(70)}`), 'invalid_json', /nesting deeper than 64 at x\?/);
    });

    it('refuses garbage, the wrong SARIF version, a top-level array and an empty file', async () => {
      await expectNothingStored(writeTemp('garbage.sarif', '{"version": "2.1.0", "runs": [ {"results": [ nope ] } ] }'), 'invalid_json', /invalid token|unexpected/);
      await expectNothingStored(writeTemp('v1.sarif', JSON.stringify({ version: '1.0.0', runs: [] })), 'validation_failed', /only SARIF 2\.1\.0/);
      await expectNothingStored(writeTemp('array.sarif', '[1,2,3]'), 'validation_failed', /must be a JSON object/);
      await expectNothingStored(writeTemp('empty.sarif', ''), 'invalid_json', /empty/);
      await expectNothingStored(writeTemp('other.json', '{"hello": "world"}'), 'validation_failed', /not a recognised findings file/);
    });

    it('refuses more runs than the limit before storing anything', async () => {
      const runs = Array.from({ length: 10_001 }, () => '{"tool":{"driver":{"name":"x"}},"results":[]}').join(',');
      await expectNothingStored(writeTemp('runs.sarif', `{"version":"2.1.0","runs":[${runs}]}`), 'payload_too_large', /more than 10000 runs/);
    });

    it('bounds the run metadata held in memory across runs, not just per run', async () => {
      // Three runs of ~23 MB of rules each: every run is under the per-run limit, together over the total one.
      const rule = `{"id":"r","fullDescription":{"text":"${'d'.repeat(1_000_000)}"}}`;
      const run = `{"tool":{"driver":{"name":"x","rules":[${Array.from({ length: 23 }, () => rule).join(',')}]}},"results":[]}`;
      await expectNothingStored(writeTemp('metadata.sarif', `{"version":"2.1.0","runs":[${run},${run},${run}]}`), 'payload_too_large', /together exceed/);
    });

    it('rejects NUL characters instead of failing in the database', async () => {
      const log = sarifLog([{ line: 1 }, { line: 2, properties: { impact: 'a\u0000b' } }], { repository: 'https://github.com/acme/nul' });
      const summary = await importObject(context, log);
      expect(summary).toMatchObject({ created: 1, rejected: 1 });
      expect(summary.rejections[0]!.reason).toMatch(/NUL/);
    });

    it('imports __proto__ / constructor keys and lone or paired surrogates as plain data, polluting nothing', async () => {
      const result = (line: number, extra: string) =>
        `{"ruleId":"js/xss","message":{"text":"pair \\ud83d\\ude00 lone \\ud800 end"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"p.js"},"region":{"startLine":${line}}}}],${extra}}`;
      const text =
        `{"__proto__":{"polluted":1},"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x","__proto__":{"polluted":2}}},` +
        `"properties":{"constructor":{"prototype":{"polluted":3}}},"versionControlProvenance":[{"repositoryUri":"https://github.com/acme/proto"}],"results":[` +
        `${result(1, '"partialFingerprints":{"__proto__":"a"}')},${result(2, '"properties":{"__proto__":{"polluted":4},"constructor":"x"}')}]}]}`;
      const summary = await importObject(context, text);
      expect(summary).toMatchObject({ read: 2, created: 2, rejected: 0 });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      const stored = await context.db.selectFrom('findings').innerJoin('finding_candidates', 'finding_candidates.id', 'findings.candidate_id').select('findings.message').where('finding_candidates.project_key', '=', 'repo:github.com/acme/proto').execute();
      expect(stored).toHaveLength(2);
      expect(stored.every((r) => r.message.startsWith('pair 😀 lone '))).toBe(true);
    });

    it('rejects words that name Object.prototype members (constructor, toString) as levels, severities and confidences, instead of failing the import', async () => {
      const native = (extra: Record<string, unknown>, title: string) => ({ title, rule: 'r', severity: 'high', target: { product: 'proto-words' }, ...extra });
      const summary = await importObject(context, {
        format: 'cvdesk-findings',
        version: 1,
        finder: { kind: 'automated', name: 'a' },
        findings: [native({ confidence: 'constructor' }, 'c1'), native({ severity: 'toString' }, 'c2'), native({ severity: { level: '__proto__' } }, 'c3'), native({}, 'fine')],
      });
      expect(summary).toMatchObject({ read: 4, created: 1, rejected: 3 });
      const log = sarifLog([{ line: 1, level: 'constructor' as 'error' }, { line: 2, properties: { precision: 'hasOwnProperty' } }], { repository: 'https://github.com/acme/proto-words' });
      // A rule whose default level is a prototype word falls back to "warning".
      Object.assign(log.runs[0]!.tool.driver.rules[1]!, { defaultConfiguration: { level: 'valueOf' }, properties: {} });
      log.runs[0]!.results.push({ ...log.runs[0]!.results[1]!, ruleId: 'js/sqli', level: undefined as unknown as 'error', locations: [{ physicalLocation: { artifactLocation: { uri: 'q.js' }, region: { startLine: 3, startColumn: 1 } } }] });
      const sarif = await importObject(context, log);
      expect(sarif).toMatchObject({ read: 3, created: 2, rejected: 1 });
      expect(sarif.rejections[0]!.reason).toMatch(/level: must be/);
    });

    it('refuses a bad source name or --target before reading anything', async () => {
      await expect(importObject(context, sarifLog([]), { target: 'pkg:npm/a\u0000b' })).rejects.toMatchObject({ code: 'validation_failed', message: expect.stringMatching(/control characters/) });
      await expect(importObject(context, sarifLog([]), { target: 'https://github.com/a/b\u001b[2J' })).rejects.toMatchObject({ code: 'validation_failed' });
      await expect(importObject(context, sarifLog([]), { source: '../etc' })).rejects.toMatchObject({ code: 'validation_failed' });
      await expect(importObject(context, sarifLog([]), { target: 'not a target' })).rejects.toMatchObject({ code: 'validation_failed' });
    });
  });

  it('imports the native format with every field, and rejects findings that miss what a report needs', async () => {
    const document = {
      format: 'cvdesk-findings',
      version: 1,
      findings: [
        {
          id: 'AGENT-1',
          target: { purl: 'pkg:npm/left-pad@1.3.0', repository: 'https://github.com/left-pad/left-pad', versions: ['<= 1.3.0'], downloads: 2_500_000 },
          location: { uri: 'index.js', line: 12, column: 3, snippet: 'str = ch + str' },
          rule: 'prototype-pollution',
          cwe: 'CWE-1321',
          title: 'Prototype pollution in leftPad',
          description: 'A crafted `ch` pollutes Object.prototype.',
          severity: { cvss: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
          confidence: 'high',
          impact: 'Remote code execution in consumers',
          reproduction: '1. npm i left-pad@1.3.0\n2. node poc.js',
        },
        { title: 'No severity', rule: 'r', target: { product: 'Widget' } },
        { title: 'Bad vector', rule: 'r', severity: { cvss: 'CVSS:3.1/AV:Q' }, target: { product: 'Widget' } },
        { title: 'Bad purl', rule: 'r', severity: 'high', target: { purl: 'npm:left-pad' } },
      ],
      finder: { kind: 'automated', name: 'Agent Smith' },
    };
    const summary = await importObject(context, document, { source: 'agent-smith' });
    expect(summary).toMatchObject({ format: 'native', read: 4, created: 1, rejected: 3 });
    expect(summary.rejections.map((r) => r.reason)).toEqual([expect.stringMatching(/^severity: is required/), expect.stringMatching(/^severity\.cvss: /), expect.stringMatching(/^target\.purl: /)]);
    const candidate = await context.db.selectFrom('finding_candidates').selectAll().where('project_key', '=', 'pkg:npm/left-pad').executeTakeFirstOrThrow();
    expect(candidate).toMatchObject({ cwe: 1321, severity: 9.8, confidence: 0.85, downloads: 2_500_000, impact: 'Remote code execution in consumers', component_key: 'pkg:npm/left-pad' });
    // Reach weighs in: 9.8 × 0.85 × (1 + log10(2,500,001)).
    expect(Number(candidate.priority)).toBeCloseTo(9.8 * 0.85 * (1 + Math.log10(2_500_001)), 2);
    const finding = await context.db.selectFrom('findings').selectAll().where('candidate_id', '=', candidate.id).executeTakeFirstOrThrow();
    expect(finding).toMatchObject({ finder_kind: 'automated', finder_name: 'Agent Smith', location: 'index.js:12:3' });
    expect(JSON.parse(finding.details)).toMatchObject({ externalId: 'AGENT-1', reproduction: '1. npm i left-pad@1.3.0\n2. node poc.js', version: '1.3.0' });
  });

  it('imports the example of docs/findings.md as documented', async () => {
    const doc = fs.readFileSync(path.join(repoRoot, 'docs/findings.md'), 'utf8');
    const example = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(doc)![1]!) as Record<string, unknown>;
    const summary = await importObject(context, example, { source: 'docs-example' });
    expect(summary).toMatchObject({ format: 'native', read: 1, created: 1, rejected: 0 });
  });

  it('refuses a native document without its version or findings, or with a bad top-level finder', async () => {
    await expect(importObject(context, { format: 'cvdesk-findings', findings: [] })).rejects.toMatchObject({ code: 'validation_failed', message: expect.stringMatching(/version/) });
    await expect(importObject(context, { format: 'cvdesk-findings', version: 1 })).rejects.toMatchObject({ code: 'validation_failed', message: expect.stringMatching(/findings/) });
    await expect(importObject(context, { format: 'cvdesk-findings', version: 1, findings: [], finder: { kind: 'robot' } })).rejects.toMatchObject({ code: 'validation_failed' });
  });

  it('records each import with its counts and audits it', async () => {
    const summary = await importObject(context, sarifLog([{ line: 77 }], { repository: 'https://github.com/acme/audited' }), { source: 'audited-source' });
    const row = await context.db.selectFrom('finding_imports').selectAll().where('id', '=', summary.importId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'completed', format: 'sarif', created: 1, read: 1 });
    expect(row.sha256).toMatch(/^[0-9a-f]{64}$/);
    const audit = await context.db.selectFrom('audit_events').selectAll().where('object_id', '=', summary.importId).executeTakeFirstOrThrow();
    expect(audit.action).toBe('findings.imported');
    expect(JSON.parse(audit.data)).toMatchObject({ source: 'audited-source', created: 1 });
  });
});

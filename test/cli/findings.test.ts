import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createContext } from '../../src/context.js';
import { useCliEnvironment } from '../helpers/cli.js';
import { DIALECTS } from '../helpers/databases.js';
import { SARIF_EXAMPLES, registerCommandLineSource, sarifLog, writeTemp } from '../domain/findings/findings.support.js';

describe.each(DIALECTS)('cvdesk findings on %s', (engine) => {
  const { cli, environment } = useCliEnvironment(engine);

  it('imports a SARIF file with --json as {read, created, duplicates, suppressed, rejected}, and re-importing creates nothing', async () => {
    const file = path.join(SARIF_EXAMPLES, 'codeql-2.11.1_mrva_apache-hadoop.sarif');
    const first = await cli(['findings', 'import', file, '--source', 'codeql', '--json']);
    expect(first.code, first.err).toBe(0);
    expect(JSON.parse(first.out)).toMatchObject({ read: 3, created: 3, duplicates: 0, suppressed: 0, rejected: 0 });
    // No terminal in tests: no progress bar on stderr.
    expect(first.err).toBe('');
    const again = await cli(['findings', 'import', file, '--source', 'codeql', '--json']);
    expect(JSON.parse(again.out)).toMatchObject({ read: 3, created: 0, duplicates: 3 });
    const text = await cli(['findings', 'import', file, '--source', 'codeql']);
    expect(text.out).toMatch(/read 3, created 0, duplicates 3, suppressed 0, rejected 0/);
  });

  it('uses --target for logs without a repository, and lists rejected results with their reasons', async () => {
    const file = path.join(SARIF_EXAMPLES, 'semgrep_test_sarif_output_with_source.sarif');
    const untargeted = await cli(['findings', 'import', file, '--source', 'semgrep']);
    expect(untargeted.code).toBe(0);
    expect(untargeted.out).toMatch(/rejected result #0: no target/);
    const targeted = await cli(['findings', 'import', file, '--source', 'semgrep', '--target', 'https://github.com/returntocorp/semgrep', '--json']);
    expect(JSON.parse(targeted.out)).toMatchObject({ created: 2, rejected: 0 });
  });

  it('fails clearly on a malformed file, storing nothing', async () => {
    const text = JSON.stringify(sarifLog([{ line: 1 }, { line: 2 }], { repository: 'https://github.com/cli/broken' }));
    const broken = await cli(['findings', 'import', writeTemp('broken.sarif', text.slice(0, text.length - 5)), '--source', 'broken']);
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(/^invalid_json: The file is not valid JSON: the document ends early \(truncated\)/);
    const missing = await cli(['findings', 'import', '/nonexistent/file.sarif', '--source', 'x']);
    expect(missing.code).toBe(2);
    const noSource = await cli(['findings', 'import', writeTemp('ok.sarif', text)]);
    expect(noSource.code).toBe(2);
    const context = await createContext(environment().config);
    try {
      const rows = await context.db.selectFrom('finding_candidates').select('id').where('project_key', '=', 'repo:github.com/cli/broken').execute();
      expect(rows).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('says when a source is not registered as automated (its findings then count as a person’s), and not once a lead registers it for the command line', async () => {
    const file = writeTemp('cli-gate.sarif', sarifLog([{ line: 7 }], { repository: 'https://github.com/cli/gate' }));
    const unregistered = await cli(['findings', 'import', file, '--source', 'cli-scanner']);
    expect(unregistered.code, unregistered.err).toBe(0);
    expect(unregistered.out).toMatch(/source is not a registered automated source: its findings count as a person's/);
    const context = await createContext(environment().config);
    try {
      const candidate = await context.db.selectFrom('finding_candidates').select('origin').where('project_key', '=', 'repo:github.com/cli/gate').executeTakeFirstOrThrow();
      expect(candidate.origin).toBe('person');
      await registerCommandLineSource(context, 'cli-scanner');
    } finally {
      await context.close();
    }
    const registered = await cli(['findings', 'import', writeTemp('cli-gate-2.sarif', sarifLog([{ line: 8, uri: 'other.js' }], { repository: 'https://github.com/cli/gate-2' })), '--source', 'cli-scanner', '--json']);
    expect(JSON.parse(registered.out)).toMatchObject({ created: 1, automation: 'registered' });
    const text = await cli(['findings', 'import', file, '--source', 'cli-scanner']);
    expect(text.out).not.toMatch(/registered automated source/);
  });

  it('imports an SBOM', async () => {
    const file = writeTemp('sbom.spdx.json', { spdxVersion: 'SPDX-2.3', name: 'Intranet', packages: [{ name: 'left-pad', versionInfo: '1.3.0' }] });
    const res = await cli(['findings', 'sbom', file, '--json']);
    expect(res.code, res.err).toBe(0);
    expect(JSON.parse(res.out)).toMatchObject({ name: 'Intranet', format: 'spdx', components: 1 });
    expect(fs.existsSync(file)).toBe(true);
  });
});

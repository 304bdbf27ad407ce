import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AppContext } from '../../../src/context.js';
import { systemActor, type Actor } from '../../../src/domain/auth/actor.js';
import { registerAutomatedSource } from '../../../src/domain/findings/automated-sources.js';
import { importFindingsFile, type ImportOptions } from '../../../src/domain/findings/finding-import.js';
import { inTransaction } from '../../../src/server/transaction.js';
import { buildUser } from '../../helpers/factories.js';

export const repoRoot = path.resolve(import.meta.dirname, '../../..');
export const SARIF_EXAMPLES = path.resolve(repoRoot, '../shared/reference/sarif/examples');
export const SARIF_SCHEMA = path.resolve(repoRoot, '../shared/reference/sarif/sarif-schema-2.1.0.json');

export const importer = systemActor('test:importer');

export interface ResultSpec {
  rule?: string;
  uri?: string;
  line?: number;
  sinkLine?: number;
  fingerprint?: string;
  level?: 'error' | 'warning' | 'note';
  properties?: Record<string, unknown>;
}

/** A SARIF 2.1.0 log of one run on `repository`, one result per spec. */
export function sarifLog(results: ResultSpec[], options: { repository?: string; tool?: string; cwe?: string } = {}) {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: options.tool ?? 'TestScanner',
            rules: [
              { id: 'js/xss', shortDescription: { text: 'Cross-site scripting' }, properties: { 'security-severity': '6.1', precision: 'high', tags: ['security', options.cwe ?? 'external/cwe/cwe-079'] } },
              { id: 'js/sqli', shortDescription: { text: 'SQL injection' }, properties: { 'security-severity': '8.8', precision: 'medium', tags: ['external/cwe/cwe-089'] } },
            ],
          },
        },
        ...(options.repository === undefined ? { versionControlProvenance: [{ repositoryUri: 'https://github.com/acme/widget', revisionId: 'abc123' }] } : options.repository ? { versionControlProvenance: [{ repositoryUri: options.repository }] } : {}),
        results: results.map((r) => ({
          ruleId: r.rule ?? 'js/xss',
          level: r.level ?? 'error',
          message: { text: `Finding in ${r.uri ?? 'src/app.js'}` },
          locations: [{ physicalLocation: { artifactLocation: { uri: r.uri ?? 'src/app.js' }, region: { startLine: r.line ?? 10, startColumn: 5 } } }],
          ...(r.sinkLine
            ? {
                codeFlows: [
                  {
                    threadFlows: [
                      {
                        locations: [
                          { location: { physicalLocation: { artifactLocation: { uri: r.uri ?? 'src/app.js' }, region: { startLine: r.line ?? 10 } } } },
                          { location: { physicalLocation: { artifactLocation: { uri: 'src/sink.js' }, region: { startLine: r.sinkLine } } } },
                        ],
                      },
                    ],
                  },
                ],
              }
            : {}),
          ...(r.fingerprint ? { partialFingerprints: { primaryLocationLineHash: r.fingerprint } } : {}),
          ...(r.properties ? { properties: r.properties } : {}),
        })),
      },
    ],
  };
}

let dir: string | undefined;
/** Writes `content` (an object as JSON, or text as is) to a temporary file. */
export function writeTemp(name: string, content: unknown): string {
  dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'cvdesk-findings-test-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof content === 'string' || Buffer.isBuffer(content) ? content : JSON.stringify(content));
  return file;
}

export function importObject(context: AppContext, content: unknown, options: Partial<ImportOptions> = {}, actor: Actor = importer) {
  const file = writeTemp(`import-${Math.random().toString(36).slice(2)}.json`, content);
  return importFindingsFile(context, actor, file, { source: 'test-scanner', ...options });
}

export async function count(context: AppContext, table: 'findings' | 'finding_candidates' | 'finding_suppressions' | 'finding_imports' | 'notifications' | 'sboms'): Promise<number> {
  const row = await context.db.selectFrom(table).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Registers `name` as an automated source uploaded from the command line (as `importer` is), by `lead` (else a new lead). */
export async function registerCommandLineSource(context: AppContext, name: string, lead?: Actor): Promise<void> {
  const registrar = lead ?? (await buildUser(context, { roles: ['lead'] })).actor;
  await inTransaction(context, (trx) => registerAutomatedSource(context, trx, registrar, { name, description: `${name} (test)` }));
}

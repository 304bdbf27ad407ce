import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { importFindingsFile, type ImportSummary } from '../../domain/findings/finding-import.js';
import { importSbomFile } from '../../domain/findings/sbom.js';
import { CliFailure } from '../failure.js';
import { operator, print, printable, withContext, type CliIO, type GlobalOptions } from '../io.js';

interface ImportOptions extends GlobalOptions {
  source: string;
  target?: string;
}

const megabytes = (n: number) => (n / 1_048_576).toFixed(1);

/** A progress bar on standard error, only when it is a terminal (scripts and pipes get none). */
function progressBar(): { update: (done: number, total: number, results: number, phase: string) => void; clear: () => void } {
  const stream = process.stderr;
  if (!stream.isTTY) return { update: () => {}, clear: () => {} };
  let last = 0;
  return {
    update(done, total, results, phase) {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      const label = phase.padEnd(9);
      last = now;
      const share = total > 0 ? done / total : 1;
      const width = 30;
      const filled = Math.round(share * width);
      stream.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(share * 100)).padStart(3)}%  ${megabytes(done)}/${megabytes(total)} MB  ${results.toLocaleString('en')} results\x1b[K`);
    },
    clear: () => stream.write('\r\x1b[K'),
  };
}

function summaryText(file: string, summary: ImportSummary): string {
  const lines = [
    `${file}: ${summary.format}: read ${summary.read}, created ${summary.created}, duplicates ${summary.duplicates}, suppressed ${summary.suppressed}, rejected ${summary.rejected} (${summary.candidatesCreated} new candidates)`,
  ];
  if (summary.automation === 'unregistered') lines.push(`source is not a registered automated source: its findings count as a person's (the review needs an engineer who did not import them)`);
  if (summary.automation === 'other_uploader') lines.push(`source is registered for another uploader: its findings count as a person's (the review needs an engineer who did not import them)`);
  for (const rule of summary.suppressedBy) lines.push(`suppressed ${rule.count} by a ${rule.kind} rule: ${rule.reason}`);
  // A reason can quote the uploaded file (a key, a value): no control character reaches the terminal.
  for (const rejection of summary.rejections.slice(0, 20)) lines.push(`rejected result #${rejection.index}: ${printable(rejection.reason)}`);
  if (summary.rejected > 20) lines.push(`… ${summary.rejected - 20} more rejected (cvdesk findings imports list them, up to 100)`);
  return lines.join('\n');
}

export function registerFindingsCommands(program: Command, io: CliIO): void {
  const findings = program.command('findings').description('outbound findings: import scanner and AI-agent results, SBOMs (docs/findings.md)');

  findings
    .command('import')
    .argument('<file>', 'a SARIF 2.1.0 log or a cvdesk findings document (docs/findings.schema.json)')
    .description(
      'import findings, streamed (memory does not grow with the file), in one transaction: re-importing creates nothing new; ' +
        'a malformed file stores nothing. Prints {read, created, duplicates, suppressed, rejected}. A progress bar is shown on a terminal.',
    )
    .requiredOption('--source <name>', 'where the findings come from: a scanner pipeline, an AI agent, a person; findings declared automated count as automated only under a source a lead registered for the command line')
    .option('--target <target>', 'a repository URL or package URL (purl) for results that name no target')
    .option('--json', 'print JSON: {read, created, duplicates, suppressed, rejected, …}')
    .option('--data <dir>', 'data folder')
    .action(async (file: string, options: ImportOptions) => {
      if (!fs.existsSync(file)) throw new CliFailure(`${file}: no such file`, 2);
      const bar = progressBar();
      let summary: ImportSummary;
      try {
        summary = await withContext(options, (context) =>
          importFindingsFile(context, operator(), file, { source: options.source, target: options.target, filename: path.basename(file), onProgress: bar.update }),
        );
      } finally {
        bar.clear();
      }
      print(io, options, summary, () => summaryText(file, summary));
    });

  findings
    .command('sbom')
    .argument('<file>', "an SBOM of one of the organisation's own systems: CycloneDX JSON or SPDX JSON")
    .description('import an SBOM; candidates whose affected component it lists are marked and staff are notified')
    .option('--name <name>', 'what the SBOM describes (default: from the document)')
    .option('--json', 'print JSON')
    .option('--data <dir>', 'data folder')
    .action(async (file: string, options: GlobalOptions & { name?: string }) => {
      if (!fs.existsSync(file)) throw new CliFailure(`${file}: no such file`, 2);
      const result = await withContext(options, (context) => importSbomFile(context, operator(), file, { name: options.name }));
      print(io, options, result, () => `${result.name}: ${result.format} ${result.specVersion}, ${result.components} components; ${result.candidatesMarked} candidates newly marked as using them`);
    });
}

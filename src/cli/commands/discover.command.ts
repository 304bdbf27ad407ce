import type { Command } from 'commander';
import { discoverNow } from '../../domain/discovery/discovery.service.js';
import type { Channel, DiscoveryResult } from '../../domain/discovery/discovery.js';
import { CliFailure } from '../failure.js';
import { operator, print, printable, withContext, type CliIO, type GlobalOptions } from '../io.js';

function describeChannel(channel: Channel): string {
  const evidence = channel.evidence;
  const where = evidence.url ? `${evidence.url}${evidence.http_status ? ` (HTTP ${evidence.http_status})` : ''}` : String(evidence.recorded_in ?? 'directory');
  const flags = channel.flags.length ? ` [${channel.flags.join(', ')}]` : '';
  return `${channel.kind.padEnd(17)} ${channel.value}  — ${channel.status}${flags}; ${channel.source}: ${where}, ${evidence.fetched_at}${channel.vendor ? `; ${channel.vendor.name}` : ''}`;
}

function summary(result: DiscoveryResult): string {
  const lines = [`target:      ${result.target}`, `vendor:      ${result.vendor ? `${result.vendor.name} (${result.vendor.id})` : 'not in the directory'}`];
  lines.push(`recommended: ${result.recommended ? describeChannel(result.recommended) : 'none found'}`);
  if (result.channels.length) lines.push('channels:', ...result.channels.map((c, i) => `  ${String(i + 1).padStart(2)}. ${describeChannel(c)}`));
  if (result.rejected.length) lines.push('not used:', ...result.rejected.map((c) => `   - ${describeChannel(c)}`));
  if (result.warnings.length) lines.push('warnings:', ...result.warnings.map((w) => `   - ${w}`));
  if (result.timed_out) lines.push('(timed out: the list is what was found in time)');
  return lines.map(printable).join('\n');
}

export function registerDiscoverCommand(program: Command, io: CliIO): void {
  program
    .command('discover')
    .argument('<target>', 'a domain, URL, repository URL or package URL (pkg:npm/name)')
    .description(
      'find where to report a vulnerability: the directory, security.txt, SECURITY.md, private vulnerability reporting, package registry metadata, then coordinators; ' +
        'each channel with its evidence. Exit 0 when a usable channel of the vendor was found, 1 when only coordinators (or nothing) were. Loopback targets need CVDESK_FETCH_ALLOW_LOOPBACK=1 (docs/vendors.md)',
    )
    .option('--json', 'print JSON: {target, vendor, channels: [{kind, value, source, status, evidence: {url, fetched_at, …}}], rejected, recommended, warnings, timed_out}')
    .option('--data <dir>', 'data folder')
    .action(async (target: string, options: GlobalOptions) => {
      const result = await withContext(options, (context) => discoverNow(context, operator(), target));
      print(io, options, result, () => summary(result));
      // Coordinators are always there to fall back on; scripts want to know whether the vendor itself can be reached.
      if (!result.channels.some((c) => c.source !== 'coordinator')) throw new CliFailure('', 1);
    });
}

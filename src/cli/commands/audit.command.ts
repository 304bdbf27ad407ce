import fs from 'node:fs';
import type { Command } from 'commander';
import { streamAuditEvents } from '../../domain/audit/audit.repository.js';
import { presentAuditEvent, recordAudit, verifyAuditChain } from '../../domain/audit/audit.service.js';
import { inTransaction } from '../../server/transaction.js';
import { CliFailure } from '../failure.js';
import { operator, print, withContext, type CliIO, type GlobalOptions } from '../io.js';

export function registerAuditCommands(program: Command, io: CliIO): void {
  const audit = program.command('audit').description('the hash-chained audit log');

  audit
    .command('verify')
    .description('walk the chain; exit 0 when intact, 1 naming the first changed, removed or inserted event')
    .option('--json', 'print JSON')
    .option('--data <dir>', 'data folder')
    .action(async (options: GlobalOptions) => {
      const verdict = await withContext(options, (context) => verifyAuditChain(context.db));
      print(io, options, verdict, () =>
        verdict.ok ? `audit chain intact: ${verdict.checked} events` : `audit chain BROKEN at event ${verdict.firstBad!.seq} (${verdict.firstBad!.id}): ${verdict.firstBad!.reason}`,
      );
      if (!verdict.ok) throw new CliFailure('', 1);
    });

  audit
    .command('export')
    .description('write the whole log as JSON lines, oldest first')
    .option('--output <file>', 'write to a file instead of stdout')
    .option('--data <dir>', 'data folder')
    .action(async (options: GlobalOptions & { output?: string }) => {
      await withContext(options, async (context) => {
        await inTransaction(context, (trx) => recordAudit(context, trx, operator(), { action: 'audit.exported', objectType: 'audit_log' }));
        const file = options.output ? fs.openSync(options.output, 'wx', 0o600) : undefined;
        try {
          for await (const row of streamAuditEvents(context.db)) {
            const line = `${JSON.stringify(presentAuditEvent(row))}\n`;
            if (file !== undefined) fs.writeSync(file, line);
            else io.out(line);
          }
        } finally {
          if (file !== undefined) fs.closeSync(file);
        }
      });
    });
}

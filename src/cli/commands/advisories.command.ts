import type { Command } from 'commander';
import { prepareCsafSignatures, storeCsafSignatures, unsignedCsafCount } from '../../domain/advisories/advisory-signing.js';
import { listAdvisories } from '../../domain/advisories/advisory-view.js';
import { publishAdvisory } from '../../domain/advisories/advisory.service.js';
import { inTransaction } from '../../server/transaction.js';
import { CliFailure } from '../failure.js';
import { operator, print, withContext, type CliIO, type GlobalOptions } from '../io.js';

/** Advisories from the command line: list them, publish a draft, sign the published CSAF documents (docs/advisories.md). */
export function registerAdvisoriesCommands(program: Command, io: CliIO): void {
  const advisories = program.command('advisories').description('security advisories and the CSAF provider (see docs/advisories.md)');

  advisories
    .command('list')
    .description('advisories, newest release first, drafts included; and how many published CSAF documents await a signature')
    .option('--json', 'print JSON')
    .option('--data <dir>', 'data folder')
    .action(async (options: GlobalOptions) => {
      await withContext(options, async (context) => {
        const { items } = await listAdvisories(context, context.db, operator(), { state: 'all' });
        const unsigned = await unsignedCsafCount(context.db);
        print(io, options, { items, unsignedCsafDocuments: unsigned }, () =>
          [...items.map((a) => `${a.id}\t${a.state === 'published' ? `revision ${a.revision}` : 'draft'}\t${a.severity}\t${a.title}`), `${unsigned} published CSAF document(s) not signed by the current key`].join('\n'),
        );
      });
    });

  advisories
    .command('publish')
    .argument('<id>', 'the advisory (ADV-2026-0001)')
    .option('--summary <text>', 'what changed (required after the first revision)')
    .description('publish the draft as the next revision; refused, with the reasons, when it is incomplete or its CSAF would be invalid')
    .option('--json', 'print JSON')
    .option('--data <dir>', 'data folder')
    .action(async (id: string, options: GlobalOptions & { summary?: string }) => {
      await withContext(options, async (context) => {
        const row = await inTransaction(context, (trx) => publishAdvisory(context, trx, operator(), id, { changeSummary: options.summary }));
        print(io, options, { id: row.tracking_id, revision: row.revision }, () => `${row.tracking_id} published as revision ${row.revision}; sign it: cvdesk advisories sign --passphrase-stdin`);
      });
    });

  advisories
    .command('sign')
    .description('sign every published CSAF document not yet signed by the current key (detached .asc); the passphrase is read from standard input')
    .option('--passphrase-stdin', "read the current key's passphrase from standard input (required)")
    .option('--json', 'print JSON')
    .option('--data <dir>', 'data folder')
    .action(async (options: GlobalOptions & { passphraseStdin?: boolean }) => {
      if (!options.passphraseStdin) throw new CliFailure('--passphrase-stdin is required: the passphrase is read from standard input, never from the command line', 2);
      const passphrase = (await io.readStdin()).replace(/\r?\n$/, '');
      if (!passphrase) throw new CliFailure('no passphrase on standard input', 2);
      await withContext(options, async (context) => {
        const actor = operator();
        const prepared = await prepareCsafSignatures(context, context.db, actor, passphrase);
        const result = await inTransaction(context, (trx) => storeCsafSignatures(context, trx, actor, prepared));
        print(io, options, result, () => (result.signed.length ? `signed ${result.signed.join(', ')}` : 'every published CSAF document is signed already'));
      });
    });
}

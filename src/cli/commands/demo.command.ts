import type { Command } from 'commander';
import { seedDemoAccounts } from '../../demo/seed-accounts.js';
import { seedDemoReports } from '../../demo/seed-reports.js';
import { operator, print, withContext, type CliIO, type GlobalOptions } from '../io.js';

export function registerDemoCommand(program: Command, io: CliIO): void {
  program
    .command('demo')
    .description('fill a database with a demonstration organisation, through the same services a user calls')
    .option('--json', 'print JSON')
    .option('--data <dir>', 'data folder (default ./data); use a fresh one to keep demo data apart')
    .action(async (options: GlobalOptions) => {
      await withContext(options, async (context) => {
        const accounts = await seedDemoAccounts(context, operator());
        const reports = await seedDemoReports(context);
        print(io, options, { accounts, ...reports }, () =>
          accounts.length === 0
            ? 'the demo organisation exists already'
            : [
                'Demo accounts (passwords shown once; staff sign in with the TOTP secret in an authenticator app):',
                ...accounts.map((a) => `  ${a.email.padEnd(32)} ${a.roles.join(',').padEnd(16)} password ${a.password}${a.totpSecret ? `  totp ${a.totpSecret}` : ''}`),
              ].join('\n') + (reports.reports ? `\nProgrammes ${reports.programs.join(', ')} with ${reports.reports} reports in every state.` : ''),
        );
      });
    });
}

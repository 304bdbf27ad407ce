import type { Command } from 'commander';
import { createApiToken, revokeApiToken } from '../../domain/auth/token.service.js';
import { getUserByEmail } from '../../domain/users/user.service.js';
import { inTransaction } from '../../server/transaction.js';
import { operator, print, withContext, type CliIO, type GlobalOptions } from '../io.js';

export function registerTokenCommands(program: Command, io: CliIO): void {
  const token = program.command('token').description('manage personal API tokens');

  token
    .command('create')
    .description('make an API token for an account; prints only the token on stdout')
    .requiredOption('--email <email>', 'whose token')
    .option('--name <name>', 'what the token is for', 'cli')
    .option('--scope <scopes>', 'read, write or read,write', 'read,write')
    .option('--expires-in-days <days>', 'expiry in days (1–366); default: no expiry')
    .option('--json', 'print JSON (token and metadata)')
    .option('--data <dir>', 'data folder')
    .action(async (options: GlobalOptions & { email: string; name: string; scope: string; expiresInDays?: string }) => {
      await withContext(options, async (context) => {
        const created = await inTransaction(context, async (trx) =>
          createApiToken(context, trx, operator(), (await getUserByEmail(trx, options.email)).id, {
            name: options.name,
            scopes: options.scope.split(',').map((s) => s.trim()),
            expiresInDays: options.expiresInDays === undefined ? undefined : Number(options.expiresInDays),
          }),
        );
        print(io, options, created, () => created.token);
      });
    });

  token
    .command('revoke')
    .description('revoke a token by id')
    .argument('<id>', 'token id (see GET /api/v1/me/tokens)')
    .option('--data <dir>', 'data folder')
    .action(async (id: string, options: GlobalOptions) => {
      await withContext(options, async (context) => {
        await inTransaction(context, (trx) => revokeApiToken(context, trx, operator(), id));
        io.out(`revoked ${id}`);
      });
    });
}

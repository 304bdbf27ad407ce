import type { Command } from 'commander';
import { createAccount, changeAccount, getUserByEmail, listUsers } from '../../domain/users/user.service.js';
import { presentUser } from '../../domain/users/user.js';
import { issueSetupLink } from '../../domain/auth/account.service.js';
import { ROLES } from '../../shared/roles.js';
import { inTransaction } from '../../server/transaction.js';
import { operator, print, withContext, type CliIO, type GlobalOptions } from '../io.js';

const ROLE_HELP = `one or more of ${ROLES.join(', ')}, comma-separated`;

function roleList(value: string): string[] {
  return value.split(',').map((role) => role.trim()).filter(Boolean);
}

export function registerUserCommands(program: Command, io: CliIO): void {
  const user = program.command('user').description('manage accounts');

  user
    .command('create')
    .description('create an account; it counts as verified. Without --password-stdin a set-password link is printed')
    .requiredOption('--email <email>', 'email address')
    .requiredOption('--role <roles>', ROLE_HELP)
    .option('--name <name>', 'display name')
    .option('--password-stdin', 'read the password from standard input')
    .option('--json', 'print JSON')
    .option('--data <dir>', 'data folder (default ./data or CVDESK_DATA)')
    .action(async (options: GlobalOptions & { email: string; role: string; name?: string; passwordStdin?: boolean }) => {
      const password = options.passwordStdin ? (await io.readStdin()).replace(/\r?\n$/, '') : undefined;
      await withContext(options, async (context) => {
        const { row, link } = await inTransaction(context, async (trx) => {
          const row = await createAccount(context, trx, operator(), { email: options.email, name: options.name, roles: roleList(options.role), password, verified: true });
          return { row, link: password === undefined ? await issueSetupLink(context, trx, row) : undefined };
        });
        print(io, options, { user: presentUser(row), ...(link ? { setupLink: link } : {}) }, () =>
          [`created ${row.email} (${presentUser(row).roles.join(', ')})`, ...(link ? [`set-password link (72 hours): ${link}`] : [])].join('\n'),
        );
      });
    });

  user
    .command('list')
    .description('list accounts')
    .option('--role <role>', 'only this role')
    .option('--json', 'print JSON')
    .option('--data <dir>', 'data folder')
    .action(async (options: GlobalOptions & { role?: string }) => {
      await withContext(options, async (context) => {
        const users = await listUsers(context, context.db, operator(), { role: options.role as never, limit: 10_000 });
        print(io, options, users, () =>
          users.map((u) => `${u.email}\t${u.roles.join(',')}\t${u.mfaEnabled ? '2fa' : 'no-2fa'}\t${u.disabled ? 'disabled' : 'active'}`).join('\n') || '(no accounts)',
        );
      });
    });

  user
    .command('set-role')
    .description("replace an account's roles")
    .requiredOption('--email <email>', 'email address')
    .requiredOption('--role <roles>', ROLE_HELP)
    .option('--json', 'print JSON')
    .option('--data <dir>', 'data folder')
    .action(async (options: GlobalOptions & { email: string; role: string }) => {
      await withContext(options, async (context) => {
        const row = await inTransaction(context, async (trx) => changeAccount(context, trx, operator(), (await getUserByEmail(trx, options.email)).id, { roles: roleList(options.role) }));
        print(io, options, presentUser(row), () => `${row.email} now has roles ${presentUser(row).roles.join(', ')}`);
      });
    });

  for (const [name, disabled] of [['disable', true], ['enable', false]] as const) {
    user
      .command(name)
      .description(`${name} an account${disabled ? ' (signs it out everywhere)' : ''}`)
      .requiredOption('--email <email>', 'email address')
      .option('--json', 'print JSON')
      .option('--data <dir>', 'data folder')
      .action(async (options: GlobalOptions & { email: string }) => {
        await withContext(options, async (context) => {
          const row = await inTransaction(context, async (trx) => changeAccount(context, trx, operator(), (await getUserByEmail(trx, options.email)).id, { disabled }));
          print(io, options, presentUser(row), () => `${row.email} ${disabled ? 'disabled' : 'enabled'}`);
        });
      });
  }
}

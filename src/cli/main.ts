import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config.js';
import { packageVersion } from '../config/paths.js';
import { AppError } from '../shared/errors.js';
import { registerAuditCommands } from './commands/audit.command.js';
import { registerCvssCommand } from './commands/cvss.command.js';
import { registerDiscoverCommand } from './commands/discover.command.js';
import { registerDemoCommand } from './commands/demo.command.js';
import { registerDoctorCommand } from './commands/doctor.command.js';
import { registerSecurityTxtCommands } from './commands/securitytxt.command.js';
import { registerServerCommands } from './commands/server.command.js';
import { registerTokenCommands } from './commands/token.command.js';
import { registerUserCommands } from './commands/user.command.js';
import { registerKeysCommands } from './commands/keys.command.js';
import { registerAdvisoriesCommands } from './commands/advisories.command.js';
import { registerSettingsCommands } from './commands/settings.command.js';
import { registerFindingsCommands } from './commands/findings.command.js';
import { registerCveCommands } from './commands/cve.command.js';
import { registerCasesCommands } from './commands/cases.command.js';
import { registerCveServicesEmulatorCommand } from './commands/cve-services-emulator.command.js';
import { CliFailure } from './failure.js';
import { processIO, type CliIO } from './io.js';

export function buildProgram(io: CliIO = processIO): Command {
  const program = new Command('cvdesk')
    .description('cvdesk: coordinated vulnerability disclosure, self-hosted.\nEnvironment variables are listed in docs/configuration.md.')
    .version(packageVersion())
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) });
  registerServerCommands(program, io);
  registerUserCommands(program, io);
  registerTokenCommands(program, io);
  registerAuditCommands(program, io);
  registerDoctorCommand(program, io);
  registerDemoCommand(program, io);
  registerKeysCommands(program, io);
  registerAdvisoriesCommands(program, io);
  registerSettingsCommands(program, io);
  registerSecurityTxtCommands(program, io);
  registerCvssCommand(program, io);
  registerCveCommands(program, io);
  registerCveServicesEmulatorCommand(program, io);
  registerDiscoverCommand(program, io);
  registerFindingsCommands(program, io);
  registerCasesCommands(program, io);
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }
  return program;
}

/** Runs the CLI and returns the exit status: 0 ok, 1 failure, 2 usage or configuration error. */
export async function runCli(argv: string[], io: CliIO = processIO): Promise<number> {
  try {
    await buildProgram(io).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof CliFailure) {
      if (error.message) io.err(error.message);
      return error.exitCode;
    }
    if (error instanceof ConfigError) {
      io.err(`configuration error: ${error.message}`);
      return 2;
    }
    if (error instanceof AppError) {
      io.err(`${error.code}: ${error.message}`);
      return 1;
    }
    io.err(`error: ${(error as Error).message ?? String(error)}`);
    return 1;
  }
}

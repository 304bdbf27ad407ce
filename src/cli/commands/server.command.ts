import type { Command } from 'commander';
import { connectDatabase } from '../../db/connect.js';
import { migrateToLatest } from '../../db/migrate.js';
import { backupDatabase } from '../../db/backup.js';
import { generateOpenApi } from '../../server/openapi.js';
import { startServer, stopOnSignals } from '../../server/main.js';
import { configFrom, print, withContext, type CliIO, type GlobalOptions } from '../io.js';
import { CliFailure } from '../failure.js';
import { startDemoEmulator } from '../../demo/seed-cve-services.js';

export function registerServerCommands(program: Command, io: CliIO): void {
  program
    .command('serve')
    .description('start cvdesk: migrate, serve the API and web app, run the job workers')
    .option('--port <port>', 'port to listen on (PORT, default 8080)')
    .option('--data <dir>', 'data folder for the embedded database and files (CVDESK_DATA, default ./data)')
    .option('--cve-emulator', 'demos: also run the CVE Services emulator that `cvdesk demo --cve-emulator` set up in the data folder (docs/cve-services.md)')
    .action(async (options: GlobalOptions & { port?: string; cveEmulator?: boolean }) => {
      if (options.port !== undefined && !/^\d{1,5}$/.test(options.port)) throw new CliFailure(`--port: expected a port number, got "${options.port}"`, 2);
      const config = configFrom(options, options.port ? { port: Number(options.port) } : {});
      const emulator = options.cveEmulator ? await startDemoEmulator(config.dataDir).catch((error: Error) => Promise.reject(new CliFailure(`--cve-emulator: ${error.message}`, 2))) : undefined;
      if (emulator) {
        io.out(`CVE Services emulator (demo, state in the data folder) at ${emulator.url}`);
        // Saved after each change; once more as the process exits (after the server has stopped).
        process.once('exit', () => emulator.flush());
      }
      const server = await startServer(config, (line) => io.out(line));
      stopOnSignals(server, (line) => io.out(line));
    });

  program
    .command('migrate')
    .description('apply pending database migrations (serve does this too)')
    .option('--json', 'print JSON')
    .option('--data <dir>', 'data folder')
    .action(async (options: GlobalOptions) => {
      const config = configFrom(options);
      const database = await connectDatabase(config);
      try {
        const outcome = await migrateToLatest(database.db, database.pgSchema);
        print(io, options, outcome, () => (outcome.applied.length ? `applied: ${outcome.applied.join(', ')}` : 'database is current'));
      } finally {
        await database.close();
      }
    });

  program
    .command('backup')
    .description('online backup: SQLite snapshot to a file, or pg_dump (custom format) for PostgreSQL')
    .argument('<file>', 'where to write the backup (must not exist)')
    .option('--data <dir>', 'data folder')
    .action(async (file: string, options: GlobalOptions) => {
      await withContext(options, async (context) => {
        await backupDatabase(context.database, context.config.databaseUrl, file);
        io.out(`backup written to ${file}`);
      });
    });

  program
    .command('openapi')
    .description('print the OpenAPI 3.1 document (docs/openapi.json is this output)')
    .action(async () => {
      io.out(JSON.stringify(await generateOpenApi(), null, 2));
    });
}

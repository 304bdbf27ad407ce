import type { Config } from '../config/config.js';
import { createContext, type AppContext } from '../context.js';
import { bootstrapFirstAdmin } from '../domain/auth/account.service.js';
import { buildApp } from './app.js';
import { inTransaction } from './transaction.js';
import type { FastifyInstance } from 'fastify';
import { startMailIntake, type MailIntakeServer } from '../mail-intake/server.js';

export interface RunningServer {
  app: FastifyInstance;
  context: AppContext;
  url: string;
  /** The SMTP intake, when MAIL_INTAKE_PORT is set. */
  mailIntake?: MailIntakeServer | undefined;
  /** Finishes in-flight requests, stops the job workers, closes the database. */
  stop(): Promise<void>;
}

/** Starts cvdesk: migrate, first-admin bootstrap, HTTP, job workers. */
export async function startServer(config: Config, print: (line: string) => void = console.log): Promise<RunningServer> {
  const context = await createContext(config);
  const setupLink = await inTransaction(context, (trx) => bootstrapFirstAdmin(context, trx, config.adminEmail));
  if (setupLink) {
    print(`\nFirst start: an administrator account was made for ${config.adminEmail}.`);
    print(`Set its password with this one-time link (valid 72 hours):\n\n  ${setupLink}\n`);
  }
  const app = await buildApp(context);
  await app.listen({ port: config.port, host: config.host });
  await context.jobs.start();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `${config.tlsCertFile ? 'https' : 'http'}://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  print(`cvdesk is listening on ${url} (public address ${config.publicUrl}, database ${context.engine})`);
  const mailIntake = config.mailIntakePort !== undefined ? await startMailIntake(context) : undefined;
  if (mailIntake) print(`SMTP intake for the security mailbox on ${mailIntake.host}:${mailIntake.port}`);
  let stopping: Promise<void> | undefined;
  return {
    app,
    context,
    url,
    mailIntake,
    stop() {
      stopping ??= (async () => {
        await mailIntake?.stop();
        await app.close();
        await context.close();
      })();
      return stopping;
    },
  };
}

/** SIGTERM and SIGINT stop the server gracefully; a second signal exits at once. */
export function stopOnSignals(server: RunningServer, print: (line: string) => void = console.log): void {
  let signalled = false;
  const onSignal = (signal: string) => {
    if (signalled) process.exit(1);
    signalled = true;
    print(`${signal} received: finishing in-flight requests and jobs…`);
    server.stop().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
}

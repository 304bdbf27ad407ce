import { afterAll, beforeAll } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import type { Engine } from '../../src/db/dialect.js';
import { createTestEnvironment, type TestEnvironment } from './databases.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export interface CliHarness {
  /** Runs `cvdesk ARGS` in-process against the environment's database (`--data` is added). */
  cli(args: string[], stdin?: string): Promise<CliRun>;
  /** The environment, once `beforeAll` has made it. */
  environment(): TestEnvironment;
}

/**
 * A fresh database for a `describe` block's CLI tests, reached the way an operator's shell would:
 * through the environment variables the commands read (restored afterwards).
 */
export function useCliEnvironment(engine: Engine, env: Record<string, string> = {}): CliHarness {
  let environment: TestEnvironment | undefined;
  const saved = { ...process.env };
  beforeAll(async () => {
    environment = await createTestEnvironment(engine, env);
    process.env.LOG_LEVEL = 'silent';
    process.env.RUN_JOBS = 'false';
    if (environment.config.databaseUrl) {
      process.env.DATABASE_URL = environment.config.databaseUrl;
      process.env.DATABASE_SCHEMA = environment.config.databaseSchema!;
    }
  });
  afterAll(async () => {
    process.env = saved;
    await environment?.destroy();
  });
  const current = () => {
    if (!environment) throw new Error('the CLI environment is made in beforeAll');
    return environment;
  };
  return {
    environment: current,
    async cli(args, stdin = '') {
      let out = '';
      let err = '';
      const line = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);
      const io: CliIO = { out: (t) => (out += line(t)), err: (t) => (err += line(t)), readStdin: async () => stdin };
      const code = await runCli([...args, ...(args.includes('--data') || args[0] === 'openapi' ? [] : ['--data', current().dataDir])], io);
      return { code, out, err };
    },
  };
}

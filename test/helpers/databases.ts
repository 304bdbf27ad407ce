import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig, type Config } from '../../src/config/config.js';
import { createContext, type AppContext, type ContextOptions } from '../../src/context.js';
import type { Engine } from '../../src/db/dialect.js';

/**
 * Every repository and route test runs on both engines: `describe.each(DIALECTS)`.
 * PostgreSQL tests each get a schema of their own, so runs (and files in one run) never collide.
 */
export const DIALECTS: Engine[] = (process.env.CVDESK_TEST_ENGINES ?? 'sqlite,postgres').split(',') as Engine[];

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestEnvironment {
  engine: Engine;
  config: Config;
  dataDir: string;
  /** Drops the schema / folder. */
  destroy(): Promise<void>;
}

let counter = 0;

export async function createTestEnvironment(engine: Engine, env: Record<string, string> = {}): Promise<TestEnvironment> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvdesk-test-'));
  const schema = engine === 'postgres' ? `t_${process.pid}_${Date.now().toString(36)}_${counter++}` : undefined;
  const config = loadConfig(
    {
      LOG_LEVEL: 'silent',
      JOB_POLL_MS: '20',
      PUBLIC_URL: 'http://localhost:8080',
      ...env,
      ...(engine === 'postgres' ? { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema! } : {}),
    },
    { dataDir },
  );
  return {
    engine,
    config,
    dataDir,
    async destroy() {
      if (schema) {
        const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await client.connect();
        try {
          await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
          await client.query(`DROP SCHEMA IF EXISTS "${schema}_jobs" CASCADE`);
        } finally {
          await client.end();
        }
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A migrated context on a fresh database; `close()` also destroys the database. */
export async function createTestContext(
  engine: Engine,
  env: Record<string, string> = {},
  options: ContextOptions = {},
): Promise<AppContext & { environment: TestEnvironment }> {
  const environment = await createTestEnvironment(engine, env);
  const context = await createContext(environment.config, options);
  return {
    ...context,
    environment,
    async close() {
      await context.close();
      await environment.destroy();
    },
  };
}

/** A clock tests can move forward. */
export function testClock(start = new Date('2026-11-27T12:00:00Z')) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
  };
}

import type { Kysely } from 'kysely';
import type { Config } from './config/config.js';
import { connectDatabase, type DatabaseHandle } from './db/connect.js';
import type { Engine } from './db/dialect.js';
import { migrateToLatest } from './db/migrate.js';
import type { Database } from './db/schema.js';
import { createJobQueue } from './jobs/create-queue.js';
import type { JobQueue } from './jobs/job-queue.js';
import { createSecretBox, loadMasterKey, type SecretBox } from './security/secret-box.js';
import { systemClock, type Clock } from './shared/time.js';
import { TokenCache } from './domain/auth/token-cache.js';
import { fileSystemStore, type AttachmentStore } from './domain/attachments/attachment-store.js';
import path from 'node:path';

/**
 * What every service needs besides its transaction: configuration, the database, the clock,
 * the master-key box and the job queue. Built once per process (or per test).
 */
export interface AppContext {
  readonly config: Config;
  readonly database: DatabaseHandle;
  readonly db: Kysely<Database>;
  readonly engine: Engine;
  readonly clock: Clock;
  readonly secrets: SecretBox;
  readonly jobs: JobQueue;
  /** Where attachment bytes are kept. */
  readonly attachments: AttachmentStore;
  /** Recently checked API tokens (one second), see token-cache.ts. */
  readonly tokenCache: TokenCache;
  close(): Promise<void>;
}

export interface ContextOptions {
  clock?: Clock;
  /** Apply pending migrations (default true). */
  migrate?: boolean;
}

export async function createContext(config: Config, options: ContextOptions = {}): Promise<AppContext> {
  const database = await connectDatabase(config);
  try {
    if (options.migrate !== false) await migrateToLatest(database.db, database.pgSchema);
    const secrets = createSecretBox(loadMasterKey(config.masterKey, config.dataDir));
    const context: AppContext = {
      config,
      database,
      db: database.db,
      engine: database.engine,
      clock: options.clock ?? systemClock,
      secrets,
      jobs: undefined as unknown as JobQueue,
      tokenCache: new TokenCache(),
      attachments: fileSystemStore(path.join(config.dataDir, 'attachments')),
      async close() {
        await context.jobs.stop();
        await database.close();
      },
    };
    (context as { jobs: JobQueue }).jobs = await createJobQueue(context);
    return context;
  } catch (error) {
    await database.close();
    throw error;
  }
}

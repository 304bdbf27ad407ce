import type { Kysely, Transaction } from 'kysely';
import type { Engine } from './dialect.js';
import type { Database } from './schema.js';

type Work<T> = (trx: Transaction<Database>) => Promise<T>;

interface Pending {
  work: Work<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

/** Most units of work one commit carries: bounds how long other requests wait for the connection. */
const MAX_BATCH = 64;

/**
 * Group commit for SQLite, whose one connection runs one transaction at a time anyway: units of
 * work that arrive while the database is busy are run together in one transaction, each in its own
 * savepoint, and committed once. A unit that fails is rolled back to its savepoint alone and its
 * caller gets its error; the others commit. Every caller is answered only after the commit (or
 * its failure), so an acknowledged write is stored. Committing costs more than most writes (each
 * commit writes every page it touched to the WAL), and reports sharing index pages write them once.
 */
export class GroupCommitter {
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(private readonly db: Kysely<Database>) {}

  run<T>(work: Work<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work: work as Work<unknown>, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // Let pending I/O deliver more requests before the batch starts.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      await this.commitBatch(batch);
    }
    this.scheduled = false;
  }

  private async commitBatch(batch: Pending[]): Promise<void> {
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      const trx = await this.db.startTransaction().execute();
      try {
        for (const [index, item] of batch.entries()) {
          const name = `unit${index}`;
          const unit = await trx.savepoint(name).execute();
          try {
            const value = await item.work(unit);
            await unit.releaseSavepoint(name).execute();
            outcomes.push({ ok: true, value });
          } catch (error) {
            await unit.rollbackToSavepoint(name).execute();
            outcomes.push({ ok: false, error });
          }
        }
        await trx.commit().execute();
      } catch (error) {
        await trx.rollback().execute().catch(() => undefined);
        throw error;
      }
    } catch (error) {
      // The transaction itself failed (begin, a savepoint or the commit): nothing of the batch is stored.
      for (const item of batch) item.reject(error);
      return;
    }
    for (const [index, item] of batch.entries()) {
      const outcome = outcomes[index]!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    }
  }
}

const committers = new WeakMap<Kysely<Database>, GroupCommitter>();

/**
 * Runs `work` in a transaction for frequent, independent writes (submissions): on SQLite, units
 * arriving together share one commit; PostgreSQL commits each on its own connection, in parallel.
 */
export function inGroupCommit<T>(db: Kysely<Database>, engine: Engine, work: Work<T>): Promise<T> {
  if (engine !== 'sqlite') return db.transaction().execute(work);
  let committer = committers.get(db);
  if (!committer) {
    committer = new GroupCommitter(db);
    committers.set(db, committer);
  }
  return committer.run(work);
}

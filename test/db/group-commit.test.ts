import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context.js';
import { AppError } from '../../src/shared/errors.js';
import { inGroupCommit } from '../../src/server/transaction.js';
import { DIALECTS, createTestContext } from '../helpers/databases.js';

const setting = (key: string) => ({ key, value: JSON.stringify(key), updated_at: new Date().toISOString(), updated_by: 'test' });

describe.each(DIALECTS)('group commit on %s', (engine) => {
  let context: AppContext;
  beforeEach(async () => {
    context = await createTestContext(engine, { RUN_JOBS: 'false' });
  });
  afterEach(async () => context?.close());

  const stored = async (prefix: string) =>
    (await context.db.selectFrom('settings').select('key').where('key', 'like', `${prefix}%`).execute()).map((r) => r.key).sort();

  it('answers each unit with its own result and stores all that succeeded, though they arrive together', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        inGroupCommit(context, async (trx) => {
          await trx.insertInto('settings').values(setting(`gc.${String(i).padStart(2, '0')}`)).execute();
          // Every fifth unit fails after writing: its write must not survive, the others' must.
          if (i % 5 === 4) throw new AppError('validation_failed', `unit ${i} refused`);
          return i;
        }),
      ),
    );
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual(
      Array.from({ length: 20 }, (_, i) => (i % 5 === 4 ? `unit ${i} refused` : i)),
    );
    expect(await stored('gc.')).toEqual(Array.from({ length: 20 }, (_, i) => i).filter((i) => i % 5 !== 4).map((i) => `gc.${String(i).padStart(2, '0')}`));
  });

  // On PostgreSQL units are separate, concurrent transactions; on SQLite they run in arrival order.
  it.runIf(engine === 'sqlite')('sees earlier units of the same batch, as sequential transactions would', async () => {
    const [, second] = await Promise.all([
      inGroupCommit(context, (trx) => trx.insertInto('settings').values(setting('seq.first')).execute()),
      inGroupCommit(context, async (trx) => (await trx.selectFrom('settings').select('key').where('key', '=', 'seq.first').executeTakeFirst())?.key),
    ]);
    expect(second).toBe('seq.first');
  });

  it('reports a unit that breaks a constraint to its caller only', async () => {
    const results = await Promise.allSettled([
      inGroupCommit(context, (trx) => trx.insertInto('settings').values(setting('dup.key')).execute()),
      inGroupCommit(context, (trx) => trx.insertInto('settings').values(setting('dup.key')).execute()),
      inGroupCommit(context, (trx) => trx.insertInto('settings').values(setting('dup.other')).execute()),
    ]);
    const statuses = results.map((r) => r.status);
    // SQLite runs the units in arrival order; PostgreSQL commits each on its own connection, in
    // parallel, so either duplicate may be the one refused.
    if (engine === 'sqlite') expect(statuses).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    else expect([[...statuses.slice(0, 2)].sort(), statuses[2]]).toEqual([['fulfilled', 'rejected'], 'fulfilled']);
    expect(await stored('dup.')).toEqual(['dup.key', 'dup.other']);
  });
});

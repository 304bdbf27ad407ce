import { sql } from 'kysely';
import type { AppContext } from '../../src/context.js';

/** Polls `check` until it holds, or fails after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Makes every waiting job due, as if the back-off had passed. SQLite's queue reads the context
 * clock (move a test clock instead when the test has one); pg-boss reads the database's `now()`,
 * so its start times are moved back.
 */
export async function makeJobsDue(context: AppContext, clock?: { advance(ms: number): void }): Promise<void> {
  if (context.engine === 'postgres') {
    const table = sql.id(`${context.database.pgSchema}_jobs`, 'job');
    await sql`update ${table} set start_after = now() - interval '1 second' where state < 'active'`.execute(context.db);
  } else if (clock) {
    clock.advance(2 * 3_600_000);
  } else {
    await context.db.updateTable('jobs').set({ run_at: new Date(0).toISOString() }).where('state', '=', 'queued').execute();
  }
}

import type { AppContext } from '../../context.js';
import { systemActor } from '../../domain/auth/actor.js';
import { runDailyKeyCheck } from '../../domain/keys/key-warnings.service.js';
import type { JobHandler } from '../job-queue.js';

/** Job `keys.daily-check`: key expiry and security.txt re-signing reminders (see key-warnings.service.ts). */
export function keysDailyCheckJob(context: AppContext): JobHandler {
  return async () => {
    await context.db.transaction().execute((trx) => runDailyKeyCheck(context, trx, systemActor('cvdesk')));
  };
}

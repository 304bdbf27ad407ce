import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { startScheduler, type Scheduler } from '../../jobs/tasks/scheduler.js';

/**
 * Runs the periodic-task scheduler (src/jobs/tasks/scheduler.ts) while the server listens, in
 * processes that run jobs (RUN_JOBS). It starts when startServer calls listen() — apps built for
 * tests with inject() never listen, so never schedule — and stops when the app closes.
 */
export function registerScheduler(app: FastifyInstance, context: AppContext): void {
  let scheduler: Scheduler | undefined;
  app.addHook('onListen', async () => {
    if (context.config.runJobs && !scheduler) scheduler = startScheduler(context, { onError: (error) => app.log.error({ err: error }, 'scheduler') });
  });
  app.addHook('onClose', async () => {
    await scheduler?.stop();
    scheduler = undefined;
  });
}

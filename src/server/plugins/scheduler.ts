import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { startAlarmWatch, type AlarmWatch } from '../../domain/incidents/incident-alarms.js';
import { startScheduler, type Scheduler } from '../../jobs/tasks/scheduler.js';

/**
 * Runs the periodic-task scheduler (src/jobs/tasks/scheduler.ts) and the incident alarm watch
 * (src/domain/incidents/incident-alarms.ts) while the server listens, in processes that run jobs
 * (RUN_JOBS). They start when startServer calls listen() — apps built for tests with inject()
 * never listen, so never schedule — and stop when the app closes.
 */
export function registerScheduler(app: FastifyInstance, context: AppContext): void {
  let scheduler: Scheduler | undefined;
  let alarms: AlarmWatch | undefined;
  app.addHook('onListen', async () => {
    if (!context.config.runJobs) return;
    scheduler ??= startScheduler(context, { onError: (error) => app.log.error({ err: error }, 'scheduler') });
    alarms ??= startAlarmWatch(context);
  });
  app.addHook('onClose', async () => {
    await Promise.all([scheduler?.stop(), alarms?.stop()]);
    scheduler = undefined;
    alarms = undefined;
  });
}

import type { AppContext } from '../context.js';
import { MAIL_SEND_JOB } from '../domain/mail/mail.service.js';
import type { JobHandlers } from './job-queue.js';
import { sendMailJob } from './processors/send-mail.js';

/**
 * Every job cvdesk runs, by name: one line per processor or task. A job whose name is missing
 * here is dead-lettered with an error naming it (and can be retried once a handler exists).
 * Built once per queue; handlers read `context` when they run, not when they are built.
 */
export function buildJobHandlers(context: AppContext): JobHandlers {
  return {
    [MAIL_SEND_JOB]: sendMailJob(context),
  };
}

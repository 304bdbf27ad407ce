import type { AppContext } from '../../context.js';
import { attemptWebhookDelivery } from '../../domain/webhooks/webhook-delivery.js';
import type { WebhookDeliveryPayload } from '../../domain/webhooks/webhook.service.js';
import type { JobHandler } from '../job-queue.js';

/**
 * Job `webhook.deliver`: one attempt at one webhook delivery (see webhook-delivery.ts). A failed
 * attempt is logged on the delivery and then thrown, so the queue retries it with back-off and
 * dead-letters it after the delivery's max attempts (the delivery is marked `dead` on the last).
 */
export function deliverWebhookJob(context: AppContext): JobHandler {
  return async (payload: WebhookDeliveryPayload, job) => {
    const outcome = await attemptWebhookDelivery(context, payload.deliveryId, { jobAttempt: job.attempt });
    if (!outcome.ok) throw new Error(`webhook delivery ${payload.deliveryId} failed: ${outcome.error}`);
  };
}

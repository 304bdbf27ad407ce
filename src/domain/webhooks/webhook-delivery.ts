import { performance } from 'node:perf_hooks';
import type { AppContext } from '../../context.js';
import { newId } from '../../shared/ids.js';
import { iso } from '../../shared/time.js';
import { postWebhook, type WebhookHttpOptions } from './webhook-http.js';
import { signatureHeader } from './webhook-signature.js';
import { PING_EVENT, WEBHOOK_RESPONSE_BYTES, WEBHOOK_TIMEOUT_MS, type WebhookDeliveryRow } from './webhook.js';

export interface DeliveryOutcome {
  /** missing: the delivery or its endpoint was deleted; skipped: the endpoint was switched off. */
  state: WebhookDeliveryRow['state'] | 'missing';
  ok: boolean;
  error: string | null;
}

export interface AttemptOptions {
  /** The job's attempt (1 on its first run, and again after a lead retries a dead job). */
  jobAttempt?: number | undefined;
  http?: Partial<WebhookHttpOptions> | undefined;
}

/**
 * One attempt at one delivery: sign the stored body with a fresh timestamp, POST it, and log the
 * attempt (status, at most 2 KB of the answer, duration, error). A 2xx delivers it; anything else
 * leaves it `failed` for the queue to retry, or `dead` on the job's last attempt. Deliveries that
 * are delivered or skipped are left alone, so a job that runs twice sends once; a dead one is
 * tried again only when its job starts over (a lead retried it: POST /api/v1/jobs/:id/retry).
 */
export async function attemptWebhookDelivery(context: AppContext, deliveryId: string, options: AttemptOptions = {}): Promise<DeliveryOutcome> {
  const delivery = await context.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', deliveryId).executeTakeFirst();
  if (!delivery) return { state: 'missing', ok: true, error: null };
  if (delivery.state === 'delivered' || delivery.state === 'skipped') return { state: delivery.state, ok: true, error: null };
  if (delivery.state === 'dead' && options.jobAttempt !== 1) return { state: delivery.state, ok: true, error: null };
  const endpoint = await context.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', delivery.endpoint_id).executeTakeFirst();
  if (!endpoint) return { state: 'missing', ok: true, error: null };
  const now = context.clock.now();
  if (endpoint.active !== 1 && delivery.event_type !== PING_EVENT) {
    await context.db.updateTable('webhook_deliveries').set({ state: 'skipped', last_error: 'the endpoint is inactive', updated_at: iso(now) }).where('id', '=', delivery.id).execute();
    return { state: 'skipped', ok: true, error: null };
  }

  // The log counts every attempt ever made; the job's own count decides when to give up.
  const attempt = delivery.attempts + 1;
  const jobAttempt = options.jobAttempt ?? attempt;
  const timestamp = Math.floor(now.getTime() / 1000);
  const headers = {
    'x-cvdesk-event': delivery.event_type,
    'x-cvdesk-delivery': delivery.id,
    'x-cvdesk-signature': signatureHeader(context.secrets.open(endpoint.secret), timestamp, delivery.payload),
  };
  const started = performance.now();
  let status: number | null = null;
  let responseBody: string | null = null;
  let error: string | null = null;
  try {
    const response = await postWebhook(endpoint.url, delivery.payload, headers, {
      timeoutMs: WEBHOOK_TIMEOUT_MS,
      maxBytes: WEBHOOK_RESPONSE_BYTES,
      allowPrivateAddresses: context.config.webhookAllowPrivate,
      ...options.http,
    });
    status = response.status;
    responseBody = response.body.toString('utf8');
    if (status < 200 || status > 299) error = `HTTP ${status}${status >= 300 && status < 400 ? ' (redirects are not followed)' : ''}`;
  } catch (caught) {
    error = caught instanceof Error ? caught.message : String(caught);
  }
  const durationMs = Math.round(performance.now() - started);
  const ok = error === null;
  const state: WebhookDeliveryRow['state'] = ok ? 'delivered' : jobAttempt >= delivery.max_attempts ? 'dead' : 'failed';
  const finished = iso(context.clock.now());
  await context.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('webhook_attempts')
      .values({ id: newId(), delivery_id: delivery.id, attempt, started_at: iso(now), duration_ms: durationMs, response_status: status, response_body: responseBody, error: error?.slice(0, 1000) ?? null })
      .execute();
    await trx
      .updateTable('webhook_deliveries')
      .set({ state, attempts: attempt, last_status: status, last_error: error?.slice(0, 1000) ?? null, updated_at: finished, delivered_at: ok ? finished : null })
      .where('id', '=', delivery.id)
      .execute();
  });
  return { state, ok, error };
}

import type { Selectable } from 'kysely';
import type { WebhookAttemptTable, WebhookDeliveryTable, WebhookEndpointTable } from './webhook.table.js';

export type WebhookEndpointRow = Selectable<WebhookEndpointTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveryTable>;
export type WebhookAttemptRow = Selectable<WebhookAttemptTable>;

/** Events an endpoint may subscribe to. `ping` (the test button) is sent to one endpoint on request. */
export const WEBHOOK_EVENT_TYPES = ['report.created', 'report.state_changed', 'report.comment_added', 'report.severity_changed', 'report.assigned', 'reward.awarded', 'incident.received'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
export const PING_EVENT = 'ping';

export const WEBHOOK_DELIVER_JOB = 'webhook.deliver';
/**
 * Attempts per delivery: twelve waits that double from 2 s (2 s, 4 s … 2,048 s, then about an
 * hour: some two hours in all), so an endpoint that is down for up to about two hours (a deploy,
 * an outage) still gets every event; then the delivery is dead and a lead can send it again.
 */
export const WEBHOOK_MAX_ATTEMPTS = 13;
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** Bytes of each response body kept in the delivery log. */
export const WEBHOOK_RESPONSE_BYTES = 2048;

export const WEBHOOK_LIMITS = { name: 100, url: 2048 } as const;

/** What every delivery's JSON body looks like. */
export interface WebhookEvent {
  id: string;
  type: WebhookEventType | typeof PING_EVENT;
  createdAt: string;
  data: Record<string, unknown>;
}

export interface WebhookView {
  id: string;
  name: string;
  url: string;
  events: WebhookEventType[];
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export function webhookEvents(row: Pick<WebhookEndpointRow, 'events'>): WebhookEventType[] {
  const parsed = JSON.parse(row.events) as unknown;
  return Array.isArray(parsed) ? parsed.filter((e): e is WebhookEventType => (WEBHOOK_EVENT_TYPES as readonly string[]).includes(e as string)) : [];
}

export function presentWebhook(row: WebhookEndpointRow): WebhookView {
  return { id: row.id, name: row.name, url: row.url, events: webhookEvents(row), active: row.active === 1, createdAt: row.created_at, updatedAt: row.updated_at };
}

export interface WebhookAttemptView {
  attempt: number;
  startedAt: string;
  durationMs: number;
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
}

export interface WebhookDeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  state: WebhookDeliveryRow['state'];
  attempts: number;
  maxAttempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  deliveredAt: string | null;
  payload: unknown;
  log: WebhookAttemptView[];
}

export function presentDelivery(row: WebhookDeliveryRow, attempts: WebhookAttemptRow[]): WebhookDeliveryView {
  return {
    id: row.id,
    eventId: row.event_id,
    eventType: row.event_type,
    state: row.state,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    lastStatus: row.last_status,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deliveredAt: row.delivered_at,
    payload: JSON.parse(row.payload) as unknown,
    log: attempts
      .sort((a, b) => a.attempt - b.attempt)
      .map((a) => ({ attempt: a.attempt, startedAt: a.started_at, durationMs: a.duration_ms, responseStatus: a.response_status, responseBody: a.response_body, error: a.error })),
  };
}

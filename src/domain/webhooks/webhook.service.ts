import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { decodeKeysetCursor, encodeKeysetCursor } from '../../db/keyset-cursor.js';
import { invalid, notFound } from '../../shared/errors.js';
import { isId, newId } from '../../shared/ids.js';
import { iso } from '../../shared/time.js';
import { randomToken } from '../../security/random.js';
import { recordAudit } from '../audit/audit.service.js';
import { actorId, type Actor } from '../auth/actor.js';
import { listReportAttachments, presentAttachment } from '../attachments/attachment.service.js';
import { reportUrl } from '../notifications/notification.js';
import { findAsset } from '../reports/report.repository.js';
import { presentReport, type ReportRow } from '../reports/report.js';
import { webhookUrlProblem } from './webhook-http.js';
import { assertCanManageWebhooks } from './webhook.policy.js';
import {
  PING_EVENT,
  WEBHOOK_DELIVER_JOB,
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_LIMITS,
  WEBHOOK_MAX_ATTEMPTS,
  presentDelivery,
  presentWebhook,
  webhookEvents,
  type WebhookDeliveryView,
  type WebhookEndpointRow,
  type WebhookEvent,
  type WebhookEventType,
  type WebhookView,
} from './webhook.js';

/**
 * Webhooks: leads register endpoints and the events they want; each event becomes one delivery per
 * subscribed, active endpoint, written with a `webhook.deliver` job in the transaction of the
 * change that caused it. The body is fixed then, and signed at each attempt
 * (see webhook-delivery.ts and docs/webhooks.md).
 */

export interface WebhookDeliveryPayload {
  deliveryId: string;
}

type EventData = Record<string, unknown> | (() => Promise<Record<string, unknown>>);

async function enqueueDelivery(context: AppContext, trx: Executor, endpointId: string, event: WebhookEvent, body: string): Promise<string> {
  const id = newId();
  const now = iso(context.clock.now());
  await trx
    .insertInto('webhook_deliveries')
    .values({
      id,
      endpoint_id: endpointId,
      event_id: event.id,
      event_type: event.type,
      payload: body,
      state: 'pending',
      attempts: 0,
      max_attempts: WEBHOOK_MAX_ATTEMPTS,
      last_status: null,
      last_error: null,
      created_at: now,
      updated_at: now,
      delivered_at: null,
    })
    .execute();
  await context.jobs.enqueue(trx, WEBHOOK_DELIVER_JOB, { deliveryId: id } satisfies WebhookDeliveryPayload, { maxAttempts: WEBHOOK_MAX_ATTEMPTS });
  return id;
}

/**
 * Announces `type` to every active endpoint subscribed to it, in the caller's transaction. `data`
 * must hold only what staff may see (never internal notes); pass a function to build it only when
 * someone listens. Returns the event id, or null when no endpoint wants it.
 */
export async function emitWebhookEvent(context: AppContext, trx: Executor, type: WebhookEventType, data: EventData): Promise<string | null> {
  return (await emitWebhookEvents(context, trx, type, [data]))[0]!;
}

/** `emitWebhookEvent` for many events of one type (a batch of new reports): the endpoints are looked up once. */
export async function emitWebhookEvents(context: AppContext, trx: Executor, type: WebhookEventType, items: readonly EventData[]): Promise<(string | null)[]> {
  if (items.length === 0) return [];
  const endpoints = (await trx.selectFrom('webhook_endpoints').selectAll().where('active', '=', 1).orderBy('created_at').execute()).filter((endpoint) =>
    webhookEvents(endpoint).includes(type),
  );
  if (endpoints.length === 0) return items.map(() => null);
  const ids: string[] = [];
  for (const data of items) {
    const event: WebhookEvent = { id: newId(), type, createdAt: iso(context.clock.now()), data: typeof data === 'function' ? await data() : data };
    const body = JSON.stringify(event);
    for (const endpoint of endpoints) await enqueueDelivery(context, trx, endpoint.id, event, body);
    ids.push(event.id);
  }
  return ids;
}

/**
 * The report as staff see it, for webhook payloads: Markdown text (no HTML), attachments as
 * metadata only (never their bytes), a link into cvdesk. The timeline, and so every internal
 * note, is left out.
 */
export async function reportWebhookData(context: AppContext, db: Executor, report: ReportRow): Promise<Record<string, unknown>> {
  const [asset, attachments] = await Promise.all([findAsset(db, report.asset_id), listReportAttachments(db, report.id)]);
  const { allowedTransitions: _transitions, ...view } = presentReport(report, asset, true);
  return {
    ...view,
    description: view.description.markdown,
    steps: view.steps.markdown,
    impact: view.impact.markdown,
    attachments: attachments.map(presentAttachment),
    url: reportUrl(context.config.publicUrl, report.id),
  };
}

export interface WebhookInput {
  name: string;
  url: string;
  events: string[];
  active?: boolean | undefined;
}

export interface WebhookChanges {
  name?: string | undefined;
  url?: string | undefined;
  events?: string[] | undefined;
  active?: boolean | undefined;
  /** Replace the signing secret; the new one is returned once. */
  rotateSecret?: boolean | undefined;
}

function cleanName(raw: string): string {
  const name = raw.trim().replace(/\s+/g, ' ');
  if (!name) throw invalid('/name', 'must not be empty');
  if (name.length > WEBHOOK_LIMITS.name) throw invalid('/name', `must be at most ${WEBHOOK_LIMITS.name} characters`);
  if (/[\u0000-\u001f\u007f]/.test(name)) throw invalid('/name', 'must not contain control characters');
  return name;
}

function cleanUrl(context: AppContext, raw: string): string {
  const url = raw.trim();
  if (url.length > WEBHOOK_LIMITS.url) throw invalid('/url', `must be at most ${WEBHOOK_LIMITS.url} characters`);
  const problem = webhookUrlProblem(url, context.config.webhookAllowPrivate);
  if (problem) throw invalid('/url', problem);
  return new URL(url).href;
}

function cleanEvents(raw: readonly string[]): WebhookEventType[] {
  if (raw.length === 0) throw invalid('/events', 'subscribe to at least one event');
  raw.forEach((type, index) => {
    if (!(WEBHOOK_EVENT_TYPES as readonly string[]).includes(type)) throw invalid(`/events/${index}`, `unknown event "${type}" (one of ${WEBHOOK_EVENT_TYPES.join(', ')})`);
  });
  return [...new Set(raw)] as WebhookEventType[];
}

/** Only the origin goes into the audit log: many webhook URLs carry a secret in their path. */
const origin = (url: string) => new URL(url).origin;
const newSecret = () => `whsec_${randomToken(32)}`;

async function findEndpoint(db: Executor, id: string): Promise<WebhookEndpointRow> {
  const row = isId(id) ? await db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst() : undefined;
  if (!row) throw notFound('Webhook');
  return row;
}

/** Registers an endpoint; its signing secret is returned here once and stored sealed. */
export async function createWebhook(context: AppContext, trx: Executor, actor: Actor, input: WebhookInput): Promise<WebhookView & { secret: string }> {
  assertCanManageWebhooks(actor);
  const now = iso(context.clock.now());
  const secret = newSecret();
  const row: WebhookEndpointRow = {
    id: newId(),
    name: cleanName(input.name),
    url: cleanUrl(context, input.url),
    events: JSON.stringify(cleanEvents(input.events)),
    secret: context.secrets.seal(secret),
    active: input.active === false ? 0 : 1,
    created_by: actorId(actor),
    created_at: now,
    updated_at: now,
  };
  await trx.insertInto('webhook_endpoints').values(row).execute();
  await recordAudit(context, trx, actor, { action: 'webhook.created', objectType: 'webhook', objectId: row.id, data: { name: row.name, origin: origin(row.url), events: webhookEvents(row), active: row.active === 1 } });
  return { ...presentWebhook(row), secret };
}

export async function listWebhooks(db: Executor, actor: Actor): Promise<WebhookView[]> {
  assertCanManageWebhooks(actor);
  return (await db.selectFrom('webhook_endpoints').selectAll().orderBy('created_at').orderBy('id').execute()).map(presentWebhook);
}

export async function updateWebhook(context: AppContext, trx: Executor, actor: Actor, id: string, changes: WebhookChanges): Promise<WebhookView & { secret?: string }> {
  assertCanManageWebhooks(actor);
  const row = await findEndpoint(trx, id);
  const set: Partial<WebhookEndpointRow> = {};
  if (changes.name !== undefined) set.name = cleanName(changes.name);
  if (changes.url !== undefined) set.url = cleanUrl(context, changes.url);
  if (changes.events !== undefined) set.events = JSON.stringify(cleanEvents(changes.events));
  if (changes.active !== undefined) set.active = changes.active ? 1 : 0;
  const secret = changes.rotateSecret ? newSecret() : undefined;
  if (secret) set.secret = context.secrets.seal(secret);
  if (Object.keys(set).length === 0) throw invalid('/', 'nothing to change');
  set.updated_at = iso(context.clock.now());
  await trx.updateTable('webhook_endpoints').set(set).where('id', '=', row.id).execute();
  const updated = { ...row, ...set };
  await recordAudit(context, trx, actor, {
    action: 'webhook.updated',
    objectType: 'webhook',
    objectId: row.id,
    data: { fields: Object.keys(changes).filter((k) => changes[k as keyof WebhookChanges] !== undefined), origin: origin(updated.url), events: webhookEvents(updated), active: updated.active === 1 },
  });
  return { ...presentWebhook(updated), ...(secret ? { secret } : {}) };
}

/** Removes the endpoint with its delivery log; deliveries still queued find nothing and end. */
export async function deleteWebhook(context: AppContext, trx: Executor, actor: Actor, id: string): Promise<void> {
  assertCanManageWebhooks(actor);
  const row = await findEndpoint(trx, id);
  await trx.deleteFrom('webhook_endpoints').where('id', '=', row.id).execute();
  await recordAudit(context, trx, actor, { action: 'webhook.deleted', objectType: 'webhook', objectId: row.id, data: { name: row.name, origin: origin(row.url) } });
}

/** Queues a `ping` to this endpoint now (even when inactive or not subscribed), through the usual delivery job. */
export async function sendTestPing(context: AppContext, trx: Executor, actor: Actor, id: string): Promise<{ deliveryId: string; eventId: string }> {
  assertCanManageWebhooks(actor);
  const row = await findEndpoint(trx, id);
  const event: WebhookEvent = {
    id: newId(),
    type: PING_EVENT,
    createdAt: iso(context.clock.now()),
    data: { webhook: { id: row.id, name: row.name }, message: 'A test delivery from cvdesk: if you can read this, the endpoint works.' },
  };
  const deliveryId = await enqueueDelivery(context, trx, row.id, event, JSON.stringify(event));
  await recordAudit(context, trx, actor, { action: 'webhook.tested', objectType: 'webhook', objectId: row.id, data: { deliveryId, eventId: event.id } });
  return { deliveryId, eventId: event.id };
}

const encodeCursor = (row: { created_at: string; id: string }) => encodeKeysetCursor(row.created_at, row.id);

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  const { at, id } = decodeKeysetCursor(cursor);
  return { createdAt: at, id };
}

/** The delivery log of one endpoint, newest first (keyset pages), each with its attempts. */
export async function listDeliveries(db: Executor, actor: Actor, id: string, page: { after?: string | undefined; limit: number }): Promise<{ items: WebhookDeliveryView[]; next: string | null }> {
  assertCanManageWebhooks(actor);
  const endpoint = await findEndpoint(db, id);
  let query = db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('endpoint_id', '=', endpoint.id)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1);
  if (page.after) {
    const cursor = decodeCursor(page.after);
    query = query.where(({ eb, or, and }) => or([eb('created_at', '<', cursor.createdAt), and([eb('created_at', '=', cursor.createdAt), eb('id', '<', cursor.id)])]));
  }
  const rows = await query.execute();
  const shown = rows.slice(0, page.limit);
  const attempts = shown.length ? await db.selectFrom('webhook_attempts').selectAll().where('delivery_id', 'in', shown.map((r) => r.id)).execute() : [];
  return {
    items: shown.map((row) => presentDelivery(row, attempts.filter((a) => a.delivery_id === row.id))),
    next: rows.length > page.limit ? encodeCursor(shown[shown.length - 1]!) : null,
  };
}

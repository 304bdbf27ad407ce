import { WEBHOOK_EVENTS, type DeliveryState, type WebhookEventType } from '../../api/types';
import type { Tone } from '../../components/ui';

export const EVENT_INFO: Record<WebhookEventType, { label: string; hint: string }> = {
  'report.created': { label: 'Report submitted', hint: 'report.created' },
  'report.state_changed': { label: 'State changed', hint: 'report.state_changed: triaged, resolved, closed…' },
  'report.comment_added': { label: 'Public reply', hint: 'report.comment_added: by staff or the reporter; never internal notes' },
  'report.severity_changed': { label: 'Severity changed', hint: 'report.severity_changed: CVSS vectors or CWE' },
  'report.assigned': { label: 'Assignee changed', hint: 'report.assigned' },
  'reward.awarded': { label: 'Reward awarded', hint: 'reward.awarded' },
};

export const EVENT_OPTIONS = WEBHOOK_EVENTS.map((value) => ({ value, label: EVENT_INFO[value].label, hint: EVENT_INFO[value].hint }));

export const STATE_INFO: Record<DeliveryState, { tone: Tone; label: string; hint: string }> = {
  pending: { tone: 'info', label: 'pending', hint: 'not tried yet' },
  failed: { tone: 'warning', label: 'failed', hint: 'an attempt failed; a retry is due' },
  delivered: { tone: 'success', label: 'delivered', hint: 'answered with a 2xx' },
  dead: { tone: 'danger', label: 'dead', hint: 'every attempt failed; retry its job in Admin → Jobs' },
  skipped: { tone: 'neutral', label: 'skipped', hint: 'the endpoint was switched off before it was sent' },
};

/** Still moving: the log is refreshed on its own while one of these is shown. */
export function isUnsettled(state: DeliveryState): boolean {
  return state === 'pending' || state === 'failed';
}

export const VERIFY_SNIPPET = `import { createHmac, timingSafeEqual } from 'node:crypto';

/** header: X-Cvdesk-Signature; rawBody: the request body exactly as received (a Buffer). */
export function verifyCvdesk(header, rawBody, secret, toleranceSeconds = 300) {
  const parts = Object.fromEntries(String(header ?? '').split(',').map((p) => p.trim().split('=', 2)));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/.test(parts.v1 ?? '')) return false;
  if (Math.abs(Date.now() / 1000 - t) > toleranceSeconds) return false; // no replays
  const expected = createHmac('sha256', secret).update(\`\${t}.\`).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(parts.v1, 'hex'));
}`;

import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `X-Cvdesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, keyed with the
 * endpoint's secret (the whole `whsec_…` string, as UTF-8). The timestamp is signed too, so a
 * receiver that rejects old timestamps also rejects replays. See docs/webhooks.md.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${signWebhook(secret, timestamp, body)}`;
}

/** What a receiver does (and what tests check): parse the header, recompute, compare in constant time, bound the age. */
export function verifyWebhookSignature(secret: string, header: string, body: string, options: { now?: number; toleranceSeconds?: number } = {}): boolean {
  const parts = new Map(header.split(',').map((part) => part.trim().split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1');
  if (!Number.isInteger(t) || !v1 || !/^[0-9a-f]{64}$/.test(v1)) return false;
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > (options.toleranceSeconds ?? 300)) return false;
  return timingSafeEqual(Buffer.from(signWebhook(secret, t, body), 'hex'), Buffer.from(v1, 'hex'));
}

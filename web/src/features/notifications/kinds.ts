import type { AppNotification } from '../../api/types';

/**
 * Short names for the kinds of notification (the server sends a sentence as `description`; a new
 * kind the web app does not know yet falls back to it).
 */
export const KIND_LABELS: Record<string, string> = {
  state_changed: 'State changes',
  reply: 'Replies from the security team',
  severity_changed: 'Severity changes',
  reward_awarded: 'Rewards',
  new_report: 'New reports',
  reporter_reply: 'Replies from reporters',
  assigned: 'Assigned to you',
  sla_breach: 'Missed response targets',
  retest_incomplete: 'Fixes found incomplete on retest',
  disclosure_requested: 'Disclosure requests',
};

/** A one-word tag for a notification in a list. */
export const KIND_TAGS: Record<string, string> = {
  state_changed: 'state',
  reply: 'reply',
  severity_changed: 'severity',
  reward_awarded: 'reward',
  new_report: 'new report',
  reporter_reply: 'reporter reply',
  assigned: 'assigned',
  sla_breach: 'response target',
  retest_incomplete: 'retest',
  disclosure_requested: 'disclosure',
};

/**
 * Kinds about the person's own reports; the others are triage kinds for triagers and leads.
 * (`disclosure_requested` is both: a reporter hears of staff's requests, staff of reporters'.)
 */
export const REPORTER_KINDS: ReadonlySet<string> = new Set(['state_changed', 'reply', 'severity_changed', 'reward_awarded', 'disclosure_requested']);

/**
 * Where a notification leads inside the app: the path of its `url` when that is on this origin,
 * else the report's page. Null when it is about no report.
 */
export function notificationPath(notification: Pick<AppNotification, 'url' | 'reportId'>): string | null {
  if (notification.url) {
    try {
      const url = new URL(notification.url, window.location.origin);
      if (url.origin === window.location.origin) return `${url.pathname}${url.search}${url.hash}`;
    } catch {
      // not a URL: fall back to the report id
    }
  }
  return notification.reportId ? `/reports/${encodeURIComponent(notification.reportId)}` : null;
}

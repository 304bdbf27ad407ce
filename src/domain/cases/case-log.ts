import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { newId } from '../../shared/ids.js';
import { iso } from '../../shared/time.js';

/**
 * The contact log: every notice sent, reply received, portal action and status change, with
 * its time and channel. Written in the transaction of the change it records.
 */
export const LOG_KINDS = [
  'case_created',
  'state_changed',
  'participant_added',
  'notice_queued',
  'notice_sent',
  'notice_failed',
  'reply_received',
  'message',
  'acknowledged',
  'status_changed',
  'statement',
  'extension_requested',
  'extension_decided',
  'decision',
  'escalated',
  'portal_link_issued',
  'portal_link_revoked',
  'portal_opened',
  'reminder',
  'note',
] as const;
export type LogKind = (typeof LOG_KINDS)[number];
export const LOG_CHANNELS = ['mail', 'portal', 'staff', 'system'] as const;
export type LogChannel = (typeof LOG_CHANNELS)[number];

export interface LogEntry {
  caseId: string;
  participantId?: string | null;
  kind: LogKind;
  channel: LogChannel;
  direction: 'in' | 'out' | 'internal';
  summary: string;
  body?: string | null;
  data?: Record<string, unknown>;
  messageHash?: string | null;
  actor: string;
}

export async function appendLog(context: AppContext, trx: Executor, entry: LogEntry): Promise<string> {
  const id = newId();
  await trx
    .insertInto('case_log')
    .values({
      id,
      case_id: entry.caseId,
      participant_id: entry.participantId ?? null,
      kind: entry.kind,
      channel: entry.channel,
      direction: entry.direction,
      summary: entry.summary.replace(/[\r\n]+/g, ' ').slice(0, 500),
      body: entry.body ?? null,
      data: JSON.stringify(entry.data ?? {}),
      message_hash: entry.messageHash ?? null,
      actor: entry.actor,
      occurred_at: iso(context.clock.now()),
    })
    .execute();
  return id;
}

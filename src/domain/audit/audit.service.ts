import type { AppContext } from '../../context.js';
import { lockForUpdate, type Executor } from '../../db/dialect.js';
import { newId } from '../../shared/ids.js';
import { iso } from '../../shared/time.js';
import { actorId, actorLabel, type Actor } from '../auth/actor.js';
import { GENESIS_HASH, canonicalJson, hashAuditEvent } from './audit-hash.js';
import { findAuditEvents, insertAuditEvent, lastAuditEvent, streamAuditEvents, type AuditEventRow, type AuditFilter } from './audit.repository.js';
import { assertCanReadAudit, canSeeFullAudit } from './audit.policy.js';

export interface AuditEntry {
  action: string;
  objectType: string;
  objectId?: string | null;
  data?: Record<string, unknown>;
}

/**
 * Appends an event to the hash chain. Call it inside the transaction that makes the change, so
 * the change and its record commit (or vanish) together.
 */
export async function recordAudit(context: AppContext, trx: Executor, actor: Actor, entry: AuditEntry): Promise<void> {
  await lockForUpdate(trx, context.engine, 'audit_chain');
  const last = await lastAuditEvent(trx);
  const fields = {
    seq: (last?.seq ?? 0) + 1,
    id: newId(),
    occurred_at: iso(context.clock.now()),
    actor_id: actorId(actor),
    actor_label: actorLabel(actor),
    action: entry.action,
    object_type: entry.objectType,
    object_id: entry.objectId ?? null,
    data: canonicalJson(entry.data ?? {}),
    ip: 'ip' in actor ? (actor.ip ?? null) : null,
    prev_hash: last?.hash ?? GENESIS_HASH,
  };
  await insertAuditEvent(trx, { ...fields, hash: hashAuditEvent(fields) });
}

export interface AuditEventView {
  seq: number;
  id: string;
  occurredAt: string;
  actorId: string | null;
  actorLabel: string;
  action: string;
  objectType: string;
  objectId: string | null;
  data: unknown;
  ip: string | null;
  prevHash: string;
  hash: string;
}

export function presentAuditEvent(row: AuditEventRow): AuditEventView {
  return {
    seq: row.seq,
    id: row.id,
    occurredAt: row.occurred_at,
    actorId: row.actor_id,
    actorLabel: row.actor_label,
    action: row.action,
    objectType: row.object_type,
    objectId: row.object_id,
    data: JSON.parse(row.data) as unknown,
    ip: row.ip,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;

/** `alice@example.org` → `a…@example.org`: enough to tell people apart, not to contact them. */
export function maskEmails(text: string): string {
  return text.replace(EMAIL, '$1…@$2');
}

/**
 * Triagers and CNA publishers browse the log to follow the work, but do not administer accounts:
 * they see addresses masked and no client IPs. Leads and auditors see everything.
 */
function redactForReader(view: AuditEventView): AuditEventView {
  return { ...view, actorLabel: maskEmails(view.actorLabel), data: JSON.parse(maskEmails(JSON.stringify(view.data))) as unknown, ip: null };
}

export async function listAuditEvents(db: Executor, actor: Actor, filter: AuditFilter) {
  assertCanReadAudit(actor);
  const rows = await findAuditEvents(db, filter);
  const full = canSeeFullAudit(actor);
  return {
    items: rows.map((row) => (full ? presentAuditEvent(row) : redactForReader(presentAuditEvent(row)))),
    nextBefore: rows.length === filter.limit ? rows[rows.length - 1]!.seq : null,
  };
}

export interface ChainVerdict {
  ok: boolean;
  checked: number;
  firstBad: { seq: number; id: string; reason: string } | null;
}

/**
 * Walks the chain from the start. An edited event no longer matches its hash; a removed event
 * leaves a gap in seq and a prev_hash that points at nothing; an inserted event breaks the
 * prev_hash link of the one after it (or its own, if its hash was forged).
 */
export async function verifyAuditChain(db: Executor): Promise<ChainVerdict> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  for await (const row of streamAuditEvents(db)) {
    const bad = (reason: string): ChainVerdict => ({ ok: false, checked, firstBad: { seq: row.seq, id: row.id, reason } });
    if (row.seq !== expectedSeq) {
      return bad(row.seq > expectedSeq ? `events ${expectedSeq}–${row.seq - 1} are missing (removed)` : `sequence number repeats (inserted)`);
    }
    if (row.prev_hash !== prevHash) return bad('does not link to the event before it (an event was removed or inserted before it)');
    const { hash, ...fields } = row;
    if (hashAuditEvent(fields) !== hash) return bad('content does not match its hash (changed)');
    prevHash = hash;
    expectedSeq += 1;
    checked += 1;
  }
  return { ok: true, checked, firstBad: null };
}

import { randomInt } from 'node:crypto';
import argon2 from 'argon2';
import type { AppContext } from '../../context.js';
import { AppError, invalid } from '../../shared/errors.js';
import { addDays, addMinutes, iso } from '../../shared/time.js';
import { verifySecret } from '../../security/password.js';
import { recordAudit } from '../audit/audit.service.js';
import type { Actor } from '../auth/actor.js';
import { readIncidentSettings } from './incident-settings.js';
import type { IncidentReceiptRow, IncidentRow } from './incident.js';

/**
 * Receipts let an anonymous reporter come back. A receipt is 36 digits shown in 9 groups of
 * four: the first two groups are a public lookup id (which receipt row to check), the other
 * seven the secret — 28 random digits, log2(10^28) ≈ 93 bits. Only an argon2id hash of the
 * secret (bound to its lookup id) is stored, so checking a receipt is one hash verification.
 * Guessing is limited per address (the route), across all addresses (here, per process), and
 * per lookup id: after 5 wrong secrets in a row the lookup id is locked for an hour, doubling
 * with each further failure up to a day; a right one resets the count.
 *
 * A redeemed receipt gives a follow-up token (`cvf_…`, 30 minutes): the incident id, the lookup
 * id and the expiry sealed with the master key (AES-256-GCM), so it needs no table and cannot be
 * forged; it stops working when the receipt expires.
 */

export const LOOKUP_DIGITS = 8;
export const SECRET_DIGITS = 28;
export const RECEIPT_MAX_FAILURES = 5;
export const FOLLOW_UP_TOKEN_MINUTES = 30;
const LOCK_BASE_MINUTES = 60;
const LOCK_MAX_MINUTES = 24 * 60;

export interface Receipt {
  lookupId: string;
  secret: string;
  /** What the reporter is shown: 9 groups of 4 digits. */
  text: string;
}

const digits = (n: number) => Array.from({ length: n }, () => randomInt(0, 10)).join('');

export function generateReceipt(): Receipt {
  const lookupId = digits(LOOKUP_DIGITS);
  const secret = digits(SECRET_DIGITS);
  return { lookupId, secret, text: (lookupId + secret).match(/.{4}/g)!.join('-') };
}

/** Spaces and dashes are ignored; anything else must be the 36 digits. */
export function parseReceipt(text: string): { lookupId: string; secret: string } | null {
  const compact = text.replace(/[\s-]+/g, '');
  if (!new RegExp(`^\\d{${LOOKUP_DIGITS + SECRET_DIGITS}}$`).test(compact)) return null;
  return { lookupId: compact.slice(0, LOOKUP_DIGITS), secret: compact.slice(LOOKUP_DIGITS) };
}

const bound = (lookupId: string, secret: string) => `cvdesk-receipt:${lookupId}:${secret}`;

/**
 * argon2id for a random 93-bit secret, not for a password. Password parameters (19 MiB, two
 * passes, ~35 ms) exist to slow an offline guesser down on a low-entropy secret; 2^93 guesses
 * are out of reach at any speed, so the hash only has to be one-way and keyed to its lookup id.
 * One pass over 2 MiB (~1.5 ms, on libuv's thread pool) does that, and a submission with a
 * receipt no longer costs twenty times one without. Online guessing is limited separately (the
 * route, the process-wide window, the per-lookup-id lock). Hashes made with other parameters
 * still verify: argon2 reads them from the hash.
 */
const RECEIPT_HASH = { type: argon2.argon2id, memoryCost: 2048, timeCost: 1, parallelism: 1 } as const;

export function hashReceipt(receipt: Pick<Receipt, 'lookupId' | 'secret'>): Promise<string> {
  return argon2.hash(bound(receipt.lookupId, receipt.secret), RECEIPT_HASH);
}

/** A hash to verify against for an unknown or expired lookup id, so timing does not tell. */
let dummyHash: Promise<string> | undefined;
function dummyReceiptHash(): Promise<string> {
  dummyHash ??= hashReceipt({ lookupId: '00000000', secret: 'not a receipt, only for refusing in constant time' });
  return dummyHash;
}

/** A sliding one-minute window shared by every caller in this process. */
class WindowLimiter {
  private readonly hits: number[] = [];
  constructor(private readonly max: number) {}
  take(now: number): boolean {
    while (this.hits.length > 0 && this.hits[0]! <= now - 60_000) this.hits.shift();
    if (this.hits.length >= this.max) return false;
    this.hits.push(now);
    return true;
  }
  retryAfterSeconds(now: number): number {
    return Math.max(1, Math.ceil(((this.hits[0] ?? now) + 60_000 - now) / 1000));
  }
}

const globalLimiters = new WeakMap<AppContext['config'], WindowLimiter>();

function globalLimiter(context: AppContext): WindowLimiter {
  let limiter = globalLimiters.get(context.config);
  if (!limiter) {
    limiter = new WindowLimiter(context.config.incidentReceiptGlobalPerMinute);
    globalLimiters.set(context.config, limiter);
  }
  return limiter;
}

export const receiptInvalid = () => new AppError('receipt_invalid', 'This receipt is wrong, unknown or expired');

/** An actor for the receipt holder: anonymous, and without the address (it is not recorded). */
const RECEIPT_HOLDER: Actor = { kind: 'anonymous' };

export interface FollowUpGrant {
  token: string;
  expiresAt: string;
  incidentId: string;
}

/**
 * Checks a receipt and grants a follow-up token. Wrong secrets count against the lookup id (in
 * their own committed transaction) before the refusal is thrown.
 */
export async function redeemReceipt(context: AppContext, text: string): Promise<FollowUpGrant> {
  const now = context.clock.now();
  const limiter = globalLimiter(context);
  if (!limiter.take(Date.now())) {
    throw new AppError('rate_limited', 'Too many receipt checks right now; try again in a minute', [], { 'retry-after': String(limiter.retryAfterSeconds(Date.now())) });
  }
  const parsed = parseReceipt(text);
  if (!parsed) throw invalid('/receipt', `a receipt is ${LOOKUP_DIGITS + SECRET_DIGITS} digits (9 groups of 4)`);
  const row = await context.db.selectFrom('incident_receipts').selectAll().where('lookup_id', '=', parsed.lookupId).executeTakeFirst();
  if (!row || new Date(row.expires_at) <= now) {
    // The same work as a real check, so timing does not tell unknown from wrong.
    await verifySecret(await dummyReceiptHash(), bound(parsed.lookupId, parsed.secret));
    throw receiptInvalid();
  }
  if (row.locked_until && new Date(row.locked_until) > now) {
    const seconds = Math.ceil((new Date(row.locked_until).getTime() - now.getTime()) / 1000);
    throw new AppError('rate_limited', `Too many wrong receipts; this receipt is locked until ${row.locked_until}`, [], { 'retry-after': String(seconds) });
  }
  const ok = await verifySecret(row.secret_hash, bound(parsed.lookupId, parsed.secret));
  if (!ok) {
    await recordFailure(context, row);
    throw receiptInvalid();
  }
  const settings = await readIncidentSettings(context.db);
  const extended = iso(addDays(now, settings.receiptValidityDays));
  await context.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('incident_receipts')
      .set({ failures: 0, locked_until: null, last_used_at: iso(now), expires_at: extended > row.expires_at ? extended : row.expires_at })
      .where('lookup_id', '=', row.lookup_id)
      .execute();
    await recordAudit(context, trx, RECEIPT_HOLDER, { action: 'incident.receipt_used', objectType: 'incident', objectId: row.incident_id, data: {} });
  });
  return issueFollowUpToken(context, row);
}

async function recordFailure(context: AppContext, row: IncidentReceiptRow): Promise<void> {
  const now = context.clock.now();
  await context.db.transaction().execute(async (trx) => {
    // The count after this failure, as the atomic increment left it: guesses sent at once all
    // read the row before any of them failed, and must not each count as the first.
    const counted = await trx
      .updateTable('incident_receipts')
      .set((eb) => ({ failures: eb('failures', '+', 1) }))
      .where('lookup_id', '=', row.lookup_id)
      .returning('failures')
      .executeTakeFirst();
    const failures = counted?.failures ?? row.failures + 1;
    const locked = failures >= RECEIPT_MAX_FAILURES;
    const minutes = Math.min(LOCK_MAX_MINUTES, LOCK_BASE_MINUTES * 2 ** Math.max(0, failures - RECEIPT_MAX_FAILURES));
    if (locked) await trx.updateTable('incident_receipts').set({ locked_until: iso(addMinutes(now, minutes)) }).where('lookup_id', '=', row.lookup_id).execute();
    await recordAudit(context, trx, RECEIPT_HOLDER, {
      action: 'incident.receipt_failed',
      objectType: 'incident',
      objectId: row.incident_id,
      data: { failures, lockedForMinutes: locked ? minutes : 0 },
    });
  });
}

interface TokenBody {
  i: string;
  l: string;
  x: number;
}

export function issueFollowUpToken(context: AppContext, row: Pick<IncidentReceiptRow, 'incident_id' | 'lookup_id'>): FollowUpGrant {
  const expires = addMinutes(context.clock.now(), FOLLOW_UP_TOKEN_MINUTES);
  const body: TokenBody = { i: row.incident_id, l: row.lookup_id, x: Math.floor(expires.getTime() / 1000) };
  const token = `cvf_${Buffer.from(context.secrets.seal(JSON.stringify(body))).toString('base64url')}`;
  return { token, expiresAt: iso(expires), incidentId: row.incident_id };
}

/** The incident a follow-up token grants, while the token and its receipt are both valid. */
export async function incidentForToken(context: AppContext, token: string | undefined): Promise<IncidentRow> {
  if (!token || !token.startsWith('cvf_') || token.length > 1000) throw new AppError('receipt_invalid', 'Send the follow-up token from POST /api/v1/incidents/receipt in X-Follow-Up-Token');
  let body: TokenBody;
  try {
    body = JSON.parse(context.secrets.open(Buffer.from(token.slice(4), 'base64url').toString('utf8'))) as TokenBody;
  } catch {
    throw new AppError('receipt_invalid', 'This follow-up token is not valid');
  }
  const now = context.clock.now();
  if (!body.i || !body.l || body.x * 1000 <= now.getTime()) throw new AppError('receipt_invalid', 'This follow-up token has expired; enter your receipt again');
  const receipt = await context.db.selectFrom('incident_receipts').select(['incident_id', 'expires_at']).where('lookup_id', '=', body.l).executeTakeFirst();
  if (!receipt || receipt.incident_id !== body.i || new Date(receipt.expires_at) <= now) throw receiptInvalid();
  const incident = await context.db.selectFrom('incidents').selectAll().where('id', '=', body.i).executeTakeFirst();
  if (!incident) throw receiptInvalid();
  return incident;
}

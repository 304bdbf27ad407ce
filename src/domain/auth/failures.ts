import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { AppError } from '../../shared/errors.js';
import { addMinutes, iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import type { UserRow } from '../users/user.js';
import type { Actor } from './actor.js';

/** Failures allowed before the account locks; each further failure doubles the lock, up to an hour. */
const FREE_FAILURES = 5;
const MAX_LOCK_MINUTES = 60;

function lockMinutes(failures: number): number {
  return Math.min(MAX_LOCK_MINUTES, 2 ** (failures - FREE_FAILURES));
}

/**
 * The lock on an account, if one is in force: every check of a password or a second factor —
 * at sign-in, or behind a session or token (changing the password, new recovery codes) —
 * answers it first.
 */
export function lockedOut(context: AppContext, user: Pick<UserRow, 'locked_until'>): AppError | undefined {
  const now = context.clock.now();
  if (!user.locked_until || now >= new Date(user.locked_until)) return undefined;
  const seconds = Math.ceil((new Date(user.locked_until).getTime() - now.getTime()) / 1000);
  return new AppError('account_locked', `Too many failed attempts; try again in ${seconds} seconds`, [], { 'retry-after': String(seconds) });
}

/**
 * Counts a wrong password or code (an atomic increment, so parallel guesses all count); past the
 * free failures the account locks, longer each time.
 */
export async function noteFailure(context: AppContext, trx: Executor, user: Pick<UserRow, 'id'>, actor: Actor, action: string): Promise<void> {
  const now = context.clock.now();
  const counted = await trx
    .updateTable('users')
    .set({ failed_signins: sql`failed_signins + 1`, updated_at: iso(now) })
    .where('id', '=', user.id)
    .returning('failed_signins')
    .executeTakeFirstOrThrow();
  const failures = Number(counted.failed_signins);
  const lockedUntil = failures >= FREE_FAILURES ? iso(addMinutes(now, lockMinutes(failures))) : null;
  if (lockedUntil) await trx.updateTable('users').set({ locked_until: lockedUntil }).where('id', '=', user.id).execute();
  await recordAudit(context, trx, actor, {
    action: lockedUntil ? 'auth.account_locked' : action,
    objectType: 'user',
    objectId: user.id,
    data: { failures, ...(lockedUntil ? { lockedUntil } : {}) },
  });
}

/**
 * Failures for addresses without an account, kept in memory (bounded): they lock on the same
 * schedule as real accounts, so "account locked" says nothing about whether an account exists.
 */
const phantoms = new Map<string, { failures: number; lockedUntil: number | null }>();
const MAX_PHANTOMS = 10_000;

export function phantomLock(context: AppContext, email: string): AppError | undefined {
  const entry = phantoms.get(email.trim().toLowerCase());
  if (!entry?.lockedUntil) return undefined;
  return lockedOut(context, { locked_until: new Date(entry.lockedUntil).toISOString() });
}

export function notePhantomFailure(context: AppContext, email: string): void {
  const key = email.trim().toLowerCase();
  if (!phantoms.has(key) && phantoms.size >= MAX_PHANTOMS) phantoms.clear();
  const failures = (phantoms.get(key)?.failures ?? 0) + 1;
  const now = context.clock.now();
  phantoms.set(key, { failures, lockedUntil: failures >= FREE_FAILURES ? addMinutes(now, lockMinutes(failures)).getTime() : null });
}

/** A right answer clears the count. */
export async function clearFailures(context: AppContext, trx: Executor, userId: string): Promise<void> {
  await trx.updateTable('users').set({ failed_signins: 0, locked_until: null, updated_at: iso(context.clock.now()) }).where('id', '=', userId).execute();
}

import type { Selectable } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { newId } from '../../shared/ids.js';
import { addHours, addMinutes, iso } from '../../shared/time.js';
import { randomToken, sha256 } from '../../security/random.js';
import type { SessionTable } from './auth.table.js';
import type { UserRow } from '../users/user.js';

export type SessionRow = Selectable<SessionTable>;
export type SessionStage = SessionTable['stage'];

export interface NewSession {
  /** The cookie value; only its hash is stored. */
  cookieValue: string;
  session: SessionRow;
}

/**
 * Sessions have an idle expiry (moved forward on use) and an absolute one (fixed at sign-in).
 * A new session is made at every sign-in and the old one deleted, so a planted cookie is useless.
 */
export async function createSession(
  context: AppContext,
  trx: Executor,
  user: Pick<UserRow, 'id'>,
  stage: SessionStage,
  meta: { ip?: string | undefined; userAgent?: string | undefined; replacing?: string | undefined },
): Promise<NewSession> {
  if (meta.replacing) await deleteSessionByCookie(trx, meta.replacing);
  const now = context.clock.now();
  const cookieValue = randomToken(32);
  const session: SessionRow = {
    id: newId(),
    token_hash: sha256(cookieValue),
    user_id: user.id,
    stage,
    csrf_token: randomToken(24),
    ip: meta.ip ?? null,
    user_agent: meta.userAgent?.slice(0, 400) ?? null,
    created_at: iso(now),
    last_seen_at: iso(now),
    expires_at: iso(addHours(now, context.config.sessionAbsoluteHours)),
  };
  await trx.insertInto('sessions').values(session).execute();
  return { cookieValue, session };
}

/** The live session for a cookie, touched for idle expiry; undefined when absent or expired. */
export async function resolveSession(context: AppContext, db: Executor, cookieValue: string): Promise<SessionRow | undefined> {
  const session = await db.selectFrom('sessions').selectAll().where('token_hash', '=', sha256(cookieValue)).executeTakeFirst();
  if (!session) return undefined;
  const now = context.clock.now();
  const idleDeadline = addMinutes(new Date(session.last_seen_at), context.config.sessionIdleMinutes);
  if (now >= new Date(session.expires_at) || now >= idleDeadline) {
    await db.deleteFrom('sessions').where('id', '=', session.id).execute();
    return undefined;
  }
  // Write at most once a minute: a busy page must not turn every read into a write.
  if (now.getTime() - new Date(session.last_seen_at).getTime() > 60_000) {
    await db.updateTable('sessions').set({ last_seen_at: iso(now) }).where('id', '=', session.id).execute();
  }
  return session;
}

export async function setSessionStage(trx: Executor, sessionId: string, stage: SessionStage): Promise<void> {
  await trx.updateTable('sessions').set({ stage }).where('id', '=', sessionId).execute();
}

export async function deleteSessionByCookie(db: Executor, cookieValue: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', sha256(cookieValue)).execute();
}

/** Signs the account out everywhere except, optionally, one session (after a password change). */
export async function deleteUserSessions(db: Executor, userId: string, except?: string): Promise<void> {
  let query = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (except) query = query.where('id', '!=', except);
  await query.execute();
}

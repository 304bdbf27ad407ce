import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { AppError, forbidden, invalid } from '../../shared/errors.js';
import { iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import type { Actor } from '../auth/actor.js';

export const HALL_OF_FAME_LIMITS = { handle: 40, link: 500, entries: 100 } as const;

export interface HallOfFameProfile {
  handle: string | null;
  link: string | null;
  /** Named in halls of fame (needs a handle). */
  public: boolean;
  updatedAt: string | null;
}

export interface HallOfFameEntry {
  rank: number;
  handle: string;
  link: string | null;
  reputation: number;
  resolvedReports: number;
}

const HANDLE = /^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u;

function normaliseHandle(raw: string): string {
  const handle = raw.trim().replace(/\s+/g, ' ');
  if (!handle) throw invalid('/handle', 'must not be empty');
  if (handle.length > HALL_OF_FAME_LIMITS.handle) throw invalid('/handle', `must be at most ${HALL_OF_FAME_LIMITS.handle} characters`);
  if (!HANDLE.test(handle)) throw invalid('/handle', 'may hold letters, digits, spaces, dots, dashes and underscores, starting with a letter or digit');
  return handle;
}

/** Only https:// links without credentials: the page is public and a link is clicked by strangers. */
function normaliseLink(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw invalid('/link', 'is not a valid URL');
  }
  if (url.protocol !== 'https:') throw invalid('/link', 'must be an https:// URL');
  if (url.username || url.password) throw invalid('/link', 'must not carry credentials');
  if (url.href.length > HALL_OF_FAME_LIMITS.link) throw invalid('/link', `must be at most ${HALL_OF_FAME_LIMITS.link} characters`);
  return url.href;
}

function requireSignedIn(actor: Actor): string {
  if (actor.kind !== 'user') throw forbidden('Only an account holder has a hall-of-fame profile');
  return actor.userId;
}

export async function getHallOfFameProfile(db: Executor, actor: Actor): Promise<HallOfFameProfile> {
  const userId = requireSignedIn(actor);
  const row = await db.selectFrom('hall_of_fame_profiles').selectAll().where('user_id', '=', userId).executeTakeFirst();
  return row ? { handle: row.handle, link: row.link, public: row.public === 1, updatedAt: row.updated_at } : { handle: null, link: null, public: false, updatedAt: null };
}

export interface ProfileChanges {
  handle?: string | null | undefined;
  link?: string | null | undefined;
  public?: boolean | undefined;
}

/** The signed-in person's own choice to be named, under which handle and with which link. */
export async function changeHallOfFameProfile(context: AppContext, trx: Executor, actor: Actor, changes: ProfileChanges): Promise<HallOfFameProfile> {
  const userId = requireSignedIn(actor);
  const current = await getHallOfFameProfile(trx, actor);
  const handle = changes.handle === undefined ? current.handle : changes.handle === null ? null : normaliseHandle(changes.handle);
  const link = changes.link === undefined ? current.link : changes.link === null || changes.link.trim() === '' ? null : normaliseLink(changes.link);
  const isPublic = changes.public ?? current.public;
  if (isPublic && !handle) throw invalid('/handle', 'choose a handle to be named in halls of fame');
  const handleKey = handle ? handle.toLowerCase() : null;
  if (handleKey) {
    const taken = await trx.selectFrom('hall_of_fame_profiles').select('user_id').where('handle_key', '=', handleKey).where('user_id', '!=', userId).executeTakeFirst();
    if (taken) throw new AppError('conflict', `The handle "${handle}" is taken`, [{ field: '/handle', message: 'already taken' }]);
  }
  const now = iso(context.clock.now());
  const values = { handle, handle_key: handleKey, link, public: isPublic ? 1 : 0, updated_at: now };
  await trx
    .insertInto('hall_of_fame_profiles')
    .values({ user_id: userId, ...values })
    .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
    .execute();
  await recordAudit(context, trx, actor, { action: 'hall_of_fame.profile_changed', objectType: 'user', objectId: userId, data: { handle, link, public: isPublic } });
  return { handle, link, public: isPublic, updatedAt: now };
}

/**
 * Opted-in people ranked by reputation: earned in one programme, or (no `programId`) in every
 * public programme, so invite-only work is never credited in public. Only positive totals of
 * active accounts are listed, with the number of resolved reports they share.
 */
export async function hallOfFame(db: Executor, programId?: string): Promise<HallOfFameEntry[]> {
  let query = db
    .selectFrom('reputation_entries as e')
    .innerJoin('hall_of_fame_profiles as p', 'p.user_id', 'e.user_id')
    .innerJoin('users as u', 'u.id', 'e.user_id')
    .select((eb) => [
      'p.handle as handle',
      'p.link as link',
      eb.fn.sum<number | string>('e.points').as('reputation'),
      eb.fn.sum<number | string>(sql<number>`case when e.outcome = 'resolved' then 1 else 0 end`).as('resolved'),
    ])
    .where('e.superseded_at', 'is', null)
    .where('p.public', '=', 1)
    .where('p.handle', 'is not', null)
    .where('u.disabled_at', 'is', null)
    .groupBy(['e.user_id', 'p.handle', 'p.link'])
    .having((eb) => eb.fn.sum('e.points'), '>', 0)
    .orderBy((eb) => eb.fn.sum('e.points'), 'desc')
    .orderBy('p.handle')
    .limit(HALL_OF_FAME_LIMITS.entries);
  if (programId) query = query.where('e.program_id', '=', programId);
  else query = query.where(({ exists, selectFrom }) => exists(selectFrom('programs').select(sql`1`.as('one')).whereRef('programs.id', '=', 'e.program_id').where('programs.visibility', '=', 'public')));
  const rows = await query.execute();
  // Competition ranking: equal reputation, equal rank (1, 2, 2, 4).
  const entries: HallOfFameEntry[] = [];
  for (const [index, row] of rows.entries()) {
    const reputation = Number(row.reputation);
    const previous = entries[index - 1];
    entries.push({ rank: previous && previous.reputation === reputation ? previous.rank : index + 1, handle: row.handle!, link: row.link, reputation, resolvedReports: Number(row.resolved) });
  }
  return entries;
}

import type { Selectable } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { AppError, invalid, notFound } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { TOKEN_SCOPES, type TokenScope } from '../../shared/roles.js';
import { addDays, iso } from '../../shared/time.js';
import { randomToken, sha256 } from '../../security/random.js';
import { recordAudit } from '../audit/audit.service.js';
import { findUserById } from '../users/user.repository.js';
import { userRoles, type UserRow } from '../users/user.js';
import type { Actor, UserActor } from './actor.js';
import type { ApiTokenTable } from './auth.table.js';

export type ApiTokenRow = Selectable<ApiTokenTable>;

/** Tokens start with a fixed prefix so secret scanners can recognise a leaked one. */
export const TOKEN_PREFIX = 'cvd_';
const PREFIX_SHOWN = 12;
const MAX_EXPIRY_DAYS = 366;

export interface ApiTokenView {
  id: string;
  name: string;
  prefix: string;
  scopes: TokenScope[];
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export function presentToken(row: ApiTokenRow): ApiTokenView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: JSON.parse(row.scopes) as TokenScope[],
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

export interface NewToken {
  name: string;
  scopes: readonly string[];
  expiresInDays?: number | undefined;
}

/** Makes a token for `userId`; the secret is returned once and only its hash is kept. */
export async function createApiToken(context: AppContext, trx: Executor, actor: Actor, userId: string, input: NewToken): Promise<{ token: string; item: ApiTokenView }> {
  if (actor.kind === 'user' && actor.userId !== userId) throw new AppError('forbidden', 'You may only make tokens for yourself');
  if (actor.kind === 'anonymous') throw new AppError('authentication_required', 'Sign in first');
  const name = input.name.trim();
  if (!name || name.length > 100) throw invalid('/name', 'must be 1 to 100 characters');
  const scopes = [...new Set(input.scopes)];
  if (scopes.length === 0) throw invalid('/scopes', 'must name at least one scope');
  for (const scope of scopes) if (!(TOKEN_SCOPES as readonly string[]).includes(scope)) throw invalid('/scopes', `unknown scope "${scope}"`);
  if (input.expiresInDays !== undefined && (input.expiresInDays < 1 || input.expiresInDays > MAX_EXPIRY_DAYS)) {
    throw invalid('/expiresInDays', `must be between 1 and ${MAX_EXPIRY_DAYS}`);
  }
  if (!(await findUserById(trx, userId))) throw notFound('Account');
  const now = context.clock.now();
  const token = TOKEN_PREFIX + randomToken(32);
  const row: ApiTokenRow = {
    id: newId(),
    user_id: userId,
    name,
    token_hash: sha256(token),
    prefix: token.slice(0, PREFIX_SHOWN),
    scopes: JSON.stringify(scopes),
    created_at: iso(now),
    last_used_at: null,
    expires_at: input.expiresInDays === undefined ? null : iso(addDays(now, input.expiresInDays)),
    revoked_at: null,
  };
  await trx.insertInto('api_tokens').values(row).execute();
  await recordAudit(context, trx, actor, { action: 'token.created', objectType: 'api_token', objectId: row.id, data: { userId, name, scopes, expiresAt: row.expires_at } });
  return { token, item: presentToken(row) };
}

export async function listApiTokens(db: Executor, userId: string): Promise<ApiTokenView[]> {
  const rows = await db.selectFrom('api_tokens').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').execute();
  return rows.map(presentToken);
}

/** Revokes one of the actor's own tokens (the CLI operator may revoke any). */
export async function revokeApiToken(context: AppContext, trx: Executor, actor: Actor, tokenId: string): Promise<void> {
  const row = await trx.selectFrom('api_tokens').selectAll().where('id', '=', tokenId).executeTakeFirst();
  // Someone else's token is reported as absent: its existence is not theirs to learn.
  if (!row || (actor.kind === 'user' && row.user_id !== actor.userId) || actor.kind === 'anonymous') throw notFound('Token');
  if (row.revoked_at !== null) return;
  await trx.updateTable('api_tokens').set({ revoked_at: iso(context.clock.now()) }).where('id', '=', tokenId).execute();
  context.tokenCache.clear(context.clock.now().getTime());
  await recordAudit(context, trx, actor, { action: 'token.revoked', objectType: 'api_token', objectId: tokenId, data: { userId: row.user_id } });
}

export interface TokenHolder {
  actor: UserActor;
  user: UserRow;
}

/** Returned by `tokenFromCache` when the cache cannot answer and the database must. */
export const CACHE_MISS = Symbol('cache miss');

/**
 * The answer for a bearer token from the one-second cache, without touching the database (and
 * synchronously: this runs on every API call): the holder, undefined for a refused token, or
 * CACHE_MISS.
 */
export function tokenFromCache(context: AppContext, token: string, ip?: string): TokenHolder | undefined | typeof CACHE_MISS {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  const now = context.clock.now();
  // Keyed by the token itself: hashing it on every call would cost more than the lookup, and the
  // token is in this process's memory (the request) anyway.
  const cached = context.tokenCache.get(token, now);
  if (!cached) return CACHE_MISS;
  if (cached.tokenExpiresAt !== null && now >= new Date(cached.tokenExpiresAt)) return undefined;
  return { actor: { ...cached.actor, ip }, user: cached.user };
}

/** The actor a bearer token stands for (with its account), or undefined. Two-factor does not apply: the token stands alone. */
export async function authenticateToken(context: AppContext, db: Executor, token: string, ip?: string): Promise<TokenHolder | undefined> {
  const cached = tokenFromCache(context, token, ip);
  if (cached !== CACHE_MISS) return cached;
  const tokenHash = sha256(token);
  const now = context.clock.now();
  // One query on the hot path of every API call not answered from the cache.
  const found = await db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .selectAll('users')
    .select(['api_tokens.id as token_id', 'api_tokens.scopes as token_scopes', 'api_tokens.expires_at as token_expires_at', 'api_tokens.revoked_at as token_revoked_at', 'api_tokens.last_used_at as token_last_used_at'])
    .where('api_tokens.token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!found || found.token_revoked_at !== null || (found.token_expires_at !== null && now >= new Date(found.token_expires_at)) || found.disabled_at !== null) return undefined;
  const { token_id, token_scopes, token_expires_at: _e, token_revoked_at: _r, token_last_used_at, ...user } = found;
  // Record use at most once a minute, so a busy integration does not write on every call.
  if (!token_last_used_at || now.getTime() - new Date(token_last_used_at).getTime() > 60_000) {
    await db.updateTable('api_tokens').set({ last_used_at: iso(now) }).where('id', '=', token_id).execute();
  }
  const actor: UserActor = { kind: 'user', userId: user.id, email: user.email, roles: userRoles(user), via: 'token', scopes: JSON.parse(token_scopes) as TokenScope[], tokenId: token_id };
  context.tokenCache.set(token, { actor, user, tokenExpiresAt: found.token_expires_at, checkedAt: now.getTime() });
  return { actor: { ...actor, ip }, user };
}

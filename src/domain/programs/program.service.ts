import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { AppError, invalid, notFound } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import { actorId, isStaffActor, type Actor } from '../auth/actor.js';
import { rendered } from '../markdown/render-markdown.js';
import { sendMail } from '../mail/mail.service.js';
import { findUserByEmail, findUserById } from '../users/user.repository.js';
import { normaliseEmail } from '../users/user.js';
import { assertKnownCurrency } from '../rewards/reward.js';
import { measuredMedians, type ResponseMedians } from './program-medians.js';
import { assertCanManagePrograms, assertCanSeeMembers, assertCanSeeProgram } from './program.policy.js';
import {
  findAssets,
  findExclusions,
  findMembers,
  findPolicy,
  findProgramById,
  findProgramBySlug,
  isProgramMember,
  listProgramRows,
  memberProgramIds,
} from './program.repository.js';
import {
  DEFAULT_SAFE_HARBOUR,
  DEFAULT_STALE_CLOSE_DAYS,
  LIMITS,
  checkProgramRules,
  type AssetInput,
  type DisclosureSettings,
  type ExclusionInput,
  type ProgramInput,
  type ProgramRow,
  type ResponseTargets,
  type RewardTable,
} from './program.js';

const DEFAULT_DISCLOSURE: DisclosureSettings = { mode: 'mutual', delayDays: 30, level: 'full' };

export interface ProgramView {
  id: string;
  slug: string;
  name: string;
  kind: 'bounty' | 'vdp';
  visibility: 'public' | 'invite_only';
  policy: { version: number; markdown: string; html: string };
  safeHarbour: { markdown: string; html: string };
  scope: { id: string; kind: string; identifier: string; tier: number; inScope: boolean; description: string }[];
  exclusions: { id: string; name: string; description: string; redirectUrl: string | null }[];
  rewards: RewardTable;
  responseTargets: ResponseTargets;
  businessDays: boolean;
  disclosure: DisclosureSettings;
  staleCloseDays: number;
  medians: ResponseMedians;
  createdAt: string;
  updatedAt: string;
}

async function replaceScope(trx: Executor, programId: string, scope: AssetInput[]): Promise<void> {
  // Assets already named by reports are kept (their ids stay valid); the rest are replaced.
  const used = new Set((await trx.selectFrom('reports').select('asset_id').where('program_id', '=', programId).where('asset_id', 'is not', null).execute()).map((r) => r.asset_id!));
  const existing = await findAssets(trx, programId);
  const keep = new Map(existing.map((a) => [`${a.kind}:${a.identifier.toLowerCase()}`, a]));
  for (const asset of existing) {
    const stillListed = scope.some((s) => `${s.kind}:${s.identifier.trim().toLowerCase()}` === `${asset.kind}:${asset.identifier.toLowerCase()}`);
    if (!stillListed && !used.has(asset.id)) await trx.deleteFrom('program_assets').where('id', '=', asset.id).execute();
    if (!stillListed && used.has(asset.id)) await trx.updateTable('program_assets').set({ in_scope: 0, position: 100_000 }).where('id', '=', asset.id).execute();
  }
  for (const [position, asset] of scope.entries()) {
    const values = { kind: asset.kind, identifier: asset.identifier.trim(), tier: asset.tier, in_scope: asset.inScope ? 1 : 0, description: asset.description?.trim() ?? '', position };
    const match = keep.get(`${asset.kind}:${asset.identifier.trim().toLowerCase()}`);
    if (match) await trx.updateTable('program_assets').set(values).where('id', '=', match.id).execute();
    else await trx.insertInto('program_assets').values({ id: newId(), program_id: programId, ...values }).execute();
  }
}

async function replaceExclusions(trx: Executor, programId: string, exclusions: ExclusionInput[]): Promise<void> {
  await trx.deleteFrom('program_exclusions').where('program_id', '=', programId).execute();
  for (const [position, exclusion] of exclusions.entries()) {
    await trx
      .insertInto('program_exclusions')
      .values({ id: newId(), program_id: programId, name: exclusion.name.trim(), description: exclusion.description?.trim() ?? '', redirect_url: exclusion.redirectUrl ?? null, position })
      .execute();
  }
}

async function addPolicyVersion(context: AppContext, trx: Executor, actor: Actor, programId: string, version: number, body: string): Promise<void> {
  await trx.insertInto('program_policies').values({ id: newId(), program_id: programId, version, body, created_at: iso(context.clock.now()), created_by: actorId(actor) }).execute();
}

export async function createProgram(context: AppContext, trx: Executor, actor: Actor, input: ProgramInput): Promise<ProgramRow> {
  assertCanManagePrograms(actor);
  checkProgramRules(input);
  if (input.rewards) assertKnownCurrency(input.rewards.currency, '/rewards/currency');
  if (await findProgramBySlug(trx, input.slug)) throw new AppError('conflict', `A programme with slug "${input.slug}" exists already`, [{ field: '/slug', message: 'already taken' }]);
  const now = iso(context.clock.now());
  const row: ProgramRow = {
    id: newId(),
    slug: input.slug,
    name: input.name.trim(),
    kind: input.kind,
    visibility: input.visibility ?? 'public',
    policy_version: 1,
    safe_harbour: input.safeHarbour ?? DEFAULT_SAFE_HARBOUR,
    rewards: JSON.stringify(input.rewards ?? { currency: 'USD', ranges: [] }),
    response_targets: JSON.stringify(input.responseTargets ?? {}),
    business_days: input.businessDays ? 1 : 0,
    disclosure: JSON.stringify(input.disclosure ?? DEFAULT_DISCLOSURE),
    stale_close_days: input.staleCloseDays ?? null,
    created_at: now,
    updated_at: now,
  };
  if (!row.name) throw invalid('/name', 'must not be empty');
  await trx.insertInto('programs').values(row).execute();
  await addPolicyVersion(context, trx, actor, row.id, 1, input.policy);
  await replaceScope(trx, row.id, input.scope ?? []);
  await replaceExclusions(trx, row.id, input.exclusions ?? []);
  await recordAudit(context, trx, actor, { action: 'program.created', objectType: 'program', objectId: row.id, data: { slug: row.slug, kind: row.kind } });
  return row;
}

export type ProgramChanges = Partial<Omit<ProgramInput, 'slug'>>;

/** Changes a programme; a changed policy text becomes a new version (reports keep the one they accepted). */
export async function updateProgram(context: AppContext, trx: Executor, actor: Actor, id: string, changes: ProgramChanges): Promise<ProgramRow> {
  assertCanManagePrograms(actor);
  const program = await findProgramById(trx, id);
  if (!program) throw notFound('Programme');
  const kind = changes.kind ?? program.kind;
  checkProgramRules({ slug: program.slug, kind, rewards: changes.rewards ?? (JSON.parse(program.rewards) as RewardTable), scope: changes.scope, exclusions: changes.exclusions });
  if (changes.rewards) assertKnownCurrency(changes.rewards.currency, '/rewards/currency');
  let policyVersion = program.policy_version;
  if (changes.policy !== undefined && changes.policy !== (await findPolicy(trx, id, program.policy_version))) {
    policyVersion += 1;
    await addPolicyVersion(context, trx, actor, id, policyVersion, changes.policy);
  }
  await trx
    .updateTable('programs')
    .set({
      ...(changes.name !== undefined ? { name: changes.name.trim() } : {}),
      kind,
      ...(changes.visibility !== undefined ? { visibility: changes.visibility } : {}),
      policy_version: policyVersion,
      ...(changes.safeHarbour !== undefined ? { safe_harbour: changes.safeHarbour } : {}),
      ...(changes.rewards !== undefined ? { rewards: JSON.stringify(changes.rewards) } : {}),
      ...(changes.responseTargets !== undefined ? { response_targets: JSON.stringify(changes.responseTargets) } : {}),
      ...(changes.businessDays !== undefined ? { business_days: changes.businessDays ? 1 : 0 } : {}),
      ...(changes.disclosure !== undefined ? { disclosure: JSON.stringify(changes.disclosure) } : {}),
      ...(changes.staleCloseDays !== undefined ? { stale_close_days: changes.staleCloseDays } : {}),
      updated_at: iso(context.clock.now()),
    })
    .where('id', '=', id)
    .execute();
  if (changes.scope) await replaceScope(trx, id, changes.scope);
  if (changes.exclusions) await replaceExclusions(trx, id, changes.exclusions);
  await recordAudit(context, trx, actor, {
    action: 'program.changed',
    objectType: 'program',
    objectId: id,
    data: { fields: Object.keys(changes), ...(policyVersion !== program.policy_version ? { policyVersion } : {}) },
  });
  return (await findProgramById(trx, id))!;
}

/** A programme by slug or id as `actor` may see it (404 otherwise). */
export async function getVisibleProgram(db: Executor, actor: Actor, slugOrId: string): Promise<ProgramRow> {
  const program = (await findProgramBySlug(db, slugOrId)) ?? (/^[0-9a-f-]{36}$/i.test(slugOrId) ? await findProgramById(db, slugOrId) : undefined);
  if (!program) throw notFound('Programme');
  const member = actor.kind === 'user' ? await isProgramMember(db, program.id, actor.userId) : false;
  assertCanSeeProgram(actor, program, member);
  return program;
}

export interface PolicyVersionView {
  version: number;
  current: boolean;
  markdown: string;
  html: string;
  createdAt: string;
}

/**
 * One version of a programme's policy, for whoever may see the programme: every report records the
 * version its reporter accepted, and that text must stay readable after the policy changes.
 */
export async function getPolicyVersion(db: Executor, actor: Actor, slugOrId: string, version: number): Promise<PolicyVersionView> {
  const program = await getVisibleProgram(db, actor, slugOrId);
  const row = await db.selectFrom('program_policies').select(['version', 'body', 'created_at']).where('program_id', '=', program.id).where('version', '=', version).executeTakeFirst();
  if (!row) throw notFound('Policy version');
  return { version: row.version, current: row.version === program.policy_version, ...rendered(row.body), createdAt: row.created_at };
}

/** `now`: the app clock's time, from which still-waiting reports are aged for the medians. */
export async function presentProgram(db: Executor, program: ProgramRow, now: Date): Promise<ProgramView> {
  const [assets, exclusions, policy, medians] = await Promise.all([
    findAssets(db, program.id),
    findExclusions(db, program.id),
    findPolicy(db, program.id, program.policy_version),
    measuredMedians(db, program, now),
  ]);
  return {
    id: program.id,
    slug: program.slug,
    name: program.name,
    kind: program.kind,
    visibility: program.visibility,
    policy: { version: program.policy_version, ...rendered(policy ?? '') },
    safeHarbour: rendered(program.safe_harbour),
    scope: assets.map((a) => ({ id: a.id, kind: a.kind, identifier: a.identifier, tier: a.tier, inScope: a.in_scope === 1, description: a.description })),
    exclusions: exclusions.map((e) => ({ id: e.id, name: e.name, description: e.description, redirectUrl: e.redirect_url })),
    rewards: JSON.parse(program.rewards) as RewardTable,
    responseTargets: JSON.parse(program.response_targets) as ResponseTargets,
    businessDays: program.business_days === 1,
    disclosure: JSON.parse(program.disclosure) as DisclosureSettings,
    staleCloseDays: program.stale_close_days ?? DEFAULT_STALE_CLOSE_DAYS,
    medians,
    createdAt: program.created_at,
    updatedAt: program.updated_at,
  };
}

/** Programmes `actor` may see: public ones, the ones they were invited to, all for staff. */
export async function listVisiblePrograms(db: Executor, actor: Actor): Promise<ProgramRow[]> {
  const rows = await listProgramRows(db);
  if (isStaffActor(actor)) return rows;
  const memberOf = new Set(actor.kind === 'user' ? await memberProgramIds(db, actor.userId) : []);
  return rows.filter((row) => row.visibility === 'public' || memberOf.has(row.id));
}

export interface ProgramMember {
  userId: string;
  email: string;
  name: string;
  addedAt: string;
}

/** Who is invited to a programme: staff see the list (it names accounts), nobody else. */
export async function listProgramMembers(db: Executor, actor: Actor, programId: string): Promise<ProgramMember[]> {
  assertCanSeeMembers(actor);
  return (await findMembers(db, programId)).map((m) => ({ userId: m.user_id, email: m.email, name: m.name, addedAt: m.created_at }));
}

/** Names the account to invite: by id, or by the address it signed up with. */
export type MemberRef = { userId: string; email?: undefined } | { email: string; userId?: undefined };

/**
 * Invites a person to a programme (it matters for invite-only ones) and mails them the link.
 * Inviting a member again changes nothing and mails nothing.
 */
export async function addProgramMember(context: AppContext, trx: Executor, actor: Actor, programId: string, who: MemberRef): Promise<ProgramMember> {
  assertCanManagePrograms(actor);
  const program = await findProgramById(trx, programId);
  if (!program) throw notFound('Programme');
  const user = who.userId !== undefined ? await findUserById(trx, who.userId) : await findUserByEmail(trx, normaliseEmail(who.email, '/email'));
  const field = who.userId !== undefined ? '/userId' : '/email';
  if (!user) throw invalid(field, 'no such account');
  if (user.disabled_at !== null) throw invalid(field, 'is a disabled account');
  const existing = (await findMembers(trx, programId)).find((m) => m.user_id === user.id);
  if (existing) return { userId: user.id, email: user.email, name: user.name, addedAt: existing.created_at };
  const now = iso(context.clock.now());
  await trx.insertInto('program_members').values({ program_id: programId, user_id: user.id, created_at: now }).execute();
  await recordAudit(context, trx, actor, { action: 'program.member_added', objectType: 'program', objectId: programId, data: { userId: user.id } });
  await sendMail(context, trx, {
    to: user.email,
    subject: `[cvdesk] You are invited to ${program.name.replace(/[\r\n]+/g, ' ').slice(0, 120)}`,
    text: `Hello ${user.name},\n\nyou have been invited to the ${program.kind === 'bounty' ? 'bug bounty' : 'vulnerability disclosure'} programme "${program.name}". Read its policy and scope, and report what you find, at:\n\n${context.config.publicUrl}/programs/${program.slug}\n`,
  });
  return { userId: user.id, email: user.email, name: user.name, addedAt: now };
}

/** Withdraws an invitation. Reports already filed stay readable by their reporter. */
export async function removeProgramMember(context: AppContext, trx: Executor, actor: Actor, programId: string, userId: string): Promise<void> {
  assertCanManagePrograms(actor);
  const removed = await trx.deleteFrom('program_members').where('program_id', '=', programId).where('user_id', '=', userId).executeTakeFirst();
  if (Number(removed.numDeletedRows) === 0) throw notFound('Member');
  await recordAudit(context, trx, actor, { action: 'program.member_removed', objectType: 'program', objectId: programId, data: { userId } });
}

export { LIMITS as PROGRAM_LIMITS };

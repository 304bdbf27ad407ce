import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import { actorLabel, type Actor } from '../auth/actor.js';
import { findCredentials } from '../cve-ids/cve-services-connection.js';
import { assertCanChangeCnaProfile, assertCanReadCnaProfile } from './cna.policy.js';
import { EMPTY_PROFILE, parseCnaProfile, type CnaProfile } from './cna-profile.js';

export interface CnaProfileView extends CnaProfile {
  /** The CVE Services organisation (short name) of the connection in force, if any. */
  shortName: string | null;
  /** Days a reserved ID may stay unused before it is flagged for rejection (CVE_ID_UNUSED_DAYS). */
  unusedIdDays: number;
  updatedAt: string | null;
  updatedBy: string | null;
}

/** The profile for services (composer, requests, policy page); no policy. */
export async function readCnaProfile(context: AppContext, db: Executor): Promise<CnaProfileView> {
  const row = await db.selectFrom('cna_profile').selectAll().where('id', '=', 'default').executeTakeFirst();
  let profile = EMPTY_PROFILE;
  if (row) {
    try {
      profile = parseCnaProfile(JSON.parse(row.profile));
    } catch {
      // A stored profile the rules no longer accept gives way to the empty one (as settings do).
    }
  }
  const credentials = await findCredentials(context, db).catch(() => undefined);
  return { ...profile, shortName: credentials?.org ?? null, unusedIdDays: context.config.cveIdUnusedDays, updatedAt: row?.updated_at ?? null, updatedBy: row?.updated_by ?? null };
}

export async function getCnaProfile(context: AppContext, db: Executor, actor: Actor): Promise<CnaProfileView> {
  assertCanReadCnaProfile(actor);
  return readCnaProfile(context, db);
}

/** Replaces the profile (leads); the audit event lists the fields that changed, from and to. */
export async function saveCnaProfile(context: AppContext, trx: Executor, actor: Actor, input: unknown): Promise<CnaProfileView> {
  assertCanChangeCnaProfile(actor);
  const next = parseCnaProfile(input);
  const current = await readCnaProfile(context, trx);
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of Object.keys(next) as (keyof CnaProfile)[]) {
    if (JSON.stringify(current[key]) !== JSON.stringify(next[key])) changes[key] = { from: current[key], to: next[key] };
  }
  if (Object.keys(changes).length === 0) return current;
  const values = { profile: JSON.stringify(next), updated_at: iso(context.clock.now()), updated_by: actorLabel(actor) };
  await trx
    .insertInto('cna_profile')
    .values({ id: 'default', ...values })
    .onConflict((oc) => oc.column('id').doUpdateSet(values))
    .execute();
  await recordAudit(context, trx, actor, { action: 'cna.profile_changed', objectType: 'cna_profile', objectId: 'default', data: { changes } });
  return readCnaProfile(context, trx);
}

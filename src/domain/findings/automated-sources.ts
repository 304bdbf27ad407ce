import { sql, type Selectable } from 'kysely';
import type { AppContext } from '../../context.js';
import { forUpdate, type Executor } from '../../db/dialect.js';
import { AppError, invalid, notFound } from '../../shared/errors.js';
import { isId, newId } from '../../shared/ids.js';
import { iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import { actorId, actorLabel, type Actor } from '../auth/actor.js';
import { userRoles } from '../users/user.js';
import { checkSourceName } from './finding-import.js';
import { assertCanManageAutomatedSources, assertCanReadFindings } from './finding.policy.js';
import type { FindingAutomatedSourceTable } from './finding.table.js';

/**
 * Registered automated sources: which import source names are automated systems, and who uploads
 * for each (an account — typically one whose API token only that pipeline holds — or the command
 * line). The review gate trusts a file's "automated" only under a registration in force, uploaded
 * by that uploader (finding-origin.ts). Leads register and retire; retiring one makes the findings
 * that came in under it count as a person's from then on (their pending candidates need a second
 * engineer).
 */

export interface AutomatedSourceView {
  id: string;
  name: string;
  description: string;
  /** The uploading account's e-mail, or null: the command line only. */
  uploader: string | null;
  uploaderId: string | null;
  registeredBy: string;
  registeredAt: string;
  retiredAt: string | null;
  retiredBy: string | null;
}

type Row = Selectable<FindingAutomatedSourceTable> & { uploader: string | null };

function present(row: Row): AutomatedSourceView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    uploader: row.uploader,
    uploaderId: row.uploader_id,
    registeredBy: row.registered_by,
    registeredAt: row.registered_at,
    retiredAt: row.retired_at,
    retiredBy: row.retired_by,
  };
}

function selectRows(db: Executor) {
  return db.selectFrom('finding_automated_sources').leftJoin('users', 'users.id', 'finding_automated_sources.uploader_id').selectAll('finding_automated_sources').select('users.email as uploader');
}

/** Registrations in force (name order), and the retired ones too when asked (newest first after them). */
export async function listAutomatedSources(db: Executor, actor: Actor, options: { includeRetired?: boolean | undefined } = {}): Promise<AutomatedSourceView[]> {
  assertCanReadFindings(actor);
  let query = selectRows(db);
  if (!options.includeRetired) query = query.where('finding_automated_sources.retired_at', 'is', null);
  const rows = await query
    .orderBy(sql`case when finding_automated_sources.retired_at is null then 0 else 1 end`)
    .orderBy('finding_automated_sources.name')
    .orderBy('finding_automated_sources.retired_at', 'desc')
    .limit(1000)
    .execute();
  return rows.map(present);
}

export interface RegisterInput {
  name: string;
  description: string;
  /** The account that uploads for it (it must be able to import: a triager or lead); null or absent: the command line. */
  uploaderEmail?: string | null | undefined;
}

export async function registerAutomatedSource(context: AppContext, trx: Executor, actor: Actor, input: RegisterInput): Promise<AutomatedSourceView> {
  assertCanManageAutomatedSources(actor);
  const name = checkSourceName(input.name, '/name');
  const description = input.description.trim();
  if (description.length === 0 || description.length > 1000) throw invalid('/description', 'must be 1–1000 characters: what the system is and who runs it');
  if (/[\0-\x08\x0b-\x1f\x7f]/.test(description)) throw invalid('/description', 'must not contain control characters');
  let uploaderId: string | null = null;
  const email = input.uploaderEmail?.trim().toLowerCase();
  if (email) {
    const user = await trx.selectFrom('users').select(['id', 'roles', 'disabled_at']).where('email', '=', email).executeTakeFirst();
    if (!user || user.disabled_at) throw invalid('/uploaderEmail', 'names no active account');
    if (!userRoles(user).some((role) => role === 'triager' || role === 'lead')) throw invalid('/uploaderEmail', 'must be an account that may import findings (a triager or lead)');
    uploaderId = user.id;
  }
  const taken = await trx.selectFrom('finding_automated_sources').select('id').where('name', '=', name).where('retired_at', 'is', null).executeTakeFirst();
  if (taken) throw new AppError('conflict', `Source "${name}" is already registered; retire that registration first`, [{ field: '/name', message: 'is already registered' }]);
  const now = iso(context.clock.now());
  const id = newId();
  // A race with another registration of the same name ends in the unique index: 409 conflict.
  await trx
    .insertInto('finding_automated_sources')
    .values({ id, name, description, uploader_id: uploaderId, registered_by: actorLabel(actor), registered_by_id: actorId(actor), registered_at: now, retired_at: null, retired_by: null, retired_by_id: null })
    .execute();
  await recordAudit(context, trx, actor, { action: 'finding_automated_source.registered', objectType: 'finding_automated_source', objectId: id, data: { name, description, uploaderId, uploader: email ?? 'command line' } });
  return present({ ...(await selectRows(trx).where('finding_automated_sources.id', '=', id).executeTakeFirstOrThrow()) });
}

/**
 * Retires a registration: later imports under the name are a person's until it is registered
 * again, and findings that came in under it count as a person's from now on — the candidates they
 * belong to are marked person-found here (the gate recomputes it anyway).
 */
export async function retireAutomatedSource(context: AppContext, trx: Executor, actor: Actor, id: string): Promise<AutomatedSourceView & { candidatesNowPersonFound: number }> {
  assertCanManageAutomatedSources(actor);
  const row = isId(id) ? await forUpdate(trx.selectFrom('finding_automated_sources').selectAll().where('id', '=', id), context.engine).executeTakeFirst() : undefined;
  if (!row) throw notFound('Automated source');
  if (row.retired_at) throw new AppError('invalid_transition', `Source "${row.name}" was already retired`);
  const now = iso(context.clock.now());
  await trx.updateTable('finding_automated_sources').set({ retired_at: now, retired_by: actorLabel(actor), retired_by_id: actorId(actor) }).where('id', '=', id).execute();
  const demoted = await trx
    .updateTable('finding_candidates')
    .set({ origin: 'person', updated_at: now })
    .where('origin', '=', 'automated')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('findings')
          .innerJoin('finding_imports', 'finding_imports.id', 'findings.import_id')
          .select(sql.lit(1).as('one'))
          .whereRef('findings.candidate_id', '=', 'finding_candidates.id')
          .where('finding_imports.automated_source_id', '=', id),
      ),
    )
    .executeTakeFirst();
  const candidatesNowPersonFound = Number(demoted.numUpdatedRows);
  await recordAudit(context, trx, actor, { action: 'finding_automated_source.retired', objectType: 'finding_automated_source', objectId: id, data: { name: row.name, candidatesNowPersonFound } });
  return { ...present({ ...(await selectRows(trx).where('finding_automated_sources.id', '=', id).executeTakeFirstOrThrow()) }), candidatesNowPersonFound };
}

import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { invalid } from '../../shared/errors.js';
import { isId } from '../../shared/ids.js';
import { isStaff } from '../../shared/roles.js';
import { iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import type { Actor } from '../auth/actor.js';
import type { ProgramRow } from '../programs/program.js';
import { isProgramMember } from '../programs/program.repository.js';
import { canReadAllReports } from '../reports/report.policy.js';
import type { ReportRow } from '../reports/report.js';
import { findUserByEmail, findUserById } from '../users/user.repository.js';
import { normaliseEmail, userRoles, type UserRow } from '../users/user.js';
import { REWARD_LIMITS, type CollaboratorRow, type Participant } from './reward.js';

/** A person named on a submission: an existing account by email or id, and their percentage. */
export interface CollaboratorInput {
  account: string;
  share: number;
}

export function findCollaborators(db: Executor, reportId: string): Promise<CollaboratorRow[]> {
  return db.selectFrom('report_collaborators').selectAll().where('report_id', '=', reportId).orderBy('created_at').orderBy('user_id').execute();
}

/**
 * Whether `actor` reads `report` as a named collaborator. Answers without a query for staff and
 * the submitter (who read it anyway) and for everyone who is not signed in.
 */
export async function isReportCollaborator(db: Executor, actor: Actor, report: Pick<ReportRow, 'id' | 'reporter_id'>): Promise<boolean> {
  if (actor.kind !== 'user' || actor.userId === report.reporter_id || canReadAllReports(actor)) return false;
  const row = await db.selectFrom('report_collaborators').select('user_id').where('report_id', '=', report.id).where('user_id', '=', actor.userId).executeTakeFirst();
  return row !== undefined;
}

/** The submitter (with what the collaborators leave) and each collaborator, with their share. */
export async function reportParticipants(db: Executor, report: Pick<ReportRow, 'id' | 'reporter_id'>): Promise<Participant[]> {
  const collaborators = await findCollaborators(db, report.id);
  const taken = collaborators.reduce((sum, c) => sum + c.share, 0);
  return [{ userId: report.reporter_id, share: 100 - taken, submitter: true }, ...collaborators.map((c) => ({ userId: c.user_id, share: c.share, submitter: false }))];
}

async function resolveAccount(db: Executor, account: string, field: string): Promise<UserRow | undefined> {
  const text = account.trim();
  if (isId(text)) return findUserById(db, text);
  return findUserByEmail(db, normaliseEmail(text, field));
}

/**
 * Records the collaborators named on a new submission: at most five, each an active account that
 * may see the programme, each with a whole percentage; the submitter keeps the rest, at least 1%
 * (so the shares, the submitter's included, add up to 100). One message for every account that
 * cannot be named, so submissions do not tell which addresses have accounts.
 */
export async function addCollaborators(context: AppContext, trx: Executor, actor: Actor, report: ReportRow, program: ProgramRow, inputs: readonly CollaboratorInput[]): Promise<CollaboratorRow[]> {
  if (inputs.length === 0) return [];
  if (inputs.length > REWARD_LIMITS.collaborators) throw invalid('/collaborators', `at most ${REWARD_LIMITS.collaborators} collaborators`);
  const rows: CollaboratorRow[] = [];
  const now = iso(context.clock.now());
  for (const [index, input] of inputs.entries()) {
    const field = `/collaborators/${index}`;
    if (!Number.isInteger(input.share) || input.share < 1 || input.share > 99) throw invalid(`${field}/share`, 'must be a whole percentage from 1 to 99');
    const user = await resolveAccount(trx, input.account, `${field}/account`);
    if (user?.id === report.reporter_id) throw invalid(`${field}/account`, 'is you: name only the people you worked with; you keep what they do not share');
    const canSee = user !== undefined && (program.visibility === 'public' || isStaff(userRoles(user)) || (await isProgramMember(trx, program.id, user.id)));
    if (!user || user.disabled_at !== null || !canSee) throw invalid(`${field}/account`, 'is not an account that can be named on a report to this programme');
    if (rows.some((r) => r.user_id === user.id)) throw invalid(`${field}/account`, 'is named twice');
    rows.push({ report_id: report.id, user_id: user.id, share: input.share, created_at: now });
  }
  const taken = rows.reduce((sum, r) => sum + r.share, 0);
  if (taken > 99) throw invalid('/collaborators', `the collaborators' shares add up to ${taken}%; the submitter keeps the rest and at least 1%, so together they make 100%`);
  await trx.insertInto('report_collaborators').values(rows).execute();
  await recordAudit(context, trx, actor, {
    action: 'report.collaborators_added',
    objectType: 'report',
    objectId: report.id,
    data: { submitterShare: 100 - taken, collaborators: rows.map((r) => ({ userId: r.user_id, share: r.share })) },
  });
  return rows;
}

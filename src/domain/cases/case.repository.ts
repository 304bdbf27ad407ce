import type { Executor, Engine } from '../../db/dialect.js';
import { forUpdate } from '../../db/dialect.js';
import { notFound } from '../../shared/errors.js';
import { isId } from '../../shared/ids.js';
import type { CaseRow, ParticipantRow, ParticipantStatusRow, VulnerabilityRow } from './case.js';

export async function findCase(db: Executor, id: string): Promise<CaseRow | undefined> {
  if (!isId(id)) return undefined;
  return db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function caseOrThrow(db: Executor, id: string): Promise<CaseRow> {
  const row = await findCase(db, id);
  if (!row) throw notFound('Case');
  return row;
}

/** The case row locked for the rest of the transaction (serialises changes to one case). */
export async function caseForUpdate(db: Executor, engine: Engine, id: string): Promise<CaseRow> {
  if (!isId(id)) throw notFound('Case');
  const row = await forUpdate(db.selectFrom('cases').selectAll().where('id', '=', id), engine).executeTakeFirst();
  if (!row) throw notFound('Case');
  return row;
}

export function caseVulnerabilities(db: Executor, caseId: string): Promise<VulnerabilityRow[]> {
  return db.selectFrom('case_vulnerabilities').selectAll().where('case_id', '=', caseId).orderBy('position').orderBy('created_at').execute();
}

export function caseParticipants(db: Executor, caseId: string): Promise<ParticipantRow[]> {
  return db.selectFrom('case_participants').selectAll().where('case_id', '=', caseId).orderBy('added_at').orderBy('id').execute();
}

export async function participantOrThrow(db: Executor, caseId: string, participantId: string): Promise<ParticipantRow> {
  const row = isId(participantId) ? await db.selectFrom('case_participants').selectAll().where('case_id', '=', caseId).where('id', '=', participantId).executeTakeFirst() : undefined;
  if (!row) throw notFound('Participant');
  return row;
}

export async function vulnerabilityOrThrow(db: Executor, caseId: string, vulnerabilityId: string): Promise<VulnerabilityRow> {
  const row = isId(vulnerabilityId) ? await db.selectFrom('case_vulnerabilities').selectAll().where('case_id', '=', caseId).where('id', '=', vulnerabilityId).executeTakeFirst() : undefined;
  if (!row) throw notFound('Vulnerability');
  return row;
}

export async function statusesOfCase(db: Executor, caseId: string): Promise<ParticipantStatusRow[]> {
  return db
    .selectFrom('case_participant_status')
    .innerJoin('case_participants', 'case_participants.id', 'case_participant_status.participant_id')
    .selectAll('case_participant_status')
    .where('case_participants.case_id', '=', caseId)
    .execute();
}

/** The vulnerabilities shared with a participant (those it has a status for), in the case's order. */
export function sharedVulnerabilities(db: Executor, participantId: string): Promise<VulnerabilityRow[]> {
  return db
    .selectFrom('case_vulnerabilities')
    .innerJoin('case_participant_status', 'case_participant_status.vulnerability_id', 'case_vulnerabilities.id')
    .selectAll('case_vulnerabilities')
    .where('case_participant_status.participant_id', '=', participantId)
    .orderBy('case_vulnerabilities.position')
    .execute();
}

import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { rendered } from '../markdown/render-markdown.js';
import { caseRef, presentEmbargo } from './case.js';
import { findPolicy } from './case-policies.js';
import { listDecisions } from './case-disclosure.js';
import { listPortalTokens } from './case-portal.js';
import { nextActionsFor } from './case-schedule.js';
import { assertCanReadCases } from './case.policy.js';
import { caseOrThrow, caseParticipants, caseVulnerabilities, statusesOfCase } from './case.repository.js';
import { allowedTransitions, presentStatement, presentVulnerability } from './case.service.js';

/** The staff case page: everything about the case except the contact log and notices (listed apart). */
export async function getCaseDetail(context: AppContext, db: Executor, actor: Parameters<typeof assertCanReadCases>[0], id: string) {
  assertCanReadCases(actor);
  const row = await caseOrThrow(db, id);
  const [vulnerabilities, participants, statuses, statements, extensions, credits, decisions, tokens, owner, next] = await Promise.all([
    caseVulnerabilities(db, row.id),
    caseParticipants(db, row.id),
    statusesOfCase(db, row.id),
    db.selectFrom('case_statements').selectAll().where('case_id', '=', row.id).orderBy('created_at').execute(),
    db.selectFrom('case_extension_requests').selectAll().where('case_id', '=', row.id).orderBy('created_at').execute(),
    db.selectFrom('case_credits').selectAll().where('case_id', '=', row.id).orderBy('created_at').execute(),
    listDecisions(db, row.id),
    listPortalTokens(db, row.id),
    db.selectFrom('users').select(['id', 'email', 'name']).where('id', '=', row.owner_id).executeTakeFirst(),
    nextActionsFor(context, db, row),
  ]);
  const vendorIds = [...new Set(participants.map((p) => p.vendor_id))];
  const vendors = vendorIds.length ? await db.selectFrom('vendors').select(['id', 'name', 'kind', 'preferred_contact_id']).where('id', 'in', vendorIds).execute() : [];
  const contacts = vendorIds.length ? await db.selectFrom('vendor_contacts').select(['id', 'vendor_id', 'kind', 'value', 'status']).where('vendor_id', 'in', vendorIds).where('kind', '=', 'email').execute() : [];
  const keys = vendorIds.length ? await db.selectFrom('vendor_keys').select(['vendor_id', 'fingerprint', 'expires_at']).where('vendor_id', 'in', vendorIds).execute() : [];
  const now = context.clock.now();
  const policy = findPolicy(row.policy);
  return {
    id: row.id,
    ref: caseRef(row.id),
    title: row.title,
    summary: rendered(row.summary),
    state: row.state,
    allowedTransitions: allowedTransitions(row.state),
    owner: owner ? { id: owner.id, email: owner.email, name: owner.name } : null,
    policy: { key: row.policy, name: policy?.name ?? row.policy, conditions: [...(policy?.conditions ?? [])], values: next.values },
    embargo: presentEmbargo(row.embargo_end_at, row.embargo_zone),
    exploitedAt: row.exploited_at,
    projectKey: row.project_key,
    advisoryId: row.advisory_id,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    stateChangedAt: row.state_changed_at,
    disclosedAt: row.disclosed_at,
    closedAt: row.closed_at,
    vulnerabilities: vulnerabilities.map(presentVulnerability),
    participants: participants.map((p) => {
      const vendor = vendors.find((v) => v.id === p.vendor_id);
      const preferred = vendor?.preferred_contact_id;
      const own = contacts.filter((c) => c.vendor_id === p.vendor_id);
      const contact = own.find((c) => c.id === p.contact_id) ?? own.find((c) => c.id === preferred) ?? own.find((c) => c.status !== 'bounced') ?? null;
      const key = keys.filter((k) => k.vendor_id === p.vendor_id).find((k) => !k.expires_at || new Date(k.expires_at) > now);
      return {
        id: p.id,
        vendor: { id: p.vendor_id, name: vendor?.name ?? '', kind: vendor?.kind ?? 'vendor' },
        role: p.role,
        contact: contact ? { id: contact.id, value: contact.value, status: contact.status, chosen: p.contact_id === contact.id } : null,
        mailContacts: own.map((c) => ({ id: c.id, value: c.value, status: c.status })),
        encryptedTo: key?.fingerprint ?? null,
        acknowledgedAt: p.acknowledged_at,
        firstNoticeAt: p.first_notice_at,
        lastNoticeAt: p.last_notice_at,
        noticeCount: Number(p.notice_count),
        escalatedAt: p.escalated_at,
        statuses: statuses.filter((s) => s.participant_id === p.id).map((s) => ({ vulnerabilityId: s.vulnerability_id, status: s.status, changedAt: s.changed_at, changedBy: s.changed_by })),
        portalLinks: tokens.filter((t) => t.participantId === p.id),
      };
    }),
    statements: statements.map(presentStatement),
    extensions: extensions.map((e) => ({ id: e.id, participantId: e.participant_id, requestedUntil: e.requested_until, reason: e.reason, state: e.state, decidedBy: e.decided_by, decidedAt: e.decided_at, note: e.decision_note, createdAt: e.created_at })),
    credits: credits.map((c) => ({ id: c.id, kind: c.kind, name: c.name, consentToName: Number(c.consent_to_name) === 1, consentRecordedAt: c.consent_recorded_at })),
    decisions,
    next: { dates: next.dates, actions: next.actions },
  };
}

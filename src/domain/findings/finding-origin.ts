import type { Engine, Executor } from '../../db/dialect.js';
import { forUpdate } from '../../db/dialect.js';
import { actorId, type Actor } from '../auth/actor.js';
import type { FinderKind, ImportAutomation } from './finding.table.js';

/**
 * Whether a finding counts as automated — the one place that decides it. A file's own claim
 * (`finder.kind: "automated"`) is the uploader's word, so it counts only when the file also came
 * in under a registered automated source (automated-sources.ts) that is still in force, uploaded by
 * the account (or the command line) that registration names. Anything else is a person's finding:
 * the review gate then needs an engineer who neither found nor imported it.
 */

export interface ImportMatch {
  automatedSourceId: string | null;
  automation: ImportAutomation;
}

/**
 * Called by the import, in its transaction: the registration in force for `sourceName` and whether
 * `actor` is its uploader. The row is locked (PostgreSQL) so a retirement waits for the import to
 * commit and then demotes what it stored (automated-sources.ts retire).
 */
export async function matchRegistration(trx: Executor, engine: Engine, sourceName: string, actor: Actor): Promise<ImportMatch> {
  const registration = await forUpdate(
    trx.selectFrom('finding_automated_sources').select(['id', 'uploader_id']).where('name', '=', sourceName).where('retired_at', 'is', null),
    engine,
  ).executeTakeFirst();
  if (!registration) return { automatedSourceId: null, automation: 'unregistered' };
  const uploads = registration.uploader_id === null ? actor.kind === 'system' : actorId(actor) === registration.uploader_id;
  return { automatedSourceId: registration.id, automation: uploads ? 'registered' : 'other_uploader' };
}

/** What decides one finding's origin: its declared kind and how its import matched. */
export interface ProvenanceFacts {
  finderKind: FinderKind;
  source: string;
  importedBy: string;
  automation: ImportAutomation;
  registrationRetiredAt: string | null;
  /** The registration's uploader, for the reason (an e-mail, or null: the command line). */
  registrationUploader: string | null;
}

export interface CountedOrigin {
  origin: FinderKind;
  /** Why, in a sentence a reviewer can act on. */
  why: string;
}

/** The rule itself; countedOrigin says why. */
export function countsAsAutomated(finderKind: FinderKind, automation: ImportAutomation, registrationRetiredAt: string | null): boolean {
  return finderKind === 'automated' && automation === 'registered' && registrationRetiredAt === null;
}

export function countedOrigin(facts: ProvenanceFacts): CountedOrigin {
  if (countsAsAutomated(facts.finderKind, facts.automation, facts.registrationRetiredAt)) return { origin: 'automated', why: `automated: registered source ${JSON.stringify(facts.source)}` };
  const source = JSON.stringify(facts.source);
  if (facts.finderKind === 'person') return { origin: 'person', why: `found by a person (imported by ${facts.importedBy} under source ${source})` };
  if (facts.automation === 'unregistered') {
    return { origin: 'person', why: `declared automated, but source ${source} was not a registered automated source when ${facts.importedBy} imported it` };
  }
  if (facts.automation === 'other_uploader') {
    const uploader = facts.registrationUploader ?? 'the command line';
    return { origin: 'person', why: `declared automated under registered source ${source}, but uploaded by ${facts.importedBy}, not by ${uploader} for whom it is registered` };
  }
  return { origin: 'person', why: `declared automated, but the registration of source ${source} was retired (${facts.registrationRetiredAt})` };
}

/** A candidate's origin, why, and who may not approve it when a person found it. */
export interface CandidateProvenance {
  origin: FinderKind;
  /** Distinct reasons, person ones first (the first 20). */
  reasons: string[];
  /** Accounts named as the finder of its person findings (by the finder e-mail). */
  finderIds: string[];
  /** Accounts that imported its person findings (they vouch for them). */
  importerIds: string[];
  /** Accounts that uploaded its automated findings: the automated systems' own accounts, which review nothing. */
  uploaderIds: string[];
}

/** Findings with what decides their origin (countedOrigin): source, import, the registration it matched and its uploader. */
export function findingsWithProvenance(db: Executor) {
  return db
    .selectFrom('findings')
    .innerJoin('finding_imports', 'finding_imports.id', 'findings.import_id')
    .innerJoin('finding_sources', 'finding_sources.id', 'findings.source_id')
    .leftJoin('finding_automated_sources', 'finding_automated_sources.id', 'finding_imports.automated_source_id')
    .leftJoin('users', 'users.id', 'finding_automated_sources.uploader_id')
    .select(['findings.finder_kind', 'finding_sources.name as source', 'finding_imports.imported_by', 'finding_imports.automation', 'finding_automated_sources.retired_at', 'users.email as uploader']);
}

/** Reads a candidate's findings' provenance (distinct combinations only: bounded by imports, not findings). */
export async function candidateProvenance(db: Executor, candidateId: string): Promise<CandidateProvenance> {
  const rows = await findingsWithProvenance(db)
    .select(['findings.finder_user_id', 'finding_imports.imported_by_id'])
    .distinct()
    .where('findings.candidate_id', '=', candidateId)
    .execute();
  const person = new Set<string>();
  const automated = new Set<string>();
  const finderIds = new Set<string>();
  const importerIds = new Set<string>();
  const uploaderIds = new Set<string>();
  for (const row of rows) {
    const counted = countedOrigin({
      finderKind: row.finder_kind,
      source: row.source,
      importedBy: row.imported_by,
      automation: row.automation,
      registrationRetiredAt: row.retired_at,
      registrationUploader: row.uploader,
    });
    if (counted.origin === 'automated') {
      automated.add(counted.why);
      if (row.imported_by_id) uploaderIds.add(row.imported_by_id);
      continue;
    }
    person.add(counted.why);
    if (row.finder_user_id) finderIds.add(row.finder_user_id);
    if (row.imported_by_id) importerIds.add(row.imported_by_id);
  }
  return {
    // No findings at all (never made by an import) vouches for nothing: a person's.
    origin: automated.size > 0 && person.size === 0 ? 'automated' : 'person',
    reasons: [...person, ...automated].slice(0, 20),
    finderIds: [...finderIds],
    importerIds: [...importerIds],
    uploaderIds: [...uploaderIds],
  };
}

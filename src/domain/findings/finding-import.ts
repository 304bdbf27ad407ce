import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { inList, insertRows, type BulkColumnType, type Executor } from '../../db/dialect.js';
import { AppError, invalid } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import { actorId, actorLabel, type Actor } from '../auth/actor.js';
import { Rejection, type NormalisedFinding } from './finding-input.js';
import { componentKeyOf, parsePurl, priorityOf, purlVersion, suppressionKeys, targetLabel, type FindingTarget, normaliseRepositoryUrl, placeLabel } from './finding-keys.js';
import { markComponentsInUse } from './component-use.js';
import { assertCanImportFindings } from './finding.policy.js';
import { countsAsAutomated, matchRegistration, type ImportMatch } from './finding-origin.js';
import type { ImportAutomation } from './finding.table.js';
import { scanJson, JsonScanError, printableKey, type Frame } from './json-stream.js';
import { NATIVE_FORMAT, normaliseNativeFinding, readNativeDefaults, type NativeDefaults } from './native.js';
import { normaliseSarifResult, readSarifRun, type SarifRun } from './sarif.js';

/**
 * Importing a findings file (SARIF 2.1.0 or the native format), streamed from disk in two passes:
 * the first checks the whole document's structure and reads what applies to every result (the
 * format, each SARIF run's tool, rules and repository); the second hands results over one at a
 * time, and they are written in batches (multi-row INSERTs).
 *
 * The whole import is one transaction: a malformed file (truncated, too deep, a string too long
 * outside a result) stores nothing of itself, and the failure is recorded afterwards as a `failed`
 * import with its reason. A result that is well-formed JSON but not a usable finding (wrong types,
 * no rule, no target, too large) is counted as rejected with its reason; the rest are imported.
 * Memory is bounded by the batch size and the limits below, not by the file.
 */

export const FINDINGS_LIMITS = {
  maxDepth: 64,
  maxStringBytes: 1_048_576,
  /** One result (or one native finding). */
  maxResultBytes: 4 * 1_048_576,
  /** A SARIF run's tool (with its rules) and provenance. */
  maxRunMetadataBytes: 32 * 1_048_576,
  /** All runs' metadata together: it is held in memory (parsed) for the whole import. */
  maxTotalRunMetadataBytes: 64 * 1_048_576,
  maxResults: 1_000_000,
  maxRuns: 10_000,
  /** Largest upload accepted by the API. */
  maxUploadBytes: 2 * 1024 * 1_048_576,
} as const;

const BATCH = 1000;
const MAX_LISTED_REJECTIONS = 100;
/**
 * Results normalised between two looks at the event loop. The batch being written waits for the
 * database between its statements; each answer is acted on only when the loop comes round, and a
 * read chunk holds hundreds of results: without these pauses the writes, which decide the pace,
 * waited for parsing, which has time to spare.
 */
const YIELD_EVERY = 20;

export interface ImportOptions {
  source: string;
  filename?: string | null | undefined;
  /** A repository URL or package URL for results that name no target. */
  target?: string | null | undefined;
  /** Called as the file is read (twice: checking, then importing): bytes so far, the total, results so far. */
  onProgress?: ((done: number, total: number, results: number, phase: 'checking' | 'importing') => void) | undefined;
}

export interface ImportSummary {
  importId: string;
  format: 'sarif' | 'native';
  /** Whether findings declared automated count as such (finding-origin.ts): only when `registered`. */
  automation: ImportAutomation;
  read: number;
  created: number;
  duplicates: number;
  suppressed: number;
  rejected: number;
  candidatesCreated: number;
  rejections: { index: number; reason: string }[];
  suppressedBy: { id: string; kind: string; reason: string; count: number }[];
}

const SOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9._:@/+ -]{0,99}$/;

export function checkSourceName(name: string, field = '/source'): string {
  const trimmed = name.trim();
  if (!SOURCE_NAME.test(trimmed)) throw invalid(field, 'must be 1–100 characters: letters, digits, space and . _ : @ / + -, starting with a letter or digit');
  return trimmed;
}

/** `--target`: a purl or a repository URL. */
export function defaultTargetFrom(text: string | null | undefined): FindingTarget {
  const target: FindingTarget = { repositoryUrl: null, purl: null, product: null, versions: null, commitRange: null, downloads: null };
  if (!text) return target;
  // Stored with every finding that names no target: PostgreSQL refuses NUL, and no purl or URL holds a control character.
  if (/[\0-\x1f\x7f]/.test(text)) throw invalid('/target', 'must not contain control characters');
  if (parsePurl(text)) target.purl = text.trim();
  else if (normaliseRepositoryUrl(text)) target.repositoryUrl = text.trim();
  else throw invalid('/target', 'must be a package URL (pkg:npm/name) or a repository URL (https://host/owner/repo)');
  return target;
}

function readFile(file: string, total: number, onBytes?: (done: number) => void, hash?: ReturnType<typeof createHash>): AsyncIterable<Buffer> {
  return (async function* () {
    let done = 0;
    for await (const chunk of fs.createReadStream(file, { highWaterMark: 256 * 1024 })) {
      const buffer = chunk as Buffer;
      done += buffer.length;
      hash?.update(buffer);
      onBytes?.(Math.min(done, total));
      yield buffer;
    }
  })();
}

interface Plan {
  format: 'sarif' | 'native';
  runs: Map<number, SarifRun>;
  native: NativeDefaults | null;
  sha256: string;
}

const TOP_KEYS = new Set(['version', '$schema', 'format', 'finder', 'target']);
const RUN_KEYS = new Set(['tool', 'versionControlProvenance', 'properties']);

/** Pass one: the whole document's structure, the format, and what applies to every result. */
async function planImport(file: string, bytes: number, defaults: FindingTarget, onProgress: ImportOptions['onProgress']): Promise<Plan> {
  const hash = createHash('sha256');
  const top: Record<string, unknown> = {};
  const runParts = new Map<number, Record<string, unknown>>();
  const topKeys = new Set<string>();
  let topIsObject = true;
  let runsSeen = 0;
  let results = 0;
  let metadataBytes = 0;
  // Results are read in pass two; here they are counted and passed over (long strings in them are rejected there, with the result).
  const countResult = () => {
    if (++results > FINDINGS_LIMITS.maxResults) throw new AppError('payload_too_large', `The file has more than ${FINDINGS_LIMITS.maxResults} results; split it`);
    return 'skip' as const;
  };
  const predicate = (frames: readonly Frame[]) => {
    const [first, second, third, fourth] = frames;
    if (frames.length === 0) return false;
    if (frames.length === 1) {
      if (first!.kind !== 'object') topIsObject = false;
      // Only the keys that matter are remembered: a document with a million keys costs nothing.
      else if (first!.key === 'runs' || first!.key === 'findings') topKeys.add(first!.key);
      return first!.kind === 'object' && TOP_KEYS.has(first!.key ?? '');
    }
    if (first!.key === 'runs' && second!.kind === 'array') {
      if (frames.length === 2 && ++runsSeen > FINDINGS_LIMITS.maxRuns) throw new AppError('payload_too_large', `The file has more than ${FINDINGS_LIMITS.maxRuns} runs; split it`);
      if (frames.length === 3) return third!.kind === 'object' && RUN_KEYS.has(third!.key ?? '');
      if (frames.length === 4 && third!.key === 'results' && fourth!.kind === 'array') return countResult();
    }
    if (frames.length === 2 && first!.key === 'findings' && second!.kind === 'array') return countResult();
    return false;
  };
  const limits = { maxDepth: FINDINGS_LIMITS.maxDepth, maxStringBytes: FINDINGS_LIMITS.maxStringBytes, maxCaptureBytes: FINDINGS_LIMITS.maxRunMetadataBytes };
  for await (const items of scanJson(readFile(file, bytes, (done) => onProgress?.(done, bytes, results, 'checking'), hash), limits, predicate, 4)) {
    for (const item of items) {
      if (item.problem) throw invalid(`/${item.path.map((p) => (p.key === null ? p.index : printableKey(p.key))).join('/')}`, item.problem);
      metadataBytes += item.bytes ?? 0;
      if (metadataBytes > FINDINGS_LIMITS.maxTotalRunMetadataBytes) {
        throw new AppError('payload_too_large', `The runs' tools, rules and provenance together exceed ${FINDINGS_LIMITS.maxTotalRunMetadataBytes} bytes; split the file`);
      }
      if (item.path.length === 1) top[item.path[0]!.key!] = item.value;
      else {
        const index = item.path[1]!.index;
        const parts = runParts.get(index) ?? {};
        parts[item.path[2]!.key!] = item.value;
        runParts.set(index, parts);
      }
    }
  }
  if (!topIsObject) throw invalid('/', 'must be a JSON object (a SARIF log or a cvdesk findings document)');
  if (top.format === NATIVE_FORMAT) {
    if (top.version !== 1) throw invalid('/version', 'must be 1 for the cvdesk-findings format');
    if (!topKeys.has('findings')) throw invalid('/findings', 'is required: an array of findings');
    try {
      return { format: 'native', runs: new Map(), native: readNativeDefaults(top, defaults), sha256: hash.digest('hex') };
    } catch (error) {
      if (error instanceof Rejection) throw invalid('/', error.message);
      throw error;
    }
  }
  if (topKeys.has('runs')) {
    if (top.version !== '2.1.0') throw invalid('/version', `SARIF ${typeof top.version === 'string' ? top.version.slice(0, 20) : '(none)'} is not supported: only SARIF 2.1.0`);
    const runs = new Map<number, SarifRun>();
    for (let index = 0; index < runsSeen; index++) runs.set(index, readSarifRun(runParts.get(index) ?? {}, defaults));
    return { format: 'sarif', runs, native: null, sha256: hash.digest('hex') };
  }
  throw invalid('/', `not a recognised findings file: SARIF needs "version": "2.1.0" and "runs"; the native format needs "format": "${NATIVE_FORMAT}"`);
}

/** The summary's counts as an import runs (suppressions keyed by rule until the end). */
interface Counters extends Omit<ImportSummary, 'importId' | 'format' | 'automation' | 'suppressedBy'> {
  suppressedBy: Map<string, ImportSummary['suppressedBy'][number]>;
}

interface ImportRun {
  context: AppContext;
  trx: Executor;
  actor: Actor;
  importId: string;
  sourceId: string;
  /** Whether the source is registered as automated, for this uploader (finding-origin.ts). */
  match: ImportMatch;
  now: string;
  counters: Counters;
  /** Finder emails → account ids (people who found something; they may not approve it). */
  accounts: Map<string, string | null>;
  /** Whether any suppression rule exists (if none, batches need not look them up). */
  anySuppressions: boolean;
}

const inChunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

async function findAccounts(run: ImportRun, batch: readonly NormalisedFinding[]): Promise<void> {
  const unknown = [...new Set(batch.filter((f) => f.finder.kind === 'person' && f.finder.email && !run.accounts.has(f.finder.email)).map((f) => f.finder.email!))];
  if (unknown.length === 0) return;
  for (const chunk of inChunks(unknown, 200)) {
    const rows = await run.trx.selectFrom('users').select(['id', 'email']).where('email', 'in', chunk).execute();
    const found = new Map(rows.map((r) => [r.email.toLowerCase(), r.id]));
    for (const email of chunk) run.accounts.set(email, found.get(email) ?? null);
  }
}

/** The account that found a person finding: by the finder's e-mail, else whoever imports it (they vouch for it). */
function authorOf(run: ImportRun, finding: NormalisedFinding): string | null {
  if (finding.finder.kind !== 'person') return null;
  if (finding.finder.email) return run.accounts.get(finding.finder.email) ?? null;
  return actorId(run.actor);
}

/** The columns an import writes, with their types for PostgreSQL's bulk insert (insertRows). */
const CANDIDATE_COLUMNS: Record<string, BulkColumnType> = {
  id: 'text',
  root_key: 'text',
  project_key: 'text',
  component_key: 'text',
  target: 'text',
  purl: 'text',
  repository_url: 'text',
  product: 'text',
  versions: 'text',
  commit_range: 'text',
  rule_id: 'text',
  cwe: 'integer',
  title: 'text',
  sink: 'text',
  severity: 'float8',
  cvss_vector: 'text',
  confidence: 'float8',
  downloads: 'integer',
  finding_count: 'integer',
  priority: 'float8',
  origin: 'text',
  impact: 'text',
  reproduction: 'text',
  state: 'text',
  rejection_reason: 'text',
  decided_at: 'text',
  decided_by: 'text',
  component_in_use: 'text',
  first_seen_at: 'text',
  last_seen_at: 'text',
  updated_at: 'text',
};
const FINDING_COLUMNS: Record<string, BulkColumnType> = {
  fingerprint: 'text',
  candidate_id: 'text',
  source_id: 'text',
  import_id: 'text',
  finder_kind: 'text',
  finder_name: 'text',
  finder_user_id: 'text',
  rule_id: 'text',
  cwe: 'integer',
  severity: 'float8',
  confidence: 'float8',
  location: 'text',
  message: 'text',
  details: 'text',
  created_at: 'text',
};

type CandidateSoFar = { finding_count: number; severity: number; confidence: number; downloads: number | null; origin: string };

/** The stored candidates of these root causes, by root key. */
async function existingCandidates(run: ImportRun, rootKeys: readonly string[]): Promise<Map<string, CandidateSoFar>> {
  const found = new Map<string, CandidateSoFar>();
  for (const chunk of inChunks(rootKeys, 500)) {
    const rows = await run.trx.selectFrom('finding_candidates').select(['root_key', 'finding_count', 'severity', 'confidence', 'downloads', 'origin']).where(inList(run.context.engine, 'root_key', chunk)).execute();
    for (const row of rows) found.set(row.root_key, row);
  }
  return found;
}

/** Writes one batch: drops duplicates and suppressed results, upserts candidates, inserts findings. */
async function writeBatch(run: ImportRun, batch: NormalisedFinding[]): Promise<void> {
  const { trx, counters, now } = run;
  const unique = new Map<string, NormalisedFinding>();
  for (const finding of batch) {
    if (unique.has(finding.fingerprint)) counters.duplicates++;
    else unique.set(finding.fingerprint, finding);
  }
  // The findings already stored and the candidates their root causes already have, asked together:
  // one wait for the database per batch instead of two (the candidates of findings that turn out
  // to be stored or suppressed are simply not used).
  const [existing, candidates] = await Promise.all([
    trx.selectFrom('findings').select('fingerprint').where(inList(run.context.engine, 'fingerprint', [...unique.keys()])).execute(),
    existingCandidates(run, [...new Set([...unique.values()].map((f) => f.rootKey))]),
  ]);
  for (const row of existing) {
    unique.delete(row.fingerprint);
    counters.duplicates++;
  }
  if (unique.size === 0) return;

  const keysOf = (f: NormalisedFinding) => [suppressionKeys.fingerprint(f.fingerprint), suppressionKeys.rootCause(f.rootKey), suppressionKeys.ruleTarget(f.projectKey, f.rule)];
  const allKeys = run.anySuppressions ? [...new Set([...unique.values()].flatMap(keysOf))] : [];
  const rules = new Map<string, { id: string; kind: string; reason: string }>();
  for (const chunk of inChunks(allKeys, 1000)) {
    for (const row of await trx.selectFrom('finding_suppressions').select(['id', 'kind', 'reason', 'match_key']).where('match_key', 'in', chunk).execute()) rules.set(row.match_key, row);
  }
  const fresh: NormalisedFinding[] = [];
  for (const finding of unique.values()) {
    // No rule matched this batch (or none exists): the keys need not be made again for every finding.
    const rule = rules.size > 0 ? keysOf(finding).map((key) => rules.get(key)).find((r) => r !== undefined) : undefined;
    if (!rule) {
      fresh.push(finding);
      continue;
    }
    counters.suppressed++;
    const seen = counters.suppressedBy.get(rule.id) ?? { ...rule, count: 0 };
    seen.count++;
    counters.suppressedBy.set(rule.id, seen);
  }
  if (fresh.length === 0) return;
  await findAccounts(run, fresh);

  // One candidate per root cause: what this batch adds to each.
  const groups = new Map<string, NormalisedFinding[]>();
  for (const finding of fresh) {
    const group = groups.get(finding.rootKey);
    if (group) group.push(finding);
    else groups.set(finding.rootKey, [finding]);
  }
  const before = new Map([...candidates].filter(([root]) => groups.has(root)));
  const candidateRows = [...groups.entries()].map(([root, findings]) => {
    const first = findings[0]!;
    const old = before.get(root);
    const severity = Math.max(old?.severity ?? 0, ...findings.map((f) => f.severity));
    const confidence = Math.max(old?.confidence ?? 0, ...findings.map((f) => f.confidence));
    const given = findings.map((f) => f.target.downloads).filter((d): d is number => d !== null);
    const downloads = given.length || old?.downloads != null ? Math.max(old?.downloads ?? 0, ...given) : null;
    const count = (old?.finding_count ?? 0) + findings.length;
    const strongest = findings.reduce((a, b) => (b.severity > a.severity ? b : a));
    return {
      id: newId(),
      root_key: root,
      project_key: first.projectKey,
      component_key: componentKeyOf(first.target),
      target: targetLabel(first.target),
      purl: first.target.purl,
      repository_url: first.target.repositoryUrl,
      product: first.target.product,
      versions: first.target.versions ? JSON.stringify(first.target.versions) : null,
      commit_range: first.target.commitRange,
      rule_id: first.rule,
      cwe: first.cwe,
      title: first.title,
      sink: placeLabel(first.sink),
      severity,
      cvss_vector: strongest.cvssVector,
      confidence,
      downloads,
      finding_count: findings.length,
      priority: priorityOf(severity, confidence, downloads, count),
      origin: old?.origin === 'person' || findings.some((f) => !countsAsAutomated(f.finder.kind, run.match.automation, null)) ? 'person' : 'automated',
      impact: findings.find((f) => f.impact)?.impact ?? null,
      reproduction: findings.find((f) => f.reproduction)?.reproduction ?? null,
      state: 'pending',
      rejection_reason: null,
      decided_at: null,
      decided_by: null,
      component_in_use: null,
      first_seen_at: now,
      last_seen_at: now,
      updated_at: now,
    } as const;
  });
  const ids = new Map<string, string>();
  for (const chunk of inChunks(candidateRows, 500)) {
    const rows = await insertRows(trx.insertInto('finding_candidates'), run.context.engine, chunk, CANDIDATE_COLUMNS)
      .onConflict((oc) =>
        // A decision covers what was reviewed: later findings of a decided candidate are counted
        // (and listed with it) but change nothing a reviewer saw — not its text, which a case's
        // notice is made from, nor its severity or origin.
        oc.column('root_key').doUpdateSet({
          finding_count: sql`finding_candidates.finding_count + excluded.finding_count`,
          severity: sql`case when finding_candidates.state = 'pending' then excluded.severity else finding_candidates.severity end`,
          confidence: sql`case when finding_candidates.state = 'pending' then excluded.confidence else finding_candidates.confidence end`,
          downloads: sql`case when finding_candidates.state = 'pending' then excluded.downloads else finding_candidates.downloads end`,
          priority: sql`case when finding_candidates.state = 'pending' then excluded.priority else finding_candidates.priority end`,
          origin: sql`case when finding_candidates.state = 'pending' then excluded.origin else finding_candidates.origin end`,
          cvss_vector: sql`case when finding_candidates.state = 'pending' and excluded.severity > finding_candidates.severity then excluded.cvss_vector else finding_candidates.cvss_vector end`,
          impact: sql`case when finding_candidates.state = 'pending' then coalesce(finding_candidates.impact, excluded.impact) else finding_candidates.impact end`,
          reproduction: sql`case when finding_candidates.state = 'pending' then coalesce(finding_candidates.reproduction, excluded.reproduction) else finding_candidates.reproduction end`,
          last_seen_at: sql`excluded.last_seen_at`,
          updated_at: sql`excluded.updated_at`,
        }),
      )
      .returning(['id', 'root_key'])
      .execute();
    for (const row of rows) ids.set(row.root_key, row.id);
  }
  counters.candidatesCreated += candidateRows.length - before.size;

  const findingRows = fresh.map((f) => ({
    fingerprint: f.fingerprint,
    candidate_id: ids.get(f.rootKey)!,
    source_id: run.sourceId,
    import_id: run.importId,
    finder_kind: f.finder.kind,
    finder_name: f.finder.name,
    finder_user_id: authorOf(run, f),
    rule_id: f.rule,
    cwe: f.cwe,
    severity: f.severity,
    confidence: f.confidence,
    location: placeLabel(f.location),
    message: f.message,
    details: detailsOf(f),
    created_at: now,
  }));
  // DO NOTHING: a concurrent import (PostgreSQL) may have stored the same finding since the check
  // above; it then counts as a duplicate, and its candidate's count is put right.
  const stored = new Set<string>();
  for (const chunk of inChunks(findingRows, 1000)) {
    const rows = await insertRows(trx.insertInto('findings'), run.context.engine, chunk, FINDING_COLUMNS).onConflict((oc) => oc.column('fingerprint').doNothing()).returning('fingerprint').execute();
    for (const row of rows) stored.add(row.fingerprint);
  }
  counters.created += stored.size;
  if (stored.size < findingRows.length) {
    const lost = new Map<string, number>();
    for (const row of findingRows) if (!stored.has(row.fingerprint)) lost.set(row.candidate_id, (lost.get(row.candidate_id) ?? 0) + 1);
    for (const [candidateId, n] of lost) {
      await trx.updateTable('finding_candidates').set({ finding_count: sql`finding_count - ${n}` }).where('id', '=', candidateId).execute();
    }
    counters.duplicates += findingRows.length - stored.size;
  }
}

/**
 * What a finding adds to its candidate and columns (kept small: it is most of a finding's bytes):
 * the snippet, the sink when it is not the location, and whatever the finder gave; nulls left out.
 */
function detailsOf(f: NormalisedFinding): string {
  const sinkElsewhere = f.sink.uri !== f.location.uri || f.sink.line !== f.location.line;
  const details: Record<string, unknown> = {};
  if (f.snippet) details.snippet = f.snippet;
  if (sinkElsewhere) details.sink = placeLabel(f.sink);
  if (f.externalId) details.externalId = f.externalId;
  if (f.cvssVector) details.cvssVector = f.cvssVector;
  const version = purlVersion(f.target.purl);
  if (version) details.version = version;
  if (f.finder.email) details.finderEmail = f.finder.email;
  if (f.impact) details.impact = f.impact;
  if (f.reproduction) details.reproduction = f.reproduction;
  return JSON.stringify(details);
}

async function sourceFor(trx: Executor, name: string, now: string): Promise<string> {
  const found = await trx.selectFrom('finding_sources').select('id').where('name', '=', name).executeTakeFirst();
  if (found) {
    await trx.updateTable('finding_sources').set({ last_import_at: now }).where('id', '=', found.id).execute();
    return found.id;
  }
  // Two first imports of a new source at once: the second waits for the first and uses its row.
  await trx.insertInto('finding_sources').values({ id: newId(), name, created_at: now, last_import_at: now }).onConflict((oc) => oc.column('name').doNothing()).execute();
  const row = await trx.selectFrom('finding_sources').select('id').where('name', '=', name).executeTakeFirstOrThrow();
  return row.id;
}

/** Pass two, inside the transaction: each result normalised, batched, written. */
async function importResults(run: ImportRun, file: string, bytes: number, plan: Plan, onProgress: ImportOptions['onProgress']): Promise<void> {
  const predicate =
    plan.format === 'sarif'
      ? (frames: readonly Frame[]) => frames.length === 4 && frames[0]!.key === 'runs' && frames[1]!.kind === 'array' && frames[2]!.key === 'results' && frames[3]!.kind === 'array'
      : (frames: readonly Frame[]) => frames.length === 2 && frames[0]!.key === 'findings' && frames[1]!.kind === 'array';
  const depth = plan.format === 'sarif' ? 4 : 2;
  const limits = { maxDepth: FINDINGS_LIMITS.maxDepth, maxStringBytes: FINDINGS_LIMITS.maxStringBytes, maxCaptureBytes: FINDINGS_LIMITS.maxResultBytes };
  const { counters } = run;
  let done = 0;
  const source = readFile(file, bytes, (n) => {
    done = n;
  });
  let batch: NormalisedFinding[] = [];
  let writing: Promise<void> = Promise.resolve();
  let lastReport = 0;
  let sinceYield = 0;
  for await (const items of scanJson(source, limits, predicate, depth)) {
    for (const item of items) {
      const index = counters.read++;
      try {
        if (item.problem) throw new Rejection(item.problem);
        const finding = plan.format === 'sarif' ? normaliseSarifResult(item.value, plan.runs.get(item.path[1]!.index)!) : normaliseNativeFinding(item.value, plan.native!);
        batch.push(finding);
      } catch (error) {
        if (!(error instanceof Rejection)) throw error;
        counters.rejected++;
        if (counters.rejections.length < MAX_LISTED_REJECTIONS) counters.rejections.push({ index, reason: error.message });
      }
      if (batch.length >= BATCH) {
        // Parse the next batch while this one is written (PostgreSQL answers over the network);
        // batches are still written one after the other, so each sees what the last one stored.
        await writing;
        writing = writeBatch(run, batch);
        writing.catch(() => {});
        batch = [];
      }
      if (onProgress && counters.read - lastReport >= 1000) {
        lastReport = counters.read;
        onProgress(done, bytes, counters.read, 'importing');
      }
      if (++sinceYield === YIELD_EVERY) {
        sinceYield = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }
  await writing;
  if (batch.length) await writeBatch(run, batch);
  onProgress?.(bytes, bytes, counters.read, 'importing');
}

function describeFailure(error: unknown): AppError | null {
  if (error instanceof AppError) return error;
  if (error instanceof JsonScanError) return new AppError('invalid_json', `The file is not valid JSON: ${error.message}`, [{ field: '/', message: error.message }]);
  return null;
}

/**
 * Imports a findings file. Checks the actor, plans (pass one), then imports every result in one
 * transaction with the import record and its audit event. A failure is recorded as a failed
 * import (its own transaction, after the rollback) and thrown.
 */
export async function importFindingsFile(context: AppContext, actor: Actor, file: string, options: ImportOptions): Promise<ImportSummary> {
  assertCanImportFindings(actor);
  const sourceName = checkSourceName(options.source);
  const defaults = defaultTargetFrom(options.target);
  const stat = fs.statSync(file);
  if (!stat.isFile()) throw invalid('/file', 'must be a regular file');
  const startedAt = iso(context.clock.now());
  const importId = newId();
  const counters: Counters = { read: 0, created: 0, duplicates: 0, suppressed: 0, rejected: 0, candidatesCreated: 0, rejections: [], suppressedBy: new Map() };
  let plan: Plan | null = null;
  // Replaced, in the import's transaction, by how the source matched the registrations.
  let match: ImportMatch = { automatedSourceId: null, automation: 'unregistered' };
  try {
    plan = await planImport(file, stat.size, defaults, options.onProgress);
    const ready = plan;
    await context.db.transaction().execute(async (trx) => {
      const now = iso(context.clock.now());
      const sourceId = await sourceFor(trx, sourceName, now);
      match = await matchRegistration(trx, context.engine, sourceName, actor);
      const anySuppressions = (await trx.selectFrom('finding_suppressions').select('id').limit(1).executeTakeFirst()) !== undefined;
      const run: ImportRun = { context, trx, actor, importId, sourceId, match, now, counters, accounts: new Map(), anySuppressions };
      await importResults(run, file, stat.size, ready, options.onProgress);
      for (const rule of counters.suppressedBy.values()) {
        await trx.updateTable('finding_suppressions').set({ hits: sql`hits + ${rule.count}`, last_hit_at: now }).where('id', '=', rule.id).execute();
      }
      if (await trx.selectFrom('sboms').select('id').limit(1).executeTakeFirst()) await markComponentsInUse(context, trx, { seenAt: now });
      await trx.insertInto('finding_imports').values(importRow(context, actor, importId, sourceId, options, stat.size, ready, counters, startedAt, null, match)).execute();
      await recordAudit(context, trx, actor, {
        action: 'findings.imported',
        objectType: 'finding_import',
        objectId: importId,
        data: { source: sourceName, automation: match.automation, automatedSourceId: match.automatedSourceId, format: ready.format, sha256: ready.sha256, read: counters.read, created: counters.created, duplicates: counters.duplicates, suppressed: counters.suppressed, rejected: counters.rejected },
      });
    });
  } catch (error) {
    const failure = describeFailure(error);
    if (!failure) throw error;
    await context.db.transaction().execute(async (trx) => {
      const sourceId = await sourceFor(trx, sourceName, iso(context.clock.now()));
      const empty: Counters = { ...counters, created: 0, candidatesCreated: 0, suppressedBy: new Map() };
      await trx.insertInto('finding_imports').values(importRow(context, actor, importId, sourceId, options, stat.size, plan, empty, startedAt, failure.message)).execute();
      await recordAudit(context, trx, actor, { action: 'findings.import_failed', objectType: 'finding_import', objectId: importId, data: { source: sourceName, error: failure.message.slice(0, 500) } });
    });
    throw failure;
  }
  return {
    importId,
    format: plan.format,
    automation: match.automation,
    read: counters.read,
    created: counters.created,
    duplicates: counters.duplicates,
    suppressed: counters.suppressed,
    rejected: counters.rejected,
    candidatesCreated: counters.candidatesCreated,
    rejections: counters.rejections,
    suppressedBy: [...counters.suppressedBy.values()],
  };
}

function importRow(
  context: AppContext,
  actor: Actor,
  id: string,
  sourceId: string,
  options: ImportOptions,
  bytes: number,
  plan: Plan | null,
  counters: Counters,
  startedAt: string,
  error: string | null,
  match: ImportMatch = { automatedSourceId: null, automation: 'unregistered' },
) {
  return {
    id,
    source_id: sourceId,
    format: plan?.format ?? null,
    filename: options.filename ? options.filename.replace(/[\0-\x1f\x7f]/g, '?').slice(0, 300) : null,
    sha256: plan?.sha256 ?? null,
    bytes,
    state: error ? ('failed' as const) : ('completed' as const),
    read: counters.read,
    created: counters.created,
    duplicates: counters.duplicates,
    suppressed: counters.suppressed,
    rejected: counters.rejected,
    candidates_created: counters.candidatesCreated,
    problems: JSON.stringify({ rejections: counters.rejections, suppressedBy: [...counters.suppressedBy.values()] }),
    error: error ? error.slice(0, 2000) : null,
    imported_by: actorLabel(actor),
    imported_by_id: actorId(actor),
    automated_source_id: match.automatedSourceId,
    automation: match.automation,
    started_at: startedAt,
    finished_at: iso(context.clock.now()),
  };
}

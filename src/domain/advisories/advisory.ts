import type { Selectable } from 'kysely';
import { AppError, invalid, type ErrorDetail } from '../../shared/errors.js';
import { scoreVector, severityFromScore, type CvssResult } from '../cvss/cvss.js';
import { cweById, type CweEntry } from '../cwe/cwe-catalogue.js';
import { isOsvEcosystem } from '../osv/osv-ecosystems.js';
import type { AdvisoryRevisionTable, AdvisorySignatureTable, AdvisoryTable } from './advisory.table.js';
import { compareSemver, isSemver } from './semver.js';

export type AdvisoryRow = Selectable<AdvisoryTable>;
export type AdvisoryRevisionRow = Selectable<AdvisoryRevisionTable>;
export type AdvisorySignatureRow = Selectable<AdvisorySignatureTable>;

/**
 * What an advisory says. The draft and every published revision are one of these (stored as
 * JSON). A `security_advisory` tells the world about vulnerabilities and their fixes; a `vex`
 * states which of the organisation's own products are (not) affected by known vulnerabilities.
 * Every listed product applies to every vulnerability of the advisory.
 */
export interface AdvisoryContent {
  kind: AdvisoryKind;
  title: string;
  /** Markdown: what the advisory is about, for people. */
  summary: string;
  /** Markdown; '' when there is none. */
  workarounds: string;
  products: AffectedProduct[];
  vulnerabilities: AdvisoryVulnerability[];
  references: AdvisoryReference[];
  credits: AdvisoryCredit[];
}

export const ADVISORY_KINDS = ['security_advisory', 'vex'] as const;
export type AdvisoryKind = (typeof ADVISORY_KINDS)[number];

export const RANGE_TYPES = ['SEMVER', 'ECOSYSTEM', 'GIT'] as const;
export type RangeType = (typeof RANGE_TYPES)[number];

export const PRODUCT_STATUSES = ['affected', 'not_affected'] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];

/** CSAF 2.0's VEX justification flags (the same five as CISA's VEX status justifications). */
export const NOT_AFFECTED_JUSTIFICATIONS = [
  'component_not_present',
  'vulnerable_code_not_present',
  'vulnerable_code_cannot_be_controlled_by_adversary',
  'vulnerable_code_not_in_execute_path',
  'inline_mitigations_already_exist',
] as const;
export type NotAffectedJustification = (typeof NOT_AFFECTED_JUSTIFICATIONS)[number];

export const CREDIT_KINDS = ['person', 'system'] as const;

/** An OSV-style range: affected from `introduced` up to `fixed` (exclusive) or `lastAffected` (inclusive). */
export interface VersionRange {
  type: RangeType;
  /** GIT ranges: the repository (https URL). */
  repo: string | null;
  /** A version (or commit), or "0" for "since the beginning". */
  introduced: string;
  fixed: string | null;
  lastAffected: string | null;
}

export interface AffectedProduct {
  vendor: string;
  product: string;
  /** OSV ecosystem of a package (npm, PyPI, Debian:12…), or null for a product that is not a package. */
  ecosystem: string | null;
  /** The package's name in its ecosystem (required with an ecosystem). */
  packageName: string | null;
  purl: string | null;
  status: ProductStatus;
  /** Why a not_affected product is not affected (required for not_affected). */
  justification: NotAffectedJustification | null;
  ranges: VersionRange[];
  /** Single versions (affected, or not affected), besides the ranges. */
  versions: string[];
}

export interface AdvisoryVulnerability {
  title: string;
  /** Markdown. */
  description: string;
  cve: string | null;
  cwes: number[];
  /** CVSS 3.1 and/or 4.0 vectors: at most one per version. */
  cvss: string[];
}

export interface AdvisoryReference {
  url: string;
  summary: string;
}

/** Who found the flaw: a person or a system ("Security Research — <agent name>"), named only with their consent. */
export interface AdvisoryCredit {
  name: string;
  kind: (typeof CREDIT_KINDS)[number];
  consent: boolean;
  /** The account credited, when the credit came from a report. */
  userId: string | null;
}

export const ADVISORY_LIMITS = {
  title: 300,
  summary: 20_000,
  workarounds: 20_000,
  description: 20_000,
  products: 100,
  ranges: 20,
  versions: 100,
  version: 100,
  name: 200,
  vulnerabilities: 50,
  cwes: 5,
  references: 50,
  credits: 50,
  url: 1000,
  changeSummary: 1000,
} as const;

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'none', 'unknown'] as const;
export type AdvisorySeverity = (typeof SEVERITIES)[number];

export const CVE_ID = /^CVE-\d{4}-\d{4,19}$/;
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const LINE_CONTROL = /[\u0000-\u001f\u007f]/;
const COMMIT = /^(0|[a-f0-9]{40}|[a-f0-9]{64})$/;
const PURL = /^pkg:[A-Za-z.+-][A-Za-z0-9.+-]*\/[^\s]+$/;

/**
 * Scores and weakness names are pure functions of their input, and one advisory needs each
 * several times (checks, severity, CSAF, OSV, pages): remembered here, bounded.
 */
const scoredCache = new Map<string, CvssResult>();
const cweCache = new Map<number, CweEntry | undefined>();

/** scoreVector, remembered (invalid vectors throw every time, naming `field`). */
export function scored(vector: string, field?: string): CvssResult {
  let result = scoredCache.get(vector);
  if (!result) {
    result = scoreVector(vector, field ? { field } : {});
    if (scoredCache.size >= 2000) scoredCache.clear();
    scoredCache.set(vector, result);
  }
  return result;
}

export function weakness(id: number): CweEntry | undefined {
  if (!cweCache.has(id)) {
    if (cweCache.size >= 2000) cweCache.clear();
    cweCache.set(id, cweById(id));
  }
  return cweCache.get(id);
}

export function emptyContent(): AdvisoryContent {
  return { kind: 'security_advisory', title: '', summary: '', workarounds: '', products: [], vulnerabilities: [], references: [], credits: [] };
}

/** Loose input (API body, CLI, demo): every field optional; normaliseContent fills the gaps. */
export type AdvisoryContentInput = Partial<{
  kind: AdvisoryKind;
  title: string;
  summary: string;
  workarounds: string;
  products: Partial<Omit<AffectedProduct, 'ranges'> & { ranges: Partial<VersionRange>[] }>[];
  vulnerabilities: Partial<AdvisoryVulnerability>[];
  references: Partial<AdvisoryReference>[];
  credits: Partial<AdvisoryCredit>[];
}>;

function line(value: unknown, field: string, max: number, required = false): string {
  if (value === undefined || value === null) {
    if (required) throw invalid(field, 'is required');
    return '';
  }
  if (typeof value !== 'string') throw invalid(field, 'must be a string');
  const text = value.trim();
  if (required && !text) throw invalid(field, 'must not be empty');
  if (text.length > max) throw invalid(field, `must be at most ${max} characters`);
  if (LINE_CONTROL.test(text)) throw invalid(field, 'must be one line without control characters');
  return text;
}

/** A revision's "what changed": one line, trimmed ('' when none is given). */
export function changeSummaryOf(value: unknown): string {
  return line(value, '/changeSummary', ADVISORY_LIMITS.changeSummary);
}

function markdown(value: unknown, field: string, max: number): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw invalid(field, 'must be a string');
  const text = value.replace(/\r\n?/g, '\n').trim();
  if (text.length > max) throw invalid(field, `must be at most ${max} characters`);
  if (CONTROL.test(text)) throw invalid(field, 'must not contain control characters');
  return text;
}

function optionalLine(value: unknown, field: string, max: number): string | null {
  const text = line(value, field, max);
  return text ? text : null;
}

function list<T>(value: unknown, field: string, max: number): T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(field, 'must be a list');
  if (value.length > max) throw invalid(field, `must have at most ${max} entries`);
  return value as T[];
}

function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string' || !allowed.includes(value as T)) throw invalid(field, `must be one of ${allowed.join(', ')}`);
  return value as T;
}

/** A public web address: https (http only when cvdesk itself runs on plain http, a development set-up). */
export function webUrl(value: unknown, field: string, allowHttp: boolean): string {
  const raw = line(value, field, ADVISORY_LIMITS.url, true);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid(field, 'is not a valid URL');
  }
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) throw invalid(field, 'must be an https:// URL');
  if (url.username || url.password) throw invalid(field, 'must not carry credentials');
  return url.href;
}

function version(value: unknown, field: string): string {
  const text = line(value, field, ADVISORY_LIMITS.version, true);
  // vers (CSAF ranges) separates constraints with | and comparators with <>=!; a version holding them cannot be written.
  if (/[|<>=!,\s]/.test(text)) throw invalid(field, 'a version must not contain spaces or any of | < > = ! ,');
  return text;
}

function range(raw: Partial<VersionRange>, field: string, product: { ecosystem: string | null }, allowHttp: boolean): VersionRange {
  const type = oneOf(raw.type, `${field}/type`, RANGE_TYPES, 'SEMVER');
  const introduced = version(raw.introduced ?? '0', `${field}/introduced`);
  const fixed = raw.fixed === undefined || raw.fixed === null || raw.fixed === '' ? null : version(raw.fixed, `${field}/fixed`);
  const lastAffected = raw.lastAffected === undefined || raw.lastAffected === null || raw.lastAffected === '' ? null : version(raw.lastAffected, `${field}/lastAffected`);
  if (fixed && lastAffected) throw invalid(`${field}/lastAffected`, 'a range ends either at a fixed version or at a last affected version, not both (OSV)');
  let repo: string | null = null;
  if (type === 'GIT') {
    if (raw.repo === undefined || raw.repo === null || raw.repo === '') throw invalid(`${field}/repo`, 'a GIT range needs the repository URL');
    repo = webUrl(raw.repo, `${field}/repo`, allowHttp);
    for (const [name, value] of [['introduced', introduced], ['fixed', fixed], ['lastAffected', lastAffected]] as const) {
      if (value !== null && !COMMIT.test(value)) throw invalid(`${field}/${name}`, 'a GIT range names full commit hashes (40 or 64 lower-case hex digits), or "0" for introduced');
    }
    if (fixed === '0' || lastAffected === '0') throw invalid(`${field}/${fixed === '0' ? 'fixed' : 'lastAffected'}`, '"0" can only be introduced');
  } else {
    if (raw.repo) throw invalid(`${field}/repo`, 'only GIT ranges name a repository');
    if (type === 'ECOSYSTEM' && !product.ecosystem) throw invalid(`${field}/type`, 'an ECOSYSTEM range needs the product to name its OSV ecosystem; use SEMVER or name the ecosystem');
    if (type === 'SEMVER') {
      for (const [name, value] of [['introduced', introduced], ['fixed', fixed], ['lastAffected', lastAffected]] as const) {
        if (value === null || (name === 'introduced' && value === '0')) continue;
        if (!isSemver(value)) throw invalid(`${field}/${name}`, `"${value}" is not a SemVer 2.0 version (like 1.4.2, no leading v): use an ECOSYSTEM range for other version schemes`);
      }
      const end = fixed ?? lastAffected;
      if (end && introduced !== '0' && compareSemver(end, introduced) <= 0 && !(lastAffected && compareSemver(end, introduced) === 0)) {
        throw invalid(`${field}/${fixed ? 'fixed' : 'lastAffected'}`, `must come after introduced (${introduced})`);
      }
    }
    if (fixed === '0' || lastAffected === '0') throw invalid(`${field}/${fixed === '0' ? 'fixed' : 'lastAffected'}`, '"0" can only be introduced');
  }
  return { type, repo, introduced, fixed, lastAffected };
}

function productOf(raw: NonNullable<AdvisoryContentInput['products']>[number], field: string, allowHttp: boolean): AffectedProduct {
  if (typeof raw !== 'object' || raw === null) throw invalid(field, 'must be an object');
  const ecosystem = optionalLine(raw.ecosystem, `${field}/ecosystem`, 100);
  if (ecosystem && !isOsvEcosystem(ecosystem)) throw invalid(`${field}/ecosystem`, `"${ecosystem}" is not an OSV ecosystem (npm, PyPI, Maven, Go, crates.io, Debian:12…); leave it empty for a product that is not a package`);
  const packageName = optionalLine(raw.packageName, `${field}/packageName`, ADVISORY_LIMITS.name);
  if (ecosystem && !packageName) throw invalid(`${field}/packageName`, 'a product in an ecosystem needs its package name');
  if (packageName && !ecosystem) throw invalid(`${field}/ecosystem`, 'a package name needs its ecosystem');
  const purl = optionalLine(raw.purl, `${field}/purl`, 500);
  if (purl && !PURL.test(purl)) throw invalid(`${field}/purl`, 'is not a package URL (pkg:type/namespace/name@version)');
  const status = oneOf(raw.status, `${field}/status`, PRODUCT_STATUSES, 'affected');
  const justification = raw.justification === undefined || raw.justification === null ? null : oneOf(raw.justification, `${field}/justification`, NOT_AFFECTED_JUSTIFICATIONS, 'component_not_present');
  if (status === 'affected' && justification) throw invalid(`${field}/justification`, 'only a not_affected product has a justification');
  const product = { ecosystem };
  const ranges = list<Partial<VersionRange>>(raw.ranges, `${field}/ranges`, ADVISORY_LIMITS.ranges).map((r, i) => range(r, `${field}/ranges/${i}`, product, allowHttp));
  const versions = [...new Set(list<unknown>(raw.versions, `${field}/versions`, ADVISORY_LIMITS.versions).map((v, i) => version(v, `${field}/versions/${i}`)))];
  const clash = versions.findIndex((v) => ranges.some((r) => r.fixed === v));
  if (clash !== -1 && status === 'affected') throw invalid(`${field}/versions/${clash}`, `${versions[clash]} is a range's fixed version, so it cannot also be listed as affected`);
  return {
    vendor: line(raw.vendor, `${field}/vendor`, ADVISORY_LIMITS.name, true),
    product: line(raw.product, `${field}/product`, ADVISORY_LIMITS.name, true),
    ecosystem,
    packageName,
    purl,
    status,
    justification,
    ranges: status === 'affected' ? ranges : refuseRanges(ranges, field),
    versions,
  };
}

function refuseRanges(ranges: VersionRange[], field: string): VersionRange[] {
  if (ranges.length > 0) throw invalid(`${field}/ranges`, 'a not_affected product lists single versions (or none, meaning every version); ranges describe affected versions');
  return ranges;
}

function vulnerabilityOf(raw: Partial<AdvisoryVulnerability>, field: string): AdvisoryVulnerability {
  if (typeof raw !== 'object' || raw === null) throw invalid(field, 'must be an object');
  const cve = optionalLine(raw.cve, `${field}/cve`, 30);
  if (cve && !CVE_ID.test(cve.toUpperCase())) throw invalid(`${field}/cve`, 'is not a CVE ID (CVE-YYYY-NNNN)');
  const cwes = [...new Set(list<unknown>(raw.cwes, `${field}/cwes`, ADVISORY_LIMITS.cwes).map((value, i) => {
    const id = typeof value === 'string' ? Number(value.replace(/^CWE-/i, '')) : value;
    if (typeof id !== 'number' || !Number.isInteger(id) || !weakness(id)) throw invalid(`${field}/cwes/${i}`, `${String(value)} is not a weakness in the CWE list`);
    return id;
  }))];
  const seen = new Set<string>();
  const cvss = list<unknown>(raw.cvss, `${field}/cvss`, 2).map((value, i) => {
    if (typeof value !== 'string') throw invalid(`${field}/cvss/${i}`, 'must be a CVSS vector');
    const result = scored(value.trim(), `${field}/cvss/${i}`);
    if (result.version === '3.0') throw invalid(`${field}/cvss/${i}`, 'use CVSS 3.1 or 4.0');
    if (seen.has(result.version)) throw invalid(`${field}/cvss/${i}`, `one CVSS ${result.version} vector per vulnerability`);
    seen.add(result.version);
    return result.vector;
  });
  return {
    title: line(raw.title, `${field}/title`, ADVISORY_LIMITS.title),
    description: markdown(raw.description, `${field}/description`, ADVISORY_LIMITS.description),
    cve: cve ? cve.toUpperCase() : null,
    cwes,
    cvss,
  };
}

/**
 * Checks and normalises content for saving as a draft: every value given must be right (a bad
 * vector, an unknown CWE, a range OSV cannot express are refused naming the field), but a draft
 * may still be incomplete — checkPublishable asks for the rest.
 */
export function normaliseContent(input: AdvisoryContentInput, options: { allowHttp: boolean }): AdvisoryContent {
  if (typeof input !== 'object' || input === null) throw invalid('/', 'must be an object');
  const vulnerabilities = list<Partial<AdvisoryVulnerability>>(input.vulnerabilities, '/vulnerabilities', ADVISORY_LIMITS.vulnerabilities).map((v, i) => vulnerabilityOf(v, `/vulnerabilities/${i}`));
  const cves = vulnerabilities.map((v) => v.cve).filter((c): c is string => c !== null);
  const repeated = cves.find((cve, i) => cves.indexOf(cve) !== i);
  if (repeated) throw invalid(`/vulnerabilities/${cves.lastIndexOf(repeated)}/cve`, `${repeated} is named by two vulnerabilities`);
  const products = list<NonNullable<AdvisoryContentInput['products']>[number]>(input.products, '/products', ADVISORY_LIMITS.products).map((p, i) => productOf(p, `/products/${i}`, options.allowHttp));
  const keys = products.map((p) => `${p.vendor.toLowerCase()}\n${p.product.toLowerCase()}\n${p.status}`);
  const twice = keys.findIndex((key, i) => keys.indexOf(key) !== i);
  if (twice !== -1) throw invalid(`/products/${twice}/product`, 'this vendor and product are listed twice with the same status: put the versions in one entry');
  return {
    kind: oneOf(input.kind, '/kind', ADVISORY_KINDS, 'security_advisory'),
    title: line(input.title, '/title', ADVISORY_LIMITS.title),
    summary: markdown(input.summary, '/summary', ADVISORY_LIMITS.summary),
    workarounds: markdown(input.workarounds, '/workarounds', ADVISORY_LIMITS.workarounds),
    products,
    vulnerabilities,
    references: list<Partial<AdvisoryReference>>(input.references, '/references', ADVISORY_LIMITS.references).map((r, i) => ({
      url: webUrl(r?.url, `/references/${i}/url`, options.allowHttp),
      summary: line(r?.summary, `/references/${i}/summary`, ADVISORY_LIMITS.title),
    })),
    credits: list<Partial<AdvisoryCredit>>(input.credits, '/credits', ADVISORY_LIMITS.credits).map((c, i) => ({
      name: line(c?.name, `/credits/${i}/name`, ADVISORY_LIMITS.name, true),
      kind: oneOf(c?.kind, `/credits/${i}/kind`, CREDIT_KINDS, 'person'),
      consent: c?.consent === true,
      userId: typeof c?.userId === 'string' ? c.userId : null,
    })),
  };
}

/**
 * What a draft still lacks before it can be published, one detail per problem (the 400 lists
 * them all). The CSAF and OSV renderings are checked after this, on the documents themselves.
 */
export function publishProblems(content: AdvisoryContent): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const need = (field: string, message: string) => problems.push({ field, message });
  if (!content.title) need('/title', 'an advisory needs a title');
  if (!content.summary) need('/summary', 'an advisory needs a summary');
  if (content.vulnerabilities.length === 0) need('/vulnerabilities', 'an advisory covers at least one vulnerability');
  if (content.products.length === 0) need('/products', 'an advisory names at least one product');
  content.vulnerabilities.forEach((v, i) => {
    if (!v.title) need(`/vulnerabilities/${i}/title`, 'a vulnerability needs a title');
    if (!v.description) need(`/vulnerabilities/${i}/description`, 'a vulnerability needs a description');
    if (content.kind === 'vex' && !v.cve) need(`/vulnerabilities/${i}/cve`, 'a VEX statement is about a known vulnerability: name its CVE ID');
  });
  content.products.forEach((p, i) => {
    if (p.status === 'affected' && p.ranges.length === 0 && p.versions.length === 0) need(`/products/${i}/ranges`, 'say which versions are affected: a range or single versions');
    if (p.status === 'not_affected' && !p.justification) need(`/products/${i}/justification`, 'a not_affected product needs a justification');
  });
  if (content.kind === 'vex' && !content.references.length) need('/references', 'a VEX document needs at least one reference (CSAF 6.1.27.2)');
  if (content.kind === 'security_advisory' && !content.products.some((p) => p.status === 'affected')) need('/products', 'a security advisory names at least one affected product; use kind vex for not-affected statements');
  content.credits.forEach((c, i) => {
    if (!c.consent) need(`/credits/${i}/consent`, `${c.name} has not agreed to be credited: record their consent or remove the credit`);
  });
  return problems;
}

export function assertPublishable(content: AdvisoryContent): void {
  const problems = publishProblems(content);
  if (problems.length > 0) {
    throw new AppError('validation_failed', `The advisory cannot be published yet: ${problems.map((p) => `${(p.field ?? '').slice(1)}: ${p.message}`).join('; ')}`, problems);
  }
}

/** Every vector of the advisory, scored. */
export function scoredVectors(content: AdvisoryContent): CvssResult[] {
  return content.vulnerabilities.flatMap((v) => v.cvss.map((vector) => scored(vector)));
}

/** The advisory's severity: the highest of its vulnerabilities' scores (CVSS 4.0 preferred where both are given). */
export function advisorySeverity(content: AdvisoryContent): AdvisorySeverity {
  let best: number | null = null;
  for (const v of content.vulnerabilities) {
    const results = v.cvss.map((vector) => scored(vector));
    const chosen = results.find((s) => s.version === '4.0') ?? results[0];
    if (chosen && (best === null || chosen.score > best)) best = chosen.score;
  }
  return best === null ? 'unknown' : (severityFromScore(best).toLowerCase() as AdvisorySeverity);
}

export function cveIds(content: AdvisoryContent): string[] {
  return content.vulnerabilities.map((v) => v.cve).filter((c): c is string => c !== null);
}

import { hash } from 'node:crypto';

/**
 * The identities findings are matched by, in one place:
 * - project key: the vendor/project a target belongs to (draft case groups are per project key);
 * - component key: what an SBOM component must match;
 * - fingerprint: one finding (idempotent imports);
 * - root key: one root cause (a candidate vulnerability);
 * - suppression match keys;
 * - the review queue's priority.
 */

export interface FindingTarget {
  repositoryUrl: string | null;
  purl: string | null;
  product: string | null;
  /** Affected version ranges, as given ("< 2.4.1"). */
  versions: string[] | null;
  /** `from..to` commits. */
  commitRange: string | null;
  /** Downloads of the package (reach), when known. */
  downloads: number | null;
}

export interface Purl {
  type: string;
  namespace: string | null;
  name: string;
  version: string | null;
}

const PURL = /^pkg:([a-zA-Z.+-][a-zA-Z0-9.+-]*)\/([^@?#]+?)(?:@([^?#]+))?(?:\?[^#]*)?(?:#.*)?$/;

/** A package URL (purl spec): type, optional namespace, name, version; null when it is not one. */
export function parsePurl(text: string): Purl | null {
  const match = PURL.exec(text.trim());
  if (!match) return null;
  const segments = match[2]!.split('/').filter((s) => s !== '').map((s) => safeDecode(s));
  if (segments.length === 0 || segments.some((s) => s === null)) return null;
  const name = segments.pop()!;
  return { type: match[1]!.toLowerCase(), namespace: segments.length ? segments.join('/') : null, name: name!, version: match[3] ? safeDecode(match[3]) : null };
}

function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

const repositoryKeys = new Map<string, string | null>();

/** `host/owner/repo` in lower case, from https, http, git+https, ssh and scp-like (git@host:owner/repo) forms. */
export function normaliseRepositoryUrl(text: string): string | null {
  // Every result of a run names the same repository: remember the last few thousand.
  let key = repositoryKeys.get(text);
  if (key !== undefined) return key;
  key = parseRepositoryUrl(text);
  if (repositoryKeys.size >= 5000) repositoryKeys.clear();
  repositoryKeys.set(text, key);
  return key;
}

function parseRepositoryUrl(text: string): string | null {
  const value = text.trim();
  const scp = /^[\w.-]+@([\w.-]+):(.+)$/.exec(value);
  let host: string;
  let path: string;
  if (scp && !value.includes('://')) {
    host = scp[1]!;
    path = scp[2]!;
  } else {
    let url: URL;
    try {
      url = new URL(value.replace(/^git\+/, ''));
    } catch {
      return null;
    }
    if (!['https:', 'http:', 'ssh:', 'git:'].includes(url.protocol) || !url.hostname) return null;
    host = url.hostname;
    path = url.pathname;
  }
  const cleaned = path.replace(/\.git$/i, '').replace(/^\/+|\/+$/g, '');
  if (!cleaned) return null;
  return `${host}/${cleaned}`.toLowerCase();
}

/** The purl without version, qualifiers or subpath, in lower case: `pkg:npm/%40scope/name` style identity. */
export function purlIdentity(purl: Purl): string {
  return `pkg:${purl.type}/${purl.namespace ? `${purl.namespace}/` : ''}${purl.name}`.toLowerCase();
}

/**
 * The vendor/project a target belongs to. A GitHub purl and the GitHub repository are the same
 * project; otherwise the purl's identity, else the repository, else the product name.
 */
export function projectKeyOf(target: FindingTarget): string | null {
  const purl = target.purl ? parsePurl(target.purl) : null;
  if (purl && purl.type === 'github' && purl.namespace) return `repo:github.com/${purl.namespace}/${purl.name}`.toLowerCase();
  if (purl) return purlIdentity(purl);
  const repository = target.repositoryUrl ? normaliseRepositoryUrl(target.repositoryUrl) : null;
  if (repository) return `repo:${repository}`;
  if (target.product) return `product:${target.product.trim().toLowerCase()}`;
  return null;
}

/** What the organisation's SBOM components are matched against: the purl identity, else the product name. */
export function componentKeyOf(target: FindingTarget): string | null {
  const purl = target.purl ? parsePurl(target.purl) : null;
  if (purl) return purlIdentity(purl);
  return target.product ? nameKey(target.product) : null;
}

export const nameKey = (name: string) => `name:${name.trim().toLowerCase()}`;

/** The version a purl pins, if any. */
export function purlVersion(text: string | null): string | null {
  return text ? (parsePurl(text)?.version ?? null) : null;
}

export function targetLabel(target: FindingTarget): string {
  return target.purl ?? target.repositoryUrl ?? target.product ?? '(unknown)';
}

// crypto.hash: the one-shot form, cheaper than createHash for short inputs (two per result).
const sha256 = (parts: readonly unknown[]) => hash('sha256', JSON.stringify(parts), 'hex');

export interface Place {
  uri: string;
  line: number | null;
  column: number | null;
}

/**
 * A finding's identity. With the tool's own fingerprints (SARIF partialFingerprints or
 * fingerprints, or the native `fingerprint`), those on the same project and rule; otherwise a hash
 * of the project, the rule and the primary location (file, line, column).
 */
export function findingFingerprint(projectKey: string, rule: string, given: Record<string, string> | null, location: Place, subject: string): string {
  if (given && Object.keys(given).length > 0) {
    const entries = Object.entries(given).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return sha256(['fp1', projectKey, rule, entries]);
  }
  // Without a place, the finding is told apart by what it says: two manual findings of one rule
  // on one project would otherwise be one (the second dropped as a duplicate, or suppressed with the first).
  if (isNowhere(location)) return sha256(['subj1', projectKey, rule, subject]);
  return sha256(['loc1', projectKey, rule, location.uri, location.line, location.column]);
}

/** A place with neither file nor line: findings without a location. */
const isNowhere = (place: Place) => place.uri === '' && place.line === null;

/**
 * A root cause: the same project, the same weakness (the CWE when known, else the rule) and the
 * same sink (the last step of the first code flow, else the primary location: file and line). Two
 * results that reach one sink from different sources are one vulnerability to report.
 */
export function rootKey(projectKey: string, rule: string, cwe: number | null, sink: Place, subject: string): string {
  // No sink to share: only the same finding (by what it says) is the same root cause, not every finding of the weakness in the project.
  if (isNowhere(sink)) return sha256(['root1s', projectKey, cwe !== null ? `CWE-${cwe}` : rule, subject]);
  return sha256(['root1', projectKey, cwe !== null ? `CWE-${cwe}` : rule, sink.uri, sink.line]);
}

export const suppressionKeys = {
  fingerprint: (fingerprint: string) => `fp:${fingerprint}`,
  rootCause: (root: string) => `rc:${root}`,
  // JSON, not "project rule": product names and rule ids may hold spaces, and ("acme router", "xss") must not match ("acme", "router xss").
  ruleTarget: (projectKey: string, rule: string) => `rt:${JSON.stringify([projectKey, rule])}`,
};

/**
 * The review queue's order: severity (0–10) × confidence (0–1) × reach weight, where reach is the
 * package's downloads when known, else the number of findings, weighted 1 + log10(1 + reach).
 */
export function priorityOf(severity: number, confidence: number, downloads: number | null, findingCount: number): number {
  const reach = downloads ?? findingCount;
  return Math.round(severity * confidence * (1 + Math.log10(1 + Math.max(0, reach))) * 1000) / 1000;
}

export const placeLabel = (place: Place) => `${place.uri}${place.line !== null ? `:${place.line}` : ''}${place.column !== null ? `:${place.column}` : ''}`;

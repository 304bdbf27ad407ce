import {
  TEXT_LIMITS,
  clip,
  completeFinding,
  confidenceFrom,
  cweFrom,
  isObject,
  optionalInteger,
  optionalObject,
  optionalString,
  reject,
  scoreCvss,
  targetFrom,
  withoutNulls,
  type Finder,
  type NormalisedFinding,
} from './finding-input.js';
import type { FindingTarget, Place } from './finding-keys.js';

/**
 * cvdesk's own findings format (docs/findings.md, docs/findings.schema.json):
 * `{"format": "cvdesk-findings", "version": 1, "finder": {…}, "target": {…}, "findings": [ … ]}`.
 * The top-level `finder` and `target` are defaults for every finding.
 */
export const NATIVE_FORMAT = 'cvdesk-findings';

const SEVERITY_WORDS: Record<string, number> = { critical: 9.5, high: 7.5, medium: 5.0, low: 2.5, none: 0 };

export interface NativeDefaults {
  finder: Finder | null;
  target: FindingTarget;
}

export function readFinder(value: unknown, field: string): Finder | null {
  const finder = optionalObject(value, field);
  if (!finder) return null;
  if (finder.kind !== 'person' && finder.kind !== 'automated') return reject(`${field}.kind: must be person or automated`);
  const name = optionalString(finder.name, `${field}.name`, TEXT_LIMITS.name);
  if (!name) return reject(`${field}.name: is required`);
  return { kind: finder.kind, name, email: optionalString(finder.email, `${field}.email`, 254)?.toLowerCase() ?? null };
}

function place(value: unknown, field: string): Place | null {
  const object = optionalObject(value, field);
  if (!object) return null;
  return {
    uri: optionalString(object.uri, `${field}.uri`, TEXT_LIMITS.uri) ?? '',
    line: optionalInteger(object.line, `${field}.line`, 1, 100_000_000),
    column: optionalInteger(object.column, `${field}.column`, 1, 100_000_000),
  };
}

function severityOf(value: unknown): { score: number; vector: string | null } {
  if (value === undefined || value === null) return reject('severity: is required (a CVSS vector, a score or a level)');
  if (typeof value === 'string') {
    if (Object.hasOwn(SEVERITY_WORDS, value.toLowerCase())) return { score: SEVERITY_WORDS[value.toLowerCase()]!, vector: null };
    return { score: scoreCvss(value, 'severity'), vector: value };
  }
  if (!isObject(value)) return reject('severity: must be an object {cvss, score, level} or a string');
  const vector = optionalString(value.cvss, 'severity.cvss', 300);
  if (vector) return { score: scoreCvss(vector, 'severity.cvss'), vector };
  if (value.score !== undefined) {
    if (typeof value.score !== 'number' || value.score < 0 || value.score > 10) return reject('severity.score: must be a number from 0 to 10');
    return { score: value.score, vector: null };
  }
  const level = optionalString(value.level, 'severity.level', 20)?.toLowerCase();
  if (level && Object.hasOwn(SEVERITY_WORDS, level)) return { score: SEVERITY_WORDS[level]!, vector: null };
  return reject('severity: give cvss (a CVSS 3.x or 4.0 vector), score (0–10) or level (critical, high, medium, low, none)');
}

export function readNativeDefaults(top: Record<string, unknown>, defaults: FindingTarget): NativeDefaults {
  const target = optionalObject(top.target, 'target');
  const given = target ? targetFrom(target, 'target') : null;
  return {
    finder: readFinder(top.finder, 'finder'),
    target: given ? { ...defaults, ...withoutNulls(given) } : defaults,
  };
}

export function normaliseNativeFinding(raw: unknown, defaults: NativeDefaults): NormalisedFinding {
  if (!isObject(raw)) return reject('a finding must be an object');
  const ownTarget = optionalObject(raw.target, 'target');
  const target = ownTarget ? { ...defaults.target, ...withoutNulls(targetFrom(ownTarget, 'target')) } : defaults.target;
  const cwe = raw.cwe === undefined || raw.cwe === null ? null : (cweFrom(raw.cwe) ?? reject('cwe: must be a CWE number (79) or "CWE-79"'));
  const rule = optionalString(raw.rule, 'rule', TEXT_LIMITS.rule) ?? (cwe !== null ? `CWE-${cwe}` : reject('rule or cwe: one is required'));
  const title = optionalString(raw.title, 'title', TEXT_LIMITS.title);
  if (!title) return reject('title: is required');
  const location = place(raw.location, 'location') ?? { uri: '', line: null, column: null };
  const severity = severityOf(raw.severity);
  const finder = readFinder(raw.finder, 'finder') ?? defaults.finder ?? reject('finder: is required (here or at the top level): {kind: person|automated, name}');
  const fingerprint = optionalString(raw.fingerprint, 'fingerprint', 200);
  const snippet = isObject(raw.location) ? optionalString(raw.location.snippet, 'location.snippet', TEXT_LIMITS.snippet) : null;
  return completeFinding({
    target,
    rule,
    cwe,
    title,
    message: clip(optionalString(raw.description, 'description', TEXT_LIMITS.message) ?? title, TEXT_LIMITS.message),
    location,
    sink: place(raw.sink, 'sink'),
    snippet,
    severity: severity.score,
    cvssVector: severity.vector,
    confidence: confidenceFrom(raw.confidence, 'confidence') ?? 0.5,
    impact: optionalString(raw.impact, 'impact', TEXT_LIMITS.text),
    reproduction: optionalString(raw.reproduction, 'reproduction', TEXT_LIMITS.text),
    finder,
    externalId: optionalString(raw.id, 'id', 100),
    givenFingerprints: fingerprint ? { fingerprint } : null,
  });
}

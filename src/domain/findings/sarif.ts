import {
  TEXT_LIMITS,
  clip,
  completeFinding,
  confidenceFrom,
  cweFrom,
  isObject,
  optionalArray,
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
 * SARIF 2.1.0 results (from any tool) → normalised findings. What a run says once (the tool, its
 * rules, the repository from versionControlProvenance) is read first (a separate pass, since the
 * keys of a run may come in any order), then each result on its own.
 */

interface SarifRule {
  id: string;
  title: string | null;
  cwe: number | null;
  securitySeverity: number | null;
  confidence: number | null;
  level: string | null;
}

export interface SarifRun {
  tool: string;
  rules: Map<string, SarifRule>;
  rulesByIndex: SarifRule[];
  target: FindingTarget;
}

/** SARIF levels when nothing better is given (no CVSS vector, no `security-severity`). */
export const LEVEL_SEVERITY: Record<string, number> = { error: 7.0, warning: 5.0, note: 3.0, none: 0 };
const MAX_RULES = 100_000;

function text(message: unknown): string | null {
  if (!isObject(message)) return null;
  const value = typeof message.text === 'string' ? message.text : typeof message.markdown === 'string' ? message.markdown : null;
  return value && value.trim() ? value.trim() : null;
}

function readRule(raw: unknown): SarifRule | null {
  if (!isObject(raw) || typeof raw.id !== 'string' || raw.id === '') return null;
  const properties = isObject(raw.properties) ? raw.properties : {};
  let cwe = cweFrom(properties.cwe);
  const tags = Array.isArray(properties.tags) ? properties.tags : [];
  for (const tag of tags) cwe ??= typeof tag === 'string' && /cwe/i.test(tag) ? cweFrom(tag) : null;
  if (Array.isArray(raw.relationships)) {
    for (const relation of raw.relationships) {
      const target = isObject(relation) && isObject(relation.target) ? relation.target : null;
      const component = target && isObject(target.toolComponent) ? target.toolComponent : null;
      if (target && component && typeof component.name === 'string' && /^cwe$/i.test(component.name)) cwe ??= cweFrom(target.id);
    }
  }
  const severity = Number(typeof properties['security-severity'] === 'string' || typeof properties['security-severity'] === 'number' ? properties['security-severity'] : NaN);
  let confidence: number | null = null;
  try {
    confidence = confidenceFrom(properties.precision ?? properties.confidence, 'precision');
  } catch {
    confidence = null;
  }
  const configuration = isObject(raw.defaultConfiguration) ? raw.defaultConfiguration : {};
  return {
    id: clip(raw.id, TEXT_LIMITS.rule),
    title: text(raw.shortDescription) ?? (typeof raw.name === 'string' ? raw.name : null),
    cwe,
    securitySeverity: Number.isFinite(severity) && severity >= 0 && severity <= 10 ? severity : null,
    confidence,
    level: typeof configuration.level === 'string' ? configuration.level : null,
  };
}

/** A run's shared parts: `tool` (driver name and rules), `versionControlProvenance`, `properties`. */
export function readSarifRun(parts: Record<string, unknown>, defaults: FindingTarget): SarifRun {
  const tool = isObject(parts.tool) ? parts.tool : {};
  const driver = isObject(tool.driver) ? tool.driver : {};
  const name = typeof driver.name === 'string' && driver.name.trim() ? clip(driver.name.trim(), TEXT_LIMITS.name) : 'unknown tool';
  const rulesByIndex: SarifRule[] = [];
  const rules = new Map<string, SarifRule>();
  const ruleLists = [driver.rules, ...(Array.isArray(tool.extensions) ? tool.extensions.map((e) => (isObject(e) ? e.rules : undefined)) : [])];
  for (const list of ruleLists) {
    if (!Array.isArray(list)) continue;
    for (const raw of list.slice(0, MAX_RULES)) {
      const rule = readRule(raw);
      if (list === driver.rules) rulesByIndex.push(rule ?? { id: '', title: null, cwe: null, securitySeverity: null, confidence: null, level: null });
      if (rule && !rules.has(rule.id)) rules.set(rule.id, rule);
    }
  }
  const target: FindingTarget = { ...defaults };
  const provenance = Array.isArray(parts.versionControlProvenance) ? parts.versionControlProvenance[0] : undefined;
  if (isObject(provenance)) {
    if (typeof provenance.repositoryUri === 'string') target.repositoryUrl = clip(provenance.repositoryUri, TEXT_LIMITS.uri);
    if (typeof provenance.revisionId === 'string' && !target.commitRange) target.commitRange = clip(provenance.revisionId, 200);
  }
  const properties = isObject(parts.properties) ? parts.properties : null;
  if (properties) {
    try {
      Object.assign(target, withoutNulls(targetFrom(properties, 'run.properties')));
    } catch {
      // Run properties that do not describe a target are ignored.
    }
  }
  return { tool: name, rules, rulesByIndex, target };
}

function placeOf(location: unknown, field: string): { place: Place; snippet: string | null } | null {
  if (location === undefined || location === null) return null;
  if (!isObject(location)) return reject(`${field}: must be an object`);
  const physical = optionalObject(location.physicalLocation, `${field}.physicalLocation`);
  if (!physical) return null;
  const artifact = optionalObject(physical.artifactLocation, `${field}.physicalLocation.artifactLocation`);
  const uri = artifact ? optionalString(artifact.uri, `${field}.physicalLocation.artifactLocation.uri`, TEXT_LIMITS.uri) : null;
  const region = optionalObject(physical.region, `${field}.physicalLocation.region`);
  const line = region?.startLine;
  const column = region?.startColumn;
  if (line !== undefined && (typeof line !== 'number' || !Number.isInteger(line) || line < 1)) reject(`${field}.physicalLocation.region.startLine: must be a positive integer`);
  if (column !== undefined && (typeof column !== 'number' || !Number.isInteger(column) || column < 1)) reject(`${field}.physicalLocation.region.startColumn: must be a positive integer`);
  const snippet = region && isObject(region.snippet) && typeof region.snippet.text === 'string' ? clip(region.snippet.text, TEXT_LIMITS.snippet) : null;
  return { place: { uri: uri ?? '', line: (line as number | undefined) ?? null, column: (column as number | undefined) ?? null }, snippet };
}

function fingerprintsOf(value: unknown, field: string): Record<string, string> | null {
  const object = optionalObject(value, field);
  if (!object) return null;
  const entries = Object.entries(object);
  if (entries.length > 50) reject(`${field}: more than 50 entries`);
  for (const [key, v] of entries) if (typeof v !== 'string' || v.length > 1000 || key.length > 200) reject(`${field}.${key.slice(0, 50)}: must be a string of at most 1000 characters`);
  return entries.length ? (object as Record<string, string>) : null;
}

/** The sink: the last step of the first thread flow of the first code flow. */
function sinkOf(result: Record<string, unknown>): Place | null {
  const flows = optionalArray(result.codeFlows, 'codeFlows');
  const flow = flows?.[0];
  if (!isObject(flow)) return null;
  const threads = optionalArray(flow.threadFlows, 'codeFlows[0].threadFlows');
  const thread = threads?.[0];
  if (!isObject(thread)) return null;
  const steps = optionalArray(thread.locations, 'codeFlows[0].threadFlows[0].locations');
  const last = steps?.[steps.length - 1];
  if (!isObject(last)) return null;
  return placeOf(last.location, 'codeFlows[0].threadFlows[0].locations[-1].location')?.place ?? null;
}

function finderOf(properties: Record<string, unknown> | null, tool: string): Finder {
  const given = properties ? optionalObject(properties.finder, 'properties.finder') : null;
  if (!given) return { kind: 'automated', name: tool, email: null };
  const kind = given.kind === 'person' ? 'person' : given.kind === 'automated' || given.kind === undefined ? 'automated' : reject('properties.finder.kind: must be person or automated');
  return { kind, name: optionalString(given.name, 'properties.finder.name', TEXT_LIMITS.name) ?? tool, email: optionalString(given.email, 'properties.finder.email', 254)?.toLowerCase() ?? null };
}

export function normaliseSarifResult(raw: unknown, run: SarifRun): NormalisedFinding {
  if (!isObject(raw)) return reject('a result must be an object');
  const properties = optionalObject(raw.properties, 'properties');
  const ruleRef = optionalObject(raw.rule, 'rule');
  const ruleIndex = raw.ruleIndex ?? ruleRef?.index;
  if (ruleIndex !== undefined && (typeof ruleIndex !== 'number' || !Number.isInteger(ruleIndex) || ruleIndex < -1)) reject('ruleIndex: must be an integer');
  const ruleId = optionalString(raw.ruleId, 'ruleId', TEXT_LIMITS.rule) ?? optionalString(ruleRef?.id, 'rule.id', TEXT_LIMITS.rule) ?? (typeof ruleIndex === 'number' ? run.rulesByIndex[ruleIndex]?.id || null : null);
  if (!ruleId) return reject('no rule: give ruleId, rule.id or ruleIndex');
  const rule = run.rules.get(ruleId) ?? (typeof ruleIndex === 'number' ? run.rulesByIndex[ruleIndex] : undefined) ?? null;

  const locations = optionalArray(raw.locations, 'locations');
  const primary = placeOf(locations?.[0], 'locations[0]');
  const location = primary?.place ?? { uri: '', line: null, column: null };

  const target = { ...run.target, ...(properties ? withoutNulls(targetFrom(properties, 'properties')) : {}) };
  const level = optionalString(raw.level, 'level', 20);
  // Own keys only: a level of "constructor" must not find Object.prototype's function.
  if (level && !Object.hasOwn(LEVEL_SEVERITY, level)) reject('level: must be none, note, warning or error');
  const effectiveLevel = level ?? rule?.level ?? 'warning';
  const vector = properties ? optionalString(properties.cvss ?? properties.cvssVector, 'properties.cvss', 300) : null;
  const severity = vector ? scoreCvss(vector, 'properties.cvss') : (rule?.securitySeverity ?? (Object.hasOwn(LEVEL_SEVERITY, effectiveLevel) ? LEVEL_SEVERITY[effectiveLevel]! : LEVEL_SEVERITY.warning!));
  const confidence = (properties ? confidenceFrom(properties.confidence, 'properties.confidence') : null) ?? rule?.confidence ?? 0.5;
  const message = text(raw.message) ?? rule?.title ?? ruleId;
  const cwe = (properties ? cweFrom(properties.cwe) : null) ?? rule?.cwe ?? null;

  return completeFinding({
    target,
    rule: ruleId,
    cwe,
    title: clip(rule?.title ?? message.split('\n')[0]!, TEXT_LIMITS.title),
    message: clip(message, TEXT_LIMITS.message),
    location,
    sink: sinkOf(raw),
    snippet: primary?.snippet ?? null,
    severity,
    cvssVector: vector,
    confidence,
    impact: properties ? optionalString(properties.impact, 'properties.impact', TEXT_LIMITS.text) : null,
    reproduction: properties ? optionalString(properties.reproduction, 'properties.reproduction', TEXT_LIMITS.text) : null,
    finder: finderOf(properties, run.tool),
    externalId: optionalString(raw.guid, 'guid', 100),
    givenFingerprints: fingerprintsOf(raw.partialFingerprints, 'partialFingerprints') ?? fingerprintsOf(raw.fingerprints, 'fingerprints'),
  });
}

import { metricsOf, type CvssMetric, type CvssVersion } from './cvss-metrics.js';

/** One thing wrong with a vector string; `metric` names the metric when there is one to name. */
export interface CvssProblem {
  metric?: string;
  message: string;
}

/** A vector that passed validation: its defined metrics (`X` dropped) and its normalised form. */
export interface ParsedVector {
  version: CvssVersion;
  /** Defined metrics by key, in specification order; metrics given as `X` (Not Defined) are left out. */
  metrics: Readonly<Record<string, string>>;
  /** `CVSS:<version>/` followed by the defined metrics in specification order. */
  vector: string;
}

export type VectorValidation = { ok: true; parsed: ParsedVector } | { ok: false; problems: CvssProblem[] };

/** Longer than any real vector (a complete CVSS 4.0 vector is about 200 characters). */
export const MAX_VECTOR_LENGTH = 512;

const SUPPORTED: readonly CvssVersion[] = ['3.0', '3.1', '4.0'];

const describe = (m: CvssMetric) => `${m.key} (${m.name})`;

/**
 * Checks a vector string strictly against its specification, collecting every problem:
 * the `CVSS:3.0/`, `CVSS:3.1/` or `CVSS:4.0/` prefix, known metrics, allowed values (case-sensitive),
 * no metric twice, every base metric present, and for CVSS 4.0 the specification's metric order
 * (CVSS 3.x allows any order). Leading and trailing white space is ignored.
 *
 * @example validateVector('CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')
 *   // { ok: false, problems: [{ metric: 'AV', message: 'AV:Q is not a valid value for AV (Attack Vector); allowed: N, A, L, P' }] }
 */
export function validateVector(input: string): VectorValidation {
  const text = typeof input === 'string' ? input.trim() : '';
  if (!text) return fail({ message: 'the vector is empty' });
  if (text.length > MAX_VECTOR_LENGTH) return fail({ message: `the vector is longer than ${MAX_VECTOR_LENGTH} characters` });
  if (/\s/.test(text)) return fail({ message: 'the vector contains white space' });

  const [prefix = '', ...parts] = text.split('/');
  const version = versionOf(prefix);
  if (typeof version !== 'string') return fail(version);

  const known = metricsOf(version);
  const byKey = new Map(known.map((m) => [m.key, m]));
  const order = new Map(known.map((m, index) => [m.key, index]));
  const problems: CvssProblem[] = [];
  const given = new Map<string, string>();
  let previous: CvssMetric | undefined;

  parts.forEach((part, index) => {
    if (!part) {
      problems.push({ message: `the vector has an empty part (metric ${index + 1} after the prefix)` });
      return;
    }
    const colon = part.indexOf(':');
    if (colon <= 0 || colon === part.length - 1) {
      problems.push({ metric: colon > 0 ? part.slice(0, colon) : undefined, message: `"${part}" is not a METRIC:VALUE pair` });
      return;
    }
    const key = part.slice(0, colon);
    const value = part.slice(colon + 1);
    const definition = byKey.get(key);
    if (!definition) {
      const hint = byKey.has(key.toUpperCase()) ? ` (metric names are case-sensitive: ${key.toUpperCase()})` : '';
      problems.push({ metric: key, message: `${key} is not a CVSS ${version} metric${hint}` });
      return;
    }
    if (given.has(key)) {
      problems.push({ metric: key, message: `${key} appears more than once (${key}:${given.get(key)} and ${key}:${value})` });
      return;
    }
    given.set(key, value);
    if (!definition.values.some((v) => v.value === value)) {
      const allowed = definition.values.map((v) => v.value);
      const caseMatch = allowed.find((v) => v.toLowerCase() === value.toLowerCase());
      const hint = caseMatch ? ` (values are case-sensitive: ${key}:${caseMatch})` : '';
      problems.push({ metric: key, message: `${key}:${value} is not a valid value for ${describe(definition)}; allowed: ${allowed.join(', ')}${hint}` });
    }
    if (version === '4.0' && previous && order.get(key)! < order.get(previous.key)!) {
      problems.push({ metric: key, message: `${key} is out of order: CVSS 4.0 vectors list metrics in the specification's order, so ${key} must come before ${previous.key}` });
    }
    if (version !== '4.0' || !previous || order.get(key)! > order.get(previous.key)!) previous = definition;
  });

  for (const m of known) {
    if (m.mandatory && !given.has(m.key)) problems.push({ metric: m.key, message: `the base metric ${describe(m)} is missing` });
  }
  if (problems.length) return { ok: false, problems };

  const metrics: Record<string, string> = {};
  for (const m of known) {
    const value = given.get(m.key);
    if (value !== undefined && value !== 'X') metrics[m.key] = value;
  }
  const vector = [`CVSS:${version}`, ...Object.entries(metrics).map(([key, value]) => `${key}:${value}`)].join('/');
  return { ok: true, parsed: { version, metrics: Object.freeze(metrics), vector } };
}

function versionOf(prefix: string): CvssVersion | CvssProblem {
  const match = /^CVSS:(\d+\.\d+)$/.exec(prefix);
  if (match) {
    const version = match[1] as CvssVersion;
    if (SUPPORTED.includes(version)) return version;
    if (match[1] === '2.0') return { message: 'CVSS 2.0 vectors are not supported; score with CVSS 3.1 or 4.0' };
    return { message: `CVSS:${match[1]} is not a supported version (use CVSS:3.1/ or CVSS:4.0/; CVSS:3.0/ is also read)` };
  }
  if (/^cvss:/i.test(prefix)) return { message: `"${prefix}" is not a valid prefix: write it as CVSS:3.1 or CVSS:4.0 (upper case)` };
  if (/^AV:[A-Z]$/.test(prefix)) {
    return { message: 'the vector has no CVSS:3.1/ or CVSS:4.0/ prefix (a vector without one is CVSS 2.0, which is not supported)' };
  }
  return { message: `the vector must start with CVSS:3.1/ or CVSS:4.0/ (it starts with "${prefix.slice(0, 20)}")` };
}

function fail(problem: CvssProblem): VectorValidation {
  return { ok: false, problems: [problem] };
}

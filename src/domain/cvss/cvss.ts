import cvssCalculator from 'ae-cvss-calculator';
import { AppError } from '../../shared/errors.js';
import { metricsOf, type CvssMetricGroup, type CvssVersion } from './cvss-metrics.js';
import { validateVector, type CvssProblem, type ParsedVector } from './cvss-vector.js';

export type { CvssVersion } from './cvss-metrics.js';

/** FIRST's qualitative severity rating scale, the same for CVSS 3.x and 4.0. */
export type CvssSeverity = 'None' | 'Low' | 'Medium' | 'High' | 'Critical';
export type CvssV4Nomenclature = 'CVSS-B' | 'CVSS-BT' | 'CVSS-BE' | 'CVSS-BTE';
export type Priority = 'P1' | 'P2' | 'P3' | 'P4' | 'P5';

interface CvssResultCommon {
  /** Normalised: the prefix, then the defined metrics in specification order, `X` values left out. */
  vector: string;
  /** The score a calculator shows for the whole vector (see `scoreVector`). */
  score: number;
  severity: CvssSeverity;
  /** The score of the base metrics alone. */
  baseScore: number;
  baseSeverity: CvssSeverity;
  /** The defined metrics by key, in specification order. */
  metrics: Readonly<Record<string, string>>;
}

export interface Cvss3Result extends CvssResultCommon {
  version: '3.0' | '3.1';
  /** Which score `score` is: environmental when any environmental metric is defined, else temporal when any temporal metric is, else base. */
  scoreType: 'base' | 'temporal' | 'environmental';
  /** Present when a temporal metric is defined. */
  temporalScore?: number;
  /** Present when an environmental metric is defined. */
  environmentalScore?: number;
}

export interface Cvss4Result extends CvssResultCommon {
  version: '4.0';
  /** Which metric groups went into `score`; supplemental metrics never change it. */
  nomenclature: CvssV4Nomenclature;
}

export type CvssResult = Cvss3Result | Cvss4Result;

const { Cvss3P0, Cvss3P1, Cvss4P0 } = cvssCalculator;

/**
 * Validates a CVSS 3.1 or 4.0 vector (3.0 is read too) and scores it with ae-cvss-calculator.
 * `score` is what a calculator shows for the whole vector: for CVSS 3.x the environmental score
 * when any environmental metric is defined, else the temporal score when any temporal metric is,
 * else the base score; for CVSS 4.0 its single score (CVSS-B, -BT, -BE or -BTE). Metrics written
 * as `X` (Not Defined) count as absent. CVSS 3.0 vectors keep their version and are scored with
 * the 3.0 equations, as the FIRST 3.0 calculator does.
 *
 * @throws AppError `validation_failed` whose message and details name each bad metric.
 * @example scoreVector('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H') // { score: 9.8, severity: 'Critical', … }
 */
export function scoreVector(vector: string, options: { field?: string } = {}): CvssResult {
  const checked = validateVector(vector);
  if (!checked.ok) throw invalidVector(checked.problems, options.field ?? '/vector');
  return scoreParsed(checked.parsed);
}

/** The AppError for an invalid vector: the message lists the problems, one detail per problem. */
export function invalidVector(problems: CvssProblem[], field = '/vector'): AppError {
  const shown = problems.slice(0, 3).map((p) => p.message);
  const more = problems.length > shown.length ? `; and ${problems.length - shown.length} more` : '';
  return new AppError(
    'validation_failed',
    `invalid CVSS vector: ${shown.join('; ')}${more}`,
    problems.map((p) => ({ field, message: p.message })),
  );
}

function scoreParsed(parsed: ParsedVector): CvssResult {
  const { version, metrics, vector } = parsed;
  const defined = (group: 'temporal' | 'threat' | 'environmental') => Object.keys(metrics).some((key) => groupOf(version, key) === group);
  if (version === '4.0') {
    const scores = new Cvss4P0(vector).calculateScores();
    const threat = defined('threat');
    const environmental = defined('environmental');
    const score = oneDecimal(scores.overall);
    const baseScore = oneDecimal(scores.baseMetricsOnly ?? scores.overall);
    const nomenclature: CvssV4Nomenclature = threat ? (environmental ? 'CVSS-BTE' : 'CVSS-BT') : environmental ? 'CVSS-BE' : 'CVSS-B';
    return { vector, version, score, severity: severityFromScore(score), baseScore, baseSeverity: severityFromScore(baseScore), metrics, nomenclature };
  }

  const calculator = version === '3.0' ? new Cvss3P0(vector) : new Cvss3P1(vector);
  const scores = calculator.calculateScores();
  const baseScore = oneDecimal(scores.base ?? 0);
  const temporal = defined('temporal');
  const environmental = defined('environmental');
  const result: Cvss3Result = {
    vector,
    version,
    score: baseScore,
    severity: severityFromScore(baseScore),
    baseScore,
    baseSeverity: severityFromScore(baseScore),
    metrics,
    scoreType: 'base',
  };
  if (temporal) {
    result.temporalScore = oneDecimal(scores.temporal ?? baseScore);
    result.score = result.temporalScore;
    result.scoreType = 'temporal';
  }
  if (environmental) {
    result.environmentalScore = oneDecimal(scores.environmental ?? 0);
    result.score = result.environmentalScore;
    result.scoreType = 'environmental';
  }
  result.severity = severityFromScore(result.score);
  return result;
}

function groupOf(version: CvssVersion, key: string): CvssMetricGroup | undefined {
  return metricsOf(version).find((m) => m.key === key)?.group;
}

/** Scores are given to one decimal; this removes floating-point noise such as 7.300000000000001. */
function oneDecimal(value: number): number {
  return Math.round(value * 10) / 10;
}

/**
 * FIRST's rating scale (CVSS 3.x and 4.0): 0.0 None, 0.1–3.9 Low, 4.0–6.9 Medium, 7.0–8.9 High,
 * 9.0–10.0 Critical.
 * @throws AppError `validation_failed` when the score is not a number from 0 to 10.
 */
export function severityFromScore(score: number): CvssSeverity {
  if (typeof score !== 'number' || !Number.isFinite(score) || score < 0 || score > 10) {
    throw new AppError('validation_failed', `a CVSS score is a number from 0.0 to 10.0, not ${String(score)}`, [{ field: '/score', message: 'must be from 0.0 to 10.0' }]);
  }
  if (score === 0) return 'None';
  if (score < 4) return 'Low';
  if (score < 7) return 'Medium';
  if (score < 9) return 'High';
  return 'Critical';
}

const PRIORITY_BY_SEVERITY: Record<CvssSeverity, Priority> = { Critical: 'P1', High: 'P2', Medium: 'P3', Low: 'P4', None: 'P5' };

/**
 * The priority a triager starts from for a score: Critical → P1, High → P2, Medium → P3, Low → P4,
 * None or no (or no valid) score → P5. A suggestion only; people set the priority.
 */
export function suggestPriority(score: number | null | undefined): Priority {
  if (typeof score !== 'number' || !Number.isFinite(score) || score < 0 || score > 10) return 'P5';
  return PRIORITY_BY_SEVERITY[severityFromScore(score)];
}

import { invalid } from '../../shared/errors.js';
import { scoreVector, suggestPriority } from '../cvss/cvss.js';
import type { ReportRow, ScoredVector } from './report.js';

const SEVERITY_RANK = { none: 0, low: 1, medium: 2, high: 3, critical: 4 } as const;

/**
 * Scores the vectors a report carries (at most one CVSS v3 and one v4). The report's severity
 * and score come from CVSS 4.0 when given, else v3.
 */
export function scoreReportVectors(vectors: readonly string[]): { scored: ScoredVector[]; severity: ReportRow['severity']; score: number | null } {
  const scored: ScoredVector[] = [];
  vectors.forEach((vector, index) => {
    const result = scoreVector(vector, { field: `/cvss/${index}` });
    const family = (version: string) => version.charAt(0);
    if (scored.some((s) => family(s.version) === family(result.version))) throw invalid(`/cvss/${index}`, `only one CVSS v${family(result.version)} vector per report`);
    scored.push({ vector: result.vector, version: result.version, score: result.score, severity: result.severity.toLowerCase() });
  });
  const lead = scored.find((s) => s.version === '4.0') ?? scored[0];
  if (!lead) return { scored, severity: 'unknown', score: null };
  const severity = lead.severity as keyof typeof SEVERITY_RANK;
  return { scored, severity: severity in SEVERITY_RANK ? severity : 'unknown', score: lead.score };
}

/** Priority suggested from the report's score (staff may change it); see cvss.ts for the mapping. */
export function suggestedPriority(score: number | null): ReportRow['priority'] {
  return suggestPriority(score);
}

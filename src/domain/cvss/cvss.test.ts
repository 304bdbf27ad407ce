import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.js';
import { scoreVector, severityFromScore, suggestPriority, type Cvss3Result, type Cvss4Result } from './cvss.js';

// Expected scores below are independent of ae-cvss-calculator: each block names where it comes from.
// Only vector → score pairs are taken (as test data), never code.

/**
 * CVSS 3.1 base vectors and scores from the Red Hat reference implementation's test data,
 * RedHatProductSecurity/cvss tests/vectors_simple31 ("computed using https://www.first.org/cvss/calculator/3.1").
 */
const V31_BASE: [string, number][] = [
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 10.0],
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:L/A:L', 9.9],
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:N/A:N', 5.8],
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:N/A:N', 0.0],
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8],
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N', 6.5],
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1],
  ['CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H', 9.9],
  ['CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:U/C:L/I:N/A:N', 3.5],
  ['CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:N/A:N', 4.9],
  ['CVSS:3.1/AV:A/AC:L/PR:N/UI:R/S:U/C:L/I:N/A:H', 6.3],
  ['CVSS:3.1/AV:A/AC:L/PR:H/UI:R/S:C/C:N/I:H/A:N', 5.7],
  ['CVSS:3.1/AV:A/AC:H/PR:N/UI:R/S:C/C:L/I:H/A:H', 7.8],
  ['CVSS:3.1/AV:A/AC:H/PR:L/UI:N/S:U/C:N/I:N/A:L', 2.6],
  ['CVSS:3.1/AV:A/AC:H/PR:H/UI:N/S:U/C:L/I:L/A:N', 3.1],
  ['CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:L/A:H', 8.0],
  ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:C/C:N/I:H/A:L', 7.3],
  ['CVSS:3.1/AV:L/AC:L/PR:H/UI:R/S:U/C:N/I:N/A:H', 4.2],
  ['CVSS:3.1/AV:L/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:L', 4.5],
  ['CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:C/C:N/I:H/A:H', 6.9],
  ['CVSS:3.1/AV:P/AC:L/PR:N/UI:R/S:C/C:H/I:N/A:L', 5.9],
];

/** CVSS 3.1 vectors with temporal metrics: [vector, base, temporal]. */
const V31_TEMPORAL: [string, number, number][] = [
  // FIRST CVSS v3.1 User Guide §2.6 "Formula Changes": 4.7 under CVSS 3.0, 4.6 under 3.1.
  ['CVSS:3.1/AV:P/AC:H/PR:L/UI:R/S:U/C:L/I:L/A:H/E:H/RL:U/RC:U', 5.0, 4.6],
  // 0llirocks/cvss-suite spec/cvss_scores.csv.
  ['CVSS:3.1/AV:A/AC:H/PR:H/UI:N/S:C/C:H/I:H/A:H/E:P/RL:O/RC:C', 7.6, 6.8],
  ['CVSS:3.1/AV:A/AC:H/PR:H/UI:N/S:C/C:H/I:H/A:H/E:U/RL:O/RC:C', 7.6, 6.6],
  ['CVSS:3.1/AV:A/AC:H/PR:H/UI:N/S:U/C:H/I:H/A:H/E:F/RL:O/RC:C', 6.4, 5.9],
  ['CVSS:3.1/AV:A/AC:H/PR:H/UI:N/S:U/C:H/I:H/A:H/E:P/RL:U/RC:C', 6.4, 6.1],
  ['CVSS:3.1/AV:A/AC:H/PR:H/UI:N/S:U/C:H/I:N/A:N/E:U/RL:O/RC:C', 4.2, 3.7],
];

/** CVSS 3.1 vectors with environmental metrics: [vector, base, environmental]. */
const V31_ENVIRONMENTAL: [string, number, number][] = [
  // stevespringett/cvss-calculator regression test, citing https://www.first.org/cvss/calculator/3.1.
  ['CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:H/E:X/RL:X/RC:X/CR:X/IR:H/AR:H/MAV:A/MAC:H/MPR:H/MUI:X/MS:U/MC:H/MI:H/MA:H', 7.4, 6.4],
  // 0llirocks/cvss-suite spec/cvss_scores.csv.
  ['CVSS:3.1/AV:A/AC:H/PR:L/UI:R/S:U/C:L/I:N/A:N/E:F/RL:U/RC:C/CR:L/IR:L/AR:L/MAV:A/MAC:H/MPR:L/MUI:R/MS:U/MC:X/MI:N/MA:N', 2.3, 1.6],
  ['CVSS:3.1/AV:A/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:L/E:U/RL:U/RC:R/CR:H/IR:H/AR:H/MAV:A/MAC:H/MPR:N/MUI:N/MS:U/MC:N/MI:H/MA:L', 5.9, 6.5],
  ['CVSS:3.1/AV:A/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H/MAV:A/MAC:L/MPR:H/MUI:R/MS:U', 6.8, 6.6],
  ['CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H/E:F/RL:U/RC:C/CR:X/IR:X/AR:X/MAV:A/MAC:L/MPR:N/MUI:N/MS:C/MC:H/MI:H/MA:H', 9.6, 9.5],
  ['CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L/E:F/RL:U/RC:C/CR:L/IR:L/AR:L/MAV:A/MAC:L/MPR:N/MUI:N/MS:U/MC:N/MI:N/MA:L', 4.3, 3.5],
  ['CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:H/I:N/A:N/E:F/RL:U/RC:C/CR:H/IR:H/AR:H/MAV:L/MAC:L/MPR:H/MUI:N/MS:U/MC:H/MI:N/MA:N', 4.4, 6.1],
  ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N/E:P/RL:U/RC:C/CR:L/IR:X/AR:X/MAV:L/MAC:L/MPR:L/MUI:N/MS:U/MC:L/MI:X/MA:X', 3.3, 2.5],
  ['CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H/E:F/RL:T/RC:C/CR:H/IR:H/AR:M/MAV:N/MAC:L/MPR:N/MUI:N/MS:C/MC:H/MI:H/MA:H', 9.0, 9.4],
  ['CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H/E:F/RL:O/RC:C/CR:H/IR:H/AR:H/MAV:N/MAC:L/MPR:N/MUI:N/MS:U/MC:H/MI:H/MA:H', 8.1, 9.1],
  ['CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H/MAV:L', 7.2, 6.7],
  ['CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:L/I:N/A:N/CR:H', 2.7, 3.4],
  ['CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:N/I:N/A:L/AR:L', 2.7, 2.0],
  ['CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:U/C:L/I:N/A:N/CR:H/IR:H/AR:H', 3.5, 4.2],
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:N/A:N/E:F/RL:O/RC:C/CR:M/MAV:N/MAC:L/MPR:N/MUI:R/MS:C', 4.7, 4.4],
];

/**
 * CVSS 3.0 vectors: [vector, base, temporal, environmental], from RedHatProductSecurity/cvss
 * tests/vectors_calculator3 (hand-picked on https://www.first.org/cvss/calculator/3.0) and
 * tests/vectors_cvsslib3.
 */
const V30: [string, number, number, number][] = [
  ['CVSS:3.0/S:U/AV:N/AC:L/PR:H/UI:N/C:L/I:L/A:N/E:F/RL:X', 3.8, 3.7, 3.7],
  ['CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:N/E:H/RL:O/RC:C/CR:H/IR:H/AR:H/MAV:N/MAC:L/MPR:L/MUI:N/MS:C/MC:H/MI:H/MA:H', 9.3, 8.9, 9.5],
  ['CVSS:3.0/AV:L/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N/MAV:A/MAC:L/MPR:N/MUI:N/MS:U/MC:N/MI:N/MA:N', 4.6, 4.6, 0.0],
  ['CVSS:3.0/AV:L/AC:L/PR:H/UI:R/S:U/C:H/I:N/A:H/E:H/RL:W/RC:U/CR:H/IR:H/AR:M/MAV:L/MAC:L/MPR:H/MUI:N/MS:C/MC:N/MI:H/MA:L', 5.8, 5.2, 7.4],
  ['CVSS:3.0/AV:L/AC:H/PR:L/UI:N/S:C/C:H/I:H/A:L/E:U/RL:U/RC:R/CR:M/MPR:L/MUI:R/MI:N/MA:H', 7.7, 6.8, 6.3],
  ['CVSS:3.0/AV:L/AC:H/PR:H/UI:N/S:C/C:N/I:H/A:N/E:P/RL:U/RC:U/CR:H/IR:L/AR:H/MAV:L/MUI:R/MS:C/MC:N/MI:L/MA:N', 5.3, 4.6, 1.3],
];

/**
 * CVSS 4.0 vectors and scores.
 */
const V4: [string, number, string][] = [
  // RedHatProductSecurity/cvss tests/vectors_simple4 (base metrics only).
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:H/VA:L/SC:N/SI:H/SA:L', 9.2, 'CVSS-B'],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:N/SC:N/SI:L/SA:N', 6.9, 'CVSS-B'],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:L/VI:N/VA:N/SC:L/SI:N/SA:L', 5.3, 'CVSS-B'],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:A/VC:H/VI:H/VA:H/SC:H/SI:N/SA:H', 9.3, 'CVSS-B'],
  ['CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:A/VC:N/VI:N/VA:N/SC:L/SI:N/SA:N', 2.1, 'CVSS-B'],
  ['CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:A/VC:N/VI:L/VA:L/SC:L/SI:N/SA:N', 1.8, 'CVSS-B'],
  ['CVSS:4.0/AV:N/AC:H/AT:N/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N/SI:H/SA:N', 4.0, 'CVSS-B'],
  ['CVSS:4.0/AV:A/AC:L/AT:N/PR:H/UI:N/VC:N/VI:N/VA:L/SC:N/SI:L/SA:L', 4.8, 'CVSS-B'],
  ['CVSS:4.0/AV:A/AC:H/AT:N/PR:N/UI:N/VC:L/VI:N/VA:H/SC:H/SI:H/SA:N', 7.2, 'CVSS-B'],
  ['CVSS:4.0/AV:L/AC:L/AT:N/PR:H/UI:P/VC:L/VI:H/VA:N/SC:L/SI:N/SA:N', 5.2, 'CVSS-B'],
  ['CVSS:4.0/AV:L/AC:H/AT:P/PR:L/UI:P/VC:H/VI:L/VA:H/SC:H/SI:H/SA:N', 5.9, 'CVSS-B'],
  ['CVSS:4.0/AV:P/AC:L/AT:N/PR:H/UI:N/VC:N/VI:N/VA:H/SC:N/SI:L/SA:N', 5.1, 'CVSS-B'],
  ['CVSS:4.0/AV:P/AC:L/AT:P/PR:H/UI:A/VC:L/VI:L/VA:N/SC:H/SI:N/SA:L', 2.0, 'CVSS-B'],
  // RedHatProductSecurity/cvss tests/vectors_threat4.
  ['CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:A', 7.3, 'CVSS-BT'],
  ['CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:P', 5.9, 'CVSS-BT'],
  ['CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U', 4.1, 'CVSS-BT'],
  // RedHatProductSecurity/cvss tests/vectors_security4.
  ['CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:H/IR:H/AR:M', 7.2, 'CVSS-BE'],
  ['CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:M/IR:M/AR:M', 5.5, 'CVSS-BE'],
  ['CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:L/IR:L/AR:L', 5.4, 'CVSS-BE'],
  // RedHatProductSecurity/cvss tests/vectors_supplemental4: supplemental metrics never change the score.
  ['CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/S:N/AU:N/R:A/V:D/RE:L/U:Clear', 7.3, 'CVSS-B'],
  // RedHatProductSecurity/cvss tests/test_cvss4.py (JSON schema tests).
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N', 8.7, 'CVSS-B'],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N/AR:L', 7.9, 'CVSS-BE'],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/MSI:H', 7.7, 'CVSS-BE'],
  // pandatix/go-cvss 40/cvss40_test.go (the issue-292 cases were checked against FIRST's calculator).
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H', 10.0, 'CVSS-B'],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:H/SI:H/SA:H', 7.9, 'CVSS-B'],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U', 9.1, 'CVSS-BT'],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/MVI:L/MSA:S', 9.8, 'CVSS-BE'],
  ['CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N', 1.0, 'CVSS-B'],
  ['CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:P/VC:N/VI:H/VA:H/SC:N/SI:L/SA:L/E:P/CR:H/IR:M/AR:H/MAV:A/MAT:P/MPR:N/MVI:H/MVA:N/MSI:H/MSA:N/S:N/V:C/U:Amber', 4.7, 'CVSS-BTE'],
  ['CVSS:4.0/AV:N/AC:H/AT:N/PR:H/UI:N/VC:N/VI:N/VA:H/SC:H/SI:H/SA:H/CR:L/IR:L/AR:L', 5.8, 'CVSS-BE'],
  ['CVSS:4.0/AV:N/AC:L/AT:P/PR:L/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/E:P/CR:X/IR:M/AR:X/MAV:N/MAC:H/MAT:X/MPR:L/MUI:X/MVC:L/MVI:N/MVA:H/MSC:L/MSI:S/MSA:S', 7.4, 'CVSS-BTE'],
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/E:X/CR:H/IR:M/AR:L/MAV:P/MAC:H/MAT:X/MPR:N/MUI:P/MVC:N/MVI:H/MVA:N/MSC:N/MSI:X/MSA:S/S:P/AU:X/R:A/V:X/RE:M/U:Amber', 5.4, 'CVSS-BE'],
  ['CVSS:4.0/AV:L/AC:L/AT:N/PR:H/UI:P/VC:H/VI:N/VA:L/SC:H/SI:N/SA:L/E:X/CR:M/IR:H/AR:H/MAV:N/MAC:X/MAT:N/MPR:N/MUI:A/MVC:N/MVI:X/MVA:N/MSC:N/MSI:X/MSA:N', 0.0, 'CVSS-BE'],
  // pablotron/polycvss src/v4.rs score tests.
  ['CVSS:4.0/AV:P/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:L/SI:H/SA:H/MSC:H/MSI:S/MSA:S', 6.4, 'CVSS-BE'],
  ['CVSS:4.0/AV:P/AC:H/AT:N/PR:L/UI:A/VC:L/VI:N/VA:L/SC:H/SI:L/SA:H/E:X/CR:X/IR:M/AR:L/MAV:N/MAC:X/MAT:X/MPR:H/MUI:X/MVC:L/MVI:L/MVA:N/MSC:H/MSI:N/MSA:H', 4.5, 'CVSS-BE'],
  ['CVSS:4.0/AV:L/AC:H/AT:P/PR:H/UI:N/VC:L/VI:L/VA:L/SC:L/SI:H/SA:L/E:P/CR:H/IR:L/AR:L/MAV:P/MAC:L/MAT:X/MPR:L/MUI:P/MVC:H/MVI:L/MVA:H/MSC:H/MSI:N/MSA:X', 3.7, 'CVSS-BTE'],
  ['CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:N/VI:N/VA:L/SC:H/SI:N/SA:N/E:A/CR:M/IR:M/AR:H/MAV:N/MAC:X/MAT:P/MPR:X/MUI:A/MVC:X/MVI:H/MVA:X/MSC:H/MSI:X/MSA:H', 5.7, 'CVSS-BTE'],
  ['CVSS:4.0/AV:N/AC:H/AT:P/PR:H/UI:P/VC:N/VI:L/VA:L/SC:N/SI:N/SA:N/E:U/CR:M/IR:X/AR:X/MAV:L/MAC:H/MAT:N/MPR:X/MUI:X/MVC:L/MVI:H/MVA:L/MSC:L/MSI:H/MSA:L', 1.6, 'CVSS-BTE'],
  ['CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:A/VC:L/VI:N/VA:N/SC:H/SI:N/SA:L/E:X/CR:X/IR:M/AR:X/MAV:N/MAC:X/MAT:X/MPR:N/MUI:A/MVC:X/MVI:H/MVA:H/MSC:H/MSI:X/MSA:H', 8.4, 'CVSS-BE'],
  ['CVSS:4.0/AV:A/AC:L/AT:P/PR:H/UI:N/VC:H/VI:N/VA:H/SC:N/SI:L/SA:L/E:P/CR:M/IR:H/AR:L/MAV:L/MAC:X/MAT:N/MPR:N/MUI:X/MVC:N/MVI:X/MVA:X/MSC:L/MSI:N/MSA:L', 4.6, 'CVSS-BTE'],
];

describe('scoreVector: CVSS 3.1', () => {
  it.each(V31_BASE)('scores %s as %s', (vector, score) => {
    const result = scoreVector(vector) as Cvss3Result;
    expect(result).toMatchObject({ version: '3.1', vector, score, baseScore: score, scoreType: 'base' });
    expect(result.temporalScore).toBeUndefined();
    expect(result.environmentalScore).toBeUndefined();
  });

  it.each(V31_TEMPORAL)('gives %s the temporal score (base %s, temporal %s)', (vector, base, temporal) => {
    expect(scoreVector(vector)).toMatchObject({ baseScore: base, temporalScore: temporal, score: temporal, scoreType: 'temporal' });
  });

  it.each(V31_ENVIRONMENTAL)('gives %s the environmental score (base %s, environmental %s)', (vector, base, environmental) => {
    expect(scoreVector(vector)).toMatchObject({ baseScore: base, environmentalScore: environmental, score: environmental, scoreType: 'environmental' });
  });

  it('rates the three scores separately (Red Hat test_cvss3.py severities)', () => {
    const result = scoreVector('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:L/E:P/CR:L/IR:L/AR:L/MAV:P') as Cvss3Result;
    expect(result.baseSeverity).toBe('High');
    expect(severityFromScore(result.temporalScore!)).toBe('Medium');
    expect(result.severity).toBe('Low');
  });

  it('accepts metrics in any order and normalises the vector to the specification order without X values', () => {
    const result = scoreVector('  CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N/E:X/MAV:X  ');
    expect(result).toMatchObject({ vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', score: 9.8, scoreType: 'base' });
    expect(result.metrics).toEqual({ AV: 'N', AC: 'L', PR: 'N', UI: 'N', S: 'U', C: 'H', I: 'H', A: 'H' });
  });
});

describe('scoreVector: CVSS 3.0', () => {
  it.each(V30)('scores %s with the CVSS 3.0 equations (%s, %s, %s)', (vector, base, temporal, environmental) => {
    const result = scoreVector(vector) as Cvss3Result;
    expect(result.version).toBe('3.0');
    expect(result.vector.startsWith('CVSS:3.0/')).toBe(true);
    expect(result.baseScore).toBe(base);
    if (result.temporalScore !== undefined) expect(result.temporalScore).toBe(temporal);
    if (result.environmentalScore !== undefined) expect(result.environmentalScore).toBe(environmental);
  });

  it('keeps the 3.0 rounding where 3.1 changed it (FIRST 3.1 User Guide §2.6)', () => {
    expect(scoreVector('CVSS:3.0/AV:P/AC:H/PR:L/UI:R/S:U/C:L/I:L/A:H/E:H/RL:U/RC:U').score).toBe(4.7);
    expect(scoreVector('CVSS:3.1/AV:P/AC:H/PR:L/UI:R/S:U/C:L/I:L/A:H/E:H/RL:U/RC:U').score).toBe(4.6);
  });
});

describe('scoreVector: CVSS 4.0', () => {
  it.each(V4)('scores %s as %s (%s)', (vector, score, nomenclature) => {
    const result = scoreVector(vector) as Cvss4Result;
    expect(result).toMatchObject({ version: '4.0', score, nomenclature });
    expect(result.severity).toBe(severityFromScore(score));
  });

  it('reports the CVSS-B score as baseScore next to the CVSS-BT score', () => {
    expect(scoreVector('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U')).toMatchObject({ score: 9.1, baseScore: 10.0, severity: 'Critical' });
    expect(scoreVector('CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U')).toMatchObject({ score: 4.1, severity: 'Medium', baseSeverity: 'High' });
  });

  it('drops X values from the normalised vector and from the nomenclature', () => {
    const result = scoreVector('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:X/CR:X/U:X') as Cvss4Result;
    expect(result).toMatchObject({ vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', score: 9.3, nomenclature: 'CVSS-B' });
  });
});

describe('scoreVector: invalid vectors name what is wrong', () => {
  const cases: [string, string, RegExp][] = [
    ['unknown value', 'CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /AV:Q is not a valid value for AV \(Attack Vector\); allowed: N, A, L, P/],
    ['X for a base metric', 'CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /AV:X is not a valid value for AV/],
    ['missing base metric', 'CVSS:3.1/AV:N/AC:L/UI:N/S:U/C:H/I:H/A:H', /the base metric PR \(Privileges Required\) is missing/],
    ['missing scope', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H', /the base metric S \(Scope\) is missing/],
    ['duplicate metric', 'CVSS:3.1/AV:N/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /AV appears more than once \(AV:N and AV:L\)/],
    ['same metric twice, same value', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SI:N/SA:N', /SI appears more than once/],
    ['unknown metric', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:Y', /XX is not a CVSS 3.1 metric/],
    ['4.0 metric in a 3.1 vector', 'CVSS:3.1/AV:N/AC:L/AT:N/PR:N/UI:N/S:U/C:H/I:H/A:H', /AT is not a CVSS 3.1 metric/],
    ['lower-case metric', 'CVSS:3.1/av:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /av is not a CVSS 3.1 metric \(metric names are case-sensitive: AV\)/],
    ['lower-case value', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/U:red', /U:red is not a valid value for U \(Provider Urgency\).*U:Red/],
    ['safety outside MSI/MSA', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/MSC:S', /MSC:S is not a valid value for MSC/],
    ['4.0 metrics out of order', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/SC:N/VI:H/SI:N/VA:H/SA:N', /VI is out of order: .* VI must come before SC/],
    ['4.0 supplemental before threat', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/AU:Y/E:A', /E is out of order/],
    ['no prefix', 'AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /no CVSS:3.1\/ or CVSS:4.0\/ prefix/],
    ['CVSS 2.0', 'AV:N/AC:L/Au:N/C:P/I:P/A:P', /CVSS 2.0/],
    ['explicit CVSS 2.0 prefix', 'CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P', /CVSS 2.0 vectors are not supported/],
    ['unknown version', 'CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /CVSS:3.2 is not a supported version/],
    ['lower-case prefix', 'cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /"cvss:3.1" is not a valid prefix/],
    ['empty part', 'CVSS:3.1/AV:N//AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /empty part/],
    ['trailing slash', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/', /empty part/],
    ['no colon', 'CVSS:3.1/AVN/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /"AVN" is not a METRIC:VALUE pair/],
    ['no value', 'CVSS:3.1/AV:/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /"AV:" is not a METRIC:VALUE pair/],
    ['empty', '   ', /the vector is empty/],
    ['white space inside', 'CVSS:3.1/AV:N /AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /white space/],
    ['far too long', `CVSS:3.1/${'AV:N/'.repeat(200)}`, /longer than 512 characters/],
  ];

  it.each(cases)('%s', (_name, vector, message) => {
    let error: unknown;
    try {
      scoreVector(vector);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppError);
    const appError = error as AppError;
    expect(appError.code).toBe('validation_failed');
    expect(appError.status).toBe(400);
    expect(appError.message).toMatch(message);
    expect(appError.details.some((d) => message.test(d.message))).toBe(true);
    expect(appError.details.every((d) => d.field === '/vector')).toBe(true);
  });

  it('lists every problem in the details and the first three in the message', () => {
    try {
      scoreVector('CVSS:3.1/AV:Q/AC:Q/PR:Q/UI:Q/S:U/C:H/I:H/A:H', { field: '/cvss/0' });
      expect.unreachable();
    } catch (error) {
      const appError = error as AppError;
      expect(appError.details.map((d) => d.message.slice(0, 4))).toEqual(['AV:Q', 'AC:Q', 'PR:Q', 'UI:Q']);
      expect(appError.details[0]!.field).toBe('/cvss/0');
      expect(appError.message).toMatch(/; and 1 more$/);
    }
  });
});

describe('severityFromScore', () => {
  it.each([
    [0, 'None'],
    [0.1, 'Low'],
    [3.9, 'Low'],
    [4.0, 'Medium'],
    [6.9, 'Medium'],
    [7.0, 'High'],
    [8.9, 'High'],
    [9.0, 'Critical'],
    [10, 'Critical'],
  ] as const)('rates %s as %s', (score, severity) => {
    expect(severityFromScore(score)).toBe(severity);
  });

  it.each([-0.1, 10.1, Number.NaN, Number.POSITIVE_INFINITY])('refuses %s', (score) => {
    expect(() => severityFromScore(score)).toThrow(AppError);
  });
});

describe('suggestPriority', () => {
  it.each([
    [9.8, 'P1'],
    [9.0, 'P1'],
    [8.9, 'P2'],
    [7.0, 'P2'],
    [6.9, 'P3'],
    [4.0, 'P3'],
    [3.9, 'P4'],
    [0.1, 'P4'],
    [0, 'P5'],
    [undefined, 'P5'],
    [null, 'P5'],
    [Number.NaN, 'P5'],
    [11, 'P5'],
  ] as const)('suggests %s → %s', (score, priority) => {
    expect(suggestPriority(score)).toBe(priority);
  });
});

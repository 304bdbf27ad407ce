import { AppError } from '../../shared/errors.js';
import { scoreVector } from '../cvss/cvss.js';
import { findingFingerprint, parsePurl, projectKeyOf, rootKey, type FindingTarget, type Place } from './finding-keys.js';
import type { FinderKind } from './finding.table.js';

/**
 * One result of a file, in the shape the importer stores, whatever format it came in
 * (sarif.ts, native.ts). Text fields are clipped to the limits below.
 */
export interface NormalisedFinding {
  fingerprint: string;
  rootKey: string;
  projectKey: string;
  target: FindingTarget;
  rule: string;
  cwe: number | null;
  title: string;
  message: string;
  location: Place;
  sink: Place;
  snippet: string | null;
  /** 0–10. */
  severity: number;
  cvssVector: string | null;
  /** 0–1. */
  confidence: number;
  impact: string | null;
  reproduction: string | null;
  finder: Finder;
  externalId: string | null;
}

export interface Finder {
  kind: FinderKind;
  name: string;
  email: string | null;
}

export const TEXT_LIMITS = { title: 300, message: 4000, text: 20_000, snippet: 2000, uri: 2000, rule: 300, name: 200 } as const;

/** A result that cannot be imported: counted as rejected, with this reason. */
export class Rejection extends Error {}

export const reject = (reason: string): never => {
  throw new Rejection(reason);
};

export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Only the fields that are set (not null): spread over defaults, they replace only what they name. */
export const withoutNulls = <T extends object>(value: T): Partial<T> => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null)) as Partial<T>;

export function optionalString(value: unknown, field: string, max: number): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') return reject(`${field}: must be a string`);
  const trimmed = value.trim();
  return trimmed === '' ? null : clip(trimmed, max);
}

export function optionalObject(value: unknown, field: string): Record<string, unknown> | null {
  if (value === undefined || value === null) return null;
  if (!isObject(value)) return reject(`${field}: must be an object`);
  return value;
}

export function optionalArray(value: unknown, field: string): unknown[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) return reject(`${field}: must be an array`);
  return value;
}

export function optionalInteger(value: unknown, field: string, min: number, max: number): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) return reject(`${field}: must be an integer from ${min} to ${max}`);
  return value;
}

/** CWE from a number, "CWE-79", "79" or a CodeQL-style tag "external/cwe/cwe-079". */
export function cweFrom(value: unknown): number | null {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0 && value < 100_000) return value;
  if (typeof value !== 'string') return null;
  const match = /^(?:external\/cwe\/)?(?:cwe-?)?0*(\d{1,5})$/i.exec(value.trim());
  return match ? Number(match[1]) : null;
}

const CONFIDENCE_WORDS: Record<string, number> = { 'very-high': 0.95, high: 0.85, medium: 0.6, low: 0.3, 'very-low': 0.1 };

/** 0–1 from a number or a word (SARIF's `precision` words: very-high, high, medium, low). */
export function confidenceFrom(value: unknown, field: string): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && value >= 0 && value <= 1) return value;
  // Own keys only: "constructor" or "toString" must not find Object.prototype's functions.
  if (typeof value === 'string' && Object.hasOwn(CONFIDENCE_WORDS, value.toLowerCase())) return CONFIDENCE_WORDS[value.toLowerCase()]!;
  return reject(`${field}: must be a number from 0 to 1 or one of very-high, high, medium, low, very-low`);
}

/** A CVSS vector scored (invalid vectors reject the result, naming the field). */
export function scoreCvss(vector: string, field: string): number {
  try {
    return scoreVector(vector, { field }).score;
  } catch (error) {
    if (error instanceof AppError) return reject(`${field}: ${error.message}`);
    throw error;
  }
}

export function targetFrom(value: Record<string, unknown> | null, field: string): FindingTarget {
  const target: FindingTarget = { repositoryUrl: null, purl: null, product: null, versions: null, commitRange: null, downloads: null };
  if (!value) return target;
  target.repositoryUrl = optionalString(value.repository, `${field}.repository`, TEXT_LIMITS.uri);
  target.purl = optionalString(value.purl, `${field}.purl`, TEXT_LIMITS.uri);
  if (target.purl && !parsePurl(target.purl)) reject(`${field}.purl: not a package URL (pkg:type/namespace/name@version)`);
  target.product = optionalString(value.product, `${field}.product`, TEXT_LIMITS.name);
  const versions = optionalArray(value.versions, `${field}.versions`);
  if (versions) {
    if (versions.length > 100 || versions.some((v) => typeof v !== 'string' || v.length > 200)) reject(`${field}.versions: must be at most 100 strings of at most 200 characters`);
    target.versions = versions as string[];
  }
  target.commitRange = optionalString(value.commitRange, `${field}.commitRange`, 200);
  target.downloads = optionalInteger(value.downloads, `${field}.downloads`, 0, Number.MAX_SAFE_INTEGER);
  return target;
}

/** What a format reader gives completeFinding: the finding before its keys are made. */
export interface FindingParts extends Omit<NormalisedFinding, 'fingerprint' | 'rootKey' | 'projectKey' | 'sink'> {
  /** Where the flaw takes effect, when the format says (else the location). */
  sink: Place | null;
  givenFingerprints: Record<string, string> | null;
}

/** Keys made, the project checked: the last step shared by both formats. */
export function completeFinding(parts: FindingParts): NormalisedFinding {
  const projectKey = projectKeyOf(parts.target);
  if (!projectKey) return reject('no target: give a repository URL, a package URL (purl) or a product (or --target for the whole file)');
  const sink = parts.sink ?? parts.location;
  const subject = `${parts.title}\n${parts.message}`;
  const { givenFingerprints, ...finding } = parts;
  return {
    ...finding,
    fingerprint: findingFingerprint(projectKey, parts.rule, givenFingerprints, parts.location, subject),
    rootKey: rootKey(projectKey, parts.rule, parts.cwe, sink, subject),
    projectKey,
    sink,
  };
}

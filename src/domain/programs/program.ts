import type { Selectable } from 'kysely';
import { invalid } from '../../shared/errors.js';
import type { ProgramAssetTable, ProgramExclusionTable, ProgramTable } from './program.table.js';

export type ProgramRow = Selectable<ProgramTable>;
export type AssetRow = Selectable<ProgramAssetTable>;
export type ExclusionRow = Selectable<ProgramExclusionTable>;

export const PROGRAM_KINDS = ['bounty', 'vdp'] as const;
export const VISIBILITIES = ['public', 'invite_only'] as const;
export const ASSET_KINDS = ['domain', 'url', 'api', 'mobile_app', 'repository', 'package', 'other'] as const;
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const DISCLOSURE_MODES = ['open', 'mutual', 'none'] as const;
export const TIERS = [1, 2, 3] as const;

export type Severity = (typeof SEVERITIES)[number];

export interface AssetInput {
  kind: (typeof ASSET_KINDS)[number];
  identifier: string;
  tier: number;
  inScope: boolean;
  description?: string | undefined;
}

export interface ExclusionInput {
  name: string;
  description?: string | undefined;
  redirectUrl?: string | undefined;
}

export interface RewardRange {
  tier: number;
  severity: Severity;
  min: number;
  max: number;
}

export interface RewardTable {
  currency: string;
  ranges: RewardRange[];
}

export interface Duration {
  value: number;
  unit: 'hours' | 'days';
}

export interface ResponseTargets {
  firstResponse?: Duration | undefined;
  triage?: Duration | undefined;
  bounty?: Duration | undefined;
  resolution?: Duration | undefined;
}

export interface DisclosureSettings {
  mode: (typeof DISCLOSURE_MODES)[number];
  /** For `open`: days after a request before a resolved report is disclosed. */
  delayDays: number;
  /** Full report or a summary only. */
  level: 'full' | 'limited';
}

export interface ProgramInput {
  slug: string;
  name: string;
  kind: (typeof PROGRAM_KINDS)[number];
  visibility?: (typeof VISIBILITIES)[number] | undefined;
  policy: string;
  safeHarbour?: string | undefined;
  scope?: AssetInput[] | undefined;
  exclusions?: ExclusionInput[] | undefined;
  rewards?: RewardTable | undefined;
  responseTargets?: ResponseTargets | undefined;
  businessDays?: boolean | undefined;
  disclosure?: DisclosureSettings | undefined;
  /** Days a needs_more_info report waits for its reporter before closing itself; 0 never. */
  staleCloseDays?: number | undefined;
}

export const DEFAULT_STALE_CLOSE_DAYS = 14;

export const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const LIMITS = { name: 120, policy: 100_000, safeHarbour: 20_000, identifier: 500, description: 2000, assets: 500, exclusions: 100 } as const;

export const DEFAULT_SAFE_HARBOUR =
  'We will not pursue legal action against researchers who act in good faith within this policy: who avoid privacy violations, ' +
  'data destruction and service disruption, only test what is in scope, and give us reasonable time to fix before disclosure.';

/** Checks what the schema cannot: cross-field rules. Throws validation_failed naming the field. */
export function checkProgramRules(input: Pick<ProgramInput, 'kind' | 'rewards' | 'scope' | 'exclusions' | 'slug'>): void {
  if (!SLUG.test(input.slug)) throw invalid('/slug', 'must be lower-case letters, digits and dashes (2–63), not starting or ending with a dash');
  if (input.kind === 'vdp' && input.rewards && input.rewards.ranges.length > 0) {
    throw invalid('/rewards', 'a vulnerability disclosure programme (vdp) pays no rewards; use kind "bounty"');
  }
  const seenRanges = new Set<string>();
  input.rewards?.ranges.forEach((range, index) => {
    if (range.min > range.max) throw invalid(`/rewards/ranges/${index}`, 'min must not be above max');
    const key = `${range.tier}/${range.severity}`;
    if (seenRanges.has(key)) throw invalid(`/rewards/ranges/${index}`, `tier ${range.tier} × ${range.severity} is listed twice`);
    seenRanges.add(key);
  });
  const seenAssets = new Set<string>();
  input.scope?.forEach((asset, index) => {
    const key = `${asset.kind}:${asset.identifier.trim().toLowerCase()}`;
    if (seenAssets.has(key)) throw invalid(`/scope/${index}/identifier`, 'is listed twice');
    seenAssets.add(key);
    if ((asset.kind === 'url' || asset.kind === 'api') && !/^https?:\/\//i.test(asset.identifier.trim())) {
      throw invalid(`/scope/${index}/identifier`, 'a URL or API asset must start with http:// or https://');
    }
  });
  input.exclusions?.forEach((exclusion, index) => {
    if (exclusion.redirectUrl && !/^https:\/\//i.test(exclusion.redirectUrl)) throw invalid(`/exclusions/${index}/redirectUrl`, 'must be an https:// URL');
  });
}

/** The reward range a report of this tier and severity may expect, if the table has one. */
export function rewardFor(table: RewardTable, tier: number, severity: string): RewardRange | undefined {
  return table.ranges.find((range) => range.tier === tier && range.severity === severity);
}

export interface ProgramTable {
  id: string;
  slug: string;
  name: string;
  kind: 'bounty' | 'vdp';
  visibility: 'public' | 'invite_only';
  /** The current policy version (rows in program_policies). */
  policy_version: number;
  safe_harbour: string;
  /** JSON RewardTable (empty table for a VDP). */
  rewards: string;
  /** JSON ResponseTargets. */
  response_targets: string;
  business_days: number;
  /** JSON DisclosureSettings. */
  disclosure: string;
  /** Days a needs_more_info report waits for its reporter before closing itself (null: default 14; 0: never). */
  stale_close_days: number | null;
  created_at: string;
  updated_at: string;
}

export interface ProgramPolicyTable {
  id: string;
  program_id: string;
  version: number;
  body: string;
  created_at: string;
  created_by: string | null;
}

export interface ProgramAssetTable {
  id: string;
  program_id: string;
  kind: string;
  identifier: string;
  tier: number;
  in_scope: number;
  description: string;
  position: number;
}

export interface ProgramExclusionTable {
  id: string;
  program_id: string;
  name: string;
  description: string;
  redirect_url: string | null;
  position: number;
}

export interface ProgramMemberTable {
  program_id: string;
  user_id: string;
  created_at: string;
}

export interface SessionTable {
  id: string;
  /** SHA-256 of the cookie value; the value itself is never stored. */
  token_hash: string;
  user_id: string;
  stage: 'full' | 'mfa_pending' | 'mfa_enrollment';
  csrf_token: string;
  ip: string | null;
  user_agent: string | null;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

export interface ApiTokenTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  /** First characters of the token, shown so a person can tell tokens apart. */
  prefix: string;
  /** JSON array of TokenScope. */
  scopes: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
}

export interface EmailTokenTable {
  id: string;
  user_id: string;
  purpose: 'verify_email' | 'reset_password';
  token_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

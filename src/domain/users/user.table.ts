import type { Generated } from 'kysely';

export interface UserTable {
  id: string;
  email: string;
  name: string;
  /** argon2id; null until the account holder sets one (invited or first admin). */
  password_hash: string | null;
  /** JSON array of Role. */
  roles: string;
  email_verified_at: string | null;
  disabled_at: string | null;
  /** TOTP secret sealed with the master key (see shared/secret-box). */
  totp_secret: string | null;
  totp_enabled_at: string | null;
  /** Last accepted TOTP time step, so a code is never accepted twice. */
  totp_last_step: number | null;
  failed_signins: Generated<number>;
  locked_until: string | null;
  created_at: string;
  updated_at: string;
}

export interface RecoveryCodeTable {
  id: string;
  user_id: string;
  code_hash: string;
  used_at: string | null;
  created_at: string;
}

export type NoticeSigningKeyStatus = 'current' | 'retired' | 'revoked';

/**
 * The key cvdesk signs outgoing case notices with. Unlike the organisation key (whose passphrase
 * is never stored) cvdesk must use it on its own, from a job, so its private key is kept without
 * an OpenPGP passphrase but sealed with the master key (AES-256-GCM, secret-box.ts). Retired and
 * revoked keys stay, published, so notices signed with them still verify.
 */
export interface NoticeSigningKeyTable {
  id: string;
  /** Upper-case hex, no spaces (as GnuPG prints it). */
  fingerprint: string;
  /** The OpenPGP user ID, `Name <email>`. */
  user_id: string;
  status: NoticeSigningKeyStatus;
  /** The key's own creation time. */
  created_at: string;
  /** Armoured public key; carries the revocation signature once revoked. */
  public_key: string;
  /** Armoured private key (no OpenPGP passphrase), sealed with the master key. */
  private_key: string;
  retired_at: string | null;
  revoked_at: string | null;
  revocation_reason: string | null;
}

export type KeyStatus = 'current' | 'previous' | 'revoked';
export type KeySource = 'generated' | 'imported';

/**
 * The organisation's OpenPGP keys. The private key is stored as OpenPGP armour, encrypted by
 * OpenPGP itself with the lead's passphrase (S2K); the passphrase is never stored.
 */
export interface OpenPgpKeyTable {
  id: string;
  /** Upper-case hex, no spaces (as GnuPG prints it). */
  fingerprint: string;
  /** The primary OpenPGP user ID, `Name <email>`. */
  user_id: string;
  /** e.g. `ed25519/cv25519`: primary key / encryption subkey, as GnuPG names them. */
  algorithm: string;
  source: KeySource;
  status: KeyStatus;
  /** The key's own creation time. */
  created_at: string;
  expires_at: string | null;
  /** When cvdesk got it. */
  added_at: string;
  updated_at: string;
  /** Armoured public key; carries the revocation signature once revoked. */
  public_key: string;
  /** Armoured private key, passphrase-protected. */
  private_key: string;
  /** Armoured revocation certificate, made when the key was added. */
  /** Armoured revocation certificate, sealed with the master key (see secret-box.ts). */
  revocation_certificate: string;
  revoked_at: string | null;
  revocation_reason: string | null;
  /** The last expiry warning mailed to the leads (`expires-30`, `expires-7`, `expires-1`, `expired`). */
  expiry_warning: string | null;
}

/** A security.txt signed by a lead: served while it still matches the settings and the current key. */
export interface SecurityTxtSignatureTable {
  id: string;
  key_fingerprint: string;
  /** The unsigned text that was signed (its Expires is fixed at signing). */
  body: string;
  /** The OpenPGP cleartext-signed message, LF line endings. */
  signed_text: string;
  expires_at: string;
  signed_at: string;
  signed_by: string;
  /** The last re-signing reminder mailed to the leads (`stale`, `expires-30`, …). */
  warning: string | null;
}

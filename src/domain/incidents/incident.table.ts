export type IncidentState = 'new' | 'acknowledged' | 'closed';
export type IncidentSource = 'web' | 'mail';
export type ContactMethod = 'none' | 'email' | 'receipt';

/**
 * A sealed incident report: routing metadata only. What the reporter wrote is in
 * incident_messages, as OpenPGP ciphertext the server cannot read. Plain mail to the security
 * mailbox is recorded here too, naming its open report and with no messages (isSealed, incident.ts).
 */
export interface IncidentTable {
  id: string;
  program_id: string | null;
  /** The signed-in reporter's account; null for anonymous and mailed-in reports. */
  reporter_id: string | null;
  source: IncidentSource;
  state: IncidentState;
  received_at: string;
  /** Bytes of the armoured submission. */
  size: number;
  /** JSON: [{keyId, fingerprint}] — the organisation keys the submission was encrypted to. */
  encrypted_to: string;
  contact_method: ContactMethod;
  /** Sealed with the master key (a stolen database alone does not name the reporter). */
  contact_email: string | null;
  /** The reporter's armoured public key, sealed with the master key. */
  contact_public_key: string | null;
  /** The reporter's reply key: a private key protected by the receipt code, sealed with the master key. */
  reply_key: string | null;
  /** When the reporter accepted that what they send is shared unconditionally. */
  accepted_at: string;
  /** Version of the incident statement they accepted (incident settings). */
  terms_version: number;
  /** The named programme's policy version at submission, when a programme was named. */
  program_policy_version: number | null;
  acknowledged_at: string | null;
  /** Actor label of whoever acknowledged it. */
  acknowledged_by: string | null;
  alarm_count: number;
  last_alarm_at: string | null;
  /** The next alarm, while unacknowledged. */
  next_alarm_at: string | null;
  closed_at: string | null;
  closed_by: string | null;
  unsealed_at: string | null;
  unsealed_by: string | null;
  /** The open report made by unsealing; for plain mail (unsealed_at null), the open report it was filed as. */
  report_id: string | null;
  /** When the retention reminder (deletion ahead) was mailed. */
  retention_warned_at: string | null;
  last_message_at: string;
  updated_at: string;
}

export interface IncidentMessageTable {
  id: string;
  incident_id: string;
  author: 'reporter' | 'staff';
  /** The staff member (or signed-in reporter); null for anonymous reporters and mail. */
  author_id: string | null;
  /** The armoured OpenPGP message, stored as received in the attachment store under this key (incident-store.ts). */
  storage_key: string;
  size: number;
  created_at: string;
}

/** An anonymous reporter's receipt: `<lookup_id>-<secret>`, only the secret's argon2id hash kept. */
export interface IncidentReceiptTable {
  lookup_id: string;
  incident_id: string;
  secret_hash: string;
  created_at: string;
  expires_at: string;
  last_used_at: string | null;
  /** Consecutive wrong secrets for this lookup id. */
  failures: number;
  locked_until: string | null;
}

export interface IncidentSettingTable {
  key: string;
  /** JSON. */
  value: string;
  updated_at: string;
  updated_by: string;
}

/** Mail received by the SMTP intake and what it became, so replies can go back by mail. */
export interface MailIntakeLinkTable {
  id: string;
  /** SHA-256 of the Message-ID (redelivery of the same message is recognised). */
  message_hash: string;
  /** The sender's address, sealed with the master key. */
  sender: string;
  incident_id: string | null;
  report_id: string | null;
  received_at: string;
}

/** The tables of outbound disclosure cases (migration 20261128_0600_cases). Timestamps are ISO 8601 UTC text. */
export interface CaseTable {
  id: string;
  title: string;
  /** Markdown, for staff and (in notices and the portal) for participants. */
  summary: string;
  /** draft, notifying, coordinating, disclosed or closed (case.ts). */
  state: string;
  /** The staff member answerable for it: reminders go to them. */
  owner_id: string;
  /** A disclosure policy key (case-policies.ts). */
  policy: string;
  /** The embargo's end as a UTC instant; shown in `embargo_zone`. */
  embargo_end_at: string | null;
  /** IANA time zone the embargo was agreed in (e.g. Europe/Amsterdam). */
  embargo_zone: string | null;
  /** When credible exploitation in the wild became known (shortens deadline policies). */
  exploited_at: string | null;
  /** The draft case group (finding candidates' project key) it was made from. */
  project_key: string | null;
  state_changed_at: string;
  disclosed_at: string | null;
  closed_at: string | null;
  /** The draft advisory prepared on disclosure (advisories area), by id. */
  advisory_id: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface CaseVulnerabilityTable {
  id: string;
  case_id: string;
  title: string;
  /** Markdown. */
  summary: string;
  product: string;
  /** JSON string[]: affected versions or ranges, as written. */
  versions: string;
  cwe: number | null;
  /** JSON string[]: CVSS vectors (validated by domain/cvss). */
  cvss_vectors: string;
  /** A finding candidate's id (text, no foreign key). */
  candidate_id: string | null;
  position: number;
  created_at: string;
  updated_at: string;
}

export interface CaseParticipantTable {
  id: string;
  case_id: string;
  vendor_id: string;
  /** vendor, coordinator or reporter_org. */
  role: string;
  /** The vendor contact (vendor_contacts.id) notices go to; null: the vendor's preferred mail contact. */
  contact_id: string | null;
  /** Routes replies: notices carry `case+<reply_token>@<domain>` as Reply-To. Not a credential (see docs/cases.md). */
  reply_token: string;
  acknowledged_at: string | null;
  first_notice_at: string | null;
  last_notice_at: string | null;
  notice_count: number;
  /** When the case was escalated to a coordinator because of this participant. */
  escalated_at: string | null;
  added_at: string;
}

export interface CaseParticipantStatusTable {
  participant_id: string;
  vulnerability_id: string;
  /** unknown, affected, not_affected, fixed or no_response. A row exists only for shared vulnerabilities. */
  status: string;
  changed_at: string;
  changed_by: string;
}

export interface CaseStatementTable {
  id: string;
  case_id: string;
  /** The participant who stated it; null: the organisation's own statement. */
  participant_id: string | null;
  vulnerability_id: string | null;
  /** Markdown, rendered safely when shown. */
  body: string;
  /** 1: every participant of the case may read it; 0: staff and its author only. */
  shared: number;
  author: string;
  created_at: string;
}

export interface CaseLogTable {
  id: string;
  case_id: string;
  participant_id: string | null;
  /** case-log.ts LOG_KINDS. */
  kind: string;
  /** mail, portal, staff or system. */
  channel: string;
  /** in (from a participant), out (to one) or internal. */
  direction: string;
  /** One line. */
  summary: string;
  /** The text of a message or reply, as received (shown as text, never as HTML). */
  body: string | null;
  /** JSON. */
  data: string;
  /** SHA-256 of a received mail's Message-ID: a redelivered reply is recorded once. */
  message_hash: string | null;
  actor: string;
  occurred_at: string;
}

export interface CaseNoticeTable {
  id: string;
  case_id: string;
  participant_id: string;
  /** initial, follow_up, escalation or update. */
  kind: string;
  recipient: string;
  reply_to: string;
  subject: string;
  /** The text sent (OpenPGP-armoured when encrypted), sealed with the master key: it carries a portal link. */
  body: string;
  /** Fingerprint of the vendor key it was encrypted to; null: sent in the clear. */
  encrypted_to: string | null;
  /** stored (no SMTP configured), queued, sent or failed. */
  status: string;
  error: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface CasePortalTokenTable {
  id: string;
  participant_id: string;
  /** SHA-256 of the `cvp_…` token; the token itself is only in the notice (sealed) and the vendor's mailbox. */
  token_hash: string;
  created_at: string;
  created_by: string;
  expires_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
  uses: number;
}

export interface CaseExtensionRequestTable {
  id: string;
  case_id: string;
  participant_id: string;
  requested_until: string;
  reason: string;
  /** pending, accepted or declined. */
  state: string;
  decided_by: string | null;
  decided_at: string | null;
  decision_note: string | null;
  created_at: string;
}

export interface CaseDecisionTable {
  id: string;
  case_id: string;
  /** A condition the case's policy allows (case-policies.ts). */
  condition: string;
  evidence: string;
  /** When publication is to happen (null: as soon as prepared). */
  disclose_at: string | null;
  decided_by: string;
  decided_by_id: string | null;
  decided_at: string;
}

export interface CaseCreditTable {
  id: string;
  case_id: string;
  /** team, individual or automated. */
  kind: string;
  name: string;
  /** 1 when the credited team, person or system owner agreed to be named publicly. */
  consent_to_name: number;
  consent_recorded_at: string | null;
  created_at: string;
}

/** Per-organisation values of a disclosure policy (N attempts, M days, deadlines), JSON; absent: the shipped defaults. */
export interface CasePolicySettingTable {
  policy: string;
  value: string;
  updated_at: string;
  updated_by: string;
}

/** A staff member's iCalendar feed token (`cvc_…`, SHA-256 stored): calendar apps cannot send cookies. */
export interface CaseCalendarTokenTable {
  id: string;
  user_id: string;
  token_hash: string;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

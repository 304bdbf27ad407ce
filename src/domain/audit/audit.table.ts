export interface AuditEventTable {
  seq: number;
  id: string;
  occurred_at: string;
  actor_id: string | null;
  actor_label: string;
  action: string;
  object_type: string;
  object_id: string | null;
  /** Canonical JSON of the event's details. */
  data: string;
  ip: string | null;
  prev_hash: string;
  hash: string;
}

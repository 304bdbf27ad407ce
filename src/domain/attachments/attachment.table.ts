export interface AttachmentTable {
  id: string;
  /** Who uploaded it; until it is attached, only they may see or use it. */
  owner_id: string;
  /** Null while pending (uploaded, not yet part of a submitted report). */
  report_id: string | null;
  filename: string;
  /** Detected from the content, never from the name or the client's Content-Type. */
  media_type: string;
  size: number;
  sha256: string;
  storage_key: string;
  created_at: string;
  /** Pending uploads not attached by then are deleted. */
  expires_at: string | null;
}

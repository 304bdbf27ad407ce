/** One organisation-wide setting; absent keys take their default (see settings.ts). */
export interface SettingTable {
  key: string;
  /** The value as JSON text. */
  value: string;
  updated_at: string;
  /** Who changed it last (actor label: an email, or `cli:…`). */
  updated_by: string;
}

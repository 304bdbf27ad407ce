export interface PolicyPageSectionTable {
  id: string;
  section: string;
  /** 1, 2, 3… per section: every save is a new version. */
  version: number;
  body: string;
  created_at: string;
  created_by: string | null;
}

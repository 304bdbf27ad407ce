/**
 * RFC 9116 security.txt: the vocabulary of findings shared by the parser, the validator, the
 * fetcher and the CLI. Codes are those of the widely used `sectxt` validator (DigitalTrustCenter),
 * plus `signature_invalid`, `size_exceeded` and `mixed_line_endings`, which it has no word for.
 */

export const SECURITY_TXT_ERROR_CODES = [
  'no_security_txt',
  'location',
  'invalid_uri_scheme',
  'invalid_cert',
  'no_content_type',
  'invalid_media',
  'invalid_charset',
  'utf8',
  'no_expire',
  'multi_expire',
  'invalid_expiry',
  'expired',
  'no_contact',
  'no_canonical_match',
  'multi_lang',
  'invalid_lang',
  'no_uri',
  'no_https',
  'prec_ws',
  'no_space',
  'empty_key',
  'empty_value',
  'invalid_line',
  'no_line_separators',
  'signed_format_issue',
  'signature_invalid',
  'size_exceeded',
  'mixed_line_endings',
] as const;
export const SECURITY_TXT_RECOMMENDATION_CODES = ['long_expiry', 'no_encryption', 'not_signed', 'no_canonical'] as const;
export const SECURITY_TXT_NOTIFICATION_CODES = ['unknown_field', 'signature_unverified'] as const;

export type SecurityTxtErrorCode = (typeof SECURITY_TXT_ERROR_CODES)[number];
export type SecurityTxtRecommendationCode = (typeof SECURITY_TXT_RECOMMENDATION_CODES)[number];
export type SecurityTxtNotificationCode = (typeof SECURITY_TXT_NOTIFICATION_CODES)[number];
export type SecurityTxtCode = SecurityTxtErrorCode | SecurityTxtRecommendationCode | SecurityTxtNotificationCode;

/** One finding. `line` is 1-based in the file as served, or null when it concerns the whole file. */
export interface SecurityTxtIssue<C extends SecurityTxtCode = SecurityTxtCode> {
  code: C;
  line: number | null;
  message: string;
}

/** The verdict on one file: valid when there are no errors; recommendations and notifications never make it invalid. */
export interface SecurityTxtReport {
  valid: boolean;
  errors: SecurityTxtIssue<SecurityTxtErrorCode>[];
  recommendations: SecurityTxtIssue<SecurityTxtRecommendationCode>[];
  notifications: SecurityTxtIssue<SecurityTxtNotificationCode>[];
}

/** RFC 9116 sets no size; real files are a few KiB. Past this cvdesk reads no further (`size_exceeded`). */
export const SECURITY_TXT_MAX_BYTES = 32 * 1024;

/** Fields RFC 9116 defines (section 2.5), plus CSAF (CSAF 2.0, section 7.1.8, in the IANA registry). Lower case. */
export const KNOWN_FIELDS = ['acknowledgments', 'canonical', 'contact', 'csaf', 'encryption', 'expires', 'hiring', 'policy', 'preferred-languages'] as const;
export type KnownField = (typeof KNOWN_FIELDS)[number];

const ERROR_SET = new Set<string>(SECURITY_TXT_ERROR_CODES);
const RECOMMENDATION_SET = new Set<string>(SECURITY_TXT_RECOMMENDATION_CODES);

export function isErrorCode(code: SecurityTxtCode): code is SecurityTxtErrorCode {
  return ERROR_SET.has(code);
}

export function isRecommendationCode(code: SecurityTxtCode): code is SecurityTxtRecommendationCode {
  return RECOMMENDATION_SET.has(code);
}

/**
 * Collects findings into a report. Each code is kept at most `perCodeLimit` times; the rest are
 * counted into one closing entry, so a hostile file of thousands of bad lines yields a readable report.
 */
export class IssueCollector {
  private readonly issues: SecurityTxtIssue[] = [];
  private readonly counts = new Map<SecurityTxtCode, number>();

  constructor(private readonly perCodeLimit = 50) {}

  add(code: SecurityTxtCode, line: number | null, message: string): void {
    const count = (this.counts.get(code) ?? 0) + 1;
    this.counts.set(code, count);
    if (count <= this.perCodeLimit) this.issues.push({ code, line, message });
  }

  addAll(issues: readonly SecurityTxtIssue[]): void {
    for (const issue of issues) this.add(issue.code, issue.line, issue.message);
  }

  has(code: SecurityTxtCode): boolean {
    return this.counts.has(code);
  }

  /** The findings so far, with a summary entry per code that went over the limit. */
  list(): SecurityTxtIssue[] {
    const out = [...this.issues];
    for (const [code, count] of this.counts) {
      if (count > this.perCodeLimit) out.push({ code, line: null, message: `${count - this.perCodeLimit} more lines with the same problem (${code}) were not listed` });
    }
    return out;
  }

  /** Splits the findings by kind; file-wide findings first, then by line, in the order found. */
  report(): SecurityTxtReport {
    const ordered = this.list()
      .map((issue, index) => ({ issue, index }))
      .sort((a, b) => (a.issue.line ?? 0) - (b.issue.line ?? 0) || a.index - b.index)
      .map(({ issue }) => issue);
    const errors: SecurityTxtReport['errors'] = [];
    const recommendations: SecurityTxtReport['recommendations'] = [];
    const notifications: SecurityTxtReport['notifications'] = [];
    for (const issue of ordered) {
      const { code } = issue;
      if (isErrorCode(code)) errors.push({ ...issue, code });
      else if (isRecommendationCode(code)) recommendations.push({ ...issue, code });
      else notifications.push({ ...issue, code });
    }
    return { valid: errors.length === 0, errors, recommendations, notifications };
  }
}

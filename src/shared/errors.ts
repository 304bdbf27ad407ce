/**
 * The one error type domain code throws. Each code has a fixed HTTP status and is documented in
 * docs/errors.md (test/docs.test.ts fails when a code is missing there).
 * Importable by web/: no Node or Fastify imports here.
 */
export const ERROR_STATUS = {
  validation_failed: 400,
  invalid_json: 400,
  bad_request: 400,
  openpgp_invalid: 400,
  authentication_required: 401,
  invalid_credentials: 401,
  mfa_required: 401,
  mfa_invalid: 401,
  token_invalid: 401,
  receipt_invalid: 401,
  csrf_failed: 403,
  forbidden: 403,
  mfa_enrollment_required: 403,
  email_not_verified: 403,
  account_disabled: 403,
  insufficient_scope: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  cve_services_not_configured: 409,
  invalid_transition: 409,
  not_eligible: 409,
  email_taken: 409,
  link_expired: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unknown_recipient: 422,
  csaf_invalid: 422,
  account_locked: 429,
  rate_limited: 429,
  cve_services_error: 502,
  cve_services_auth_failed: 502,
  internal_error: 500,
  service_unavailable: 503,
  cve_services_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorDetail {
  /** JSON pointer-ish path of the offending field, e.g. `/email`. */
  field?: string;
  message: string;
}

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
    /** Extra response headers, e.g. Retry-After. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} was not found`);
export const forbidden = (message = 'You are not allowed to do this') => new AppError('forbidden', message);
export const invalid = (field: string, message: string) =>
  new AppError('validation_failed', `${field.replace(/^\//, '')}: ${message}`, [{ field, message }]);

/** The body of every error response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details: ErrorDetail[] };
}

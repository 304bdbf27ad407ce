import type { ErrorBody, ErrorCode, ErrorDetail } from '../shared/server';

/**
 * A small typed client for /api/v1.
 *
 * - Same-origin cookies (`credentials: 'same-origin'`); the session cookie is httpOnly.
 * - JSON in, JSON out; 204 resolves to `undefined`.
 * - Every non-GET request carries `X-CSRF-Token`, taken from the last session response
 *   (GET /session, POST /auth/signin, POST /auth/mfa); see `setCsrfToken`.
 * - Failures throw `ApiError` parsed from `{"error":{"code","message","details"}}`. Network
 *   failures throw an ApiError with status 0 and code `network_error`.
 */

export const API_BASE = '/api/v1';

/** Codes the client makes up itself, for failures that never reached the error handler. */
export type ClientErrorCode = 'network_error' | 'bad_response';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | ClientErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The message for one field, by JSON pointer (`/email`) or plain name (`email`). */
  fieldError(field: string): string | undefined {
    const pointer = field.startsWith('/') ? field : `/${field}`;
    const exact = this.details.find((d) => d.field === pointer);
    if (exact) return exact.message;
    // `/roles/0` belongs to the `roles` field.
    return this.details.find((d) => d.field?.startsWith(`${pointer}/`))?.message;
  }

  /** Details that name no field (or a field the form does not show) belong in the alert. */
  unplacedDetails(knownFields: readonly string[]): ErrorDetail[] {
    return this.details.filter(
      (d) => !d.field || !knownFields.some((f) => d.field === `/${f}` || d.field?.startsWith(`/${f}/`)),
    );
  }
}

export function isApiError(error: unknown, code?: ErrorCode | ClientErrorCode): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}

/** Anything thrown, as an ApiError (so forms need one code path). */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const message = error instanceof Error ? error.message : 'Something went wrong';
  return new ApiError(0, 'bad_response', message);
}

let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

type Listener = (error: ApiError) => void;
const AUTH_PROBLEMS: ReadonlySet<string> = new Set(['authentication_required', 'mfa_required', 'mfa_enrollment_required']);
const authListeners = new Set<Listener>();

/**
 * Called when a request fails because the session is gone (`authentication_required`), still
 * waits for its second factor (`mfa_required`), or must enrol in two-factor first
 * (`mfa_enrollment_required`), so the app can react.
 */
export function onAuthProblem(listener: Listener): () => void {
  authListeners.add(listener);
  return () => authListeners.delete(listener);
}

export type QueryValue = string | number | boolean | null | undefined;
export type Query = Record<string, QueryValue>;

export interface RequestOptions {
  query?: Query | undefined;
  body?: unknown;
  signal?: AbortSignal | undefined;
  /** Do not tell the auth listeners about a 401 (GET /session, sign-in). */
  quiet?: boolean;
  /** Extra request headers (e.g. the follow-up token of an anonymous reporter). */
  headers?: Record<string, string> | undefined;
}

export function apiUrl(path: string, query?: Query): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    search.set(key, String(value));
  }
  const qs = search.toString();
  return `${API_BASE}${path}${qs ? `?${qs}` : ''}`;
}

async function send(method: string, path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers, Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  try {
    return await fetch(apiUrl(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: options.signal ?? null,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network_error', 'Could not reach the server. Check your connection and try again.');
  }
}

async function parseError(response: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const error = (body as Partial<ErrorBody> | undefined)?.error;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    const details = Array.isArray(error.details)
      ? error.details.filter((d): d is ErrorDetail => typeof d?.message === 'string')
      : [];
    return new ApiError(response.status, error.code, error.message, details);
  }
  const message =
    response.status >= 500
      ? 'The server ran into a problem. Try again in a moment.'
      : `The server answered ${response.status} ${response.statusText}`.trim();
  return new ApiError(response.status, response.status >= 500 ? 'internal_error' : 'bad_response', message);
}

/** Fetches a fresh CSRF token (after `csrf_failed`); the session may have been renewed. */
async function renewCsrfToken(): Promise<boolean> {
  const response = await send('GET', '/session', {});
  if (!response.ok) return false;
  const body = (await response.json().catch(() => null)) as { csrfToken?: unknown } | null;
  if (typeof body?.csrfToken !== 'string') return false;
  csrfToken = body.csrfToken;
  return true;
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  let response = await send(method, path, options);
  if (!response.ok) {
    let error = await parseError(response);
    // A stale token (another tab signed in again): renew once and retry.
    if (error.code === 'csrf_failed' && (await renewCsrfToken())) {
      response = await send(method, path, options);
      if (!response.ok) error = await parseError(response);
    }
    if (!response.ok) {
      if (!options.quiet && AUTH_PROBLEMS.has(error.code)) {
        for (const listener of authListeners) listener(error);
      }
      throw error;
    }
  }
  if (response.status === 204 || response.status === 205) return undefined as T;
  const text = await response.text();
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(response.status, 'bad_response', 'The server sent a response that is not JSON.');
  }
}

export const api = {
  get: <T>(path: string, query?: Query, options: Omit<RequestOptions, 'query' | 'body'> = {}) =>
    request<T>('GET', path, { ...options, query }),
  post: <T>(path: string, body?: unknown, options: Omit<RequestOptions, 'body'> = {}) =>
    request<T>('POST', path, { ...options, body: body ?? {} }),
  patch: <T>(path: string, body: unknown, options: Omit<RequestOptions, 'body'> = {}) =>
    request<T>('PATCH', path, { ...options, body }),
  delete: <T = void>(path: string, body?: unknown, options: Omit<RequestOptions, 'body'> = {}) =>
    request<T>('DELETE', path, { ...options, body }),
};

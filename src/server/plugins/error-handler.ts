import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { AppError, ERROR_STATUS, type ErrorBody, type ErrorCode, type ErrorDetail } from '../../shared/errors.js';

/** Fastify's own error codes, mapped to ours. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CHARSET: 'unsupported_media_type',
  FST_ERR_VALIDATION: 'validation_failed',
  FST_ERR_BAD_URL: 'bad_request',
  FST_ERR_ASYNC_CONSTRAINT: 'bad_request',
};

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Names the field each validation error is about, as a JSON pointer from the body/query/params root. */
function validationDetails(error: FastifyError): ErrorDetail[] {
  const context = (error as { validationContext?: string }).validationContext ?? 'body';
  return ((error.validation ?? []) as AjvError[]).map((item) => {
    let field = item.instancePath || '';
    if (item.keyword === 'required') field += `/${String(item.params.missingProperty)}`;
    if (item.keyword === 'additionalProperties') field += `/${String(item.params.additionalProperty)}`;
    const message =
      item.keyword === 'additionalProperties' ? 'is not an allowed field' : item.keyword === 'required' ? 'is required' : (item.message ?? 'is invalid');
    return { field: `${context === 'body' ? '' : `${context}:`}${field || '/'}`, message };
  });
}

/** A unique or primary-key constraint refused the write (PostgreSQL 23505, SQLite's constraint codes). */
function isUniqueViolation(error: { code?: unknown }): boolean {
  return error.code === '23505' || error.code === 'SQLITE_CONSTRAINT_UNIQUE' || error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export function errorBody(code: ErrorCode, message: string, details: ErrorDetail[] = []): ErrorBody {
  return { error: { code, message, details } };
}

export function sendError(reply: FastifyReply, code: ErrorCode, message: string, details: ErrorDetail[] = []) {
  return reply.status(ERROR_STATUS[code]).type('application/json; charset=utf-8').send(errorBody(code, message, details));
}

/**
 * One error shape for every failure. AppErrors keep their code; Fastify's parsing and validation
 * errors become 4xx naming the field; anything else is logged and answered 500 without detail.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
      return sendError(reply, error.code, error.message, error.details);
    }
    if (error.validation) {
      const details = validationDetails(error);
      const summary = details.map((d) => `${d.field} ${d.message}`).join('; ');
      return sendError(reply, 'validation_failed', `Invalid request: ${summary}`, details);
    }
    if (isUniqueViolation(error)) {
      // Two requests creating the same thing at once: the loser is told, not served a 500.
      return sendError(reply, 'conflict', 'Someone else made the same change at the same moment; reload and try again');
    }
    const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (mapped) return sendError(reply, mapped, error.message);
    if (error.statusCode === 429) return sendError(reply, 'rate_limited', error.message || 'Too many requests; slow down');
    if (error instanceof SyntaxError || (error.statusCode === 400 && /JSON/i.test(error.message))) {
      return sendError(reply, 'invalid_json', 'The request body is not valid JSON');
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return sendError(reply, error.statusCode === 404 ? 'not_found' : error.statusCode === 405 ? 'method_not_allowed' : 'bad_request', error.message);
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendError(reply, 'internal_error', 'Something went wrong on our side; it has been logged');
  });
}

import type { FastifyInstance } from 'fastify';
import { invalid } from '../../shared/errors.js';

/** Where the first string holding a NUL character is, as a JSON pointer, or undefined. */
function findNul(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path || '/' : undefined;
  if (depth > 32 || value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000')) return `${path}/${key.replace(/\u0000/g, '\\u0000')}`;
    const found = findNul(item, `${path}/${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * NUL has no business in any field cvdesk stores, and PostgreSQL refuses it in text: refuse it
 * up front, naming the field, instead of failing deep in a query.
 */
export function registerRefuseNul(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    // Most reads carry nothing to scan: skip the walk.
    if (request.body === undefined && !request.url.includes('?') && Object.keys(request.params as object).length === 0) return done();
    for (const [part, prefix] of [
      [request.params, 'params:'],
      [request.query, 'querystring:'],
      [request.body, ''],
    ] as const) {
      const field = findNul(part, '');
      if (field) return done(invalid(`${prefix}${field}`, 'must not contain NUL characters'));
    }
    done();
  });
}

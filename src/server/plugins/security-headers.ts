import type { FastifyInstance } from 'fastify';

/**
 * The security headers, computed once: strict CSP (no inline script or style), no framing,
 * nosniff, no referrer. Written here rather than with helmet, which re-parses its directives on
 * every request; these never vary. HSTS is sent only when the request actually arrived over TLS:
 * sending it over plain HTTP on localhost would be wrong.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

/**
 * JSON is never a document to render: the tightest policy there is (OWASP's REST advice), and
 * no caching of answers that may carry personal data.
 */
const API_HEADERS: Record<string, string> = {
  // frame-ancestors covers framing (X-Frame-Options adds nothing for JSON), and JSON holds no
  // links to leak a referrer through: every header here is one every answer pays for.
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};

export function registerSecurityHeaders(app: FastifyInstance): void {
  // A callback hook, not async: it runs on every request and needs no promise.
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(request.url.startsWith('/api/v1/') && !request.url.startsWith('/api/v1/openapi.json') ? API_HEADERS : PAGE_HEADERS);
    if (request.protocol === 'https') reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    done();
  });
}

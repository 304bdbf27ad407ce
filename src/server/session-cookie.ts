import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The one cookie cvdesk uses, read and written by hand: a cookie plugin would add a hook to
 * every request and every response (measurably slowing the API), for a single name.
 */
export const SESSION_COOKIE = 'cvdesk_session';

const VALUE = /^[A-Za-z0-9_-]{1,200}$/;

/** The session cookie's value from the Cookie header, or undefined (malformed values are ignored). */
export function readSessionCookie(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    return VALUE.test(value) ? value : undefined;
  }
  return undefined;
}

/** httpOnly, SameSite=Lax, Secure when the request came over TLS; lives as long as the session may. */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, value: string, maxAgeSeconds: number): void {
  reply.header('set-cookie', `${SESSION_COOKIE}=${value}; Max-Age=${maxAgeSeconds}; Path=/; HttpOnly; SameSite=Lax${request.protocol === 'https' ? '; Secure' : ''}`);
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('set-cookie', `${SESSION_COOKIE}=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; HttpOnly; SameSite=Lax${request.protocol === 'https' ? '; Secure' : ''}`);
}

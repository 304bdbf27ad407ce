import type { FastifyRequest } from 'fastify';

/**
 * Route config for a per-minute limit counted per account when signed in (an address may be
 * shared by many people; an account is one person), else per address.
 */
export function perAccountLimit(maxPerMinute: number) {
  return {
    rateLimit: {
      max: maxPerMinute,
      timeWindow: 60_000,
      keyGenerator: (request: FastifyRequest) => (request.actor?.kind === 'user' ? `user:${request.actor.userId}` : request.ip),
    },
  };
}

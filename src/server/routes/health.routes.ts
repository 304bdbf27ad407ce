import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import type { Registry } from 'prom-client';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { pendingMigrations } from '../../db/migrate.js';
import { forbidden } from '../../shared/errors.js';
import { safeEqual } from '../../security/random.js';
import { errors } from '../schemas.js';

function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');
}

const Health = Type.Object({ status: Type.String(), checks: Type.Optional(Type.Record(Type.String(), Type.String())) });

/** Liveness, readiness (database reachable, migrations current) and Prometheus metrics. */
export async function healthRoutes(fastify: FastifyInstance, context: AppContext, registry: Registry): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/healthz', { schema: { tags: ['operations'], summary: 'The process is up', response: { 200: Health } } }, async () => ({ status: 'ok' }));

  app.get(
    '/readyz',
    { schema: { tags: ['operations'], summary: 'Ready to serve: database reachable and migrations current', response: { 200: Health, 503: Health } } },
    async (_request, reply) => {
      const checks: Record<string, string> = {};
      try {
        await sql`select 1`.execute(context.db);
        checks.database = 'ok';
        const pending = await pendingMigrations(context.db, context.database.pgSchema);
        checks.migrations = pending.length === 0 ? 'ok' : `pending: ${pending.join(', ')}`;
      } catch (error) {
        checks.database = `unreachable: ${(error as Error).message}`;
      }
      const ready = Object.values(checks).every((value) => value === 'ok');
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
    },
  );

  app.get(
    '/metrics',
    {
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics (text format); from loopback, or with Authorization: Bearer METRICS_TOKEN',
        produces: ['text/plain'],
        response: { 200: Type.String(), ...errors(403) },
      },
    },
    async (request, reply) => {
      const token = context.config.metricsToken;
      const presented = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
      // Behind a proxy every request arrives from the proxy (often loopback), so only the token counts there.
      const directLoopback = context.config.trustProxy === false && isLoopback(request.socket.remoteAddress ?? '');
      if (!directLoopback && !(token && presented && safeEqual(presented, token))) {
        throw forbidden('Metrics are served to loopback clients, or with the METRICS_TOKEN bearer token');
      }
      reply.header('content-type', registry.contentType);
      return registry.metrics();
    },
  );
}

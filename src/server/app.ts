import fs from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import type { AppContext } from '../context.js';
import { packageVersion } from '../config/paths.js';
import { registerAuthentication } from './plugins/authentication.js';
import { registerErrorHandler } from './plugins/error-handler.js';
import { registerRefuseNul } from './plugins/refuse-nul.js';
import { registerMetrics } from './plugins/metrics.js';
import { registerSecurityHeaders } from './plugins/security-headers.js';
import { registerWebApp } from './plugins/web-app.js';
import { apiReferenceRoutes } from './routes/api-reference.js';
import { attachmentsRoutes } from './routes/attachments.routes.js';
import { auditRoutes } from './routes/audit.routes.js';
import { authRoutes } from './routes/auth.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { meRoutes } from './routes/me.routes.js';
import { operationsRoutes } from './routes/operations.routes.js';
import { programsRoutes } from './routes/programs.routes.js';
import { reportsRoutes } from './routes/reports.routes.js';
import { reportWorkflowRoutes } from './routes/report-workflow.routes.js';
import { usersRoutes } from './routes/users.routes.js';
import { weaknessRoutes } from './routes/weakness.routes.js';
import { keysRoutes } from './routes/keys.routes.js';
import { securityTxtRoutes } from './routes/security-txt.routes.js';
import { settingsRoutes } from './routes/settings.routes.js';
import { registerScheduler } from './plugins/scheduler.js';
import { notificationsRoutes } from './routes/notifications.routes.js';
import { webhooksRoutes } from './routes/webhooks.routes.js';
import { rewardsRoutes } from './routes/rewards.routes.js';
import { hallOfFameRoutes } from './routes/hall-of-fame.routes.js';
import { incidentsRoutes } from './routes/incidents.routes.js';
import { cveIdsRoutes } from './routes/cve-ids.routes.js';
import { advisoriesRoutes } from './routes/advisories.routes.js';
import { publicPagesRoutes } from './public/public-pages.routes.js';
import { csafProviderRoutes } from './public/csaf-provider.routes.js';
import { vendorsRoutes } from './routes/vendors.routes.js';
import { casesRoutes } from './routes/cases.routes.js';
import { portalRoutes } from './routes/portal.routes.js';
import { findingsRoutes } from './routes/findings.routes.js';
import { cveRecordsRoutes } from './routes/cve-records.routes.js';
import { cnaPublicRoutes, cnaRoutes } from './routes/cna.routes.js';
import { cveRequestsRoutes } from './routes/cve-requests.routes.js';
import { ErrorResponse } from './schemas.js';
import { lazyCompilersFactory } from './lazy-compilers.js';

export interface BuildAppOptions {
  /** Log requests (off in tests). */
  logger?: boolean;
  /** Where log lines go (default standard output); tests capture them. */
  logStream?: { write(line: string): void };
}

/** Every area's routes under /api/v1. A new area adds one line here. */
const API_ROUTES = [authRoutes, meRoutes, usersRoutes, auditRoutes, operationsRoutes, programsRoutes, reportsRoutes, attachmentsRoutes, weaknessRoutes, reportWorkflowRoutes, settingsRoutes, keysRoutes, notificationsRoutes, webhooksRoutes, rewardsRoutes, hallOfFameRoutes, incidentsRoutes, advisoriesRoutes, cveRecordsRoutes, cnaRoutes, cveRequestsRoutes, findingsRoutes, vendorsRoutes, cveIdsRoutes, casesRoutes, portalRoutes];

/**
 * Builds the HTTP server without listening, so tests use `app.inject()` and main.ts decides
 * where to listen.
 */
export async function buildApp(context: AppContext, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const { config } = context;
  const app = Fastify({
    logger:
      options.logger === false || config.logLevel === 'silent'
        ? false
        : {
            level: config.logLevel,
            redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]', 'req.headers["x-follow-up-token"]', 'req.headers["x-portal-token"]', 'res.headers["set-cookie"]'],
            ...(options.logStream ? { stream: options.logStream } : {}),
            serializers: {
              // Query strings can carry secrets (emailed links' tokens, receipts): log the path only.
              req: (request: { method: string; url: string; ip?: string }) => ({ method: request.method, url: request.url.split('?')[0]!.replace(/^\/portal\/[^/]+/, '/portal/[token]'), remoteAddress: request.ip }),
            },
          },
    bodyLimit: config.bodyLimitBytes,
    // Fastify takes a hop count too (proxy-addr), though its types only name the other forms.
    trustProxy: config.trustProxy as boolean | string[],
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ...(config.tlsCertFile && config.tlsKeyFile ? { https: { cert: fs.readFileSync(config.tlsCertFile), key: fs.readFileSync(config.tlsKeyFile) } } : {}),
    schemaController: { compilersFactory: lazyCompilersFactory as never },
    ajv: {
      // Unknown fields are an error naming the field, not silently dropped.
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false },
      plugins: [(await import('ajv-formats')).default as never],
    },
  });

  registerErrorHandler(app);
  registerRefuseNul(app);
  registerSecurityHeaders(app);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      message: `Too many requests; try again in ${Math.ceil(context.ttl / 1000)} seconds`,
    }),
  });
  const registry = registerMetrics(app);
  await registerAuthentication(app, context);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'cvdesk', version: packageVersion(), description: 'Coordinated vulnerability disclosure: the cvdesk JSON API.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'Personal API token (cvd_…)' },
          session: { type: 'apiKey', in: 'cookie', name: 'cvdesk_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  app.addSchema(ErrorResponse);

  await app.register(async (api) => {
    for (const routes of API_ROUTES) await routes(api, context);
  }, { prefix: '/api/v1' });
  await healthRoutes(app, context, registry);
  await securityTxtRoutes(app, context);
  await publicPagesRoutes(app, context);
  await cnaPublicRoutes(app, context);
  await csafProviderRoutes(app, context);
  registerScheduler(app, context);
  await apiReferenceRoutes(app, () => app.swagger());
  await registerWebApp(app);
  return app;
}

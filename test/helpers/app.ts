import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { AppContext } from '../../src/context.js';
import type { Engine } from '../../src/db/dialect.js';
import { buildApp } from '../../src/server/app.js';
import { createTestContext } from './databases.js';

export interface TestApp {
  app: FastifyInstance;
  context: AppContext;
  /** Sends a request, with `token` as bearer credentials when given. */
  request(options: InjectOptions & { token?: string }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** A real cvdesk app on a fresh database of `engine`, driven through `inject()`. */
export async function buildTestApp(engine: Engine, env: Record<string, string> = {}, clock?: AppContext['clock']): Promise<TestApp> {
  const context = await createTestContext(engine, { RUN_JOBS: 'false', ...env }, clock ? { clock } : {});
  const app = await buildApp(context, { logger: false });
  await app.ready();
  return {
    app,
    context,
    request({ token, headers, ...options }) {
      return app.inject({ ...options, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
    },
    async close() {
      await app.close();
      await context.close();
    },
  };
}

/** A browser-like client: keeps the session cookie and sends the CSRF token on writes. */
export class CookieClient {
  cookie: string | undefined;
  csrf: string | undefined;
  constructor(private readonly app: FastifyInstance) {}

  async send(method: InjectOptions['method'], url: string, payload?: unknown, extraHeaders: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const headers: Record<string, string> = { ...extraHeaders };
    if (this.cookie) headers.cookie = `cvdesk_session=${this.cookie}`;
    if (this.csrf && method !== 'GET') headers['x-csrf-token'] = this.csrf;
    const response = await this.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
    const set = response.cookies.find((c) => c.name === 'cvdesk_session');
    if (set) this.cookie = set.value || undefined;
    const body = response.headers['content-type']?.toString().includes('json') ? (response.json() as { csrfToken?: string }) : undefined;
    if (body && typeof body === 'object' && body !== null && 'csrfToken' in body && body.csrfToken) this.csrf = body.csrfToken;
    return response;
  }
}

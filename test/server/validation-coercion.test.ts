import Fastify from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { describe, expect, it } from 'vitest';
import { lazyCompilersFactory } from '../../src/server/lazy-compilers.js';
import { Nullable } from '../../src/server/schemas.js';

/** The same validator set-up as buildApp (coercion on, lazy compilers), on one echoing route. */
async function echoApp() {
  const app = Fastify({
    schemaController: { compilersFactory: lazyCompilersFactory as never },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
  });
  app.patch(
    '/things',
    {
      schema: {
        querystring: Type.Object({ limit: Type.Optional(Type.Integer()), tags: Type.Optional(Type.Array(Type.String())) }),
        body: Type.Object({ note: Type.Optional(Nullable(Type.String())), count: Type.Optional(Nullable(Type.Integer())), flag: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      },
    },
    async (request) => ({ query: request.query, body: request.body }),
  );
  await app.ready();
  return app;
}

describe('request validation', () => {
  it('keeps null in JSON bodies, so "clear this field" is not turned into "" or 0', async () => {
    const app = await echoApp();
    const res = await app.inject({ method: 'PATCH', url: '/things', payload: { note: null, count: null } });
    expect(res.json().body).toEqual({ note: null, count: null });
    // And a real 0 or "" stays what it was.
    expect((await app.inject({ method: 'PATCH', url: '/things', payload: { note: '', count: 0 } })).json().body).toEqual({ note: '', count: 0 });
    await app.close();
  });

  it('refuses wrongly typed JSON instead of coercing it', async () => {
    const app = await echoApp();
    expect((await app.inject({ method: 'PATCH', url: '/things', payload: { count: '5' } })).statusCode).toBe(400);
    expect((await app.inject({ method: 'PATCH', url: '/things', payload: { flag: 'true' } })).statusCode).toBe(400);
    await app.close();
  });

  it('still coerces query strings, which are text', async () => {
    const app = await echoApp();
    const res = await app.inject({ method: 'PATCH', url: '/things?limit=5&tags=a', payload: {} });
    expect(res.json().query).toEqual({ limit: 5, tags: ['a'] });
    await app.close();
  });
});

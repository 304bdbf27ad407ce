import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { scoreVector } from '../../domain/cvss/cvss.js';
import { searchCwe } from '../../domain/cwe/cwe-catalogue.js';
import { errors } from '../schemas.js';

/** Helpers for the report form: the CWE picker and the CVSS calculator's live score. Public, read-only. */
export async function weaknessRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/cwe',
    {
      schema: {
        tags: ['reference'],
        summary: 'Search the CWE catalogue by id or words',
        querystring: Type.Object({ q: Type.String({ minLength: 1, maxLength: 100 }), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), abstraction: Type.String(), status: Type.String() })) }), ...errors(400) },
      },
    },
    async (request) => ({ items: searchCwe(request.query.q, request.query.limit ?? 20).map(({ id, name, abstraction, status }) => ({ id, name, abstraction, status })) }),
  );

  app.get(
    '/cvss',
    {
      schema: {
        tags: ['reference'],
        summary: 'Score a CVSS 3.x or 4.0 vector (400 naming the bad metric)',
        querystring: Type.Object({ vector: Type.String({ minLength: 1, maxLength: 512 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ vector: Type.String(), version: Type.String(), score: Type.Number(), severity: Type.String(), baseScore: Type.Number() }), ...errors(400) },
      },
    },
    async (request) => {
      const { vector, version, score, severity, baseScore } = scoreVector(request.query.vector, { field: 'querystring:/vector' });
      return { vector, version, score, severity, baseScore };
    },
  );
}

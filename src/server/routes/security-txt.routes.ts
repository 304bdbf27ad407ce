import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { publishedPublicKeys } from '../../domain/keys/keys.service.js';
import { NOTICE_SIGNING_KEY_PATH, publishedNoticeSigningKeys } from '../../domain/keys/notice-signing.service.js';
import { currentSecurityTxt } from '../../domain/keys/security-txt.service.js';
import { PGP_KEY_PATH, SECURITY_TXT_PATH } from '../../domain/keys/security-txt.js';
import { notFound } from '../../shared/errors.js';
import { errors } from '../schemas.js';

const TEXT = 'text/plain; charset=utf-8';
/** A text/plain answer (errors stay JSON). */
const PlainText = { description: 'text/plain; charset=utf-8', content: { 'text/plain': { schema: Type.String() } } };

/**
 * The public, unauthenticated files: /.well-known/security.txt (RFC 9116), /security.txt
 * (redirects there), /pgp-key.txt and the notice-signing keys. Outside /api like /healthz; registered at the root.
 */
export async function securityTxtRoutes(fastify: FastifyInstance, context: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    SECURITY_TXT_PATH,
    {
      schema: {
        tags: ['public'],
        summary: 'security.txt (RFC 9116), built from the settings; OpenPGP cleartext-signed when a lead has signed the current version',
        security: [],
        response: { 200: PlainText },
      },
    },
    async (_request, reply) => {
      const document = await currentSecurityTxt(context, context.db);
      return reply.type(TEXT).header('cache-control', 'public, max-age=300, must-revalidate').send(document.text);
    },
  );

  app.get(
    '/security.txt',
    { schema: { tags: ['public'], summary: `Redirects (301) to ${SECURITY_TXT_PATH}`, security: [], response: { 301: Type.Null() } } },
    async (_request, reply) => reply.redirect(SECURITY_TXT_PATH, 301),
  );

  app.get(
    PGP_KEY_PATH,
    {
      schema: {
        tags: ['public'],
        summary: 'The current OpenPGP public key to encrypt reports to, armoured (followed by revoked keys not yet expired, with their revocations)',
        security: [],
        response: { 200: PlainText, ...errors(404) },
      },
    },
    async (_request, reply) => {
      const text = await publishedPublicKeys(context, context.db);
      if (text === null) throw notFound('An OpenPGP key');
      return reply.type(TEXT).header('cache-control', 'public, max-age=300, must-revalidate').send(text);
    },
  );

  app.get(
    NOTICE_SIGNING_KEY_PATH,
    {
      schema: {
        tags: ['public'],
        summary: 'The OpenPGP keys case notices are signed with (current, then retired and revoked ones), armoured: to verify notices, never to encrypt to',
        security: [],
        response: { 200: PlainText, ...errors(404) },
      },
    },
    async (_request, reply) => {
      const text = await publishedNoticeSigningKeys(context.db);
      if (text === null) throw notFound('A notice-signing key');
      return reply.type(TEXT).header('cache-control', 'public, max-age=300, must-revalidate').send(text);
    },
  );
}

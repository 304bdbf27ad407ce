import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { listKeys } from '../../domain/keys/keys.service.js';
import { listNoticeSigningKeys, prepareNoticeSigningKey, storeNoticeSigningKey } from '../../domain/keys/notice-signing.service.js';
import { getSecurityTxtStatus, prepareSecurityTxtSignature, storeSecurityTxtSignature } from '../../domain/keys/security-txt.service.js';
import { requireUser } from '../plugins/authentication.js';
import { Id, Nullable, Timestamp, errors } from '../schemas.js';
import { inTransaction } from '../transaction.js';

const OpenPgpKey = Type.Object({
  id: Id,
  fingerprint: Type.String({ description: 'Upper-case hex, no spaces' }),
  uid: Type.String({ description: 'The OpenPGP user ID, Name <email>' }),
  algorithm: Type.String({ description: 'Primary key / encryption subkey as GnuPG names them, e.g. ed25519/cv25519' }),
  source: Type.Union([Type.Literal('generated'), Type.Literal('imported')]),
  status: Type.Union([Type.Literal('current'), Type.Literal('previous'), Type.Literal('revoked')]),
  createdAt: Timestamp,
  expiresAt: Type.Union([Timestamp, Type.Null()]),
  addedAt: Timestamp,
  revokedAt: Type.Union([Timestamp, Type.Null()]),
  revocationReason: Type.Union([Type.String(), Type.Null()]),
});

const SignatureProblem = Type.Union([Type.Literal('settings_changed'), Type.Literal('key_changed'), Type.Literal('expired'), Type.Null()]);

const SecurityTxtSignature = Type.Object({
  fingerprint: Type.String(),
  signedAt: Timestamp,
  signedBy: Type.String(),
  expiresAt: Timestamp,
  inUse: Type.Boolean({ description: 'Served now: same settings, same current key, Expires not passed' }),
  problem: SignatureProblem,
});

const SecurityTxtStatus = Type.Object({
  text: Type.String({ description: 'Exactly what /.well-known/security.txt serves now' }),
  signed: Type.Boolean(),
  expiresAt: Timestamp,
  signature: Type.Union([SecurityTxtSignature, Type.Null()]),
});

const NoticeSigningKey = Type.Object({
  id: Id,
  fingerprint: Type.String({ description: 'Upper-case hex, no spaces' }),
  uid: Type.String({ description: 'The OpenPGP user ID, Name <email>' }),
  status: Type.Union([Type.Literal('current'), Type.Literal('retired'), Type.Literal('revoked')]),
  createdAt: Timestamp,
  retiredAt: Nullable(Timestamp),
  revokedAt: Nullable(Timestamp),
  revocationReason: Nullable(Type.String()),
});

/** The organisation's OpenPGP keys (public data), the signed security.txt, and the key case notices are signed with. */
export async function keysRoutes(fastify: FastifyInstance, context: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/keys',
    { schema: { tags: ['keys'], summary: 'The organisation OpenPGP keys: current, previous and revoked (never private keys)', response: { 200: Type.Object({ items: Type.Array(OpenPgpKey) }), ...errors(401, 403) } } },
    async (request) => ({ items: await listKeys(context.db, requireUser(request)) }),
  );

  app.get(
    '/security-txt',
    { schema: { tags: ['keys'], summary: 'What security.txt serves now, and the state of its signed copy', response: { 200: SecurityTxtStatus, ...errors(401, 403) } } },
    async (request) => getSecurityTxtStatus(context, context.db, requireUser(request)),
  );

  app.post(
    '/security-txt/sign',
    {
      schema: {
        tags: ['keys'],
        summary: "Sign today's security.txt with the current key (leads); the passphrase unlocks the key for this request only and is never stored",
        body: Type.Object({ passphrase: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false }),
        response: { 201: Type.Object({ signature: SecurityTxtSignature }), ...errors(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const prepared = await prepareSecurityTxtSignature(context, context.db, actor, request.body.passphrase);
      const signature = await inTransaction(context, (trx) => storeSecurityTxtSignature(context, trx, actor, prepared));
      return reply.status(201).send({ signature });
    },
  );

  app.get(
    '/notice-signing-keys',
    { schema: { tags: ['keys'], summary: 'The keys case notices are signed with: current, retired, revoked (never private keys)', response: { 200: Type.Object({ items: Type.Array(NoticeSigningKey) }), ...errors(401, 403) } } },
    async (request) => ({ items: await listNoticeSigningKeys(context.db, requireUser(request)) }),
  );

  app.post(
    '/notice-signing-keys',
    {
      schema: {
        tags: ['keys'],
        summary: 'Make a new notice-signing key (leads): the current one is retired, or revoked as compromised with revokePrevious',
        body: Type.Object({ revokePrevious: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'Revoke the key being replaced, with this reason' })) }, { additionalProperties: false }),
        response: { 201: Type.Object({ key: NoticeSigningKey }), ...errors(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const prepared = await prepareNoticeSigningKey(context, context.db, actor, { revokePrevious: request.body.revokePrevious });
      const key = await inTransaction(context, (trx) => storeNoticeSigningKey(context, trx, actor, prepared));
      return reply.status(201).send({ key });
    },
  );
}

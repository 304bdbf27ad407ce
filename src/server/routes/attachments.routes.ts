import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { deletePendingUpload, getAttachmentForDownload, presentAttachment, uploadAttachment } from '../../domain/attachments/attachment.service.js';
import { recordAudit } from '../../domain/audit/audit.service.js';
import { AppError } from '../../shared/errors.js';
import { perAccountLimit } from '../rate-limits.js';
import { requireUser } from '../plugins/authentication.js';
import { Id, IdParams, errors } from '../schemas.js';
import { inTransaction } from '../transaction.js';

export const Attachment = Type.Object({ id: Id, filename: Type.String(), mediaType: Type.String(), size: Type.Integer(), sha256: Type.String(), createdAt: Type.String() });

/** RFC 6266/5987: an ASCII fallback and the exact UTF-8 name. */
function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/**
 * Uploads (pending until a report is submitted with them) and downloads. Downloads are always
 * attachments with a sandboxing CSP and no sniffing, so nothing uploaded ever renders in cvdesk's
 * origin.
 */
export async function attachmentsRoutes(fastify: FastifyInstance, context: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  await app.register(multipart, {
    limits: { fileSize: context.config.attachmentMaxBytes + 1, files: 1, fields: 0, parts: 1, headerPairs: 100 },
  });

  app.post(
    '/attachments',
    {
      bodyLimit: context.config.attachmentMaxBytes + 1_048_576,
      config: perAccountLimit(context.config.submissionRateLimitPerMinute * 2),
      schema: {
        tags: ['reports'],
        summary: 'Upload one file (multipart/form-data, field "file"); name its id in a report submission within 24 hours',
        consumes: ['multipart/form-data'],
        response: { 201: Attachment, ...errors(400, 401, 403, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      if (!request.isMultipart()) throw new AppError('unsupported_media_type', 'Send the file as multipart/form-data in a field named "file"');
      const file = await request.file();
      if (!file) throw new AppError('validation_failed', 'No file in the request', [{ field: '/file', message: 'is required' }]);
      const row = await uploadAttachment(context, actor, file.file, file.filename);
      if (file.file.truncated) throw new AppError('payload_too_large', `Attachments may be at most ${context.config.attachmentMaxBytes} bytes`);
      return reply.status(201).send(presentAttachment(row));
    },
  );

  app.get(
    '/attachments/limits',
    {
      schema: {
        tags: ['reports'],
        summary: 'How many files one report may carry and how large each may be (the submit form checks before uploading)',
        response: { 200: Type.Object({ maxFiles: Type.Integer(), maxBytes: Type.Integer() }), ...errors(401) },
      },
    },
    async (request) => {
      requireUser(request);
      return { maxFiles: context.config.attachmentMaxCount, maxBytes: context.config.attachmentMaxBytes };
    },
  );

  app.delete(
    '/attachments/:id',
    {
      schema: {
        tags: ['reports'],
        summary: 'Withdraw one of your uploads that is not yet part of a report',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await deletePendingUpload(context, requireUser(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/attachments/:id',
    {
      schema: {
        tags: ['reports'],
        summary: 'Download an attachment (only for those who may see its report)',
        params: IdParams,
        produces: ['application/octet-stream'],
        response: { 200: Type.String({ description: 'The file' }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const row = await getAttachmentForDownload(context.db, actor, request.params.id);
      if (row.report_id) {
        await inTransaction(context, (trx) => recordAudit(context, trx, actor, { action: 'attachment.downloaded', objectType: 'attachment', objectId: row.id, data: { reportId: row.report_id } }));
      }
      reply
        .header('content-type', 'application/octet-stream')
        .header('content-disposition', contentDisposition(row.filename))
        .header('content-length', String(row.size))
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('cache-control', 'private, no-store');
      return reply.send(context.attachments.open(row.storage_key) as unknown as string);
    },
  );
}

import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { csafSignature } from '../../domain/advisories/advisory-signing.js';
import { CSAF_TLP_FOLDER, CSAF_WELL_KNOWN } from '../../domain/csaf/csaf-document.js';
import { changesCsv, findCsafByPath, indexTxt, providerMetadata, PROVIDER_METADATA_PATH, publishedCsafDocuments, rolieFeed, ROLIE_FEED_NAME } from '../../domain/csaf/csaf-provider.js';
import { readSettings } from '../../domain/settings/settings.service.js';
import { notFound } from '../../shared/errors.js';
import { errors } from '../schemas.js';

const FOLDER = `${CSAF_WELL_KNOWN}/${CSAF_TLP_FOLDER}`;
const CACHE = 'public, max-age=300, must-revalidate';
const Text = (type: string) => ({ description: type, content: { [type]: { schema: Type.String() } } });
const FILE = /^([+\-a-z0-9_]+\.json)(\.sha256|\.sha512|\.asc)?$/;

const send = (reply: FastifyReply, type: string, body: string) => reply.type(type).header('cache-control', CACHE).header('access-control-allow-origin', '*').send(body);

/**
 * The CSAF trusted provider's files (CSAF 2.0 section 7.1): provider-metadata.json, and in the
 * TLP:WHITE folder index.txt, changes.csv, the ROLIE feed and each document by year with its
 * hashes and detached signature. Public, cacheable, and readable cross-origin (aggregators).
 */
export async function csafProviderRoutes(app: FastifyInstance, context: AppContext): Promise<void> {
  app.get(PROVIDER_METADATA_PATH, { schema: { tags: ['public'], summary: 'CSAF provider metadata (role csaf_trusted_provider)', security: [], response: { 200: Text('application/json') } } }, async (_request, reply) =>
    send(reply, 'application/json; charset=utf-8', `${JSON.stringify(await providerMetadata(context, context.db), null, 2)}\n`),
  );

  app.get(`${FOLDER}/index.txt`, { schema: { tags: ['public'], summary: 'CSAF index.txt: every document path, one a line', security: [], response: { 200: Text('text/plain') } } }, async (_request, reply) =>
    send(reply, 'text/plain; charset=utf-8', indexTxt(await publishedCsafDocuments(context.db))),
  );

  app.get(`${FOLDER}/changes.csv`, { schema: { tags: ['public'], summary: 'CSAF changes.csv: path and last change, newest first', security: [], response: { 200: Text('text/csv') } } }, async (_request, reply) =>
    send(reply, 'text/csv; charset=utf-8', changesCsv(await publishedCsafDocuments(context.db))),
  );

  app.get(`${FOLDER}/${ROLIE_FEED_NAME}`, { schema: { tags: ['public'], summary: 'The ROLIE feed of the TLP:WHITE CSAF documents', security: [], response: { 200: Text('application/json') } } }, async (_request, reply) => {
    const feed = rolieFeed(context, await publishedCsafDocuments(context.db), (await readSettings(context, context.db)).organisationName);
    return send(reply, 'application/json; charset=utf-8', `${JSON.stringify(feed, null, 2)}\n`);
  });

  app.get(
    `${FOLDER}/:year/:file`,
    {
      schema: {
        tags: ['public'],
        summary: 'A CSAF document (<id>.json) with its .sha256, .sha512 and detached OpenPGP .asc signature',
        security: [],
        params: Type.Object({ year: Type.String({ maxLength: 4 }), file: Type.String({ maxLength: 120 }) }),
        response: { 200: Text('application/json'), ...errors(404) },
      },
    },
    async (request, reply) => {
      const { year, file } = request.params as { year: string; file: string };
      const match = FILE.exec(file);
      if (!/^\d{4}$/.test(year) || !match) throw notFound('CSAF document');
      const doc = await findCsafByPath(context.db, year, match[1]!);
      if (!doc) throw notFound('CSAF document');
      const suffix = match[2];
      if (!suffix) return send(reply, 'application/json; charset=utf-8', doc.csaf);
      if (suffix === '.asc') {
        const signature = await csafSignature(context.db, doc.advisoryId, doc.revision);
        if (!signature) throw notFound('A signature of this document (a lead has not signed it yet)');
        return send(reply, 'application/pgp-signature', signature);
      }
      const algorithm = suffix === '.sha256' ? 'sha256' : 'sha512';
      // The sha256sum format: the digest, two spaces, the file name.
      return send(reply, 'text/plain; charset=utf-8', `${createHash(algorithm).update(doc.csaf, 'utf8').digest('hex')}  ${match[1]}\n`);
    },
  );
}

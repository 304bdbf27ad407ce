import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { webDistDir } from '../../config/paths.js';
import { sendError } from './error-handler.js';

/**
 * Serves the built SPA: hashed assets with long caching, and index.html for every other page
 * path so client-side routes survive a reload. API paths that match nothing get the JSON error.
 */
export async function registerWebApp(app: FastifyInstance): Promise<void> {
  const root = webDistDir();
  const indexFile = path.join(root, 'index.html');
  const built = fs.existsSync(indexFile);
  if (built) {
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      wildcard: false,
      index: false,
      setHeaders(res, filePath) {
        res.setHeader('cache-control', filePath.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  app.setNotFoundHandler(async (request, reply) => {
    const isPage = (request.method === 'GET' || request.method === 'HEAD') && !request.url.startsWith('/api/') && !path.extname(request.url.split('?')[0]!);
    if (isPage && built) {
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(fs.createReadStream(indexFile));
    }
    if (isPage) {
      return reply.status(503).type('text/plain; charset=utf-8').send('The web app is not built: run `npm run build`.');
    }
    return sendError(reply, 'not_found', `No route ${request.method} ${request.url.split('?')[0]}`);
  });
}

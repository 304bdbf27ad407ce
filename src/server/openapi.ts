import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config/config.js';
import { createContext } from '../context.js';
import { buildApp } from './app.js';

/**
 * The OpenAPI document as the routes' schemas make it, built on a throw-away embedded database.
 * docs/openapi.json is this output; a test fails when the two differ.
 */
export async function generateOpenApi(): Promise<unknown> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvdesk-openapi-'));
  const context = await createContext(loadConfig({ LOG_LEVEL: 'silent', RUN_JOBS: 'false' }, { dataDir, databaseUrl: undefined }));
  try {
    const app = await buildApp(context, { logger: false });
    await app.ready();
    const document = app.swagger();
    await app.close();
    return document;
  } finally {
    await context.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

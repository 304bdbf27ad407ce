import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context.js';
import { runDueAlarms } from '../../src/domain/incidents/incident-alarms.js';
import { buildApp } from '../../src/server/app.js';
import { createTestContext, DIALECTS, type TestEnvironment } from '../helpers/databases.js';
import { buildUser, type BuiltUser } from '../helpers/factories.js';
import { addOrganisationKey, currentPublicKey, decryptWithStoredKey, encryptTo, packReport, reporterKeyPair } from './incidents.support.js';

/**
 * The issue's canary: a report carrying a unique string is encrypted as the browser would (with
 * OpenPGP.js) and sent through every path — submission with an attachment, follow-up, staff
 * reply, staff reading, alarms — and the string must then be nowhere the server keeps or says
 * anything: the database files (SQLite with its WAL, or every PostgreSQL table), the data folder
 * with the attachment and incident stores, the logs at level trace, and the request bodies the server saw.
 */
describe.each(DIALECTS)('the sealed-report canary on %s', (engine) => {
  let context: AppContext & { environment: TestEnvironment };
  let app: FastifyInstance;
  let lead: BuiltUser;
  let triager: BuiltUser;
  const logs: string[] = [];
  const bodies: Buffer[] = [];
  const canary = `CANARY-${engine}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  const forms = [canary, Buffer.from(canary).toString('base64'), Buffer.from(canary).toString('hex'), canary.toLowerCase()];

  const request = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });

  beforeAll(async () => {
    context = await createTestContext(engine, { LOG_LEVEL: 'trace', RUN_JOBS: 'false' });
    app = await buildApp(context, { logStream: { write: (line: string) => void logs.push(line) } });
    // Every request body exactly as the server received it, before parsing.
    app.addHook('preParsing', async (_request, _reply, payload) => {
      const chunks: Buffer[] = [];
      for await (const chunk of payload) chunks.push(Buffer.from(chunk as Buffer));
      const body = Buffer.concat(chunks);
      bodies.push(body);
      const replay = Readable.from([body]) as Readable & { receivedEncodedLength?: number };
      replay.receivedEncodedLength = body.length;
      return replay;
    });
    await app.ready();
    lead = await buildUser(context, { roles: ['lead'] });
    triager = await buildUser(context, { roles: ['triager'] });
    await addOrganisationKey(context);
  });
  afterAll(async () => {
    await app?.close();
    await context?.close();
  });

  function filesUnder(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)]));
  }

  async function databaseText(): Promise<string> {
    if (engine === 'sqlite') {
      const files = filesUnder(context.environment.dataDir).filter((file) => /cvdesk\.sqlite/.test(file));
      expect(files.some((file) => file.endsWith('-wal'))).toBe(true);
      return files.map((file) => fs.readFileSync(file).toString('latin1')).join('\n');
    }
    const schema = context.environment.config.databaseSchema!;
    const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = ${schema}`.execute(context.db);
    const parts: string[] = [];
    for (const { table_name } of tables.rows) {
      const rows = await sql<Record<string, unknown>>`select * from ${sql.id(schema, table_name)}`.execute(context.db);
      parts.push(JSON.stringify(rows.rows));
    }
    const jobs = await sql<Record<string, unknown>>`select * from ${sql.id(`${schema}_jobs`, 'job')}`.execute(context.db).catch(() => ({ rows: [] }));
    parts.push(JSON.stringify(jobs.rows));
    expect(parts.join('').length).toBeGreaterThan(1000);
    return parts.join('\n');
  }

  it('appears nowhere: database, WAL, data folder and attachment store, trace logs, request bodies', async () => {
    const orgKey = await currentPublicKey(context);
    const pair = await reporterKeyPair(undefined, new Date(Math.min(Date.now(), context.clock.now().getTime()) - 86_400_000));
    const plaintext = packReport(
      { title: `Account takeover ${canary}`, description: `Steps: ${canary}`, contact: `reach me, ${canary}` },
      [{ name: `proof-${canary}.txt`, type: 'text/plain', content: Buffer.from(`attachment ${canary}\n`) }],
    );
    const submitted = await request('POST', '/api/v1/incidents', {
      message: await encryptTo(orgKey, plaintext),
      accept_unconditional: true,
      contact: { method: 'email', email: 'anonymous-reporter@example.net', publicKey: pair.publicKey },
    });
    expect(submitted.statusCode, submitted.body).toBe(201);
    const { id, receipt } = submitted.json();

    const grant = await request('POST', '/api/v1/incidents/receipt', { receipt });
    expect(grant.statusCode, grant.body).toBe(200);
    const followUp = { 'x-follow-up-token': grant.json().token };
    expect((await request('POST', '/api/v1/incidents/followup/messages', { message: await encryptTo(orgKey, `more: ${canary}`) }, followUp)).statusCode).toBe(201);
    const reply = await request('POST', `/api/v1/incidents/${id}/replies`, { message: await encryptTo([pair.publicKey, orgKey], `we saw ${canary}`) }, { authorization: `Bearer ${triager.token}` });
    expect(reply.statusCode, reply.body).toBe(201);
    expect((await request('GET', '/api/v1/incidents/followup', undefined, followUp)).statusCode).toBe(200);
    const read = await request('GET', `/api/v1/incidents/${id}`, undefined, { authorization: `Bearer ${triager.token}` });
    expect(read.statusCode).toBe(200);
    expect((await request('GET', '/api/v1/incidents', undefined, { authorization: `Bearer ${lead.token}` })).statusCode).toBe(200);
    const key = await request('GET', '/api/v1/keys/current/private', undefined, { authorization: `Bearer ${triager.token}` });
    // The content is really there, for whoever holds the key and passphrase: decrypted here as the staff browser would.
    expect(await decryptWithStoredKey(key.json().privateKey, read.json().items[0].message)).toBe(plaintext);
    await runDueAlarms(context);
    await context.jobs.drain();

    // The checks would pass vacuously if nothing were captured.
    expect(logs.length).toBeGreaterThan(10);
    expect(app.log.level).toBe('trace');
    expect(logs.some((line) => line.includes('incoming request'))).toBe(true);
    expect(bodies.some((body) => body.includes('-----BEGIN PGP MESSAGE-----'))).toBe(true);
    expect(await context.db.selectFrom('mail_outbox').select('id').execute()).not.toEqual([]);

    const places: [string, string][] = [
      ['database', await databaseText()],
      ...filesUnder(context.environment.dataDir).map((file): [string, string] => [`file ${path.relative(context.environment.dataDir, file)}`, fs.readFileSync(file).toString('latin1')]),
      ['logs', logs.join('')],
      ['request bodies', Buffer.concat(bodies).toString('latin1')],
      ['mail', (await context.db.selectFrom('mail_outbox').select('body').execute()).map((m) => context.secrets.open(m.body)).join('\n')],
    ];
    // The ciphertext is in the incident store (and the attachment store exists too): both are searched.
    expect(fs.existsSync(path.join(context.environment.dataDir, 'attachments'))).toBe(true);
    expect(filesUnder(path.join(context.environment.dataDir, 'incidents')).length).toBeGreaterThanOrEqual(3);
    for (const [where, text] of places) for (const form of forms) expect(text.includes(form), `the canary (${form}) is in ${where}`).toBe(false);
  });
});

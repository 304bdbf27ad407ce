import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildUser, type BuiltUser } from '../helpers/factories.js';

/**
 * Security review of the findings upload over a real socket: an upload the client breaks off
 * leaves no temporary file behind and stores nothing.
 */
describe.each(DIALECTS)('findings uploads broken off on %s', (engine) => {
  let t: TestApp;
  let triager: BuiltUser;
  let port: number;
  let tmp: string;
  const savedTmp = process.env.TMPDIR;

  beforeAll(async () => {
    t = await buildTestApp(engine);
    triager = await buildUser(t.context, { roles: ['triager'] });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
    // os.tmpdir() reads TMPDIR on every call: the uploads of this test land in a directory of its own.
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cvdesk-review-tmp-'));
    process.env.TMPDIR = tmp;
  });
  afterAll(async () => {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    await t?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('answers NUL in the query with a 400, and keeps other control characters out of stored file and SBOM names', async () => {
    const log = JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ ruleId: 'r', message: { text: 'm' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'a.js' }, region: { startLine: 1 } } }] }] }] });
    const post = (url: string, payload: string) => t.request({ method: 'POST', url, token: triager.token, headers: { 'content-type': 'application/json' }, payload });
    const badTarget = await post('/api/v1/findings/imports?source=nul&target=pkg:npm/a%00b', log);
    expect(badTarget.statusCode, badTarget.body).toBe(400);
    expect(badTarget.json().error.details[0].field).toMatch(/\/target$/);
    // Other control characters (a terminal escape) are kept out of what is stored and shown.
    const named = await post('/api/v1/findings/imports?source=nul&target=pkg:npm/ok&filename=a%1b%5b2Jb.sarif', log);
    expect(named.statusCode, named.body).toBe(201);
    const imports = (await t.request({ method: 'GET', url: '/api/v1/findings/imports?source=nul', token: triager.token })).json().items;
    expect(imports[0].filename).toBe('a?[2Jb.sarif');
    const sbom = await post('/api/v1/sboms?name=sys%1btem', JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', components: [{ name: 'left-pad', version: '1.0.0' }] }));
    expect(sbom.statusCode, sbom.body).toBe(201);
    expect(sbom.json().name).toBe('sys tem');
  });

  it('removes the spooled upload when the client disconnects mid-body, and stores nothing', async () => {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const head = `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"versionControlProvenance":[{"repositoryUri":"https://github.com/abort/me"}],"results":[`;
    socket.write(
      `POST /api/v1/findings/imports?source=aborted HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${triager.token}\r\n` +
        `Content-Type: application/sarif+json\r\nContent-Length: 10000000\r\n\r\n${head}`,
    );
    // Wait until the upload is being spooled to disk, then break off.
    for (let i = 0; i < 200 && fs.readdirSync(tmp).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(fs.readdirSync(tmp).filter((n) => n.startsWith('cvdesk-upload-'))).toHaveLength(1);
    socket.destroy();
    for (let i = 0; i < 200 && fs.readdirSync(tmp).length > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(fs.readdirSync(tmp)).toEqual([]);
    const candidates = await t.context.db.selectFrom('finding_candidates').select('id').where('project_key', '=', 'repo:github.com/abort/me').execute();
    expect(candidates).toEqual([]);
  });
});

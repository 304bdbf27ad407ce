import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProgramRow } from '../../src/domain/programs/program.js';
import { DIALECTS } from '../helpers/databases.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildUser, type BuiltUser } from '../helpers/factories.js';
import { buildProgram } from '../helpers/programs.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6300010000050001' + '0d0a2db40000000049454e44ae426082', 'hex');
const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(64, 0)]);

function multipart(filename: string, content: Buffer, field = 'file') {
  const boundary = '----cvdesktestboundary';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: text/html\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe.each(DIALECTS)('attachments on %s', (engine) => {
  let t: TestApp;
  let program: ProgramRow;
  let reporter: BuiltUser;
  let other: BuiltUser;
  let triager: BuiltUser;
  const upload = (who: BuiltUser, filename: string, content: Buffer) => t.request({ method: 'POST', url: '/api/v1/attachments', token: who.token, ...multipart(filename, content) });
  const storedFiles = () => {
    const root = path.join(t.context.config.dataDir, 'attachments');
    return fs.existsSync(root) ? fs.readdirSync(root, { recursive: true }).filter((f) => String(f).length > 30) : [];
  };

  beforeAll(async () => {
    t = await buildTestApp(engine, { ATTACHMENT_MAX_BYTES: '4096', ATTACHMENT_MAX_COUNT: '2' });
    program = await buildProgram(t.context);
    reporter = await buildUser(t.context);
    other = await buildUser(t.context);
    triager = await buildUser(t.context, { roles: ['triager'] });
  });
  afterAll(async () => t?.close());

  it('types files by their content, not their name, and refuses what is not allowed', async () => {
    const png = await upload(reporter, 'screenshot.txt', PNG);
    expect(png.statusCode, png.body).toBe(201);
    expect(png.json()).toMatchObject({ mediaType: 'image/png', filename: 'screenshot.txt', size: PNG.length });
    const html = await upload(reporter, 'x.html', Buffer.from('<script>alert(1)</script>'));
    expect(html.json().mediaType).toBe('text/plain');
    const before = storedFiles().length;
    const elf = await upload(reporter, 'innocent.png', ELF);
    expect(elf.statusCode).toBe(415);
    expect(elf.json().error.details[0].field).toBe('/file');
    expect(storedFiles().length).toBe(before);
  });

  it('refuses an oversized file with 413 and keeps none of it', async () => {
    // The limits the form checks before uploading are the configured ones.
    expect((await t.request({ method: 'GET', url: '/api/v1/attachments/limits', token: reporter.token })).json()).toEqual({ maxFiles: 2, maxBytes: 4096 });
    expect((await t.request({ method: 'GET', url: '/api/v1/attachments/limits' })).statusCode).toBe(401);
    const before = storedFiles().length;
    const big = await upload(reporter, 'big.txt', Buffer.alloc(5000, 'a'));
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('payload_too_large');
    expect(storedFiles().length).toBe(before);
    const path1 = path.join(t.context.config.dataDir, 'attachments');
    expect(fs.readdirSync(path1, { recursive: true }).filter((f) => String(f).endsWith('.partial'))).toEqual([]);
  });

  it('attaches uploads with the report, atomically, and serves them only as downloads to its readers', async () => {
    const a = (await upload(reporter, '../../etc/évidence.png', PNG)).json();
    expect(a.filename).toBe('évidence.png');
    const failed = await t.request({ method: 'POST', url: '/api/v1/reports', token: reporter.token, payload: { program: program.slug, title: '', description: 'x', attachments: [a.id] } });
    expect(failed.statusCode).toBe(400);
    const stillPending = await t.context.db.selectFrom('attachments').select('report_id').where('id', '=', a.id).executeTakeFirstOrThrow();
    expect(stillPending.report_id).toBeNull();
    const report = await t.request({ method: 'POST', url: '/api/v1/reports', token: reporter.token, payload: { program: program.slug, title: 'With proof', description: 'x', attachments: [a.id] } });
    expect(report.statusCode, report.body).toBe(201);
    expect(report.json().attachments).toEqual([expect.objectContaining({ id: a.id, mediaType: 'image/png' })]);

    const download = await t.request({ method: 'GET', url: `/api/v1/attachments/${a.id}`, token: triager.token });
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(PNG)).toBe(true);
    expect(download.headers['content-type']).toBe('application/octet-stream');
    expect(download.headers['content-disposition']).toBe(`attachment; filename="_vidence.png"; filename*=UTF-8''%C3%A9vidence.png`);
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(download.headers['content-security-policy']).toContain('sandbox');
    expect((await t.request({ method: 'GET', url: `/api/v1/attachments/${a.id}`, token: other.token })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: `/api/v1/attachments/${a.id}` })).statusCode).toBe(401);
  });

  it("refuses someone else's upload, a reused one and too many", async () => {
    const mine = (await upload(reporter, 'a.txt', Buffer.from('hello'))).json();
    const theirs = await t.request({ method: 'POST', url: '/api/v1/reports', token: other.token, payload: { program: program.slug, title: 't', description: 'd', attachments: [mine.id] } });
    expect(theirs.json().error.details[0].field).toBe('/attachments/0');
    expect((await t.request({ method: 'GET', url: `/api/v1/attachments/${mine.id}`, token: other.token })).statusCode).toBe(404);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await upload(reporter, `${i}.txt`, Buffer.from(`file ${i}`))).json().id);
    const tooMany = await t.request({ method: 'POST', url: '/api/v1/reports', token: reporter.token, payload: { program: program.slug, title: 't', description: 'd', attachments: ids } });
    expect(tooMany.json().error.details[0].field).toBe('/attachments');
  });

  it('holds each reporter to a storage allowance', async () => {
    const t2 = await buildTestApp(engine, { ATTACHMENT_MAX_BYTES: '4096', ATTACHMENT_QUOTA_BYTES: '6000' });
    try {
      const someone = await buildUser(t2.context);
      const up = (n: number) => t2.request({ method: 'POST', url: '/api/v1/attachments', token: someone.token, ...multipart(`${n}.txt`, Buffer.alloc(2500, 'a')) });
      expect((await up(1)).statusCode).toBe(201);
      expect((await up(2)).statusCode).toBe(201);
      const third = await up(3);
      expect(third.statusCode).toBe(413);
      expect(third.json().error.message).toContain('storage allowance');
    } finally {
      await t2.close();
    }
  });

  it('lets the uploader withdraw a pending upload, not an attached one', async () => {
    const pending = (await upload(reporter, 'oops.txt', Buffer.from('wrong file'))).json();
    expect((await t.request({ method: 'DELETE', url: `/api/v1/attachments/${pending.id}`, token: other.token })).statusCode).toBe(404);
    expect((await t.request({ method: 'DELETE', url: `/api/v1/attachments/${pending.id}`, token: reporter.token })).statusCode).toBe(204);
    expect((await t.request({ method: 'GET', url: `/api/v1/attachments/${pending.id}`, token: reporter.token })).statusCode).toBe(404);
    const kept = (await upload(reporter, 'proof.txt', Buffer.from('proof'))).json();
    await t.request({ method: 'POST', url: '/api/v1/reports', token: reporter.token, payload: { program: program.slug, title: 'With a file', description: 'x', attachments: [kept.id] } });
    expect((await t.request({ method: 'DELETE', url: `/api/v1/attachments/${kept.id}`, token: reporter.token })).statusCode).toBe(409);
  });

  it('refuses a request that is not multipart', async () => {
    const res = await t.request({ method: 'POST', url: '/api/v1/attachments', token: reporter.token, payload: { file: 'x' } });
    expect(res.statusCode).toBe(415);
  });
});

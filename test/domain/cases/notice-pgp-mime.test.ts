import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASE_NOTICE_JOB, caseNoticeJob } from '../../../src/domain/cases/case-notices.js';
import { buildMessage, encryptedBody, textEntity } from '../../../src/domain/mail/pgp-mime.js';
import { startMailIntake, type MailIntakeServer } from '../../../src/mail-intake/server.js';
import { buildTestApp, type TestApp } from '../../helpers/app.js';
import { DIALECTS } from '../../helpers/databases.js';
import { GpgHome } from '../../helpers/gpg.js';
import { buildStaff, buildVendor, createCaseViaApi, VULNERABILITY, type Staff } from '../../server/cases.support.js';

/** A real SMTP server on a loopback port keeping each message's raw bytes as received. */
async function startSmtp() {
  const received: { raw: Buffer; mail: ParsedMail; to: string[] }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (mail) => {
            received.push({ raw, mail, to: session.envelope.rcptTo.map((r) => r.address) });
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { received, url: `smtp://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** gpg's machine-readable status lines (`--status-fd`), by keyword. */
function status(stderr: string): Map<string, string[]> {
  const lines = new Map<string, string[]>();
  for (const line of stderr.split('\n')) {
    const match = /^\[GNUPG:\] (\S+) ?(.*)$/.exec(line);
    if (match) lines.set(match[1]!, match[2]!.split(' '));
  }
  return lines;
}

/** The first body part of a multipart message, byte for byte as it came off the wire (between its delimiters). */
function firstPart(raw: Buffer, boundary: string): Buffer {
  const text = raw.toString('latin1');
  const open = text.indexOf(`--${boundary}\r\n`);
  const start = open + boundary.length + 4;
  const end = text.indexOf(`\r\n--${boundary}`, start);
  expect(open).toBeGreaterThanOrEqual(0);
  expect(end).toBeGreaterThan(start);
  return Buffer.from(text.slice(start, end), 'latin1');
}

const contentTypeOf = (mail: ParsedMail) => mail.headers.get('content-type') as { value: string; params: Record<string, string> };

describe('the text entity that is signed or encrypted', () => {
  it('is 7-bit quoted-printable in canonical CRLF form, with "From " lines escaped and the protected subject inside', async () => {
    const entity = textEntity('Grüße,\nFrom here on, trailing space \n.dot line\r\nend', 'Security vulnerability report [case 0A1B2C3D]').toString('latin1');
    expect(entity).toMatch(/^Content-Type: text\/plain; charset=utf-8; protected-headers="v1"\r\nContent-Transfer-Encoding: quoted-printable\r\nSubject: Security vulnerability report \[case 0A1B2C3D\]\r\n\r\n/);
    expect(entity).not.toMatch(/[^\x00-\x7f]/);
    expect(entity.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(entity).toContain('\r\n=46rom here on, trailing space=20\r\n');
    expect(entity.endsWith('end\r\n')).toBe(true);
    const parsed = await simpleParser(Buffer.from(entity, 'latin1'));
    expect(parsed.subject).toBe('Security vulnerability report [case 0A1B2C3D]');
    expect(parsed.text).toBe('Grüße,\nFrom here on, trailing space \n.dot line\nend\n');
    expect(() => textEntity('x', 'Grüße')).toThrow();
  });
});

describe.each(DIALECTS)('case notices as PGP/MIME on %s', (engine) => {
  let t: TestApp;
  let staff: Staff;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let vendorHome: GpgHome;
  let reader: GpgHome;
  let vendorFingerprint: string;
  let intake: MailIntakeServer;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await buildTestApp(engine, { SMTP_URL: smtp.url, MAIL_FROM: 'Example Security <security@cvdesk.example>' });
    staff = await buildStaff(t.context);
    vendorHome = new GpgHome();
    vendorFingerprint = vendorHome.generateKey('Vendor PSIRT <psirt@mime-vendor.example>', '');
    // The vendor's side: a separate GNUPGHOME holding only the vendor's secret key (and, later, the published signing keys).
    reader = new GpgHome();
    reader.ok(['--import'], vendorHome.exportSecretKey(vendorFingerprint, ''));
    intake = await startMailIntake(t.context, { port: 0, host: '127.0.0.1' });
  }, 120_000);
  afterAll(async () => {
    await intake?.stop();
    await t?.close();
    await smtp?.close();
    vendorHome?.destroy();
    reader?.destroy();
  });

  const sendNotice = async (vendorId: string, message?: string) => {
    const caseId = await createCaseViaApi(t, staff.triager.token, [vendorId]);
    const participant = (await t.request({ method: 'GET', url: `/api/v1/cases/${caseId}`, token: staff.triager.token })).json().participants[0];
    const res = await t.request({ method: 'POST', url: `/api/v1/cases/${caseId}/participants/${participant.id}/notices`, token: staff.triager.token, payload: message ? { message } : {} });
    expect(res.statusCode, res.body).toBe(201);
    for (const job of (await t.context.jobs.list({ name: CASE_NOTICE_JOB })).filter((j) => j.state === 'queued')) await caseNoticeJob(t.context)(job.payload as { noticeId: string });
    return { caseId, participant };
  };
  const receivedBy = (address: string) => smtp.received.filter((r) => r.to.includes(address)).at(-1)!;
  const rotate = (token: string, payload: Record<string, unknown> = {}) => t.request({ method: 'POST', url: '/api/v1/notice-signing-keys', token, payload });
  const publishedKeys = async () => {
    const res = await t.request({ method: 'GET', url: '/notice-signing-key.txt' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    return res.body;
  };

  it('without a notice-signing key: encrypted notices are PGP/MIME, unsigned; the others plain text; nothing is published', async () => {
    expect((await t.request({ method: 'GET', url: '/notice-signing-key.txt' })).statusCode).toBe(404);
    const keyed = await buildVendor(t.context, { email: 'unsigned@mime-vendor.example', publicKey: vendorHome.ok(['--armor', '--export', vendorFingerprint]) });
    await sendNotice(keyed.id);
    const encrypted = receivedBy('unsigned@mime-vendor.example');
    expect(contentTypeOf(encrypted.mail)).toMatchObject({ value: 'multipart/encrypted', params: { protocol: 'application/pgp-encrypted' } });
    const armoured = encrypted.mail.attachments.find((a) => a.contentType === 'application/octet-stream')!.content.toString('utf8');
    const out = path.join(reader.dir, 'unsigned.eml');
    const run = reader.run(['--status-fd', '2', '--output', out, '--decrypt'], armoured);
    expect(run.status, run.stderr).toBe(0);
    expect(status(run.stderr).has('DECRYPTION_OKAY')).toBe(true);
    expect(status(run.stderr).has('GOODSIG')).toBe(false);
    expect((await simpleParser(fs.readFileSync(out))).text).toContain(VULNERABILITY.title);

    const keyless = await buildVendor(t.context, { email: 'plain@keyless-vendor.example' });
    await sendNotice(keyless.id);
    const plain = receivedBy('plain@keyless-vendor.example');
    expect(contentTypeOf(plain.mail).value).toBe('text/plain');
    expect(plain.mail.text).toContain(VULNERABILITY.title);
    expect(plain.mail.text).not.toContain('signed with OpenPGP');
  });

  it('lets leads alone make and rotate the notice-signing key, published next to (not inside) /pgp-key.txt', async () => {
    expect((await rotate(staff.triager.token)).statusCode).toBe(403);
    expect((await rotate(staff.lead.token, { revokePrevious: 'nothing to revoke yet' })).statusCode).toBe(400);
    expect((await rotate(staff.lead.token, { extra: true })).statusCode).toBe(400);
    const made = await rotate(staff.lead.token);
    expect(made.statusCode, made.body).toBe(201);
    const key = made.json().key;
    expect(key).toMatchObject({ status: 'current', fingerprint: expect.stringMatching(/^[0-9A-F]{40}$/), retiredAt: null, revokedAt: null });
    expect(key.uid).toMatch(/ case notices <security@cvdesk\.example>$/);
    // Public data only: no private key anywhere in the answer, and the stored one is sealed.
    expect(made.body).not.toContain('PRIVATE KEY');
    const row = await t.context.db.selectFrom('notice_signing_keys').selectAll().where('id', '=', key.id).executeTakeFirstOrThrow();
    expect(row.private_key).not.toContain('PGP');
    expect(t.context.secrets.open(row.private_key)).toContain('-----BEGIN PGP PRIVATE KEY BLOCK-----');
    // What GnuPG makes of the published key: ed25519, signing only, no encryption subkey.
    const home = new GpgHome();
    try {
      home.ok(['--import'], await publishedKeys());
      expect(home.listKeys()).toEqual([expect.objectContaining({ fingerprint: key.fingerprint, algorithm: 'ed25519', subkeys: [] })]);
    } finally {
      home.destroy();
    }
    expect((await t.request({ method: 'GET', url: '/pgp-key.txt' })).statusCode).toBe(404);
    const listed = await t.request({ method: 'GET', url: '/api/v1/notice-signing-keys', token: staff.auditor.token });
    expect(listed.json().items).toEqual([key]);
    const audit = await t.context.db.selectFrom('audit_events').select(['action', 'data']).where('action', '=', 'notice_signing_key.rotated').execute();
    expect(audit).toHaveLength(1);
  });

  it('signs, then encrypts, the whole MIME entity to a keyed vendor: gpg decrypts it and verifies the signature with the published key', async () => {
    const vendor = await buildVendor(t.context, { email: 'psirt@mime-vendor.example', publicKey: vendorHome.ok(['--armor', '--export', vendorFingerprint]) });
    const { caseId } = await sendNotice(vendor.id, 'Please look at this soon.');
    const got = receivedBy('psirt@mime-vendor.example');
    const ref = caseId.slice(-8).toUpperCase();
    // The headers say no more than the case reference; the Reply-To keeps replies routed.
    expect(got.mail.subject).toBe(`Security notice [case ${ref}]`);
    expect(got.mail.replyTo!.value[0]!.address).toMatch(/^case\+[a-z0-9]+@cvdesk\.example$/);
    expect(got.mail.headers.get('x-cvdesk-case')).toBe(ref);
    const type = contentTypeOf(got.mail);
    expect(type).toMatchObject({ value: 'multipart/encrypted', params: { protocol: 'application/pgp-encrypted' } });
    const raw = got.raw.toString('latin1');
    expect(raw).not.toContain(VULNERABILITY.title);
    expect(raw).not.toContain('cvp_');
    expect(raw).not.toContain('vulnerability');
    // RFC 3156 section 4: exactly the version part, then the octet-stream part.
    expect(got.mail.attachments.map((a) => a.contentType)).toEqual(['application/pgp-encrypted', 'application/octet-stream']);
    expect(got.mail.attachments[0]!.content.toString('latin1').trim()).toBe('Version: 1');
    const armoured = got.mail.attachments[1]!.content.toString('utf8');

    reader.ok(['--import'], await publishedKeys());
    const signing = (await t.request({ method: 'GET', url: '/api/v1/notice-signing-keys', token: staff.auditor.token })).json().items[0];
    const out = path.join(reader.dir, `notice-${engine}.eml`);
    const run = reader.run(['--status-fd', '2', '--output', out, '--decrypt'], armoured);
    expect(run.status, run.stderr).toBe(0);
    const seen = status(run.stderr);
    expect(seen.has('DECRYPTION_OKAY')).toBe(true);
    expect(seen.get('GOODSIG')?.[0]).toBe(signing.fingerprint.slice(-16));
    expect(seen.get('VALIDSIG')?.[0]).toBe(signing.fingerprint);
    expect(seen.get('VALIDSIG')?.[7]).toBe('10'); // SHA-512
    // The decrypted content is a MIME entity carrying the real subject as a protected header.
    const inner = await simpleParser(fs.readFileSync(out));
    expect(inner.subject).toBe(`Security vulnerability report [case ${ref}]`);
    expect(inner.text).toContain(VULNERABILITY.title);
    expect(inner.text).toContain('Please look at this soon.');
    expect(inner.text).toContain('http://localhost:8080/notice-signing-key.txt');
    expect(inner.text).toMatch(/\/portal\/cvp_[A-Za-z0-9_-]+/);
    const log = await t.context.db.selectFrom('case_log').select(['kind', 'summary']).where('case_id', '=', caseId).where('kind', '=', 'notice_queued').executeTakeFirstOrThrow();
    expect(log.summary).toContain(`signed with ${signing.fingerprint.slice(-16)}`);
  });

  it('sends multipart/signed to a vendor without a key: gpg --verify checks the detached signature over the canonical first part', async () => {
    const vendor = await buildVendor(t.context, { email: 'security@signed-vendor.example' });
    const { caseId } = await sendNotice(vendor.id);
    const got = receivedBy('security@signed-vendor.example');
    const type = contentTypeOf(got.mail);
    expect(type).toMatchObject({ value: 'multipart/signed', params: { protocol: 'application/pgp-signature', micalg: 'pgp-sha512' } });
    expect(got.mail.subject).toBe(`Security vulnerability report [case ${caseId.slice(-8).toUpperCase()}]`);
    expect(got.mail.text).toContain(VULNERABILITY.title);
    const part = firstPart(got.raw, type.params.boundary!);
    expect(part.toString('latin1')).toMatch(/^Content-Type: text\/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n/);
    expect(part.toString('latin1').replace(/\r\n/g, '')).not.toMatch(/\n/); // canonical: CRLF only
    const signature = got.mail.attachments.find((a) => a.contentType === 'application/pgp-signature')!.content.toString('utf8');
    expect(signature).toContain('-----BEGIN PGP SIGNATURE-----');

    const verifier = new GpgHome();
    try {
      verifier.ok(['--import'], await publishedKeys());
      const signing = (await t.request({ method: 'GET', url: '/api/v1/notice-signing-keys', token: staff.auditor.token })).json().items[0];
      fs.writeFileSync(path.join(verifier.dir, 'part'), part);
      fs.writeFileSync(path.join(verifier.dir, 'part.asc'), signature);
      const run = verifier.run(['--status-fd', '2', '--verify', path.join(verifier.dir, 'part.asc'), path.join(verifier.dir, 'part')]);
      expect(run.status, run.stderr).toBe(0);
      expect(status(run.stderr).get('VALIDSIG')?.[0]).toBe(signing.fingerprint);
      expect(status(run.stderr).get('VALIDSIG')?.[7]).toBe('10'); // SHA-512, as micalg says
      // One changed byte and the signature no longer holds.
      fs.writeFileSync(path.join(verifier.dir, 'part'), Buffer.from(part.toString('latin1').replace('SQL injection', 'SQL Injection'), 'latin1'));
      const tampered = verifier.run(['--status-fd', '2', '--verify', path.join(verifier.dir, 'part.asc'), path.join(verifier.dir, 'part')]);
      expect(tampered.status).not.toBe(0);
      expect(status(tampered.stderr).has('BADSIG')).toBe(true);
    } finally {
      verifier.destroy();
    }
    const sent = await t.context.db.selectFrom('case_log').select('summary').where('case_id', '=', caseId).where('kind', '=', 'notice_sent').executeTakeFirstOrThrow();
    expect(sent.summary).toMatch(/signed with [0-9A-F]{16}/);
  });

  it('after a rotation that revokes the old key, notices are signed with the new one and the old one is published revoked', async () => {
    const before = (await t.request({ method: 'GET', url: '/api/v1/notice-signing-keys', token: staff.auditor.token })).json().items[0];
    const res = await rotate(staff.lead.token, { revokePrevious: 'left on a backup disk' });
    expect(res.statusCode, res.body).toBe(201);
    const after = res.json().key;
    const items = (await t.request({ method: 'GET', url: '/api/v1/notice-signing-keys', token: staff.auditor.token })).json().items;
    expect(items.map((k: { fingerprint: string; status: string }) => [k.fingerprint, k.status])).toEqual([
      [after.fingerprint, 'current'],
      [before.fingerprint, 'revoked'],
    ]);
    expect(items[1].revocationReason).toBe('left on a backup disk');
    const home = new GpgHome();
    try {
      home.ok(['--import'], await publishedKeys());
      const keys = home.listKeys();
      expect(keys.find((k) => k.fingerprint === before.fingerprint)?.validity).toBe('r');
      expect(keys.find((k) => k.fingerprint === after.fingerprint)?.validity).not.toBe('r');
      const vendor = await buildVendor(t.context, { email: 'security@rotated-vendor.example' });
      await sendNotice(vendor.id);
      const got = receivedBy('security@rotated-vendor.example');
      const part = firstPart(got.raw, contentTypeOf(got.mail).params.boundary!);
      fs.writeFileSync(path.join(home.dir, 'part'), part);
      fs.writeFileSync(path.join(home.dir, 'part.asc'), got.mail.attachments.find((a) => a.contentType === 'application/pgp-signature')!.content);
      const run = home.run(['--status-fd', '2', '--verify', path.join(home.dir, 'part.asc'), path.join(home.dir, 'part')]);
      expect(run.status, run.stderr).toBe(0);
      expect(status(run.stderr).get('VALIDSIG')?.[0]).toBe(after.fingerprint);
    } finally {
      home.destroy();
    }
  });

  it('keeps a PGP/MIME encrypted reply armoured and whole in the contact log, for staff to decrypt', async () => {
    const vendor = await buildVendor(t.context, { email: 'reply@mime-vendor.example' });
    const { caseId } = await sendNotice(vendor.id);
    const replyTo = receivedBy('reply@mime-vendor.example').mail.replyTo!.value[0]!.address!;
    const armoured = vendorHome.encryptTo(vendorFingerprint, 'Content-Type: text/plain\r\n\r\nConfirmed; a fix ships in 2.4.1.\r\n');
    const raw = await buildMessage({ from: 'reply@mime-vendor.example', to: replyTo, subject: `Re: Security notice [case ${caseId.slice(-8).toUpperCase()}]`, messageId: `<mime-reply-${engine}@mime-vendor.example>`, date: new Date() }, encryptedBody(armoured));
    const client = nodemailer.createTransport({ host: '127.0.0.1', port: intake.port, secure: false, ignoreTLS: true });
    try {
      await client.sendMail({ envelope: { from: 'reply@mime-vendor.example', to: replyTo }, raw });
    } finally {
      client.close();
    }
    const reply = await t.context.db.selectFrom('case_log').selectAll().where('case_id', '=', caseId).where('kind', '=', 'reply_received').executeTakeFirstOrThrow();
    expect(reply.summary).toContain('(encrypted)');
    const stored = /-----BEGIN PGP MESSAGE-----[\s\S]+?-----END PGP MESSAGE-----/.exec(reply.body ?? '')![0];
    expect(reader.ok(['--decrypt'], stored)).toContain('Confirmed; a fix ships in 2.4.1.');
  });
});

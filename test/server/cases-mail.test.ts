import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer, { type Transporter } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASE_NOTICE_JOB, caseNoticeJob } from '../../src/domain/cases/case-notices.js';
import { startMailIntake, type MailIntakeServer } from '../../src/mail-intake/server.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { DIALECTS } from '../helpers/databases.js';
import { GpgHome } from '../helpers/gpg.js';
import { buildStaff, buildVendor, createCaseViaApi, VULNERABILITY, type Staff } from './cases.support.js';

interface Received {
  mail: ParsedMail;
  raw: string;
  to: string[];
}

/** A real SMTP server on a loopback port keeping what it receives. */
async function startSmtp() {
  const received: Received[] = [];
  let rejectNext = false;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (rejectNext) {
        rejectNext = false;
        return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (mail) => {
            received.push({ mail, raw: raw.toString('utf8'), to: session.envelope.rcptTo.map((r) => r.address) });
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { received, url: `smtp://127.0.0.1:${port}`, rejectOnce: () => (rejectNext = true), close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe.each(DIALECTS)('case notices by mail on %s', (engine) => {
  let t: TestApp;
  let staff: Staff;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let gpg: GpgHome;
  let vendorKey: string;
  let intake: MailIntakeServer;
  let client: Transporter;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await buildTestApp(engine, { SMTP_URL: smtp.url, MAIL_FROM: 'cvdesk security <security@cvdesk.example>' });
    staff = await buildStaff(t.context);
    gpg = new GpgHome();
    const fingerprint = gpg.generateKey('Vendor PSIRT <psirt@vendor.example>', '');
    vendorKey = gpg.ok(['--armor', '--export', fingerprint]);
    intake = await startMailIntake(t.context, { port: 0, host: '127.0.0.1' });
    client = nodemailer.createTransport({ host: '127.0.0.1', port: intake.port, secure: false, ignoreTLS: true });
  }, 120_000);
  afterAll(async () => {
    client?.close();
    await intake?.stop();
    await t?.close();
    await smtp?.close();
    gpg?.destroy();
  });

  const runNoticeJobs = async () => {
    const jobs = await t.context.jobs.list({ name: CASE_NOTICE_JOB });
    const handler = caseNoticeJob(t.context);
    for (const job of jobs.filter((j) => j.state === 'queued')) await handler(job.payload as { noticeId: string });
  };

  it('encrypts a notice to the vendor key, with a per-case reply address and a working portal link', async () => {
    const vendor = await buildVendor(t.context, { name: 'Keyed Vendor', email: 'psirt@vendor.example', publicKey: vendorKey });
    const caseId = await createCaseViaApi(t, staff.triager.token, [vendor.id]);
    const participant = (await t.request({ method: 'GET', url: `/api/v1/cases/${caseId}`, token: staff.triager.token })).json().participants[0];
    expect(participant.encryptedTo).toMatch(/^[0-9A-F]{40}$/);
    const res = await t.request({ method: 'POST', url: `/api/v1/cases/${caseId}/participants/${participant.id}/notices`, token: staff.triager.token, payload: { message: 'Please look at this soon.' } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ status: 'queued', encrypted: true });
    await runNoticeJobs();
    const got = smtp.received.find((r) => r.to.includes('psirt@vendor.example'))!;
    expect(got).toBeDefined();
    const replyTo = got.mail.replyTo!.value[0]!.address!;
    expect(replyTo).toMatch(/^case\+[a-z0-9]+@cvdesk\.example$/);
    // PGP/MIME (RFC 3156): the headers say no more than the case reference.
    expect(got.mail.subject).toMatch(/^Security notice \[case [0-9A-F]{8}\]$/);
    // Nothing of the case in the clear: not the title, not the product, not the portal link.
    expect(got.raw).toContain('-----BEGIN PGP MESSAGE-----');
    expect(got.raw).not.toContain(VULNERABILITY.title);
    expect(got.raw).not.toContain('cvp_');
    const armoured = got.mail.attachments.find((a) => a.contentType === 'application/octet-stream')!.content.toString('utf8');
    const plain = (await simpleParser(gpg.ok(['--decrypt'], armoured))).text!;
    expect(plain).toContain(VULNERABILITY.title);
    expect(plain).toContain('Please look at this soon.');
    expect(plain).toContain('CWE-89');
    expect(plain).toContain(replyTo);
    const token = /\/portal\/(cvp_[A-Za-z0-9_-]+)/.exec(plain)![1]!;
    const portal = await t.request({ method: 'GET', url: '/api/v1/portal', headers: { 'x-portal-token': token } });
    expect(portal.statusCode).toBe(200);
    expect(portal.json().vulnerabilities[0].title).toBe(VULNERABILITY.title);
    const notices = (await t.request({ method: 'GET', url: `/api/v1/cases/${caseId}/notices`, token: staff.auditor.token })).json().items;
    expect(notices).toEqual([expect.objectContaining({ status: 'sent', encryptedTo: participant.encryptedTo, recipient: 'psirt@vendor.example', replyTo })]);
    const log = (await t.request({ method: 'GET', url: `/api/v1/cases/${caseId}/log`, token: staff.triager.token })).json().items.map((e: { kind: string }) => e.kind);
    expect(log).toEqual(expect.arrayContaining(['notice_queued', 'notice_sent']));
    // A re-run of the job does not mail twice.
    await caseNoticeJob(t.context)({ noticeId: res.json().id });
    expect(smtp.received.filter((r) => r.to.includes('psirt@vendor.example')).length).toBe(1);

    // The vendor replies to the reply address: the reply lands in the case's contact log, once.
    const hostile = 'Thanks, we are on it.\n<script>alert(1)</script>';
    const message = { from: 'psirt@vendor.example', to: replyTo, subject: 'Re: report', text: hostile, html: '<b>Thanks</b><img src=x onerror=alert(1)>', messageId: `<reply-${engine}@vendor.example>` };
    await client.sendMail(message);
    await client.sendMail(message);
    const replies = (await t.request({ method: 'GET', url: `/api/v1/cases/${caseId}/log`, token: staff.triager.token })).json().items.filter((e: { kind: string }) => e.kind === 'reply_received');
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ participantId: participant.id, channel: 'mail', direction: 'in', body: hostile });
    expect(replies[0].summary).toContain('psirt@vendor.example');
    // No incident or report was made of it.
    expect((await t.context.db.selectFrom('mail_intake_links').select('id').execute()).length).toBe(0);
  });

  it('sends in the clear only when the vendor has no key, and says so in the log', async () => {
    const vendor = await buildVendor(t.context, { name: 'Keyless Vendor', email: 'security@keyless.example' });
    const caseId = await createCaseViaApi(t, staff.triager.token, [vendor.id]);
    const participant = (await t.request({ method: 'GET', url: `/api/v1/cases/${caseId}`, token: staff.triager.token })).json().participants[0];
    const res = await t.request({ method: 'POST', url: `/api/v1/cases/${caseId}/participants/${participant.id}/notices`, token: staff.triager.token, payload: {} });
    expect(res.json()).toMatchObject({ encrypted: false });
    await runNoticeJobs();
    const got = smtp.received.find((r) => r.to.includes('security@keyless.example'))!;
    expect(got.mail.text).toContain(VULNERABILITY.title);
    expect(got.mail.headers.get('x-cvdesk-case')).toBe(caseId.slice(-8).toUpperCase());
    const log = (await t.request({ method: 'GET', url: `/api/v1/cases/${caseId}/log`, token: staff.triager.token })).json().items;
    expect(log.find((e: { kind: string }) => e.kind === 'notice_queued').summary).toContain('not encrypted');
  });

  it('records a refused delivery on the notice and in the log, and lets the queue retry', async () => {
    const vendor = await buildVendor(t.context, { name: 'Bouncing Vendor', email: 'nobody@bounce.example' });
    const caseId = await createCaseViaApi(t, staff.triager.token, [vendor.id]);
    const participant = (await t.request({ method: 'GET', url: `/api/v1/cases/${caseId}`, token: staff.triager.token })).json().participants[0];
    const { id } = (await t.request({ method: 'POST', url: `/api/v1/cases/${caseId}/participants/${participant.id}/notices`, token: staff.triager.token, payload: {} })).json();
    smtp.rejectOnce();
    await expect(caseNoticeJob(t.context)({ noticeId: id })).rejects.toThrow();
    let notice = await t.context.db.selectFrom('case_notices').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(notice.status).toBe('failed');
    expect(notice.error).toMatch(/550|unavailable/i);
    await caseNoticeJob(t.context)({ noticeId: id });
    notice = await t.context.db.selectFrom('case_notices').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(notice.status).toBe('sent');
    const kinds = (await t.context.db.selectFrom('case_log').select('kind').where('case_id', '=', caseId).execute()).map((r) => r.kind);
    expect(kinds).toEqual(expect.arrayContaining(['notice_failed', 'notice_sent']));
  });

  it('refuses mail to an unknown case address, and a notice to a vendor without a mail contact', async () => {
    const error = await client.sendMail({ from: 'x@vendor.example', to: 'case+doesnotexist99@cvdesk.example', subject: 'hi', text: 'hello' }).then(
      () => undefined,
      (e: { responseCode?: number }) => e,
    );
    expect(error?.responseCode).toBe(550);
    const coordinator = await buildVendor(t.context, { name: 'Form-only CERT', kind: 'coordinator' });
    await t.context.db.deleteFrom('vendor_contacts').where('vendor_id', '=', coordinator.id).execute();
    const caseId = await createCaseViaApi(t, staff.triager.token, [coordinator.id]);
    const participant = (await t.request({ method: 'GET', url: `/api/v1/cases/${caseId}`, token: staff.triager.token })).json().participants[0];
    const res = await t.request({ method: 'POST', url: `/api/v1/cases/${caseId}/participants/${participant.id}/notices`, token: staff.triager.token, payload: {} });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toContain('no mail contact');
    expect((await t.context.db.selectFrom('case_notices').select('id').where('case_id', '=', caseId).execute()).length).toBe(0);
  });
});

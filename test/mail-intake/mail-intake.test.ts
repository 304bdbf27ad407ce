import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDueAlarms } from '../../src/domain/incidents/incident-alarms.js';
import { applyRetention } from '../../src/domain/incidents/incident-retention.js';
import type { ProgramRow } from '../../src/domain/programs/program.js';
import { applyStalePolicy } from '../../src/domain/reports/report-housekeeping.js';
import { startMailIntake, type MailIntakeServer } from '../../src/mail-intake/server.js';
import { MAIL_INTAKE_ACCOUNT } from '../../src/mail-intake/intake.js';
import { startServer } from '../../src/server/main.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { DIALECTS, createTestEnvironment } from '../helpers/databases.js';
import { buildUser, type BuiltUser } from '../helpers/factories.js';
import { GpgHome } from '../helpers/gpg.js';
import { buildProgram } from '../helpers/programs.js';
import { addOrganisationKey, currentPublicKey, decryptWithStoredKey, encryptTo, storedMessages } from '../server/incidents.support.js';
import { pgpMimeMail } from '../helpers/pgp-mime.js';

const SENDER = 'finder@example.net';
const MINUTE = 60_000;
const DAY = 86_400_000;

function transportFor(server: MailIntakeServer): Transporter {
  return nodemailer.createTransport({ host: '127.0.0.1', port: server.port, secure: false, ignoreTLS: true, tls: { rejectUnauthorized: false } });
}

/** A PGP/MIME (RFC 3156) message around an armoured OpenPGP message. */
function pgpMime(armoured: string, subject: string, messageId: string): string {
  return pgpMimeMail({ from: `Finder <${SENDER}>`, to: 'security@example.org', subject, messageId: `<${messageId}>` }, armoured);
}

describe.each(DIALECTS)('the SMTP mail intake on %s', (engine) => {
  let t: TestApp;
  let intake: MailIntakeServer;
  let transport: Transporter;
  let gpg: GpgHome;
  let lead: BuiltUser;
  let triager: BuiltUser;
  let program: ProgramRow;
  let orgKey: string;
  let privateKey: string;
  let hookServer: http.Server;
  let hooks: { body: string; event: string }[] = [];
  // Real time (GnuPG dates its keys now), moved on by the tests that wait for repeated alarms.
  let skew = 0;
  const clock = { now: () => new Date(Date.now() + skew) };

  const send = (raw: string, from = SENDER) => transport.sendMail({ envelope: { from, to: ['security@example.org'] }, raw });
  const refusal = async (raw: string) => {
    const error = (await send(raw).then(
      () => undefined,
      (e: unknown) => e,
    )) as { responseCode?: number; response?: string } | undefined;
    expect(error, 'the message should have been refused').toBeDefined();
    return { code: error!.responseCode, response: error!.response ?? '' };
  };
  const incidentCount = async () => Number((await t.context.db.selectFrom('incidents').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const latestIncident = () => t.context.db.selectFrom('incidents').selectAll().orderBy('received_at', 'desc').orderBy('id', 'desc').executeTakeFirstOrThrow();
  const mailTo = async (recipient: string) =>
    (await t.context.db.selectFrom('mail_outbox').selectAll().where('recipient', '=', recipient).orderBy('created_at').execute()).map((m) => ({ subject: m.subject, text: t.context.secrets.open(m.body) }));

  beforeAll(async () => {
    hookServer = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        hooks.push({ body: Buffer.concat(chunks).toString('utf8'), event: String(req.headers['x-cvdesk-event']) });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => hookServer.listen(0, '127.0.0.1', resolve));
    t = await buildTestApp(engine, { WEBHOOK_ALLOW_PRIVATE: 'true' }, clock);
    lead = await buildUser(t.context, { roles: ['lead'] });
    triager = await buildUser(t.context, { roles: ['triager'] });
    program = await buildProgram(t.context);
    await addOrganisationKey(t.context);
    orgKey = await currentPublicKey(t.context);
    privateKey = (await t.context.db.selectFrom('openpgp_keys').select('private_key').executeTakeFirstOrThrow()).private_key;
    gpg = new GpgHome();
    expect(gpg.importKey(orgKey).status).toBe(0);
    intake = await startMailIntake(t.context, { port: 0, host: '127.0.0.1' });
    transport = transportFor(intake);
    const hook = await t.request({
      method: 'POST',
      url: '/api/v1/webhooks',
      token: lead.token,
      payload: { name: 'On call', url: `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/oncall`, events: ['incident.received'] },
    });
    expect(hook.statusCode, hook.body).toBe(201);
  });
  afterAll(async () => {
    transport?.close();
    await intake?.stop();
    gpg?.destroy();
    await t?.close();
    await new Promise((resolve) => hookServer?.close(resolve));
  });

  it('turns PGP/MIME mail encrypted by GnuPG into a sealed incident, stored as checked, and raises the alarm', async () => {
    const inner = [
      'Content-Type: multipart/mixed; boundary="inner"',
      '',
      '--inner',
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Path traversal in the export endpoint (${engine}).`,
      '--inner',
      'Content-Type: text/plain; name="poc.txt"',
      'Content-Disposition: attachment; filename="poc.txt"',
      '',
      'curl https://app.example/export?f=../../etc/passwd',
      '--inner--',
      '',
    ].join('\r\n');
    const armoured = gpg.encryptTo('security@example.org', inner);
    const subject = `Secret subject ${engine} ${Date.now()}`;
    const info = await send(pgpMime(armoured, subject, `pgpmime-${engine}-${Date.now()}@example.net`));
    expect(info.response).toMatch(/^250 .*sealed/);
    const incident = await latestIncident();
    expect(incident).toMatchObject({ source: 'mail', contact_method: 'email', reporter_id: null, state: 'new', alarm_count: 1 });
    expect(t.context.secrets.open(incident.contact_email!)).toBe(SENDER);
    const [message] = await storedMessages(t.context, incident.id);
    // The bytes GnuPG sent, armoured again as checked (no armour headers, 60-character lines).
    const payload = (text: string) => text.replace(/\r\n/g, '\n').split('\n\n').slice(1).join('\n\n').replace(/\n=[A-Za-z0-9+/]{4}\s*\n-----END PGP MESSAGE-----[\s\S]*$/, '').replace(/\s+/g, '');
    expect(payload(message!.body)).toBe(payload(armoured));
    expect(message!.body).toMatch(/^-----BEGIN PGP MESSAGE-----\n\n/);
    const plaintext = await decryptWithStoredKey(privateKey, message!.body);
    expect(plaintext).toContain('Path traversal in the export endpoint');
    expect(plaintext).toContain('filename="poc.txt"');
    // The subject line is not kept, and the alarm carries no content.
    const everything = JSON.stringify(await t.context.db.selectFrom('incidents').selectAll().execute()) + JSON.stringify(await t.context.db.selectFrom('audit_events').select('data').execute());
    expect(everything).not.toContain(subject);
    const alarm = (await t.context.db.selectFrom('mail_outbox').selectAll().where('recipient', '=', lead.row.email).execute()).map((m) => t.context.secrets.open(m.body));
    expect(alarm.some((text) => text.includes(incident.id) && text.includes('by mail'))).toBe(true);
    expect(alarm.join()).not.toContain('Path traversal');

    // A staff reply goes back by mail, as the armoured ciphertext.
    const replyKey = (await openpgp.generateKey({ type: 'ecc', curve: 'ed25519Legacy', userIDs: [{ email: SENDER }], date: new Date(Date.now() - 86_400_000), format: 'armored' })).publicKey;
    const reply = await encryptTo([replyKey, orgKey], 'Thanks, we are on it.');
    const res = await t.request({ method: 'POST', url: `/api/v1/incidents/${incident.id}/replies`, token: triager.token, payload: { message: reply } });
    expect(res.statusCode, res.body).toBe(201);
    const mailed = (await t.context.db.selectFrom('mail_outbox').selectAll().where('recipient', '=', SENDER).execute()).map((m) => ({ subject: m.subject, text: t.context.secrets.open(m.body) }));
    expect(mailed).toHaveLength(1);
    expect(mailed[0]!.subject).toMatch(/^Re: your report to .* \[incident /);
    expect(mailed[0]!.text.trim()).toBe(reply.trim());
  });

  it("encrypts replies to the sender's key from their Autocrypt header; staff give a key the mail did not carry, once", async () => {
    const makeKey = async (email: string) => openpgp.readKey({ armoredKey: (await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ email }], date: new Date(Date.now() - 86_400_000), format: 'armored' })).publicKey });
    const autocrypt = (key: openpgp.Key, addr: string) => {
      const keydata = Buffer.from(key.write()).toString('base64').replace(/.{76}/g, '$&\r\n ');
      return `Autocrypt: addr=${addr}; prefer-encrypt=mutual; keydata=\r\n ${keydata}`;
    };
    const theirs = await makeKey(SENDER);
    const withHeader = (raw: string, header: string) => raw.replace(/^From: .*$/m, (from) => `${from}\r\n${header}`);
    await send(withHeader(pgpMime(gpg.encryptTo('security@example.org', 'keyed'), 'keyed', `keyed-${engine}-${Date.now()}@example.net`), autocrypt(theirs, SENDER)));
    const keyed = await latestIncident();
    const detail = (await t.request({ method: 'GET', url: `/api/v1/incidents/${keyed.id}`, token: triager.token })).json();
    expect(detail.hasReporterKey).toBe(true);
    expect((await openpgp.readKey({ armoredKey: detail.contact.publicKey })).getFingerprint()).toBe(theirs.getFingerprint());
    // A reply the sender could not read (encrypted to the organisation key only) is refused.
    const unreadable = await t.request({ method: 'POST', url: `/api/v1/incidents/${keyed.id}/replies`, token: triager.token, payload: { message: await encryptTo(orgKey, 'only we can read this') } });
    expect(unreadable.statusCode).toBe(422);

    // A header for another address is not the sender's key.
    const stranger = await makeKey('someone-else@example.net');
    await send(withHeader(pgpMime(gpg.encryptTo('security@example.org', 'unkeyed'), 'unkeyed', `unkeyed-${engine}-${Date.now()}@example.net`), autocrypt(stranger, 'someone-else@example.net')));
    const unkeyed = await latestIncident();
    expect((await t.request({ method: 'GET', url: `/api/v1/incidents/${unkeyed.id}`, token: triager.token })).json().hasReporterKey).toBe(false);

    // Staff give the key the reporter sent another way; a reporter-given key cannot be replaced.
    const put = (id: string, publicKey: string, token = triager.token) => t.request({ method: 'PUT', url: `/api/v1/incidents/${id}/reporter-key`, token, payload: { publicKey } });
    const bad = await put(unkeyed.id, 'not a key');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].field).toBe('/publicKey');
    const given = await put(unkeyed.id, theirs.armor());
    expect(given.statusCode, given.body).toBe(200);
    expect(given.json().fingerprint).toBe(theirs.getFingerprint().toUpperCase());
    expect((await t.request({ method: 'GET', url: `/api/v1/incidents/${unkeyed.id}`, token: triager.token })).json().hasReporterKey).toBe(true);
    expect((await put(unkeyed.id, stranger.armor())).statusCode).toBe(409);
    expect((await put(keyed.id, stranger.armor(), lead.token)).statusCode).toBe(409);
    const audit = await t.context.db.selectFrom('audit_events').select('data').where('object_id', '=', unkeyed.id).where('action', '=', 'incident.reporter_key_set').execute();
    expect(audit.map((a) => JSON.parse(a.data))).toEqual([{ fingerprint: theirs.getFingerprint().toUpperCase() }]);
  });

  it('takes inline PGP: armoured blocks in the body and encrypted attachments; text in the clear is dropped', async () => {
    const armoured = gpg.encryptTo('security@example.org', 'Inline report body\n');
    const binary = (await openpgp.encrypt({ message: await openpgp.createMessage({ binary: new Uint8Array(Buffer.from('binary attachment')) }), encryptionKeys: await openpgp.readKey({ armoredKey: orgKey }), format: 'binary' })) as Uint8Array;
    const greeting = `Hello team, greeting-${engine}-${Date.now()}`;
    const info = await transport.sendMail({
      envelope: { from: SENDER, to: ['security@example.org'] },
      from: SENDER,
      to: 'security@example.org',
      subject: 'inline',
      text: `${greeting}\n\n${armoured}\n-- \nsent from my phone`,
      attachments: [
        { filename: 'evidence.pdf.gpg', content: Buffer.from(binary), contentType: 'application/octet-stream' },
        { filename: 'notes.txt', content: 'unencrypted notes', contentType: 'text/plain' },
      ],
    });
    expect(info.response).toMatch(/^250/);
    const incident = await latestIncident();
    const messages = await storedMessages(t.context, incident.id);
    expect(messages).toHaveLength(2);
    const decrypted = await Promise.all(messages.map((m) => decryptWithStoredKey(privateKey, m.body)));
    expect(decrypted).toEqual(expect.arrayContaining(['Inline report body\n', 'binary attachment']));
    const [audit] = await t.context.db.selectFrom('audit_events').select('data').where('object_id', '=', incident.id).where('action', '=', 'incident.mail_received').execute();
    expect(JSON.parse(audit!.data)).toEqual({ pgpMime: false, encryptedParts: 2, plaintextPartsDropped: 2 });
    const stored = JSON.stringify(await storedMessages(t.context, incident.id)) + JSON.stringify(await t.context.db.selectFrom('incidents').selectAll().execute());
    expect(stored).not.toContain(greeting);
    expect(stored).not.toContain('unencrypted notes');
  });

  it('refuses mail encrypted to an unknown key, and plain mail while no programme takes it', async () => {
    const before = await incidentCount();
    const stranger = (await openpgp.generateKey({ type: 'ecc', curve: 'ed25519Legacy', userIDs: [{ email: 'x@example.net' }], format: 'armored' })).publicKey;
    const unknown = await refusal(pgpMime(await encryptTo(stranger, 'for someone else'), 'x', `unknown-${Date.now()}@example.net`));
    expect(unknown.code).toBe(550);
    expect(unknown.response).toMatch(/encrypted to an unknown key/);
    const plain = await refusal(['From: someone@example.net', 'To: security@example.org', 'Subject: hello', '', 'A bug in plain text.', ''].join('\r\n'));
    expect(plain.code).toBe(550);
    expect(plain.response).toMatch(/accepts OpenPGP-encrypted mail only/);
    expect(await incidentCount()).toBe(before);
  });

  it('files plain mail as an open report in the configured programme, keeps attachments, and answers by mail', async () => {
    const set = await t.request({ method: 'PATCH', url: '/api/v1/incidents/settings', token: lead.token, payload: { mailIntakeProgram: program.slug } });
    expect(set.statusCode, set.body).toBe(200);
    const info = await transport.sendMail({
      envelope: { from: 'plain@example.net', to: ['security@example.org'] },
      from: 'Plain Finder <plain@example.net>',
      to: 'security@example.org',
      subject: 'Open redirect on the login page',
      text: 'The next parameter accepts any URL.',
      messageId: `<plain-${engine}-${Date.now()}@example.net>`,
      attachments: [
        { filename: 'steps.txt', content: 'GET /login?next=https://evil.example', contentType: 'text/plain' },
        { filename: 'tool.exe', content: Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xff, 0xff]), contentType: 'application/octet-stream' },
      ],
    });
    expect(info.response).toMatch(/^250/);
    const report = await t.context.db.selectFrom('reports').selectAll().where('title', '=', 'Open redirect on the login page').executeTakeFirstOrThrow();
    expect(report.program_id).toBe(program.id);
    expect(report.description).toContain('Sent by mail from plain@example.net');
    expect(report.description).toContain('The next parameter accepts any URL.');
    expect(report.description).toMatch(/tool\.exe \(not kept/);
    const intakeAccount = await t.context.db.selectFrom('users').selectAll().where('email', '=', MAIL_INTAKE_ACCOUNT).executeTakeFirstOrThrow();
    expect(report.reporter_id).toBe(intakeAccount.id);
    expect(intakeAccount.disabled_at).not.toBeNull();
    expect(intakeAccount.password_hash).toBeNull();
    const attachments = await t.context.db.selectFrom('attachments').selectAll().where('report_id', '=', report.id).execute();
    expect(attachments.map((a) => [a.filename, a.media_type])).toEqual([['steps.txt', 'text/plain']]);
    const download = await t.request({ method: 'GET', url: `/api/v1/attachments/${attachments[0]!.id}`, token: triager.token });
    expect(download.body).toBe('GET /login?next=https://evil.example');
    expect(fs.existsSync(path.join(t.context.config.dataDir, 'attachments'))).toBe(true);

    // Public replies and state changes go to the sender by mail; internal notes do not.
    await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/comments`, token: triager.token, payload: { body: 'internal: probably a dupe', internal: true } });
    await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/comments`, token: triager.token, payload: { body: 'Thanks, reproduced.' } });
    await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/transitions`, token: triager.token, payload: { to: 'triaged' } });
    const mailed = (await t.context.db.selectFrom('mail_outbox').selectAll().where('recipient', '=', 'plain@example.net').orderBy('created_at').execute()).map((m) => t.context.secrets.open(m.body));
    expect(mailed).toHaveLength(2);
    expect(mailed[0]).toContain('Thanks, reproduced.');
    expect(mailed[1]).toContain('Your report is now triaged');
    expect(mailed.join()).not.toContain('probably a dupe');

    // Left waiting for an answer: the stale policy's warning reaches the sender too, before any close.
    await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/transitions`, token: triager.token, payload: { to: 'needs_more_info' } });
    const since = (await t.context.db.selectFrom('reports').select('needs_info_since').where('id', '=', report.id).executeTakeFirstOrThrow()).needs_info_since!;
    const later = new Date(Date.parse(since) + 2 * 86_400_000);
    expect(await t.context.db.transaction().execute((trx) => applyStalePolicy(t.context, trx, { id: report.id, needsInfoSince: since }, 1, later))).toBe('warned');
    const warnings = (await t.context.db.selectFrom('mail_outbox').selectAll().where('recipient', '=', 'plain@example.net').execute()).map((m) => t.context.secrets.open(m.body));
    expect(warnings.filter((text) => text.includes('Your report will be closed on'))).toHaveLength(1);

    // The same message delivered again is not filed twice.
    const again = await transport.sendMail({
      envelope: { from: 'plain@example.net', to: ['security@example.org'] },
      from: 'plain@example.net',
      to: 'security@example.org',
      subject: 'Open redirect on the login page',
      text: 'The next parameter accepts any URL.',
      messageId: info.messageId,
    });
    expect(again.response).toMatch(/^250/);
    expect(await t.context.db.selectFrom('reports').select('id').where('title', '=', 'Open redirect on the login page').execute()).toHaveLength(1);
  });

  it('alarms the on-call rota for plain mail, without its content, until someone acknowledges it', async () => {
    const set = await t.request({ method: 'PATCH', url: '/api/v1/incidents/settings', token: lead.token, payload: { mailIntakeProgram: program.slug, alarmRepeatMinutes: 15 } });
    expect(set.statusCode, set.body).toBe(200);
    // The incidents of the tests before are left out of the alarm rounds here.
    await t.context.db.updateTable('incidents').set({ next_alarm_at: null }).execute();
    hooks = [];
    const canary = `plain-canary-${engine}-${Date.now()}`;
    const sender = 'alarmed@example.net';
    const mail = {
      envelope: { from: sender, to: ['security@example.org'] },
      from: `Alarmed Finder <${sender}>`,
      to: 'security@example.org',
      subject: `XSS ${canary}`,
      text: `The search box reflects ${canary} unescaped.`,
      messageId: `<alarm-${engine}-${Date.now()}@example.net>`,
      attachments: [{ filename: `${canary}.txt`, content: `proof ${canary}`, contentType: 'text/plain' }],
    };
    expect((await transport.sendMail(mail)).response).toMatch(/^250/);
    const report = await t.context.db.selectFrom('reports').selectAll().where('title', '=', `XSS ${canary}`).executeTakeFirstOrThrow();
    const incident = await t.context.db.selectFrom('incidents').selectAll().where('report_id', '=', report.id).executeTakeFirstOrThrow();
    expect(incident).toMatchObject({ source: 'mail', state: 'new', program_id: program.id, alarm_count: 1, unsealed_at: null, contact_email: null, size: 0 });
    expect(await storedMessages(t.context, incident.id)).toEqual([]);
    const [received] = await t.context.db.selectFrom('audit_events').select('data').where('object_id', '=', incident.id).where('action', '=', 'incident.received').execute();
    expect(JSON.parse(received!.data)).toMatchObject({ source: 'mail', sealed: false, reportId: report.id });

    // The alarm: by mail to the on-call address and by webhook, saying where to read and acknowledge it, and nothing sent.
    await t.context.jobs.drain();
    const { publicUrl } = t.context.config;
    const alarms = (await mailTo(lead.row.email)).filter((m) => m.text.includes(incident.id));
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.subject).toMatch(/ALERT: unencrypted report received by mail — please acknowledge/);
    expect(alarms[0]!.text).toContain(`${publicUrl}/reports/${report.id}`);
    expect(alarms[0]!.text).toContain(`${publicUrl}/incidents/${incident.id}`);
    expect(alarms[0]!.text).toContain(program.name);
    expect(alarms[0]!.text).toContain(incident.received_at);
    const events = hooks.filter((h) => h.body.includes(incident.id));
    expect(events.map((h) => h.event)).toEqual(['incident.received']);
    expect(JSON.parse(events[0]!.body).data).toEqual({
      alarm: 1,
      acknowledged: false,
      incident: {
        id: incident.id,
        receivedAt: incident.received_at,
        source: 'mail',
        sealed: false,
        program: { id: program.id, slug: program.slug },
        url: `${publicUrl}/incidents/${incident.id}`,
        reportUrl: `${publicUrl}/reports/${report.id}`,
      },
    });
    for (const text of [...alarms.map((m) => m.subject + m.text), ...events.map((h) => h.body)]) {
      expect(text).not.toContain(canary);
      expect(text).not.toContain(sender);
    }

    // The same message again is not a second report, nor a second alarm.
    expect((await transport.sendMail(mail)).response).toMatch(/^250/);
    expect(await t.context.db.selectFrom('incidents').select('id').where('report_id', '=', report.id).execute()).toHaveLength(1);

    // Repeated until acknowledged; with another plain mail due at the same time, one mail lists both.
    const otherTitle = `Other ${engine} ${Date.now()}`;
    const other = await transport.sendMail({ envelope: { from: 'other@example.net', to: ['security@example.org'] }, from: 'other@example.net', to: 'security@example.org', subject: otherTitle, text: 'other' });
    expect(other.response).toMatch(/^250/);
    const otherReport = await t.context.db.selectFrom('reports').select('id').where('title', '=', otherTitle).executeTakeFirstOrThrow();
    const second = await t.context.db.selectFrom('incidents').selectAll().where('report_id', '=', otherReport.id).executeTakeFirstOrThrow();
    skew += 15 * MINUTE;
    expect(await runDueAlarms(t.context)).toBeGreaterThanOrEqual(1);
    await t.context.jobs.drain();
    const repeated = (await mailTo(lead.row.email)).filter((m) => m.text.includes(incident.id));
    expect(repeated).toHaveLength(2);
    expect(repeated[1]!.subject).toBe('[cvdesk] ALERT: 2 incident reports waiting — please acknowledge');
    expect(repeated[1]!.text).toContain(`by mail, unencrypted (reminder 2):\n  ${publicUrl}/incidents/${incident.id}\n  read it: ${publicUrl}/reports/${report.id}\n`);
    expect(repeated[1]!.text).toContain(`${publicUrl}/incidents/${second.id}\n  read it: ${publicUrl}/reports/${second.report_id}\n`);
    expect(repeated[1]!.text + repeated[1]!.subject).not.toContain(canary);
    expect(hooks.filter((h) => h.body.includes(incident.id)).map((h) => JSON.parse(h.body).data.alarm)).toEqual([1, 2]);

    // Staff see it beside the sealed ones, with nothing sealed to read; what only sealed incidents have is refused.
    const detail = await t.request({ method: 'GET', url: `/api/v1/incidents/${incident.id}`, token: triager.token });
    expect(detail.statusCode, detail.body).toBe(200);
    expect(detail.json()).toMatchObject({ sealed: false, reportId: report.id, unsealedAt: null, messages: 0, items: [], state: 'new', alarms: 2 });
    // Audited as a reading, not as a reading of sealed content (there is none).
    const reads = await t.context.db.selectFrom('audit_events').select('action').where('object_id', '=', incident.id).where('action', 'in', ['incident.read', 'incident.sealed_read']).execute();
    expect(reads.map((r) => r.action)).toEqual(['incident.read']);
    const listed = (await t.request({ method: 'GET', url: '/api/v1/incidents?state=new', token: triager.token })).json().items;
    expect(listed.find((i: { id: string }) => i.id === incident.id)).toMatchObject({ sealed: false, reportId: report.id });
    // Nothing in this file is unsealed: sealed exactly when no report is named.
    for (const item of listed as { sealed: boolean; reportId: string | null }[]) expect(item.sealed).toBe(item.reportId === null);
    const reply = await t.request({ method: 'POST', url: `/api/v1/incidents/${incident.id}/replies`, token: triager.token, payload: { message: await encryptTo(orgKey, 'hello') } });
    expect(reply.statusCode).toBe(409);
    expect(reply.json().error.message).toMatch(/unencrypted.*answer on the report/);
    const replyKey = (await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ email: sender }], date: new Date(Date.now() - DAY), format: 'armored' })).publicKey;
    expect((await t.request({ method: 'PUT', url: `/api/v1/incidents/${incident.id}/reporter-key`, token: triager.token, payload: { publicKey: replyKey } })).statusCode).toBe(409);
    const unseal = await t.request({ method: 'POST', url: `/api/v1/incidents/${incident.id}/unseal`, token: triager.token, payload: { reason: 'x', report: { title: 'x', description: 'x' } } });
    expect(unseal.statusCode).toBe(409);
    expect(await storedMessages(t.context, incident.id)).toEqual([]);
    expect(await t.context.db.selectFrom('reports').select('id').where('title', '=', 'x').execute()).toEqual([]);

    // Acknowledged: no more alarms.
    const ack = await t.request({ method: 'POST', url: `/api/v1/incidents/${incident.id}/acknowledge`, token: triager.token });
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json()).toMatchObject({ state: 'acknowledged', acknowledgedBy: triager.row.email, nextAlarmAt: null, sealed: false });
    skew += 60 * MINUTE;
    await runDueAlarms(t.context);
    await t.context.jobs.drain();
    expect((await mailTo(lead.row.email)).filter((m) => m.text.includes(incident.id))).toHaveLength(2);
    expect(hooks.filter((h) => h.body.includes(incident.id))).toHaveLength(2);

    // Closed, it is kept: retention deletes only sealed incidents never opened into a report (a sealed one closed beside it goes).
    const retention = await t.request({ method: 'PATCH', url: '/api/v1/incidents/settings', token: lead.token, payload: { retentionDays: 1, retentionReminderDays: 0 } });
    expect(retention.statusCode, retention.body).toBe(200);
    await send(pgpMime(gpg.encryptTo('security@example.org', 'sealed beside it'), 'sealed', `beside-${engine}-${Date.now()}@example.net`));
    const sealedOne = await latestIncident();
    expect(sealedOne.report_id).toBeNull();
    for (const id of [incident.id, sealedOne.id]) {
      const closed = await t.request({ method: 'POST', url: `/api/v1/incidents/${id}/close`, token: triager.token, payload: {} });
      expect(closed.statusCode, closed.body).toBe(200);
      expect(closed.json().deletesAt === null).toBe(id === incident.id);
    }
    skew += 2 * DAY;
    expect(await applyRetention(t.context)).toEqual({ reminded: 0, deleted: 1 });
    expect(await t.context.db.selectFrom('incidents').select('id').where('id', 'in', [incident.id, sealedOne.id]).execute()).toEqual([{ id: incident.id }]);
    // …and replies on its report still reach the sender by mail.
    const comment = await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/comments`, token: triager.token, payload: { body: 'Thanks, looking into it.' } });
    expect(comment.statusCode, comment.body).toBe(201);
    expect((await mailTo(sender)).map((m) => m.text).join()).toContain('Thanks, looking into it.');
  });

  it('limits message size and messages per address', async () => {
    const strict = await buildTestApp(engine, { MAIL_INTAKE_MAX_BYTES: '4096', MAIL_INTAKE_RATE_PER_MINUTE: '2' });
    const server = await startMailIntake(strict.context, { port: 0, host: '127.0.0.1' });
    const client = transportFor(server);
    try {
      const big = await client.sendMail({ envelope: { from: SENDER, to: ['s@example.org'] }, raw: `Subject: big\r\n\r\n${'x'.repeat(10_000)}\r\n` }).catch((e: { responseCode: number }) => e);
      expect((big as { responseCode: number }).responseCode).toBe(552);
      const small = () => client.sendMail({ envelope: { from: SENDER, to: ['s@example.org'] }, raw: 'Subject: hi\r\n\r\nplain\r\n' }).catch((e: { responseCode: number }) => e);
      const codes = [];
      for (let i = 0; i < 3; i++) codes.push(((await small()) as { responseCode: number }).responseCode);
      // The oversized one counted too: the third message of the minute is turned away for now.
      expect(codes).toEqual([550, 450, 450]);
    } finally {
      client.close();
      await server.stop();
      await strict.close();
    }
  });

  it('is started and stopped with the server when MAIL_INTAKE_PORT is set', async () => {
    const environment = await createTestEnvironment(engine, { MAIL_INTAKE_PORT: '0', MAIL_INTAKE_HOST: '127.0.0.1', PORT: '0' });
    const lines: string[] = [];
    const running = await startServer(environment.config, (line) => lines.push(line));
    try {
      expect(running.mailIntake?.port).toBeGreaterThan(0);
      expect(lines.join('\n')).toMatch(/SMTP intake for the security mailbox on 127\.0\.0\.1:\d+/);
      const client = transportFor(running.mailIntake!);
      const refused = await client.sendMail({ envelope: { from: SENDER, to: ['s@example.org'] }, raw: 'Subject: hi\r\n\r\nplain\r\n' }).catch((e: { responseCode: number }) => e);
      expect((refused as { responseCode: number }).responseCode).toBe(550);
      client.close();
    } finally {
      await running.stop();
      await environment.destroy();
    }
  });
});

import type { Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMimeEntity } from '../../web/src/lib/mime.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { DIALECTS } from '../helpers/databases.js';
import { GpgHome } from '../helpers/gpg.js';
import { buildStaff, buildVendor, createCaseViaApi, startCaseReplyIntake, type CaseReplyIntake, type Staff } from './cases.support.js';
import { addOrganisationKey, currentPublicKey, decryptWithStoredKey } from './incidents.support.js';
import { pgpMimeMail } from '../helpers/pgp-mime.js';

/**
 * Vendor replies encrypted to the organisation key (GnuPG, PGP/MIME and inline) reach the case's
 * contact log armoured and whole, flagged `encrypted`; staff decrypt them in the page, which
 * first records the opening (POST …/log/:entryId/openings, audited as case.log_entry_opened).
 */
describe.each(DIALECTS)('encrypted vendor replies in the contact log on %s', (engine) => {
  let t: TestApp;
  let staff: Staff;
  let gpg: GpgHome;
  let orgFingerprint: string;
  let replies: CaseReplyIntake;
  let client: Transporter;
  let caseId: string;
  let replyAddress: string;
  const canary = `CANARY-${engine}-${Math.random().toString(36).slice(2)}`;

  const log = async () => (await t.request({ method: 'GET', url: `/api/v1/cases/${caseId}/log`, token: staff.triager.token })).json().items as { id: string; kind: string; body: string | null; encrypted: boolean; data: Record<string, unknown> }[];
  const open = (entryId: string, token: string, onCase = caseId) => t.request({ method: 'POST', url: `/api/v1/cases/${onCase}/log/${entryId}/openings`, token });
  const openings = async () => (await t.context.db.selectFrom('audit_events').selectAll().where('action', '=', 'case.log_entry_opened').execute()).map((e) => ({ actor: e.actor_id, object: e.object_id, data: JSON.parse(e.data as string) as Record<string, unknown> }));

  /** A reply in RFC 3156 form: the MIME entity (text and an attachment) encrypted by GnuPG. */
  function pgpMimeReply(messageId: string): string {
    const inner = [
      'Content-Type: multipart/mixed; boundary="inner-b"',
      '',
      '--inner-b',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      `Fixed in 2.4.1 =E2=80=94 ${canary}`,
      '<script>window.pwned = 1</script>',
      '--inner-b',
      'Content-Type: text/html; name="=?utf-8?B?cG9jLmh0bWw=?="',
      'Content-Disposition: attachment; filename*=utf-8\'\'proof%20of%20concept.html',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from(`<script>alert("${canary}")</script>`).toString('base64'),
      '--inner-b--',
      '',
    ].join('\r\n');
    const armoured = gpg.ok(['--armor', '--encrypt', '-r', orgFingerprint], inner);
    return pgpMimeMail({ from: 'psirt@vendor.example', to: replyAddress, subject: 'Re: Security vulnerability report', messageId }, armoured);
  }

  beforeAll(async () => {
    t = await buildTestApp(engine, { MAIL_FROM: 'cvdesk security <security@cvdesk.example>' });
    staff = await buildStaff(t.context);
    await addOrganisationKey(t.context);
    gpg = new GpgHome();
    gpg.importKey(await currentPublicKey(t.context));
    orgFingerprint = gpg.listKeys()[0]!.fingerprint;
    const vendor = await buildVendor(t.context, { name: 'Encrypting Vendor', email: 'psirt@vendor.example' });
    replies = await startCaseReplyIntake(t, staff.triager.token, vendor.id);
    ({ caseId, replyAddress, client } = replies);
  }, 120_000);
  afterAll(async () => {
    await replies?.close();
    await t?.close();
    gpg?.destroy();
  });

  it('keeps a PGP/MIME reply armoured in the log; what it decrypts to is the MIME entity the page reads', async () => {
    await client.sendMail({ envelope: { from: 'psirt@vendor.example', to: [replyAddress] }, raw: pgpMimeReply(`<pgpmime-${engine}@vendor.example>`) });
    const entry = (await log()).find((e) => e.kind === 'reply_received')!;
    expect(entry.encrypted).toBe(true);
    expect(entry.data).toMatchObject({ encrypted: true, encryptedParts: 1, attachmentsDropped: 0 });
    expect(entry.body).toMatch(/^-----BEGIN PGP MESSAGE-----\n[\s\S]+\n-----END PGP MESSAGE-----$/);
    expect(entry.body).not.toContain(canary);
    // The stored armour decrypts (with the stored key, unlocked as the page does) to the reply.
    const privateKey = (await t.request({ method: 'GET', url: '/api/v1/keys/current/private', token: staff.triager.token })).json().privateKey as string;
    const plaintext = await decryptWithStoredKey(privateKey, entry.body!);
    const mime = readMimeEntity(new TextEncoder().encode(plaintext));
    expect(mime.texts).toEqual([`Fixed in 2.4.1 — ${canary}\n<script>window.pwned = 1</script>`]);
    expect(mime.attachments).toHaveLength(1);
    expect(mime.attachments[0]).toMatchObject({ name: 'proof of concept.html', type: 'text/html' });
    expect(Buffer.from(mime.attachments[0]!.bytes).toString()).toBe(`<script>alert("${canary}")</script>`);
  });

  it('keeps an inline-PGP reply with the clear text beside it; clear replies are not flagged', async () => {
    const armoured = gpg.ok(['--armor', '--encrypt', '-r', orgFingerprint], `inline ${canary}`);
    await client.sendMail({ from: 'psirt@vendor.example', to: replyAddress, subject: 'Re: inline', text: `Hello,\n\n${armoured}\n-- \nPSIRT`, messageId: `<inline-${engine}@vendor.example>` });
    await client.sendMail({ from: 'psirt@vendor.example', to: replyAddress, subject: 'Re: clear', text: 'Thanks, in the clear.', messageId: `<clear-${engine}@vendor.example>` });
    const replies = (await log()).filter((e) => e.kind === 'reply_received');
    expect(replies.map((e) => e.encrypted)).toEqual([true, true, false]);
    expect(replies[1]!.body).toContain('Hello,');
    expect(replies[1]!.body).toContain('-----BEGIN PGP MESSAGE-----');
  });

  it('records each opening of an encrypted entry for whoever may read the case, and refuses the rest', async () => {
    const [pgpMime, inline, clear] = (await log()).filter((e) => e.kind === 'reply_received');
    const before = (await openings()).length;
    const opened = await open(pgpMime!.id, staff.triager.token);
    expect(opened.statusCode, opened.body).toBe(201);
    expect(opened.json().openedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((await open(pgpMime!.id, staff.triager.token)).statusCode).toBe(201);
    expect((await open(inline!.id, staff.auditor.token)).statusCode).toBe(201);
    const recorded = (await openings()).slice(before);
    expect(recorded).toEqual([
      { actor: staff.triager.row.id, object: caseId, data: expect.objectContaining({ logId: pgpMime!.id, kind: 'reply_received', encryptedParts: 1 }) },
      { actor: staff.triager.row.id, object: caseId, data: expect.objectContaining({ logId: pgpMime!.id }) },
      { actor: staff.auditor.row.id, object: caseId, data: expect.objectContaining({ logId: inline!.id }) },
    ]);

    // Not encrypted: nothing to open. Unknown, or on another case: not found. Others: refused.
    const notEncrypted = await open(clear!.id, staff.lead.token);
    expect(notEncrypted.statusCode).toBe(409);
    expect(notEncrypted.json().error.code).toBe('conflict');
    expect((await open('00000000-0000-4000-8000-000000000000', staff.lead.token)).json().error.code).toBe('not_found');
    const otherCase = await createCaseViaApi(t, staff.triager.token, []);
    expect((await open(pgpMime!.id, staff.lead.token, otherCase)).statusCode).toBe(404);
    for (const who of [staff.cna, staff.reporter]) expect((await open(pgpMime!.id, who.token)).statusCode).toBe(403);
    expect((await t.request({ method: 'POST', url: `/api/v1/cases/${caseId}/log/${pgpMime!.id}/openings` })).statusCode).toBe(401);
    expect((await openings()).length).toBe(before + 3);
  });
});

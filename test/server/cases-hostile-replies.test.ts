import type { Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { DIALECTS } from '../helpers/databases.js';
import { buildStaff, buildVendor, startCaseReplyIntake, type CaseReplyIntake, type Staff } from './cases.support.js';

/**
 * Replies to case notices are hostile input: control characters (NUL above all, which
 * PostgreSQL refuses in text) in an encoded subject or inside an attached armoured block must not
 * turn a reply into a temporary failure that the sender's server retries for days.
 */
describe.each(DIALECTS)('hostile vendor replies on %s', (engine) => {
  let t: TestApp;
  let staff: Staff;
  let replies: CaseReplyIntake;
  let client: Transporter;
  let caseId: string;
  let replyAddress: string;

  beforeAll(async () => {
    t = await buildTestApp(engine, { MAIL_FROM: 'cvdesk security <security@cvdesk.example>' });
    staff = await buildStaff(t.context);
    const vendor = await buildVendor(t.context, { name: 'Hostile Vendor', email: 'psirt@vendor.example' });
    replies = await startCaseReplyIntake(t, staff.triager.token, vendor.id);
    ({ caseId, replyAddress, client } = replies);
  }, 120_000);
  afterAll(async () => {
    await replies?.close();
    await t?.close();
  });

  it('stores a reply whose subject and attached armour hold control characters, without them', async () => {
    const armour = '-----BEGIN PGP MESSAGE-----\r\n\r\nwcBMA\u0000xyz\u001b[2J\r\n-----END PGP MESSAGE-----';
    const raw = [
      'From: psirt@vendor.example',
      `To: ${replyAddress}`,
      `Subject: =?utf-8?B?${Buffer.from('Re: fix\u0000ed').toString('base64')}?=`,
      `Message-ID: <nul-${engine}@vendor.example>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'See the attachment.',
      '--b',
      'Content-Type: application/octet-stream; name="reply.asc"',
      'Content-Disposition: attachment; filename="reply.asc"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from(armour, 'latin1').toString('base64'),
      '--b--',
      '',
    ].join('\r\n');
    await client.sendMail({ envelope: { from: 'psirt@vendor.example', to: [replyAddress] }, raw });
    const items = (await t.request({ method: 'GET', url: `/api/v1/cases/${caseId}/log`, token: staff.triager.token })).json().items as { kind: string; summary: string; body: string | null; encrypted: boolean }[];
    const reply = items.find((e) => e.kind === 'reply_received')!;
    expect(reply.encrypted).toBe(true);
    expect(reply.summary).toContain('Re: fixed');
    expect(reply.body).toContain('See the attachment.');
    expect(reply.body).toContain('-----BEGIN PGP MESSAGE-----\n\nwcBMAxyz[2J\n-----END PGP MESSAGE-----');
    expect(`${reply.summary}${reply.body}`).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/);
  });
});

import nodemailer, { type Transporter } from 'nodemailer';
import type { AppContext } from '../../src/context.js';
import { systemActor } from '../../src/domain/auth/actor.js';
import { addVendorKey, createVendor } from '../../src/domain/vendors/vendor.service.js';
import { inTransaction } from '../../src/server/transaction.js';
import { startMailIntake, type MailIntakeServer } from '../../src/mail-intake/server.js';
import type { TestApp } from '../helpers/app.js';
import { buildUser, type BuiltUser } from '../helpers/factories.js';

export const operator = systemActor('test');

export interface Staff {
  lead: BuiltUser;
  triager: BuiltUser;
  auditor: BuiltUser;
  cna: BuiltUser;
  reporter: BuiltUser;
}

export async function buildStaff(context: AppContext): Promise<Staff> {
  return {
    lead: await buildUser(context, { roles: ['lead'] }),
    triager: await buildUser(context, { roles: ['triager'] }),
    auditor: await buildUser(context, { roles: ['auditor'] }),
    cna: await buildUser(context, { roles: ['cna'] }),
    reporter: await buildUser(context, { roles: ['reporter'] }),
  };
}

let sequence = 0;

/** A vendor (or coordinator) in the directory with a mail contact and, optionally, an OpenPGP key. */
export async function buildVendor(context: AppContext, options: { name?: string; email?: string; kind?: 'vendor' | 'coordinator'; publicKey?: string } = {}) {
  const n = ++sequence;
  const vendor = await inTransaction(context, (trx) =>
    createVendor(context, trx, operator, {
      name: options.name ?? `Vendor ${n}`,
      kind: options.kind ?? 'vendor',
      domains: [`vendor${n}-${Date.now().toString(36)}.example`],
      contacts: [{ kind: 'email', value: options.email ?? `security@vendor${n}.example` }],
    }),
  );
  if (options.publicKey) await inTransaction(context, (trx) => addVendorKey(context, trx, operator, vendor.id, options.publicKey!));
  return vendor;
}

export const VULNERABILITY = {
  title: 'SQL injection in the search endpoint',
  summary: 'The `q` parameter reaches a query **unescaped**.',
  product: 'Widget Server',
  versions: ['< 2.4.1'],
  cwe: 89,
  cvssVectors: ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
};

/** A case made through the API, with one vulnerability and the given vendors as participants. */
export async function createCaseViaApi(t: TestApp, token: string, vendorIds: string[], extra: Record<string, unknown> = {}): Promise<string> {
  const res = await t.request({
    method: 'POST',
    url: '/api/v1/cases',
    token,
    payload: { title: 'Widget Server flaws', summary: 'Found by our scanner.', vulnerabilities: [VULNERABILITY], participants: vendorIds.map((vendorId) => ({ vendorId })), ...extra },
  });
  if (res.statusCode !== 201) throw new Error(`case creation failed: ${res.statusCode} ${res.body}`);
  return (res.json() as { id: string }).id;
}

/** Sends the first notice to a participant and returns the portal token from the (stored, unencrypted) notice text. */
export async function noticeAndPortalToken(t: TestApp, token: string, caseId: string, participantId: string): Promise<string> {
  const res = await t.request({ method: 'POST', url: `/api/v1/cases/${caseId}/participants/${participantId}/notices`, token, payload: {} });
  if (res.statusCode !== 201) throw new Error(`notice failed: ${res.statusCode} ${res.body}`);
  const row = await t.context.db.selectFrom('case_notices').select('body').where('id', '=', (res.json() as { id: string }).id).executeTakeFirstOrThrow();
  const text = t.context.secrets.open(row.body);
  const match = /\/portal\/(cvp_[A-Za-z0-9_-]+)/.exec(text);
  if (!match) throw new Error(`no portal link in the notice: ${text}`);
  return match[1]!;
}

/** A case with one vendor, the vendor's reply address, and the SMTP mail intake with a client to send replies through it. */
export interface CaseReplyIntake {
  caseId: string;
  replyAddress: string;
  intake: MailIntakeServer;
  client: Transporter;
  close(): Promise<void>;
}

export async function startCaseReplyIntake(t: TestApp, token: string, vendorId: string): Promise<CaseReplyIntake> {
  const caseId = await createCaseViaApi(t, token, [vendorId]);
  const participant = await t.context.db.selectFrom('case_participants').select('reply_token').where('case_id', '=', caseId).executeTakeFirstOrThrow();
  const intake = await startMailIntake(t.context, { port: 0, host: '127.0.0.1' });
  const client = nodemailer.createTransport({ host: '127.0.0.1', port: intake.port, secure: false, ignoreTLS: true });
  return {
    caseId,
    replyAddress: `case+${participant.reply_token}@cvdesk.example`,
    intake,
    client,
    async close() {
      client.close();
      await intake.stop();
    },
  };
}

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { DIALECTS } from '../helpers/databases.js';
import { buildUser, type BuiltUser } from '../helpers/factories.js';
import { addOrganisationKey, currentPublicKey, decryptWithStoredKey, encryptTo, storedMessages } from './incidents.support.js';

/**
 * Security review of sealed incidents: what is stored is exactly what was checked (the armour
 * is re-made from the checked bytes, so neither cleartext armour headers nor bytes that a looser
 * armour reader would find reach the store or the staff page).
 */
describe.each(DIALECTS)('sealed incidents, security review, on %s', (engine) => {
  let t: TestApp;
  let triager: BuiltUser;
  let orgKey: string;

  const submit = (message: string) => t.request({ method: 'POST', url: '/api/v1/incidents', payload: { message, accept_unconditional: true, contact: { method: 'none' } } });
  const privateKey = async () => (await t.request({ method: 'GET', url: '/api/v1/keys/current/private', token: triager.token })).json().privateKey as string;

  beforeAll(async () => {
    t = await buildTestApp(engine);
    await addOrganisationKey(t.context);
    orgKey = await currentPublicKey(t.context);
    triager = await buildUser(t.context, { roles: ['triager'] });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('shows and saves decrypted attachments under names without direction overrides or C1 controls (the page\'s safeFileName)', async () => {
    // A path that is not a literal keeps tsc (node types, no DOM) out of the browser module.
    const downloadsPath = path.resolve(import.meta.dirname, '../../web/src/lib/downloads.ts');
    const { safeFileName } = (await import(downloadsPath)) as { safeFileName: (name: string) => string };
    expect(safeFileName('invoice\u202Egnp.exe')).toBe('invoice_gnp.exe');
    expect(safeFileName('a\u2066b\u2069\u200Fc\u0085d')).toBe('a_b_c_d');
    expect(safeFileName('../../etc/passwd')).toBe('_.._etc_passwd');
    expect(safeFileName('\u202E')).toBe('_');
    expect(safeFileName('report.pdf')).toBe('report.pdf');
  });

  it('locks a lookup id after 5 wrong receipts even when the guesses arrive all at once', async () => {
    const res = await t.request({ method: 'POST', url: '/api/v1/incidents', payload: { message: await encryptTo(orgKey, 'x'), accept_unconditional: true } });
    expect(res.statusCode, res.body).toBe(201);
    const lookupId = (res.json().receipt as string).replace(/-/g, '').slice(0, 8);
    const wrong = (i: number) => `${lookupId}${String(i).padStart(28, '7')}`;
    const answers = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((i) => t.request({ method: 'POST', url: '/api/v1/incidents/receipt', payload: { receipt: wrong(i) } })));
    expect(answers.map((a) => a.statusCode)).toEqual([401, 401, 401, 401, 401, 401, 401]);
    const row = await t.context.db.selectFrom('incident_receipts').selectAll().where('lookup_id', '=', lookupId).executeTakeFirstOrThrow();
    expect(row.failures).toBe(7);
    expect(row.locked_until).not.toBeNull();
    const counts = (await t.context.db.selectFrom('audit_events').select('data').where('object_id', '=', res.json().id).where('action', '=', 'incident.receipt_failed').execute()).map(
      (e) => (JSON.parse(e.data) as { failures: number }).failures,
    );
    expect(counts.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const next = await t.request({ method: 'POST', url: '/api/v1/incidents/receipt', payload: { receipt: res.json().receipt } });
    expect(next.statusCode).toBe(429);
  });

  it('stores the checked bytes re-armoured: armour headers (cleartext beside the encryption) are not kept', async () => {
    const text = `The sealed part, on ${engine}.`;
    const armoured = (await encryptTo(orgKey, text)).replace('-----BEGIN PGP MESSAGE-----\n', '-----BEGIN PGP MESSAGE-----\nComment: the password of the admin is hunter2\n');
    const res = await submit(armoured);
    expect(res.statusCode, res.body).toBe(201);
    const stored = await storedMessages(t.context, res.json().id);
    expect(stored[0]!.body).not.toContain('hunter2');
    expect(stored[0]!.body).toMatch(/^-----BEGIN PGP MESSAGE-----\n\n[A-Za-z0-9+/=\n]+\n=[A-Za-z0-9+/]{4}\n-----END PGP MESSAGE-----\n$/);
    const read = await t.request({ method: 'GET', url: `/api/v1/incidents/${res.json().id}`, token: triager.token });
    expect(read.json().items[0].message).not.toContain('hunter2');
    expect(await decryptWithStoredKey(await privateKey(), read.json().items[0].message)).toBe(text);
  });

  it('refuses text in front of the END line (it was neither checked nor decrypted) and stores nothing', async () => {
    const before = (await t.context.db.selectFrom('incidents').select('id').execute()).length;
    const armoured = (await encryptTo(orgKey, 'x')).trim().replace(/\n-----END PGP MESSAGE-----$/, '\nthe cleartext password is hunter2-----END PGP MESSAGE-----');
    const res = await submit(armoured);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'openpgp_invalid', details: [{ field: '/message' }] });
    expect(res.json().error.message).toMatch(/text on the -----END PGP MESSAGE----- line/);
    expect((await t.context.db.selectFrom('incidents').select('id').execute()).length).toBe(before);
  });

  it('stores what staff can read even where OpenPGP.js reads armour differently (a vertical tab as the blank line)', async () => {
    const text = `Read the same way by both, on ${engine}.`;
    // cvdesk's decoder trims the "\v" line to the blank line; OpenPGP.js takes it for a header and
    // then finds no blank line at all. Stored as received, staff could never decrypt it.
    const armoured = (await encryptTo(orgKey, text)).replace('-----BEGIN PGP MESSAGE-----\n\n', '-----BEGIN PGP MESSAGE-----\n\v\n');
    const res = await submit(armoured);
    expect(res.statusCode, res.body).toBe(201);
    const read = await t.request({ method: 'GET', url: `/api/v1/incidents/${res.json().id}`, token: triager.token });
    expect(await decryptWithStoredKey(await privateKey(), read.json().items[0].message)).toBe(text);
  });
});

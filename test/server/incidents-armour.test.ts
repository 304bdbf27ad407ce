import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { DIALECTS } from '../helpers/databases.js';
import { GpgHome } from '../helpers/gpg.js';
import { addOrganisationKey } from './incidents.support.js';

/**
 * The armour of a sealed submission is decoded by cvdesk (incident-openpgp.ts `dearmour`), not by
 * OpenPGP.js: what GnuPG writes (headers, CRLF line ends, a checksum line) is taken, and a checksum
 * that does not match the data, a character outside base64, or padding in the middle of the data
 * is refused with 400 openpgp_invalid naming what is wrong — and nothing is stored.
 */
describe.each(DIALECTS)('sealed submission armour on %s', (engine) => {
  let t: TestApp;
  const gpg = new GpgHome();
  let armoured = '';

  const submit = (message: string) => t.request({ method: 'POST', url: '/api/v1/incidents', payload: { message, accept_unconditional: true, contact: { method: 'none' } } });
  const stored = async () => Number((await t.context.db.selectFrom('incidents').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    t = await buildTestApp(engine);
    await addOrganisationKey(t.context);
    expect(gpg.importKey((await t.request({ method: 'GET', url: '/pgp-key.txt' })).body).status).toBe(0);
    // Long enough for many armour lines; GnuPG writes the checksum line.
    armoured = gpg.ok(['--armor', '--encrypt', '-r', 'security@example.org'], `A report sent with GnuPG on ${engine}.\n${'x'.repeat(3000)}\n`);
    expect(armoured).toMatch(/\n=[A-Za-z0-9+/]{4}\n-----END PGP MESSAGE-----/);
  });
  afterAll(async () => {
    await t?.close();
    gpg.destroy();
  });

  const lines = () => armoured.trim().split('\n');

  it('takes GnuPG armour as written, with CRLF line ends, and with an armour header', async () => {
    expect((await submit(armoured)).statusCode).toBe(201);
    expect((await submit(armoured.replace(/\n/g, '\r\n'))).statusCode).toBe(201);
    const withHeader = armoured.replace('-----BEGIN PGP MESSAGE-----\n', '-----BEGIN PGP MESSAGE-----\nComment: sent by hand\n');
    expect((await submit(withHeader)).statusCode).toBe(201);
    expect(await stored()).toBe(3);
  });

  it.each([
    ['a checksum that does not match', () => { const l = lines(); l[l.length - 2] = l[l.length - 2] === '=AAAA' ? '=BBBB' : '=AAAA'; return l.join('\n'); }, /is damaged: its armour checksum does not match/],
    ['a character outside base64', () => { const l = lines(); l[3] = `!${l[3]!.slice(1)}`; return l.join('\n'); }, /not valid OpenPGP armour \(bad base64/],
    ['lines dropped before the last', () => { const l = lines(); return [...l.slice(0, 3), ...l.slice(-3)].join('\n'); }, /is damaged|truncated/],
    ['no blank line after the headers', () => armoured.replace('-----BEGIN PGP MESSAGE-----\n\n', '-----BEGIN PGP MESSAGE-----\n'), /no blank line after the armour headers/],
  ])('refuses %s with 400 openpgp_invalid and stores nothing', async (_name, make, message) => {
    const before = await stored();
    const res = await submit(make());
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toBe('openpgp_invalid');
    expect(res.json().error.message).toMatch(message);
    expect(res.json().error.details[0].field).toBe('/message');
    expect(await stored()).toBe(before);
  });
});

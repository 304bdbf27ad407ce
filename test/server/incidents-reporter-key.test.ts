import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { DIALECTS } from '../helpers/databases.js';
import { addOrganisationKey, currentPublicKey, encryptTo } from './incidents.support.js';

/**
 * The reporter's own public key given with a sealed submission (`contact.publicKey`, for encrypted
 * replies): anything but one armoured public key that can encrypt now — garbage, a private key,
 * two key blocks, text after the key, an expired key, a key whose encryption subkey's binding signature does not verify —
 * is refused with 400 openpgp_invalid naming /contact/publicKey, and nothing is stored.
 */
describe.each(DIALECTS)("a sealed submission's reporter key on %s", (engine) => {
  let t: TestApp;
  let message = '';
  const keys: Record<string, string> = {};

  const submit = (publicKey: string) =>
    t.request({ method: 'POST', url: '/api/v1/incidents', payload: { message, accept_unconditional: true, contact: { method: 'receipt', publicKey } } });
  const count = async (table: 'incidents' | 'incident_receipts' | 'incident_messages') =>
    Number((await t.context.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const generate = (options: Partial<Parameters<typeof openpgp.generateKey>[0]> = {}) =>
    openpgp.generateKey({ type: 'curve25519', userIDs: [{ name: 'Reporter', email: 'reporter@example.net' }], format: 'object', ...options });

  beforeAll(async () => {
    t = await buildTestApp(engine);
    await addOrganisationKey(t.context);
    message = await encryptTo(await currentPublicKey(t.context), 'a report with a key for replies');
    const good = await generate();
    const other = await generate();
    keys.good = good.publicKey.armor();
    keys.private = good.privateKey.armor();
    keys.two = `${good.publicKey.armor()}\n${other.publicKey.armor()}`;
    const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000);
    keys.expired = (await generate({ date: tenDaysAgo, keyExpirationTime: 86_400 })).publicKey.armor();
    // The first key's primary key and user id with the second key's encryption subkey and binding
    // signature: well-formed packets, but the binding was made by another primary key.
    const [primary, userId, selfSignature] = good.publicKey.toPacketList();
    const [, , , subkey, binding] = other.publicKey.toPacketList();
    const grafted = new openpgp.PacketList();
    grafted.push(primary!, userId!, selfSignature!, subkey!, binding!);
    keys.grafted = openpgp.armor(openpgp.enums.armor.publicKey, grafted.write() as Uint8Array);
  });
  afterAll(async () => t?.close());

  it('keeps a public key that can encrypt', async () => {
    const res = await submit(keys.good!);
    expect(res.statusCode, res.body).toBe(201);
    const incident = await t.request({ method: 'POST', url: '/api/v1/incidents/receipt', payload: { receipt: res.json().receipt } });
    expect(incident.statusCode, incident.body).toBe(200);
  });

  it.each([
    ['not a key at all', () => 'my key is on the keyservers', /is not an armoured OpenPGP public key/],
    ['armour that does not read', () => '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nbm90IGEga2V5\n-----END PGP PUBLIC KEY BLOCK-----', /cannot be read/],
    ['a private key', () => keys.private!, /is a private key: give only your public key/],
    ['two key blocks', () => keys.two!, /holds 2 armoured blocks; give one public key/],
    ['text after the key', () => `${keys.good!.trim()}\nand my fingerprint is in my signature`, /has text after the -----END PGP PUBLIC KEY BLOCK----- line/],
    ['an expired key', () => keys.expired!, /has no valid encryption key/],
    ["a subkey bound by another key's signature", () => keys.grafted!, /has no valid encryption key/],
  ])('refuses %s with 400 naming /contact/publicKey, storing nothing', async (_name, key, reason) => {
    const before = await Promise.all([count('incidents'), count('incident_receipts'), count('incident_messages')]);
    const res = await submit(key());
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'openpgp_invalid', details: [{ field: '/contact/publicKey' }] });
    expect(res.json().error.message).toMatch(reason);
    expect(await Promise.all([count('incidents'), count('incident_receipts'), count('incident_messages')])).toEqual(before);
  });
});

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/domain/auth/actor.js';
import { csafProblems } from '../../src/domain/csaf/csaf-validate.js';
import { addKey, prepareGeneratedKey } from '../../src/domain/keys/keys.service.js';
import { inTransaction } from '../../src/server/transaction.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { DIALECTS } from '../helpers/databases.js';
import { buildUser, type BuiltUser } from '../helpers/factories.js';
import { GpgHome } from '../helpers/gpg.js';
import { csafSchemaErrors, providerSchemaErrors } from '../domain/advisories/official-schemas.js';
import { createDraft, publish, sampleContent } from './advisories.support.js';

const PASSPHRASE = 'a passphrase for the security team';
const operator = systemActor('test');

describe.each(DIALECTS)('CSAF trusted provider on %s', (engine) => {
  let t: TestApp;
  let lead: BuiltUser;
  let triager: BuiltUser;
  beforeAll(async () => {
    t = await buildTestApp(engine);
    lead = await buildUser(t.context, { roles: ['lead'] });
    triager = await buildUser(t.context, { roles: ['triager'] });
  });
  afterAll(async () => t?.close());

  it('serves provider metadata, the folder files, hashes and signatures, and names the provider in security.txt', async () => {
    const before = await t.request({ method: 'GET', url: '/.well-known/security.txt' });
    expect(before.body).not.toContain('CSAF:');

    const prepared = await prepareGeneratedKey(t.context, operator, { name: 'Example Security', email: 'security@example.org', passphrase: PASSPHRASE });
    const key = await inTransaction(t.context, (trx) => addKey(t.context, trx, operator, prepared));
    const id = await createDraft(t, lead);
    expect((await publish(t, lead, id)).statusCode).toBe(200);
    const year = new Date().getUTCFullYear();
    const file = `${id.toLowerCase()}.json`;

    const metadata = await t.request({ method: 'GET', url: '/.well-known/csaf/provider-metadata.json' });
    expect(metadata.statusCode).toBe(200);
    expect(metadata.headers['access-control-allow-origin']).toBe('*');
    expect(providerSchemaErrors(metadata.json())).toEqual([]);
    expect(metadata.json()).toMatchObject({
      role: 'csaf_trusted_provider',
      canonical_url: 'http://localhost:8080/.well-known/csaf/provider-metadata.json',
      public_openpgp_keys: [{ fingerprint: key.fingerprint.toUpperCase(), url: 'http://localhost:8080/pgp-key.txt' }],
      distributions: [{ directory_url: 'http://localhost:8080/.well-known/csaf/white/', rolie: { feeds: [{ tlp_label: 'WHITE', url: 'http://localhost:8080/.well-known/csaf/white/csaf-feed-tlp-white.json' }] } }],
    });

    expect((await t.request({ method: 'GET', url: '/.well-known/csaf/white/index.txt' })).body).toBe(`${year}/${file}\n`);
    expect((await t.request({ method: 'GET', url: '/.well-known/csaf/white/changes.csv' })).body).toMatch(new RegExp(`^"${year}/${file}","\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"\\n$`));
    const feed = (await t.request({ method: 'GET', url: '/.well-known/csaf/white/csaf-feed-tlp-white.json' })).json();
    expect(feed.feed.entry[0]).toMatchObject({ id, content: { src: `http://localhost:8080/.well-known/csaf/white/${year}/${file}` } });

    const doc = await t.request({ method: 'GET', url: `/.well-known/csaf/white/${year}/${file}` });
    expect(doc.statusCode).toBe(200);
    expect(await csafProblems(doc.json())).toEqual([]);
    expect(csafSchemaErrors(doc.json())).toEqual([]);
    const sha256 = await t.request({ method: 'GET', url: `/.well-known/csaf/white/${year}/${file}.sha256` });
    expect(sha256.body).toBe(`${createHash('sha256').update(doc.rawPayload).digest('hex')}  ${file}\n`);
    const sha512 = await t.request({ method: 'GET', url: `/.well-known/csaf/white/${year}/${file}.sha512` });
    expect(sha512.body).toBe(`${createHash('sha512').update(doc.rawPayload).digest('hex')}  ${file}\n`);
    expect((await t.request({ method: 'GET', url: `/.well-known/csaf/white/${year}/nope.json` })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: `/.well-known/csaf/white/${year}/..%2f..%2fetc%2fpasswd` })).statusCode).toBe(404);

    // Not signed yet; only a lead signs, with the right passphrase.
    expect((await t.request({ method: 'GET', url: `/.well-known/csaf/white/${year}/${file}.asc` })).statusCode).toBe(404);
    expect((await t.request({ method: 'POST', url: '/api/v1/advisories/sign', token: triager.token, payload: { passphrase: PASSPHRASE } })).statusCode).toBe(403);
    const wrong = await t.request({ method: 'POST', url: '/api/v1/advisories/sign', token: lead.token, payload: { passphrase: 'not it at all' } });
    expect(wrong.statusCode).toBe(400);
    const signed = await t.request({ method: 'POST', url: '/api/v1/advisories/sign', token: lead.token, payload: { passphrase: PASSPHRASE } });
    expect(signed.statusCode, signed.body).toBe(200);
    expect(signed.json()).toEqual({ signed: [id] });
    expect((await t.request({ method: 'POST', url: '/api/v1/advisories/sign', token: lead.token, payload: { passphrase: PASSPHRASE } })).json()).toEqual({ signed: [] });
    const asc = await t.request({ method: 'GET', url: `/.well-known/csaf/white/${year}/${file}.asc` });
    expect(asc.statusCode).toBe(200);
    expect(asc.body).toMatch(/^-----BEGIN PGP SIGNATURE-----/);

    const gpg = new GpgHome();
    try {
      gpg.importKey((await t.request({ method: 'GET', url: '/pgp-key.txt' })).body);
      fs.writeFileSync(path.join(gpg.dir, file), doc.rawPayload);
      fs.writeFileSync(path.join(gpg.dir, `${file}.asc`), asc.body);
      const verified = gpg.run(['--verify', path.join(gpg.dir, `${file}.asc`), path.join(gpg.dir, file)]);
      expect(verified.status, verified.stderr).toBe(0);
      expect(verified.stderr).toContain('Good signature from "Example Security <security@example.org>"');
      // One changed byte: the signature no longer holds.
      fs.writeFileSync(path.join(gpg.dir, file), Buffer.concat([doc.rawPayload, Buffer.from(' ')]));
      expect(gpg.run(['--verify', path.join(gpg.dir, `${file}.asc`), path.join(gpg.dir, file)]).status).not.toBe(0);
    } finally {
      gpg.destroy();
    }

    // A new revision is a new document: unsigned until a lead signs again.
    await t.request({ method: 'PATCH', url: `/api/v1/advisories/${id}`, token: lead.token, payload: { content: sampleContent({ title: 'Stored XSS in the widget (updated)' }) } });
    expect((await publish(t, lead, id, 'Clearer title')).statusCode).toBe(200);
    expect((await t.request({ method: 'GET', url: `/.well-known/csaf/white/${year}/${file}.asc` })).statusCode).toBe(404);

    const securityTxt = await t.request({ method: 'GET', url: '/.well-known/security.txt' });
    expect(securityTxt.body).toContain('CSAF: http://localhost:8080/.well-known/csaf/provider-metadata.json\n');
  });
});

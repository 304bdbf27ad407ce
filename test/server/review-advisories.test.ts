import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { DIALECTS } from '../helpers/databases.js';
import { buildUser, type BuiltUser } from '../helpers/factories.js';
import { createDraft, publish, sampleContent } from './advisories.support.js';

/** Characters outside XML 1.0's Char production: one of them makes a whole document unreadable. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** Security review of the public face of advisories. */
describe.each(DIALECTS)('advisories, security review, on %s', (engine) => {
  let t: TestApp;
  let lead: BuiltUser;
  let triager: BuiltUser;

  beforeAll(async () => {
    t = await buildTestApp(engine);
    lead = await buildUser(t.context, { roles: ['lead'] });
    triager = await buildUser(t.context, { roles: ['triager'] });
  });
  afterAll(async () => t?.close());

  it('keeps the Atom feed well-formed XML when advisory text holds characters XML 1.0 forbids', async () => {
    const id = await createDraft(t, triager, sampleContent({ title: `Noncharacter \uFFFF in the title on ${engine}`, summary: 'A summary with \uFFFE and \uFFFF in it, & <markup>.' }));
    const published = await publish(t, lead, id);
    expect(published.statusCode, published.body).toBe(200);
    const feed = await t.request({ method: 'GET', url: '/advisories/feed.atom' });
    expect(feed.statusCode).toBe(200);
    expect(feed.body).toContain(`Noncharacter  in the title on ${engine}`);
    expect(feed.body).toContain('A summary with  and  in it, &amp; &lt;markup&gt;.');
    expect(feed.body).not.toMatch(NOT_XML_CHAR);
  });
});

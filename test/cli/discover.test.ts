import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCliEnvironment } from '../helpers/cli.js';
import { DIALECTS } from '../helpers/databases.js';
import { inAMonth, site } from '../domain/discovery/discovery.support.js';
import { startServer, type TestServer } from './securitytxt.support.js';

describe.each(DIALECTS)('cvdesk discover on %s', (engine) => {
  const { cli } = useCliEnvironment(engine);
  let server: TestServer;

  beforeAll(async () => {
    const routes = site({
      '/.well-known/security.txt': `Contact: mailto:security@vendor.example\nContact: https://hackerone.com/vendor\nExpires: ${inAMonth()}\n`,
      '/npm/@acme/widget/latest': JSON.stringify({ repository: 'github:acme/widget', bugs: 'https://github.com/acme/widget/issues' }),
      '/raw/acme/widget/HEAD/SECURITY.md': 'Please mail security@acme.example; do not open public issues.\n',
      '/gh/acme/widget/security/advisories/new': '<html></html>',
      // A hostile package: terminal escape sequences in its registry metadata.
      '/npm/evil/latest': JSON.stringify({ bugs: { email: '\u001b]0;owned\u0007sec@evil.example', url: '\u001b[2Jnot a url' }, maintainers: [{ email: 'nobody \u001b[31m' }] }),
    });
    server = await startServer(routes);
    // The harness restores the environment afterwards.
    Object.assign(process.env, {
      CVDESK_DISCOVERY_MAIL_CHECK: 'off',
      CVDESK_DISCOVERY_NPM_URL: `${server.origin}/npm`,
      CVDESK_DISCOVERY_GITHUB_RAW_URL: `${server.origin}/raw`,
      CVDESK_DISCOVERY_GITHUB_URL: `${server.origin}/gh`,
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('prints {target, channels: [{kind, value, evidence: {url, fetched_at}}], warnings} with --json', async () => {
    process.env.CVDESK_FETCH_ALLOW_LOOPBACK = '1';
    const run = await cli(['discover', `127.0.0.1:${server.port}`, '--json']);
    expect(run.code, run.err).toBe(0);
    const result = JSON.parse(run.out);
    expect(result.target).toBe(`127.0.0.1:${server.port}`);
    expect(result.channels[0]).toMatchObject({ kind: 'email', value: 'security@vendor.example', source: 'security_txt', status: 'unchecked', evidence: { url: `${server.origin}/.well-known/security.txt`, http_status: 200 } });
    expect(Date.parse(result.channels[0].evidence.fetched_at)).not.toBeNaN();
    // The seeded coordinator CERT/CC is offered last.
    expect(result.channels.at(-1)).toMatchObject({ source: 'coordinator', vendor: { name: 'CERT/CC' } });
    expect(result.rejected).toEqual([expect.objectContaining({ value: 'https://hackerone.com/vendor', flags: ['bounty_platform'] })]);
    expect(result.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/hackerone\.com\/vendor \(security_txt\) is flagged bounty_platform: not used; fallback: security@vendor\.example/)]));
  });

  it('follows a package URL through the registry to the repository’s SECURITY.md, and prints a readable summary', async () => {
    process.env.CVDESK_FETCH_ALLOW_LOOPBACK = '1';
    const run = await cli(['discover', 'pkg:npm/%40acme/widget']);
    expect(run.code, run.err).toBe(0);
    // Mail is not checked here (CVDESK_DISCOVERY_MAIL_CHECK=off), so the live private-reporting page comes first.
    expect(run.out).toContain(`recommended: private_reporting ${server.origin}/gh/acme/widget/security/advisories/new  — live`);
    expect(run.out).toMatch(/1\. email\s+security@acme\.example  — unchecked; security_md: http:\/\/127\.0\.0\.1:\d+\/raw\/acme\/widget\/HEAD\/SECURITY\.md \(HTTP 200\)/);
    expect(run.out).toMatch(/not used:\n.*https:\/\/github\.com\/acme\/widget\/issues.*\[public_tracker\]/);
  });

  it('keeps hostile registry metadata from reaching the terminal: only the address of an e-mail field is used', async () => {
    process.env.CVDESK_FETCH_ALLOW_LOOPBACK = '1';
    const json = JSON.parse((await cli(['discover', 'pkg:npm/evil', '--json'])).out);
    const emails = [...json.channels, ...json.rejected].filter((c: { kind: string; source: string }) => c.kind === 'email' && c.source === 'registry').map((c: { value: string }) => c.value);
    expect(emails).toEqual(['sec@evil.example']);
    const text = await cli(['discover', 'pkg:npm/evil']);
    expect(text.out).toContain('sec@evil.example');
    expect(text.out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  it('refuses loopback without CVDESK_FETCH_ALLOW_LOOPBACK and rejects bad targets with exit 1', async () => {
    delete process.env.CVDESK_FETCH_ALLOW_LOOPBACK;
    const refused = await cli(['discover', `127.0.0.1:${server.port}`, '--json']);
    expect(refused.code).toBe(1);
    const result = JSON.parse(refused.out);
    expect(result.channels.filter((c: { source: string }) => c.source !== 'coordinator')).toEqual([]);
    expect(result.warnings.join('\n')).toMatch(/refusing to connect to 127\.0\.0\.1: a loopback address.*CVDESK_FETCH_ALLOW_LOOPBACK=1/);
    const bad = await cli(['discover', 'gopher://example.org']);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/validation_failed: target: only http\(s\) URLs/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discover, discoverMany } from '../../../src/domain/discovery/discover.js';
import type { Channel, Directory, DirectoryVendor, DiscoveryResult } from '../../../src/domain/discovery/discovery.js';
import { makeGnupg } from '../../cli/securitytxt.support.js';
import { aYearAgo, inAMonth, mailResolver, site, startVirtualHosts, testDeps, type VirtualHosts } from './discovery.support.js';

const find = (channels: Channel[], value: string) => channels.find((c) => c.value === value);
const values = (channels: Channel[]) => channels.map((c) => c.value);

describe('contact discovery against loopback sites', () => {
  let web: VirtualHosts;
  let vendorKey: ReturnType<typeof makeGnupg>;
  let strangerKey: ReturnType<typeof makeGnupg>;
  const mail = mailResolver({ 'good.test': ['mx.good.test'], 'acme.test': ['mx.acme.test'], 'implicit.test': { a: '192.0.2.1' }, 'nullmx.test': 'null' });

  beforeAll(async () => {
    web = await startVirtualHosts();
    vendorKey = makeGnupg();
    strangerKey = makeGnupg();
  });
  afterAll(async () => {
    await web?.close();
    vendorKey?.close();
    strangerKey?.close();
  });

  it('reads security.txt with the shared parser and keeps evidence for every channel; mail domains are checked in DNS', async () => {
    web.set('good.test', site({
      '/.well-known/security.txt': `Contact: mailto:security@good.test\nContact: ${web.origin('good.test')}/report\nContact: mailto:psirt@nullmx.test\nExpires: ${inAMonth()}\n`,
      '/report': '<form>report</form>',
    }));
    const result = await discover(web.authority('good.test'), testDeps({ mail }));
    const email = find(result.channels, 'security@good.test')!;
    expect(email).toMatchObject({ kind: 'email', source: 'security_txt', status: 'live', usable: true, flags: [] });
    expect(email.evidence).toMatchObject({ url: `${web.origin('good.test')}/.well-known/security.txt`, http_status: 200, signature: 'unsigned', check: 'MX mx.good.test' });
    expect(email.evidence.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(email.evidence.excerpt).toBe('line 1: Contact: mailto:security@good.test');
    expect(Date.parse(email.evidence.fetched_at)).not.toBeNaN();
    expect(find(result.channels, `${web.origin('good.test')}/report`)).toMatchObject({ kind: 'web_form', status: 'live' });
    // A domain with a null MX accepts no mail: not live, and the warning names the fallback.
    expect(find(result.rejected, 'psirt@nullmx.test')).toMatchObject({ status: 'not_live', usable: false });
    expect(result.warnings.join('\n')).toMatch(/psirt@nullmx\.test \(security_txt\) is not live: nullmx\.test publishes a null MX record.*fallback: security@good\.test/);
    expect(result.recommended?.value).toBe('security@good.test');
    expect(result.timed_out).toBe(false);
  });

  it('a hostile mailto: (bad %-escape, encoded control characters, cc= headers) drops only that address, never the run', async () => {
    web.set('hostile-mailto.test', site({
      '/.well-known/security.txt': [
        'Contact: mailto:%zz@good.test',
        'Contact: mailto:a%00b@good.test',
        'Contact: mailto:sec%0d%0abcc:x@good.test',
        'Contact: mailto:security@good.test?cc=evil@evil.test&body=%0aBcc:%20evil@evil.test',
        `Expires: ${inAMonth()}`,
        '',
      ].join('\n'),
    }));
    const result = await discover(web.authority('hostile-mailto.test'), testDeps({ mail }));
    const all = values([...result.channels, ...result.rejected]);
    expect(all).toEqual(['security@good.test']);
    expect(result.warnings.join('\n')).not.toMatch(/discovery failed/);
    expect(result.warnings.join('\n')).toMatch(/bad %-escape/);
  });

  it('does not use the contacts of a security.txt whose Canonical names another place', async () => {
    web.set('liar.test', site({ '/.well-known/security.txt': `Contact: mailto:security@good.test\nCanonical: https://elsewhere.example/.well-known/security.txt\nExpires: ${inAMonth()}\n` }));
    const result = await discover(web.authority('liar.test'), testDeps({ mail }));
    expect(result.channels.filter((c) => c.source === 'security_txt')).toEqual([]);
    expect(find(result.rejected, 'security@good.test')).toMatchObject({ flags: ['canonical_mismatch'], usable: false });
    expect(result.warnings.join('\n')).toMatch(/not trusted \(no_canonical_match\)/);
    // A Canonical that names where the file was read is respected as matching.
    web.set('honest.test', site({ '/.well-known/security.txt': `Contact: mailto:security@good.test\nCanonical: ${web.origin('honest.test')}/.well-known/security.txt\nExpires: ${inAMonth()}\n` }));
    expect(find((await discover(web.authority('honest.test'), testDeps({ mail }))).channels, 'security@good.test')?.flags).toEqual([]);
  });

  it('keeps an address a lying security.txt names when an honest source names it too', async () => {
    web.set('liar2.test', site({ '/.well-known/security.txt': `Contact: mailto:psirt@good.test\nCanonical: https://elsewhere.example/.well-known/security.txt\nExpires: ${inAMonth()}\n` }));
    web.set('raw.test', site({ '/liar2/app/HEAD/SECURITY.md': 'Mail psirt@good.test to report a vulnerability.\n' }));
    const vendor: DirectoryVendor = { id: '00000000-0000-4000-8000-0000000000b2', name: 'Liar2', kind: 'vendor', country: null, domains: [web.authority('liar2.test')], repositories: ['https://github.com/liar2/app'], preferredContactId: null, contacts: [], keys: [] };
    const directory: Directory = { findVendor: async (hints) => (hints.hosts.includes('liar2.test') ? vendor : null), coordinators: async () => [] };
    const result = await discover(web.authority('liar2.test'), testDeps({ mail, directory, sources: { githubRawUrl: web.origin('raw.test'), githubUrl: web.origin('github.test') } }));
    expect(find(result.channels, 'psirt@good.test')).toMatchObject({ source: 'security_md', flags: [], status: 'live' });
    expect(find(result.rejected, 'psirt@good.test')).toBeUndefined();
  });

  it('offers the contacts of an expired security.txt only as stale fallbacks', async () => {
    web.set('expired.test', site({ '/.well-known/security.txt': `Contact: mailto:old@good.test\nExpires: ${aYearAgo()}\n` }));
    const result = await discover(web.authority('expired.test'), testDeps({ mail }));
    expect(find(result.channels, 'old@good.test')).toMatchObject({ status: 'stale', usable: true, flags: ['expired'] });
    expect(result.warnings.join('\n')).toMatch(/is stale \(expired\)/);
    expect(result.recommended?.value).toBe('old@good.test');
  });

  it('checks a signed security.txt against the vendor’s key: verified, bad signature refused, unsigned noted, no key noted', async () => {
    const text = (host: string) => `Contact: mailto:signed@good.test\nCanonical: ${web.origin(host)}/.well-known/security.txt\nExpires: ${inAMonth()}\n`;
    web.set('signed.test', site({ '/.well-known/security.txt': vendorKey.clearsign(text('signed.test')) }));
    web.set('forged.test', site({ '/.well-known/security.txt': strangerKey.clearsign(text('forged.test')) }));
    const vendor = (host: string): DirectoryVendor => ({ id: '00000000-0000-4000-8000-00000000000a', name: 'Signed Inc', kind: 'vendor', country: null, domains: [host], repositories: [], preferredContactId: null, contacts: [], keys: [vendorKey.publicKey] });
    const directory = (host: string): Directory => ({ findVendor: async (hints) => (hints.hosts.includes(host) ? vendor(host) : null), coordinators: async () => [] });

    const verified = await discover(web.authority('signed.test'), testDeps({ mail, directory: directory('signed.test') }));
    expect(find(verified.channels, 'signed@good.test')?.evidence.signature).toBe('verified');

    const forged = await discover(web.authority('forged.test'), testDeps({ mail, directory: directory('forged.test') }));
    expect(find(forged.rejected, 'signed@good.test')).toMatchObject({ flags: ['signature_invalid'], usable: false });
    expect(forged.warnings.join('\n')).toMatch(/not trusted \(signature_invalid\)/);

    const noKey = await discover(web.authority('forged.test'), testDeps({ mail }));
    expect(find(noKey.channels, 'signed@good.test')?.evidence.signature).toMatch(/^not checked: no key/);
    expect(noKey.warnings.join('\n')).toMatch(/is signed, but no key of the vendor is known/);
  });

  it('gives up on a site that never answers and one that sends an endless body, and always answers', async () => {
    web.set('silent.test', () => undefined);
    let endlessClosed = false;
    web.set('endless.test', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(16 * 1024, 0x41);
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
      };
      res.on('drain', pump);
      res.on('close', () => (endlessClosed = true));
      pump();
    });
    const deps = testDeps({ mail, limits: { timeoutMs: 300, connectTimeoutMs: 300 }, targetTimeoutMs: 5000 });
    const [silent, endless] = (await discoverMany([web.authority('silent.test'), web.authority('endless.test')], deps, 2)) as DiscoveryResult[];
    expect(silent!.channels.filter((c) => c.source === 'security_txt')).toEqual([]);
    expect(silent!.warnings.join('\n')).toMatch(/no security\.txt on silent\.test.*no complete answer within 300 ms/);
    expect(endless!.warnings.join('\n')).toMatch(/names no Contact/);
    expect(endlessClosed).toBe(true);

    const short = await discover(web.authority('silent.test'), testDeps({ mail, limits: { timeoutMs: 60_000 }, targetTimeoutMs: 500 }));
    expect(short.timed_out).toBe(true);
    expect(short.warnings.join('\n')).toMatch(/discovery stopped after 500 ms/);
  });

  it('stops at a redirect loop', async () => {
    web.set('loop.test', (req, res) => {
      res.writeHead(302, { location: req.url ?? '/' });
      res.end();
    });
    const result = await discover(web.authority('loop.test'), testDeps({ mail }));
    expect(result.warnings.join('\n')).toMatch(/no security\.txt on loop\.test.*redirects in a loop/);
  });

  it('refuses loopback without CVDESK_FETCH_ALLOW_LOOPBACK, and private addresses even with it', async () => {
    web.set('refused.test', site({ '/.well-known/security.txt': `Contact: mailto:security@good.test\nExpires: ${inAMonth()}\n` }));
    const before = web.requests.length;
    const result = await discover(web.authority('refused.test'), testDeps({ mail, allowLoopback: false }));
    expect(result.channels.filter((c) => c.source === 'security_txt')).toEqual([]);
    expect(result.warnings.join('\n')).toMatch(/refusing to connect to refused\.test \(127\.0\.0\.1\): a loopback address/);
    expect(web.requests.length).toBe(before);
    const literal = await discover(`127.0.0.1:${web.port}`, testDeps({ mail, allowLoopback: false }));
    expect(literal.warnings.join('\n')).toMatch(/refusing to connect to 127\.0\.0\.1/);
    const internal = await discover(`intranet.private:${web.port}`, testDeps({ mail, allowLoopback: true }));
    expect(internal.warnings.join('\n')).toMatch(/refusing to connect to intranet\.private \(10\.0\.0\.1\): a private \(RFC 1918\) address/);
  });

  it('flags bounty platforms and public issue trackers and does not use them', async () => {
    web.set('bounty.test', site({ '/.well-known/security.txt': `Contact: https://hackerone.com/bounty-test\nContact: https://github.com/bounty/app/issues/new\nContact: mailto:bounty-test@wearehackerone.com\nExpires: ${inAMonth()}\n` }));
    const result = await discover(web.authority('bounty.test'), testDeps({ mail }));
    expect(result.channels).toEqual([]);
    expect(find(result.rejected, 'https://hackerone.com/bounty-test')?.flags).toEqual(['bounty_platform']);
    expect(find(result.rejected, 'https://github.com/bounty/app/issues/new')?.flags).toEqual(['public_tracker']);
    expect(find(result.rejected, 'bounty-test@wearehackerone.com')?.flags).toEqual(['bounty_platform']);
    expect(result.recommended).toBeNull();
    expect(result.warnings.join('\n')).toMatch(/hackerone\.com\/bounty-test \(security_txt\) is flagged bounty_platform: not used; no fallback was found/);
    // Flagged pages are not even requested.
    expect(web.requests.some((r) => r.includes('hackerone'))).toBe(false);
  });

  it('follows a package to its repository: npm metadata → repository → SECURITY.md and private reporting', async () => {
    web.set('npm.test', site({
      '/@acme/widget/latest': JSON.stringify({ name: '@acme/widget', repository: { type: 'git', url: 'git+https://github.com/acme/widget.git' }, bugs: { url: 'https://github.com/acme/widget/issues' }, maintainers: [{ name: 'dev', email: 'dev@acme.test' }] }),
    }));
    web.set('raw.test', site({ '/acme/widget/HEAD/SECURITY.md': '# Security\n\nPlease report vulnerabilities to security@acme.test or use private vulnerability reporting.\n\nSee also https://hackerone.com/acme for our bounty.\n' }));
    web.set('github.test', site({ '/acme/widget/security/advisories/new': '<html>report</html>' }));
    const sources = { npmUrl: web.origin('npm.test'), githubRawUrl: web.origin('raw.test'), githubUrl: web.origin('github.test') };
    const result = await discover('pkg:npm/%40acme/widget@1.2.3', testDeps({ mail, sources }));
    const pvr = `${web.origin('github.test')}/acme/widget/security/advisories/new`;
    expect(values(result.channels)).toEqual(['security@acme.test', pvr, 'dev@acme.test']);
    expect(find(result.channels, 'security@acme.test')).toMatchObject({ source: 'security_md', status: 'live', evidence: { url: `${web.origin('raw.test')}/acme/widget/HEAD/SECURITY.md`, http_status: 200 } });
    expect(find(result.channels, pvr)).toMatchObject({ kind: 'private_reporting', source: 'security_md', status: 'live', evidence: { check: `HTTP 200 from ${pvr}` } });
    expect(find(result.channels, 'dev@acme.test')).toMatchObject({ source: 'registry', note: 'a package maintainer, not a security contact' });
    expect(find(result.rejected, 'https://github.com/acme/widget/issues')).toMatchObject({ source: 'registry', flags: ['public_tracker'] });
    expect(find(result.rejected, 'https://hackerone.com/acme')).toMatchObject({ source: 'security_md', flags: ['bounty_platform'] });
    expect(result.recommended?.value).toBe('security@acme.test');
  });

  it('treats a private-reporting page that answers 404 as not live and offers the fallback', async () => {
    web.set('raw.test', site({ '/acme/gadget/HEAD/.github/SECURITY.md': 'Report security issues through GitHub private vulnerability reporting.\nOtherwise mail security@good.test.\n' }));
    web.set('github.test', site({}));
    const sources = { githubRawUrl: web.origin('raw.test'), githubUrl: web.origin('github.test') };
    const result = await discover('https://github.com/acme/gadget', testDeps({ mail, sources }));
    const pvr = `${web.origin('github.test')}/acme/gadget/security/advisories/new`;
    expect(find(result.rejected, pvr)).toMatchObject({ kind: 'private_reporting', status: 'not_live', evidence: { check_status: 404 } });
    expect(result.warnings.join('\n')).toContain(`${pvr} (security_md) is not live: HTTP 404 from ${pvr}; fallback: security@good.test (security_md)`);
    expect(result.recommended?.value).toBe('security@good.test');
    // SECURITY.md was found at its second place.
    expect(find(result.channels, 'security@good.test')?.evidence.url).toBe(`${web.origin('raw.test')}/acme/gadget/HEAD/.github/SECURITY.md`);
  });

  it('uses the directory first, skips bounced contacts, and ends with the coordinators for the domain’s country', async () => {
    const acme: DirectoryVendor = {
      id: '00000000-0000-4000-8000-0000000000a1',
      name: 'Acme',
      kind: 'vendor',
      country: null,
      domains: [],
      repositories: [],
      preferredContactId: 'c2',
      contacts: [
        { id: 'c1', kind: 'email', value: 'bounced@acme.test', status: 'bounced', evidence: null, updatedAt: '2026-11-01T00:00:00.000Z' },
        { id: 'c2', kind: 'email', value: 'psirt@acme.test', status: 'unverified', evidence: null, updatedAt: '2026-11-01T00:00:00.000Z' },
      ],
      keys: [],
    };
    const coordinator = (id: string, name: string, country: string | null, value: string): DirectoryVendor => ({ id, name, kind: 'coordinator', country, domains: [], repositories: [], preferredContactId: null, contacts: [{ id: `${id}-c`, kind: 'email', value, status: 'unverified', evidence: null, updatedAt: '2026-11-01T00:00:00.000Z' }], keys: [] });
    const directory: Directory = {
      findVendor: async (hints) => (hints.hosts.includes('acme.nl') ? acme : null),
      coordinators: async () => [
        coordinator('00000000-0000-4000-8000-0000000000c1', 'CERT/CC', null, 'cert@cert.org'),
        coordinator('00000000-0000-4000-8000-0000000000c2', 'NCSC-NL', 'NL', 'cert@ncsc.nl'),
        coordinator('00000000-0000-4000-8000-0000000000c3', 'JPCERT/CC', 'JP', 'vuls@jpcert.or.jp'),
      ],
    };
    // www.acme.nl is found under acme.nl; it has no site, so nothing else is found.
    const result = await discover('www.acme.nl', testDeps({ mail, directory, allowLoopback: false }));
    expect(result.vendor).toEqual({ id: acme.id, name: 'Acme' });
    expect(values(result.channels)).toEqual(['psirt@acme.test', 'cert@cert.org', 'cert@ncsc.nl']);
    expect(find(result.channels, 'psirt@acme.test')).toMatchObject({ source: 'directory', status: 'live', note: 'the vendor’s preferred channel' });
    expect(find(result.rejected, 'bounced@acme.test')).toMatchObject({ status: 'bounced' });
    expect(result.warnings.join('\n')).toMatch(/bounced@acme\.test \(directory\) is not live: mail to it bounced; fallback: psirt@acme\.test/);
    expect(result.recommended?.value).toBe('psirt@acme.test');
  });

  it('reads PyPI project_urls and crates.io repositories', async () => {
    web.set('pypi.test', site({
      '/pypi/acme-tools/json': JSON.stringify({ info: { author_email: 'Ann <ann@acme.test>', project_urls: { Security: `${web.origin('acme-web.test')}/security`, 'Bug Tracker': 'https://bugs.acme.test/', Source: 'https://gitlab.com/acme/group/tools' } } }),
    }));
    web.set('acme-web.test', site({ '/security': '<form></form>' }));
    web.set('gitlab.test', site({ '/acme/group/tools/-/raw/HEAD/SECURITY.md': 'Report vulnerabilities to psirt@acme.test.\n' }));
    web.set('crates.test', site({ '/api/v1/crates/acme': JSON.stringify({ crate: { repository: 'https://gitlab.com/acme/group/tools' } }) }));
    const sources = { pypiUrl: web.origin('pypi.test'), gitlabUrl: web.origin('gitlab.test'), cratesUrl: web.origin('crates.test') };
    const pypi = await discover('pkg:pypi/Acme_Tools', testDeps({ mail, sources }));
    expect(pypi.channels.map((c) => [c.source, c.value])).toEqual([
      ['security_md', 'psirt@acme.test'],
      ['registry', `${web.origin('acme-web.test')}/security`],
      ['registry', 'ann@acme.test'],
    ]);
    expect(find(pypi.rejected, 'https://bugs.acme.test/')?.flags).toEqual(['public_tracker']);
    const crate = await discover('pkg:cargo/acme', testDeps({ mail, sources }));
    expect(values(crate.channels)).toEqual(['psirt@acme.test']);
    const unknown = await discover('pkg:maven/org.acme/tools@1.0', testDeps({ mail, sources }));
    expect(unknown.warnings.join('\n')).toMatch(/no registry is known for package type "maven"/);
  });

  it('uses at most 30 addresses and links of a hostile SECURITY.md', async () => {
    web.set('raw.test', site({ '/spam/repo/HEAD/SECURITY.md': Array.from({ length: 500 }, (_, i) => `report to user${i}@good.test or https://good.test/form${i}`).join('\n') }));
    const result = await discover('https://github.com/spam/repo', testDeps({ mail, sources: { githubRawUrl: web.origin('raw.test'), githubUrl: web.origin('github.test') } }));
    expect(result.channels.filter((c) => c.source === 'security_md').length).toBeLessThanOrEqual(30);
    expect(result.warnings.join('\n')).toMatch(/only the first 30 addresses and links were used/);
  });

  it('refuses targets that are not a domain, URL, repository or package URL', async () => {
    for (const bad of ['', 'ftp://example.org/x', 'not a domain', 'pkg:', 'https://user:pw@example.org/', 'x'.repeat(3000), 'example.org/path']) {
      await expect(discover(bad, testDeps()), bad.slice(0, 20)).rejects.toMatchObject({ code: 'validation_failed' });
    }
  });
});

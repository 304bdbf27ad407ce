import { describe, expect, it } from 'vitest';
import { flagForEmail, flagForUrl } from '../../../src/domain/discovery/channel-flags.js';
import { Semaphore } from '../../../src/domain/discovery/discovery-fetcher.js';
import { parseTarget } from '../../../src/domain/discovery/discovery-target.js';
import { DEFAULT_SOURCES, privateReportingUrl, recogniseRepository, registryDocumentUrl, securityFileUrls } from '../../../src/domain/discovery/known-sources.js';
import { checkMailDomain } from '../../../src/domain/discovery/mail-domain.js';
import { countryOfDomain } from '../../../src/domain/vendors/coordinators.js';
import { packageKey, parsePurl } from '../../../src/domain/vendors/purl.js';
import { normaliseContactValue, normaliseDomain, normaliseRepositoryUrl } from '../../../src/domain/vendors/vendor.js';
import { mailResolver } from './discovery.support.js';

describe('discovery parts', () => {
  it('parses targets: domains, URLs, repositories on known forges (public or configured host), package URLs', () => {
    const sources = { ...DEFAULT_SOURCES, githubUrl: 'http://127.0.0.1:9000' };
    expect(parseTarget('Example.ORG', sources)).toMatchObject({ kind: 'domain', host: 'example.org', authority: 'example.org' });
    expect(parseTarget('example.org:8443', sources)).toMatchObject({ kind: 'domain', authority: 'example.org:8443' });
    expect(parseTarget('https://www.example.org/security', sources)).toMatchObject({ kind: 'url', host: 'www.example.org' });
    expect(parseTarget('git@github.com:acme/widget.git', sources)).toMatchObject({ kind: 'repository', repository: { forge: 'github', owner: 'acme', repo: 'widget' } });
    expect(parseTarget('https://gitlab.com/acme/sub/tool/-/tree/main', sources)).toMatchObject({ kind: 'repository', repository: { forge: 'gitlab', owner: 'acme/sub', repo: 'tool' } });
    expect(parseTarget('http://127.0.0.1:9000/acme/widget', sources)).toMatchObject({ kind: 'repository', repository: { forge: 'github', owner: 'acme', repo: 'widget' } });
    expect(parseTarget('pkg:github/acme/widget', sources)).toMatchObject({ kind: 'repository', url: 'https://github.com/acme/widget' });
    expect(parseTarget('pkg:npm/%40acme/widget@1.0.0?arch=x#sub', sources)).toMatchObject({ kind: 'package', purl: { type: 'npm', namespace: '@acme', name: 'widget', version: '1.0.0' } });
  });

  it('fills the URL templates from the configured bases', () => {
    const repo = recogniseRepository(new URL('https://github.com/acme/widget'), DEFAULT_SOURCES)!;
    expect(securityFileUrls(repo, DEFAULT_SOURCES)[0]).toBe('https://raw.githubusercontent.com/acme/widget/HEAD/SECURITY.md');
    expect(privateReportingUrl(repo, DEFAULT_SOURCES)).toBe('https://github.com/acme/widget/security/advisories/new');
    const codeberg = recogniseRepository(new URL('https://codeberg.org/forgejo/forgejo'), DEFAULT_SOURCES)!;
    expect(securityFileUrls(codeberg, DEFAULT_SOURCES)[1]).toBe('https://codeberg.org/api/v1/repos/forgejo/forgejo/raw/.github/SECURITY.md');
    expect(privateReportingUrl(codeberg, DEFAULT_SOURCES)).toBeNull();
    expect(registryDocumentUrl('npm', '@acme/widget', DEFAULT_SOURCES)).toBe('https://registry.npmjs.org/@acme/widget/latest');
    expect(registryDocumentUrl('pypi', 'acme-tools', { ...DEFAULT_SOURCES, pypiUrl: 'http://127.0.0.1:1/' })).toBe('http://127.0.0.1:1/pypi/acme-tools/json');
    expect(() => registryDocumentUrl('cargo', '../../admin', DEFAULT_SOURCES)).toThrow(/not allowed/);
    expect(() => parsePurl('pkg:cargo/..')).toThrow(/must not be/);
  });

  it('flags bounty platforms, public trackers, plain http and no-reply addresses', () => {
    const flag = (url: string, allowHttp = false) => flagForUrl(new URL(url), DEFAULT_SOURCES, allowHttp);
    expect(flag('https://hackerone.com/acme')).toBe('bounty_platform');
    expect(flag('https://app.intigriti.com/programs/acme')).toBe('bounty_platform');
    expect(flag('https://github.com/acme/widget/issues/new')).toBe('public_tracker');
    expect(flag('https://gitlab.com/acme/sub/tool/-/issues')).toBe('public_tracker');
    expect(flag('https://bugs.launchpad.net/acme')).toBe('public_tracker');
    expect(flag('https://bugzilla.acme.example/enter_bug.cgi')).toBe('public_tracker');
    expect(flag('https://acme.atlassian.net/browse/SEC-1')).toBe('public_tracker');
    expect(flag('https://github.com/acme/widget/security/advisories/new')).toBeNull();
    expect(flag('https://acme.example/security')).toBeNull();
    expect(flag('http://acme.example/security')).toBe('insecure_http');
    expect(flag('http://acme.example/security', true)).toBeNull();
    expect(flagForEmail('acme@wearehackerone.com')).toBe('bounty_platform');
    expect(flagForEmail('123+dev@users.noreply.github.com')).toBe('no_reply_address');
    expect(flagForEmail('security@acme.example')).toBeNull();
  });

  it('judges mail domains by MX, implicit MX and null MX; lookup failures stay unchecked', async () => {
    const resolver = mailResolver({ 'mx.test': ['mx2.mx.test', 'mx1.mx.test'], 'a.test': { a: '192.0.2.1' }, 'null.test': 'null', 'bare.test': [] });
    expect(await checkMailDomain(resolver, 'mx.test')).toEqual({ status: 'live', detail: 'MX mx2.mx.test, mx1.mx.test' });
    expect((await checkMailDomain(resolver, 'a.test')).status).toBe('live');
    expect((await checkMailDomain(resolver, 'null.test')).status).toBe('not_live');
    expect(await checkMailDomain(resolver, 'gone.test')).toEqual({ status: 'not_live', detail: 'gone.test does not exist in DNS' });
    const broken = { ...resolver, resolveMx: async () => Promise.reject(Object.assign(new Error('timeout'), { code: 'ETIMEOUT' })) };
    expect(await checkMailDomain(broken, 'mx.test')).toMatchObject({ status: 'unchecked' });
  });

  it('runs at most N tasks at once', async () => {
    const semaphore = new Semaphore(2);
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 8 }, () =>
        semaphore.run(async () => {
          peak = Math.max(peak, ++running);
          await new Promise((r) => setTimeout(r, 5));
          running -= 1;
        }),
      ),
    );
    expect(peak).toBe(2);
  });

  it('shares freed slots out per owner: one account queueing many fetches does not starve another', async () => {
    const semaphore = new Semaphore(1);
    const order: string[] = [];
    const task = (name: string) => async () => {
      order.push(name);
      await new Promise((r) => setTimeout(r, 1));
    };
    const flood = Array.from({ length: 20 }, (_, i) => semaphore.run(task(`flood${i}`), 'alice'));
    // Bob asks after Alice's twenty: he is served second, not twenty-first.
    const bob = [semaphore.run(task('bob0'), 'bob'), semaphore.run(task('bob1'), 'bob')];
    await Promise.all([...flood, ...bob]);
    expect(order.slice(0, 5)).toEqual(['flood0', 'flood1', 'bob0', 'flood2', 'bob1']);
    expect(order).toHaveLength(22);
  });
});

describe('directory normalisation', () => {
  it('normalises package URLs as their types say', () => {
    expect(packageKey(parsePurl('pkg:npm/%40Acme/Widget@1'))).toEqual({ ecosystem: 'npm', name: '@acme/widget' });
    expect(packageKey(parsePurl('pkg:pypi/Django_REST.framework'))).toEqual({ ecosystem: 'pypi', name: 'django-rest-framework' });
    expect(packageKey(parsePurl('pkg:maven/org.Apache/Commons@1'))).toEqual({ ecosystem: 'maven', name: 'org.Apache/Commons' });
    expect(packageKey(parsePurl('pkg:golang/github.com/Acme/Mod'))).toEqual({ ecosystem: 'golang', name: 'github.com/Acme/Mod' });
    for (const bad of ['npm/x', 'pkg:', 'pkg:npm/', 'pkg:npm/%zz', 'pkg:npm/%2e%2e/x', `pkg:npm/${'a'.repeat(1001)}`]) expect(() => parsePurl(bad), bad).toThrow();
  });

  it('normalises domains, repository URLs and contact values, refusing what is not one', () => {
    expect(normaliseDomain('Bücher.Example.', '/d')).toBe('xn--bcher-kva.example');
    expect(() => normaliseDomain('localhost', '/d')).toThrow();
    expect(() => normaliseDomain('10.0.0.1', '/d')).toThrow(/IP address/);
    expect(normaliseRepositoryUrl('ssh://git@gitlab.com/acme/tool.git', '/r')).toBe('https://gitlab.com/acme/tool');
    expect(() => normaliseRepositoryUrl('https://user:pw@github.com/acme/x', '/r')).toThrow(/credentials/);
    expect(normaliseContactValue('email', 'mailto:Security@Acme.Example', '/v')).toBe('security@acme.example');
    expect(() => normaliseContactValue('web_form', 'javascript:alert(1)', '/v')).toThrow();
    expect(() => normaliseContactValue('email', 'a@b.example\r\nBcc: x@y', '/v')).toThrow();
    expect(countryOfDomain('acme.nl')).toBe('NL');
    expect(countryOfDomain('acme.com')).toBeNull();
    // A top-level label that names an Object.prototype member is a generic TLD, not a country (nor a function).
    for (const tld of ['constructor', 'tostring', '__proto__']) expect(countryOfDomain(`acme.${tld}`)).toBeNull();
  });
});

import { invalid } from '../../shared/errors.js';
import { parsePurl, type PackageUrl } from '../vendors/purl.js';
import { recogniseRepository, type ForgeRepository, type KnownSources } from './known-sources.js';

/**
 * What discovery was asked about: a domain (`example.org`, optionally `:port`), a URL on a site,
 * a repository URL on a known forge, or a package URL (purl).
 */
export type DiscoveryTarget =
  | { kind: 'domain'; input: string; host: string; authority: string }
  | { kind: 'url'; input: string; host: string; authority: string; url: string }
  | { kind: 'repository'; input: string; repository: ForgeRepository; url: string }
  | { kind: 'package'; input: string; purl: PackageUrl };

const HOST = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const MAX_TARGET = 2000;

export function parseTarget(text: string, sources: KnownSources, field = '/target'): DiscoveryTarget {
  const input = text.trim();
  if (input === '' || input.length > MAX_TARGET) throw invalid(field, `must be 1 to ${MAX_TARGET} characters: a domain, URL, repository URL or package URL`);
  if (/[\0-\x20\x7f]/.test(input)) throw invalid(field, 'must not contain spaces or control characters');
  if (/^pkg:/i.test(input)) {
    const purl = parsePurl(input, field);
    // A GitHub/GitLab purl names a repository.
    if (purl.type === 'github' || purl.type === 'gitlab') {
      if (!purl.namespace) throw invalid(field, `a ${purl.type} package URL needs an owner (pkg:${purl.type}/owner/repo)`);
      return { kind: 'repository', input, repository: { forge: purl.type, owner: purl.namespace, repo: purl.name }, url: `https://${purl.type}.com/${purl.namespace}/${purl.name}` };
    }
    return { kind: 'package', input, purl };
  }
  let url: URL;
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(input) || /^git@/.test(input);
  try {
    url = new URL(hasScheme ? input.replace(/^git\+/, '').replace(/^git@([^:]+):/, 'https://$1/').replace(/^(git|ssh):\/\/(git@)?/, 'https://') : `https://${input}`);
  } catch {
    throw invalid(field, `"${input.slice(0, 80)}" is not a domain, URL, repository URL or package URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid(field, `only http(s) URLs, domains and package URLs can be discovered, not ${url.protocol}`);
  if (url.username || url.password) throw invalid(field, 'a URL must not carry credentials');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!HOST.test(host) && !/^[0-9a-f:.]+$/i.test(host)) throw invalid(field, `"${host.slice(0, 80)}" is not a host name`);
  const repository = recogniseRepository(url, sources);
  if (repository) return { kind: 'repository', input, repository, url: url.href.replace(/\/+$/, '').replace(/\.git$/, '') };
  if (!hasScheme) {
    if (url.pathname !== '/' || url.search) throw invalid(field, `"${input.slice(0, 80)}" is neither a domain nor a URL (add https://)`);
    return { kind: 'domain', input, host: host.toLowerCase(), authority: url.host.toLowerCase() };
  }
  return { kind: 'url', input, host: host.toLowerCase(), authority: url.host.toLowerCase(), url: url.href };
}

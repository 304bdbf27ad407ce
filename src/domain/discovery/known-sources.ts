/**
 * Where discovery looks things up: forges (raw files, private vulnerability reporting) and package
 * registries, as base URLs and URL templates. The bases are configuration (CVDESK_DISCOVERY_*_URL,
 * docs/vendors.md), so tests and demos point them at loopback servers; a repository or package is
 * recognised by its public host (github.com…) or by the configured base, and fetched from the base.
 */
export interface KnownSources {
  githubUrl: string;
  githubRawUrl: string;
  gitlabUrl: string;
  codebergUrl: string;
  npmUrl: string;
  pypiUrl: string;
  cratesUrl: string;
}

export const DEFAULT_SOURCES: KnownSources = {
  githubUrl: 'https://github.com',
  githubRawUrl: 'https://raw.githubusercontent.com',
  gitlabUrl: 'https://gitlab.com',
  codebergUrl: 'https://codeberg.org',
  npmUrl: 'https://registry.npmjs.org',
  pypiUrl: 'https://pypi.org',
  cratesUrl: 'https://crates.io',
};

export type ForgeName = 'github' | 'gitlab' | 'codeberg';

/** The templates; `{name}` placeholders are filled with URL-encoded path segments. */
export const TEMPLATES = {
  github: { securityFile: '{githubRawUrl}/{owner}/{repo}/HEAD/{path}', privateReporting: '{githubUrl}/{owner}/{repo}/security/advisories/new', repository: '{githubUrl}/{owner}/{repo}' },
  gitlab: { securityFile: '{gitlabUrl}/{owner}/{repo}/-/raw/HEAD/{path}', privateReporting: null, repository: '{gitlabUrl}/{owner}/{repo}' },
  // Forgejo/Gitea's API serves a file of the default branch when no ref is given.
  codeberg: { securityFile: '{codebergUrl}/api/v1/repos/{owner}/{repo}/raw/{path}', privateReporting: null, repository: '{codebergUrl}/{owner}/{repo}' },
  npm: '{npmUrl}/{name}/latest',
  pypi: '{pypiUrl}/pypi/{name}/json',
  cargo: '{cratesUrl}/api/v1/crates/{name}',
} as const;

/** Where projects keep their security policy, in the order GitHub itself looks. */
export const SECURITY_FILE_PATHS = ['SECURITY.md', '.github/SECURITY.md', 'docs/SECURITY.md'] as const;

const PUBLIC_HOSTS: Record<ForgeName, string[]> = {
  github: ['github.com', 'www.github.com'],
  gitlab: ['gitlab.com', 'www.gitlab.com'],
  codeberg: ['codeberg.org'],
};

const FORGE_BASE: Record<ForgeName, keyof KnownSources> = { github: 'githubUrl', gitlab: 'gitlabUrl', codeberg: 'codebergUrl' };

export interface ForgeRepository {
  forge: ForgeName;
  /** GitLab groups may be nested: `group/subgroup`. */
  owner: string;
  repo: string;
}

function hostOf(base: string): string {
  try {
    return new URL(base).host.toLowerCase();
  } catch {
    return '';
  }
}

export function fill(template: string, sources: KnownSources, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    if (key in sources) return sources[key as keyof KnownSources].replace(/\/+$/, '');
    const value = values[key] ?? '';
    // Paths (owner groups, file paths, scoped package names) keep their slashes.
    return value
      .split('/')
      .map((segment) => {
        // URLs resolve dot segments (encoded ones too): a name must not climb out of the template's path.
        if (segment === '.' || segment === '..') throw new Error(`"${segment}" is not allowed in a source URL`);
        return encodeURIComponent(segment).replace(/^%40/, '@');
      })
      .join('/');
  });
}

/** Which forge a repository URL is on, with its owner and name; null for an unknown host. */
export function recogniseRepository(url: URL, sources: KnownSources): ForgeRepository | null {
  const host = url.host.toLowerCase();
  for (const forge of Object.keys(PUBLIC_HOSTS) as ForgeName[]) {
    if (!PUBLIC_HOSTS[forge].includes(host) && host !== hostOf(sources[FORGE_BASE[forge]])) continue;
    let segments: string[];
    try {
      segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      return null;
    }
    if (segments.some((s) => s.includes('/') || s === '.' || s === '..')) return null;
    const cut = segments.indexOf('-');
    const path = (cut >= 0 ? segments.slice(0, cut) : segments).map((s) => s.replace(/\.git$/, ''));
    if (forge === 'gitlab') {
      if (path.length < 2) return null;
      return { forge, owner: path.slice(0, -1).join('/'), repo: path[path.length - 1]! };
    }
    if (path.length < 2) return null;
    return { forge, owner: path[0]!, repo: path[1]! };
  }
  return null;
}

export function securityFileUrls(repo: ForgeRepository, sources: KnownSources): string[] {
  return SECURITY_FILE_PATHS.map((path) => fill(TEMPLATES[repo.forge].securityFile, sources, { owner: repo.owner, repo: repo.repo, path }));
}

export function privateReportingUrl(repo: ForgeRepository, sources: KnownSources): string | null {
  const template = TEMPLATES[repo.forge].privateReporting;
  return template ? fill(template, sources, { owner: repo.owner, repo: repo.repo }) : null;
}

export function repositoryUrl(repo: ForgeRepository, sources: KnownSources): string {
  return fill(TEMPLATES[repo.forge].repository, sources, { owner: repo.owner, repo: repo.repo });
}

/** The public URL of a repository (github.com…), whatever base it was fetched from: the directory stores these. */
export function publicRepositoryUrl(repo: ForgeRepository): string {
  return `https://${PUBLIC_HOSTS[repo.forge][0]}/${repo.owner}/${repo.repo}`;
}

/** The registry document for a package, or null when cvdesk knows no registry for its type. */
export function registryDocumentUrl(type: string, name: string, sources: KnownSources): string | null {
  if (type === 'npm') return fill(TEMPLATES.npm, sources, { name });
  if (type === 'pypi') return fill(TEMPLATES.pypi, sources, { name });
  if (type === 'cargo') return fill(TEMPLATES.cargo, sources, { name });
  return null;
}

/** Hosts of the configured forges (and their public names), for telling issue trackers on them apart. */
export function forgeHosts(sources: KnownSources): Set<string> {
  return new Set([...Object.values(PUBLIC_HOSTS).flat(), hostOf(sources.githubUrl), hostOf(sources.gitlabUrl), hostOf(sources.codebergUrl)]);
}

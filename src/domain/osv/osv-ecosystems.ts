/**
 * The OSV ecosystems a package may name (https://ossf.github.io/osv-schema/#affectedpackage-field),
 * as the OSV schema lists them. An ecosystem may carry a `:suffix` (e.g. `Debian:12`), which the
 * schema allows for every one of them. test/domain/advisories checks this list against the schema.
 */
export const OSV_ECOSYSTEMS = [
  'AlmaLinux', 'Alpaquita', 'Alpine', 'Android', 'Azure Linux', 'BellSoft Hardened Containers', 'Bioconductor', 'Bitnami', 'Chainguard',
  'CleanStart', 'ConanCenter', 'CRAN', 'crates.io', 'Debian', 'Docker Hardened Images', 'Echo', 'FreeBSD', 'GHC', 'GitHub Actions', 'Go',
  'Hackage', 'Hex', 'Julia', 'Kubernetes', 'Linux', 'Mageia', 'Maven', 'MinimOS', 'npm', 'NuGet', 'opam', 'openEuler', 'openSUSE',
  'OSS-Fuzz', 'Packagist', 'Photon OS', 'Pub', 'PyPI', 'Red Hat', 'Rocky Linux', 'Root', 'RubyGems', 'SUSE', 'SwiftURL', 'TuxCare',
  'Ubuntu', 'VSCode', 'Wolfi',
] as const;

const KNOWN = new Set<string>(OSV_ECOSYSTEMS);

/** `npm`, `Debian:12`… (the base must be on the list; a suffix is free text). */
export function isOsvEcosystem(value: string): boolean {
  const colon = value.indexOf(':');
  const base = colon === -1 ? value : value.slice(0, colon);
  return KNOWN.has(base) && (colon === -1 || value.length > colon + 1);
}

/**
 * The `vers:` scheme (package-url/purl-spec VERS) that writes an ecosystem's version ranges in
 * CSAF's product_version_range; ecosystems without their own scheme use `generic`.
 */
const VERS_SCHEMES: Record<string, string> = {
  npm: 'npm', PyPI: 'pypi', Maven: 'maven', Go: 'golang', 'crates.io': 'cargo', RubyGems: 'gem', NuGet: 'nuget',
  Packagist: 'composer', Debian: 'deb', Ubuntu: 'deb', Alpine: 'alpine', Hex: 'hex', Pub: 'pub', Hackage: 'hackage',
};

export function versScheme(ecosystem: string | null, rangeType: 'SEMVER' | 'ECOSYSTEM'): string {
  if (rangeType === 'SEMVER') return 'semver';
  return VERS_SCHEMES[ecosystem?.split(':')[0] ?? ''] ?? 'generic';
}

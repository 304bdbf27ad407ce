import { invalid } from '../../shared/errors.js';

/** A package URL (https://github.com/package-url/purl-spec): `pkg:type/namespace/name@version?qualifiers#subpath`. */
export interface PackageUrl {
  type: string;
  namespace: string | null;
  name: string;
  version: string | null;
}

const MAX_PURL = 1000;

function decode(part: string, field: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw invalid(field, `bad percent-encoding in "${part.slice(0, 80)}"`);
  }
}

/**
 * Parses a purl, normalising what the spec says is case-insensitive (the type; namespace and
 * name for npm, pypi, github and others that say so; pypi's `_` → `-`). Throws `validation_failed`.
 */
export function parsePurl(text: string, field = '/purl'): PackageUrl {
  const raw = text.trim();
  if (raw.length > MAX_PURL) throw invalid(field, `a package URL is at most ${MAX_PURL} characters`);
  const match = /^pkg:\/*([A-Za-z][A-Za-z0-9.+-]*)\/([^?#]+?)(?:@([^?#/]*))?(?:\?[^#]*)?(?:#.*)?$/.exec(raw);
  if (!match) throw invalid(field, `"${raw.slice(0, 80)}" is not a package URL (pkg:type/namespace/name@version)`);
  const type = match[1]!.toLowerCase();
  const segments = match[2]!.split('/').filter((s) => s !== '').map((s) => decode(s, field));
  if (segments.length === 0 || segments.some((s) => /[\0-\x1f]/.test(s))) throw invalid(field, 'names no package');
  if (segments.some((s) => s === '.' || s === '..')) throw invalid(field, 'a namespace or name must not be "." or ".."');
  let name = segments.pop()!;
  let namespace: string | null = segments.length > 0 ? segments.join('/') : null;
  if (['npm', 'pypi', 'github', 'bitbucket', 'gitlab', 'hex', 'composer', 'deb', 'apk', 'alpm'].includes(type)) {
    name = name.toLowerCase();
    namespace = namespace?.toLowerCase() ?? null;
  }
  if (type === 'pypi') name = name.replace(/[_.]+/g, '-');
  const version = match[3] ? decode(match[3], field) : null;
  return { type, namespace, name, version };
}

/** The directory's key for a package: namespace and name joined by "/", e.g. `@acme/widget` for npm. */
export function packageKey(purl: PackageUrl): { ecosystem: string; name: string } {
  return { ecosystem: purl.type, name: purl.namespace ? `${purl.namespace}/${purl.name}` : purl.name };
}

/** A directory entry as a package URL: `npm`, `@acme/widget` → `pkg:npm/%40acme/widget` (`@acme/*` → `pkg:npm/%40acme/*`). */
export function purlOfPackage(ecosystem: string, name: string): string {
  return `pkg:${ecosystem}/${name.split('/').map(encodeURIComponent).join('/')}`;
}

/** `pkg:npm/%40acme/widget` → `@acme/widget`: the name a registry knows the package by. */
export function registryName(purl: PackageUrl): string {
  if (purl.type === 'maven' && purl.namespace) return `${purl.namespace}:${purl.name}`;
  return purl.namespace ? `${purl.namespace}/${purl.name}` : purl.name;
}

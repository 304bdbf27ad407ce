import type { AssetRow } from './program.js';

/** Kinds whose identifier names a place on the web: a host, maybe with a path (`*.acme.example`, `https://api.acme.example/v1`). */
const PLACE_KINDS: readonly string[] = ['domain', 'url', 'api', 'repository'];

interface Place {
  /** Lower-case, ASCII (punycode) host, no trailing dot; `*.` first for a wildcard. */
  host: string;
  /** Path without its trailing slashes ('' for the root). */
  path: string;
}

/** The host and path of `https://App.acme.example/login/`, `app.acme.example/login` or `*.acme.example`; undefined when the text names none. */
function placeOf(text: string): Place | undefined {
  const value = text.trim();
  if (!value || /\s/.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const host = url.hostname.replace(/\.$/, '');
  return host ? { host, path: url.pathname.replace(/\/+$/, '') } : undefined;
}

const sameText = (a: string, b: string) => a.trim().replace(/\/+$/, '').toLowerCase() === b.trim().replace(/\/+$/, '').toLowerCase();

/**
 * How closely a scope asset covers what a reporter named, or undefined when it does not: higher
 * is closer. Its identifier itself beats a host (and path) it lists, which beats a wildcard; among
 * those, the longer path or wildcard domain is the closer.
 */
function closeness(asset: AssetRow, named: string, place: Place | undefined): number | undefined {
  if (sameText(asset.identifier, named)) return 3_000_000;
  if (!place || !PLACE_KINDS.includes(asset.kind)) return undefined;
  const listed = placeOf(asset.identifier);
  if (!listed) return undefined;
  if (listed.host.startsWith('*.')) {
    const base = listed.host.slice(2);
    const under = place.host.endsWith(`.${base}`) && (listed.path === '' || place.path === listed.path || place.path.startsWith(`${listed.path}/`));
    return under ? 1_000_000 + base.length * 1000 + listed.path.length : undefined;
  }
  if (place.host !== listed.host) return undefined;
  const withinPath = listed.path === '' || place.path === listed.path || place.path.startsWith(`${listed.path}/`);
  return withinPath ? 2_000_000 + listed.path.length : undefined;
}

/**
 * The programme asset that covers what a reporter named as "other" (a host, URL, app, package),
 * or undefined: an asset whose identifier it is, one whose host (and path) it is under — a URL on
 * `app.acme.example` is under the domain asset `app.acme.example` — or one of a wildcard domain
 * it is a subdomain of (`foo.acme.example` under `*.acme.example`, the bare `acme.example` not).
 * The closest wins, in or out of scope: `blog.acme.example` listed out of scope beats an
 * in-scope `*.acme.example`.
 */
export function matchScopeAsset(assets: readonly AssetRow[], named: string): AssetRow | undefined {
  const place = placeOf(named);
  let best: { asset: AssetRow; closeness: number } | undefined;
  for (const asset of assets) {
    const score = closeness(asset, named, place);
    if (score !== undefined && (best === undefined || score > best.closeness)) best = { asset, closeness: score };
  }
  return best?.asset;
}

import { invalid } from '../../shared/errors.js';

/**
 * The CNA profile: what the organisation assigns CVE IDs for. The short name is not here: it is
 * the CVE Services organisation of the connection (CVE_ORG or the settings page), one home only.
 */
export interface CnaExclusion {
  /** A slug the eligibility questionnaire refers to (`ai-model-behaviour`). */
  id: string;
  title: string;
  /** Shown in public: why this is not a vulnerability under the policy (Markdown). */
  explanation: string;
}

export interface CnaProfile {
  /** The organisation's CVE Services UUID: providerMetadata.orgId of every record composed here. */
  orgId: string | null;
  /** What the CNA covers, in prose (Markdown), shown on the public policy page. */
  scopeStatement: string;
  /** Product names in scope; a CVE request names one of them. */
  products: string[];
  /** Third-party software the team finds flaws in is covered when no other CNA covers it. */
  thirdPartyCovered: boolean;
  exclusions: CnaExclusion[];
}

export const EMPTY_PROFILE: CnaProfile = { orgId: null, scopeStatement: '', products: [], thirdPartyCovered: false, exclusions: [] };

export const PROFILE_LIMITS = { statement: 10_000, products: 200, product: 200, exclusions: 50, title: 200, explanation: 4_000 } as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** A trimmed string of at most `max` characters, without control characters (line breaks and tabs only if `multiline`). */
export function text(value: unknown, field: string, max: number, options: { multiline?: boolean; empty?: boolean } = {}): string {
  if (typeof value !== 'string') throw invalid(field, 'must be a string');
  const trimmed = value.trim();
  if (!trimmed && !options.empty) throw invalid(field, 'must not be empty');
  if (trimmed.length > max) throw invalid(field, `must be at most ${max} characters`);
  if (CONTROL.test(trimmed) || (!options.multiline && /[\r\n\t]/.test(trimmed))) throw invalid(field, 'must not contain control characters');
  return trimmed;
}

function slugOf(title: string): string {
  return title.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63) || 'exclusion';
}

/** Checks and normalises a whole profile; each problem names its field (`/exclusions/2/explanation`). */
export function parseCnaProfile(input: unknown): CnaProfile {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalid('/', 'must be an object');
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw)) if (!['orgId', 'scopeStatement', 'products', 'thirdPartyCovered', 'exclusions'].includes(key)) throw invalid(`/${key}`, 'is not a CNA profile field');
  let orgId: string | null = null;
  if (raw.orgId !== null && raw.orgId !== undefined) {
    orgId = text(raw.orgId, '/orgId', 36).toLowerCase();
    if (!UUID.test(orgId)) throw invalid('/orgId', 'must be the organisation UUID CVE Services gave (a version 4 UUID)');
  }
  const scopeStatement = raw.scopeStatement === undefined ? '' : text(raw.scopeStatement, '/scopeStatement', PROFILE_LIMITS.statement, { multiline: true, empty: true });
  const productsRaw = raw.products ?? [];
  if (!Array.isArray(productsRaw)) throw invalid('/products', 'must be a list');
  if (productsRaw.length > PROFILE_LIMITS.products) throw invalid('/products', `must have at most ${PROFILE_LIMITS.products} entries`);
  const products: string[] = [];
  productsRaw.forEach((p, i) => {
    const name = text(p, `/products/${i}`, PROFILE_LIMITS.product);
    if (products.some((q) => q.toLowerCase() === name.toLowerCase())) throw invalid(`/products/${i}`, 'repeats an earlier product');
    products.push(name);
  });
  const thirdParty = raw.thirdPartyCovered ?? false;
  if (typeof thirdParty !== 'boolean') throw invalid('/thirdPartyCovered', 'must be true or false');
  const exclusionsRaw = raw.exclusions ?? [];
  if (!Array.isArray(exclusionsRaw)) throw invalid('/exclusions', 'must be a list');
  if (exclusionsRaw.length > PROFILE_LIMITS.exclusions) throw invalid('/exclusions', `must have at most ${PROFILE_LIMITS.exclusions} entries`);
  const exclusions: CnaExclusion[] = [];
  exclusionsRaw.forEach((e, i) => {
    const field = `/exclusions/${i}`;
    if (typeof e !== 'object' || e === null || Array.isArray(e)) throw invalid(field, 'must be an object with a title and an explanation');
    const entry = e as Record<string, unknown>;
    for (const key of Object.keys(entry)) if (!['id', 'title', 'explanation'].includes(key)) throw invalid(`${field}/${key}`, 'is not an exclusion field');
    const title = text(entry.title, `${field}/title`, PROFILE_LIMITS.title);
    const explanation = text(entry.explanation, `${field}/explanation`, PROFILE_LIMITS.explanation, { multiline: true });
    const id = entry.id === undefined || entry.id === '' ? slugOf(title) : text(entry.id, `${field}/id`, 63);
    if (!SLUG.test(id)) throw invalid(`${field}/id`, 'must be lower-case letters, digits and hyphens');
    if (exclusions.some((x) => x.id === id)) throw invalid(`${field}/id`, `repeats the exclusion "${id}"`);
    exclusions.push({ id, title, explanation });
  });
  return { orgId, scopeStatement, products, thirdPartyCovered: thirdParty, exclusions };
}

/** The in-scope product a request names, matched without regard to case or surrounding space. */
export function matchProduct(profile: CnaProfile, name: string): string | undefined {
  const wanted = name.trim().toLowerCase();
  return profile.products.find((p) => p.toLowerCase() === wanted);
}

import fs from 'node:fs';
import { createRequire } from 'node:module';
import { invalid } from '../../shared/errors.js';

/**
 * The MITRE CWE list of weaknesses, for the weakness picker and for checking a report's CWE.
 *
 * The data is MITRE's CWE XML as JSON, shipped by the npm package `cwe-sdk` (OWASP CWE Toolkit)
 * at `raw/cwe-archive.json`; it is read once, lazily, on first use (about 0.1 s) and only the
 * fields below are kept. Categories and views are left out: CVE records and reports map to
 * weaknesses. To move to a newer CWE release, update `cwe-sdk`.
 */

export type CweAbstraction = 'Pillar' | 'Class' | 'Base' | 'Variant' | 'Compound';
export type CweStatus = 'Stable' | 'Usable' | 'Draft' | 'Incomplete' | 'Deprecated' | 'Obsolete';
/** MITRE's mapping guidance: whether a vulnerability may be mapped to this entry. */
export type CweUsage = 'Allowed' | 'Allowed-with-Review' | 'Discouraged' | 'Prohibited';

export interface CweEntry {
  id: number;
  name: string;
  abstraction: CweAbstraction;
  status: CweStatus;
  /** Null when the catalogue gives no mapping guidance. */
  usage: CweUsage | null;
  /** Other names in use, such as `XSS` or `SQLi`. */
  alternateTerms: readonly string[];
}

export interface CweSearchOptions {
  /** Deprecated entries are left out of word searches unless asked for; an exact id always finds its entry. */
  includeDeprecated?: boolean;
}

export const MAX_CWE_RESULTS = 100;

interface Catalogue {
  version: string;
  date: string;
  entries: readonly CweEntry[];
  byId: ReadonlyMap<number, CweEntry>;
  /** Per entry: its name lower-cased, its words, and its alternate terms' words. */
  index: readonly IndexedEntry[];
}

interface IndexedEntry {
  entry: CweEntry;
  name: string;
  terms: string[];
  nameWords: string[];
  termWords: string[];
}

// The shape of the parts of cwe-archive.json that are read (fast-xml-parser's output).
interface RawWeakness {
  attr: Record<string, string>;
  Mapping_Notes?: { Usage?: unknown };
  Alternate_Terms?: { Alternate_Term?: { Term?: unknown } | { Term?: unknown }[] };
}
interface RawArchive {
  Weakness_Catalog: { attr: Record<string, string>; Weaknesses: { Weakness: RawWeakness[] } };
}

let loaded: Catalogue | undefined;

function catalogue(): Catalogue {
  loaded ??= load();
  return loaded;
}

function load(): Catalogue {
  const file = createRequire(import.meta.url).resolve('cwe-sdk/raw/cwe-archive.json');
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as RawArchive;
  const catalog = raw.Weakness_Catalog;
  const entries = catalog.Weaknesses.Weakness.map((w): CweEntry => {
    const terms = w.Alternate_Terms?.Alternate_Term;
    const list = terms === undefined ? [] : Array.isArray(terms) ? terms : [terms];
    const usage = w.Mapping_Notes?.Usage;
    return Object.freeze({
      id: Number(w.attr['@_ID']),
      name: String(w.attr['@_Name']),
      abstraction: w.attr['@_Abstraction'] as CweAbstraction,
      status: w.attr['@_Status'] as CweStatus,
      usage: typeof usage === 'string' ? (usage as CweUsage) : null,
      alternateTerms: Object.freeze(list.map((t) => t.Term).filter((t): t is string => typeof t === 'string')),
    });
  });
  entries.sort((a, b) => a.id - b.id);
  return {
    version: catalog.attr['@_Version'] ?? 'unknown',
    date: catalog.attr['@_Date'] ?? 'unknown',
    entries: Object.freeze(entries),
    byId: new Map(entries.map((e) => [e.id, e])),
    index: entries.map((entry) => ({
      entry,
      name: normalise(entry.name),
      terms: entry.alternateTerms.map(normalise),
      nameWords: words(entry.name),
      termWords: entry.alternateTerms.flatMap(words),
    })),
  };
}

const normalise = (text: string) => text.toLowerCase().replace(/\s+/g, ' ').trim();
const words = (text: string) => text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);

/** Which CWE release the catalogue is, e.g. `{ version: '4.15', date: '2024-07-16' }`, and how many weaknesses it holds. */
export function cweCatalogueInfo(): { version: string; date: string; weaknesses: number } {
  const { version, date, entries } = catalogue();
  return { version, date, weaknesses: entries.length };
}

/** Every weakness, by id. */
export function allCwes(): readonly CweEntry[] {
  return catalogue().entries;
}

/** The weakness with this id (`79`, `'79'` or `'CWE-79'`), or undefined; categories and views are not weaknesses. */
export function cweById(id: number | string): CweEntry | undefined {
  const number = typeof id === 'number' ? id : parseId(id);
  return number === undefined ? undefined : catalogue().byId.get(number);
}

/**
 * Why `value` is not a CWE id a vulnerability may be filed under, or null when it is one: the one
 * check of CWE ids given to cvdesk (reports, cases, CVE requests and records). Only weaknesses
 * count: categories and views (CWE-16, CWE-699, CWE-1000) are not in the catalogue.
 */
export function cweIdProblem(value: unknown): string | null {
  if (typeof value === 'number' && Number.isInteger(value) && cweById(value)) return null;
  return `CWE-${String(value).slice(0, 10)} is not in the CWE list of weaknesses (categories and views are not weaknesses); find one with GET /api/v1/cwe`;
}

/** `value` as a CWE id, or a `validation_failed` naming `field` (see `cweIdProblem`). */
export function checkCweId(value: unknown, field: string): number {
  const problem = cweIdProblem(value);
  if (problem !== null) throw invalid(field, problem);
  return value as number;
}

function parseId(text: string): number | undefined {
  const match = /^\s*(?:cwe[-\s:]*)?(\d{1,7})\s*$/i.exec(text);
  return match ? Number(match[1]) : undefined;
}

const USAGE_RANK: Record<string, number> = { Allowed: 0, 'Allowed-with-Review': 1, Discouraged: 2, Prohibited: 3 };
const STATUS_RANK: Record<string, number> = { Stable: 0, Usable: 1, Draft: 2, Incomplete: 3, Deprecated: 4, Obsolete: 5 };

interface Hit {
  entry: CweEntry;
  tier: number;
  /** Lower is better, within a tier. */
  within: number[];
}

/**
 * Finds weaknesses for a picker. A query that is an id (`79`, `CWE-79`) finds that entry first,
 * then the ids that start with those digits. Any other query is matched against names and
 * alternate terms, ranked:
 *
 * 1. the name or an alternate term is the query (`SQL injection` → CWE-89, `XSS` → CWE-79);
 * 2. the name or an alternate term starts with the query (`out-of-bounds w` → CWE-787);
 * 3. every word of the query starts a word of the name or of an alternate term, more whole-word
 *    and name matches first (`cross site scripting` → CWE-79).
 *
 * Ties go to entries MITRE allows mapping to, then by status (Stable first), shorter name, lower id.
 * Deprecated entries are left out unless `includeDeprecated`. `limit` is clamped to 1–100.
 */
export function searchCwe(query: string, limit = 20, options: CweSearchOptions = {}): CweEntry[] {
  const max = Math.max(1, Math.min(MAX_CWE_RESULTS, Math.floor(Number.isFinite(limit) ? limit : 20)));
  const text = normalise(typeof query === 'string' ? query : '');
  if (!text) return [];
  const { index } = catalogue();
  const visible = (e: CweEntry) => options.includeDeprecated || e.status !== 'Deprecated';
  const hits: Hit[] = [];

  const id = parseId(text);
  if (id !== undefined) {
    const digits = String(id);
    for (const { entry } of index) {
      if (entry.id === id) hits.push({ entry, tier: 0, within: [] });
      else if (String(entry.id).startsWith(digits) && visible(entry)) hits.push({ entry, tier: 1, within: [String(entry.id).length, entry.id] });
    }
    return sortHits(hits).slice(0, max);
  }

  const queryWords = words(text);
  if (!queryWords.length) return [];
  for (const item of index) {
    const { entry } = item;
    if (!visible(entry)) continue;
    const ties = [USAGE_RANK[entry.usage ?? ''] ?? 2, STATUS_RANK[entry.status] ?? 3, entry.name.length, entry.id];
    if (item.name === text || item.terms.includes(text)) {
      hits.push({ entry, tier: 2, within: [item.name === text ? 0 : 1, ...ties] });
    } else if (item.name.startsWith(text) || item.terms.some((t) => t.startsWith(text))) {
      hits.push({ entry, tier: 3, within: [item.name.startsWith(text) ? 0 : 1, ...ties] });
    } else {
      let whole = 0;
      let inName = 0;
      const all = queryWords.every((q) => {
        const nameWhole = item.nameWords.includes(q);
        const termWhole = item.termWords.includes(q);
        const namePrefix = nameWhole || item.nameWords.some((w) => w.startsWith(q));
        const termPrefix = termWhole || item.termWords.some((w) => w.startsWith(q));
        if (nameWhole || termWhole) whole += 1;
        if (namePrefix) inName += 1;
        return namePrefix || termPrefix;
      });
      if (all) hits.push({ entry, tier: 4, within: [-whole, -inName, ...ties] });
    }
  }
  return sortHits(hits).slice(0, max);
}

function sortHits(hits: Hit[]): CweEntry[] {
  hits.sort((a, b) => {
    if (a.tier !== b.tier) return a.tier - b.tier;
    for (let i = 0; i < Math.max(a.within.length, b.within.length); i += 1) {
      const difference = (a.within[i] ?? 0) - (b.within[i] ?? 0);
      if (difference) return difference;
    }
    return 0;
  });
  return hits.map((h) => h.entry);
}

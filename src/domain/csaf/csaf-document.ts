import type { Cvss3Result } from '../cvss/cvss.js';
import { versScheme } from '../osv/osv-ecosystems.js';
import { advisorySeverity, scored, weakness, type AdvisoryContent, type AffectedProduct, type VersionRange } from '../advisories/advisory.js';

/**
 * An advisory as a CSAF 2.0 document (OASIS CSAF 2.0, profile 4.5 security advisory or 4.4 VEX).
 * Pure: everything that is not in the content (ids, dates, the revision history, who publishes)
 * comes in `meta`. The product tree is vendor → product name → version or version range, one
 * product id per leaf; every listed product applies to every vulnerability.
 */
export interface CsafMeta {
  trackingId: string;
  publisherName: string;
  /** cvdesk's public address (PUBLIC_URL): the publisher namespace and the base of every link. */
  publicUrl: string;
  status: 'draft' | 'final';
  /** Oldest first; the last entry is this document's version. */
  revisions: { number: number; date: string; summary: string }[];
  initialReleaseDate: string;
  currentReleaseDate: string;
  generator: { version: string; date: string };
}

export type CsafDocument = Record<string, unknown> & {
  document: Record<string, unknown> & { tracking: Record<string, unknown> & { id: string; version: string } };
};

export const CSAF_TLP = 'WHITE';
export const CSAF_TLP_FOLDER = 'white';
export const CSAF_WELL_KNOWN = '/.well-known/csaf';

/** CSAF's file name rule (5.1): the tracking id in lower case, other characters than + - a-z 0-9 as _. */
export function csafFileName(trackingId: string): string {
  return `${trackingId.toLowerCase().replace(/[^+\-a-z0-9]+/g, '_')}.json`;
}

export function csafDocumentPath(trackingId: string, initialReleaseDate: string): string {
  return `${CSAF_WELL_KNOWN}/${CSAF_TLP_FOLDER}/${initialReleaseDate.slice(0, 4)}/${csafFileName(trackingId)}`;
}

export const advisoryPagePath = (trackingId: string) => `/advisories/${encodeURIComponent(trackingId)}`;

interface Leaf {
  category: 'product_version' | 'product_version_range';
  name: string;
  productId: string;
  status: 'known_affected' | 'fixed' | 'known_not_affected';
  product: AffectedProduct;
}

/** A range in vers notation (e.g. `vers:npm/>=1.0.0|<1.4.2`), or a plain-words range for GIT commits, which vers cannot order. */
export function rangeLabel(product: AffectedProduct, range: VersionRange): string {
  if (range.type === 'GIT') {
    const from = range.introduced === '0' ? 'the first commit' : `commit ${range.introduced}`;
    const to = range.fixed ? `up to (not including) commit ${range.fixed}` : range.lastAffected ? `up to commit ${range.lastAffected}` : 'onwards';
    return `${range.repo} from ${from} ${to}`;
  }
  const constraints: string[] = [];
  if (range.introduced !== '0') constraints.push(`>=${range.introduced}`);
  if (range.fixed) constraints.push(`<${range.fixed}`);
  if (range.lastAffected) constraints.push(`<=${range.lastAffected}`);
  return `vers:${versScheme(product.ecosystem, range.type)}/${constraints.length ? constraints.join('|') : '*'}`;
}

function versionPurl(purl: string | null, version: string | null): string | null {
  if (!purl) return null;
  if (version === null || purl.includes('@')) return purl;
  const [base, rest] = purl.split(/(?=[?#])/, 2);
  return `${base}@${encodeURIComponent(version)}${rest ?? ''}`;
}

function buildProductTree(content: AdvisoryContent): { tree: Record<string, unknown>; leaves: Leaf[] } {
  const leaves: Leaf[] = [];
  const vendors = new Map<string, { category: 'vendor'; name: string; branches: Record<string, unknown>[] }>();
  let next = 1;
  for (const product of content.products) {
    let vendor = vendors.get(product.vendor);
    if (!vendor) {
      vendor = { category: 'vendor', name: product.vendor, branches: [] };
      vendors.set(product.vendor, vendor);
    }
    const branches: Record<string, unknown>[] = [];
    const seen = new Set<string>();
    const add = (category: Leaf['category'], name: string, status: Leaf['status'], purlVersion: string | null) => {
      const key = `${category}\n${name}`;
      if (seen.has(key)) return;
      seen.add(key);
      const productId = `CSAFPID-${String(next++).padStart(4, '0')}`;
      const purl = versionPurl(product.purl, purlVersion);
      branches.push({
        category,
        name,
        product: {
          name: `${product.vendor} ${product.product} ${name}`,
          product_id: productId,
          ...(purl ? { product_identification_helper: { purl } } : {}),
        },
      });
      leaves.push({ category, name, productId, status, product });
    };
    const onVersion = product.status === 'affected' ? 'known_affected' : 'known_not_affected';
    for (const range of product.ranges) add('product_version_range', rangeLabel(product, range), 'known_affected', null);
    for (const version of product.versions) add('product_version', version, onVersion, version);
    for (const range of product.ranges) {
      if (range.fixed && range.type !== 'GIT') add('product_version', range.fixed, 'fixed', range.fixed);
      if (range.fixed && range.type === 'GIT') add('product_version', `commit ${range.fixed}`, 'fixed', null);
    }
    // No versions named: the statement is about every version.
    if (branches.length === 0) add('product_version_range', `vers:${versScheme(product.ecosystem, 'ECOSYSTEM')}/*`, onVersion, null);
    vendor.branches.push({ category: 'product_name', name: product.product, branches });
  }
  return { tree: { branches: [...vendors.values()] }, leaves };
}

const idsOf = (leaves: Leaf[], status: Leaf['status'], product?: AffectedProduct) =>
  leaves.filter((l) => l.status === status && (!product || l.product === product)).map((l) => l.productId);

function cvssV3(result: Cvss3Result): Record<string, unknown> {
  return { version: result.version, vectorString: result.vector, baseScore: result.baseScore, baseSeverity: result.baseSeverity.toUpperCase() };
}

function remediations(content: AdvisoryContent, leaves: Leaf[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const unfixed: string[] = [];
  for (const product of content.products) {
    const affected = idsOf(leaves, 'known_affected', product);
    if (affected.length === 0) continue;
    const fixes = [...new Set(product.ranges.filter((r) => r.fixed).map((r) => (r.type === 'GIT' ? `commit ${r.fixed}` : r.fixed!)))];
    if (fixes.length > 0) {
      out.push({ category: 'vendor_fix', details: `Update ${product.vendor} ${product.product} to ${fixes.join(', or ')} or later.`, product_ids: affected });
    } else unfixed.push(...affected);
  }
  const allAffected = idsOf(leaves, 'known_affected');
  if (content.workarounds && allAffected.length > 0) out.push({ category: 'workaround', details: content.workarounds, product_ids: allAffected });
  else if (unfixed.length > 0) out.push({ category: 'none_available', details: 'No fix is available yet.', product_ids: unfixed });
  return out;
}

export function buildCsafDocument(content: AdvisoryContent, meta: CsafMeta): CsafDocument {
  const { tree, leaves } = buildProductTree(content);
  const severity = advisorySeverity(content);
  const current = meta.revisions[meta.revisions.length - 1];
  const docUrl = `${meta.publicUrl}${csafDocumentPath(meta.trackingId, meta.initialReleaseDate)}`;
  const notes: Record<string, unknown>[] = [];
  if (content.summary) notes.push({ category: 'summary', title: 'Summary', text: content.summary });
  if (content.workarounds) notes.push({ category: 'details', title: 'Workarounds', text: content.workarounds });
  notes.push({ category: 'legal_disclaimer', title: 'Terms of use', text: `Published by ${meta.publisherName} under its coordinated vulnerability disclosure policy: ${meta.publicUrl}/security` });
  const persons = content.credits.filter((c) => c.kind === 'person');
  const systems = content.credits.filter((c) => c.kind === 'system');
  const acknowledgments = [
    ...(persons.length ? [{ names: persons.map((c) => c.name), summary: 'finding and reporting the vulnerability' }] : []),
    ...systems.map((c) => ({ organization: c.name, summary: 'finding the vulnerability (an automated system)' })),
  ];
  const known = { affected: idsOf(leaves, 'known_affected'), fixed: idsOf(leaves, 'fixed'), notAffected: idsOf(leaves, 'known_not_affected') };
  const flags = [...new Set(content.products.map((p) => p.justification).filter((j) => j !== null))].map((label) => ({
    label,
    product_ids: leaves.filter((l) => l.status === 'known_not_affected' && l.product.justification === label).map((l) => l.productId),
  }));
  const vulnerabilities = content.vulnerabilities.map((v) => {
    const results = v.cvss.map((vector) => scored(vector));
    const v3 = results.find((s): s is Cvss3Result => s.version === '3.1');
    const v4 = results.find((s) => s.version === '4.0');
    const cwe = v.cwes[0] === undefined ? undefined : weakness(v.cwes[0]);
    const vnotes: Record<string, unknown>[] = [];
    if (v.description) vnotes.push({ category: 'description', title: 'Description', text: v.description });
    if (v4) vnotes.push({ category: 'other', title: 'CVSS 4.0', text: `${v4.vector} (${v4.score} ${v4.severity})` });
    const moreCwes = v.cwes.slice(1).map((id) => `CWE-${id} ${weakness(id)?.name ?? ''}`.trim());
    if (moreCwes.length) vnotes.push({ category: 'other', title: 'Further weaknesses', text: moreCwes.join('\n') });
    return {
      ...(v.cve ? { cve: v.cve } : {}),
      ...(cwe ? { cwe: { id: `CWE-${cwe.id}`, name: cwe.name } } : {}),
      ...(v.title ? { title: v.title } : {}),
      ...(vnotes.length ? { notes: vnotes } : {}),
      product_status: {
        ...(known.affected.length ? { known_affected: known.affected } : {}),
        ...(known.fixed.length ? { fixed: known.fixed } : {}),
        ...(known.notAffected.length ? { known_not_affected: known.notAffected } : {}),
      },
      ...(v3 && known.affected.length ? { scores: [{ products: known.affected, cvss_v3: cvssV3(v3) }] } : {}),
      ...(known.affected.length ? { remediations: remediations(content, leaves) } : {}),
      ...(flags.length ? { flags } : {}),
      ...(known.notAffected.length
        ? { threats: [{ category: 'impact', details: 'These products are not affected: see the justification flag for why.', product_ids: known.notAffected }] }
        : {}),
    };
  });
  return {
    document: {
      category: content.kind === 'vex' ? 'csaf_vex' : 'csaf_security_advisory',
      csaf_version: '2.0',
      title: content.title || '(untitled draft)',
      lang: 'en',
      publisher: { category: 'vendor', name: meta.publisherName, namespace: new URL(meta.publicUrl).origin },
      distribution: { tlp: { label: CSAF_TLP, url: 'https://www.first.org/tlp/' } },
      ...(severity !== 'unknown' ? { aggregate_severity: { text: severity[0]!.toUpperCase() + severity.slice(1) } } : {}),
      notes,
      references: [
        { category: 'self', summary: 'This CSAF document', url: docUrl },
        { category: 'external', summary: 'The advisory as a web page', url: `${meta.publicUrl}${advisoryPagePath(meta.trackingId)}` },
        ...content.references.map((r) => ({ category: 'external', summary: r.summary || r.url, url: r.url })),
      ],
      ...(acknowledgments.length ? { acknowledgments } : {}),
      tracking: {
        id: meta.trackingId,
        status: meta.status,
        version: String(current?.number ?? 1),
        revision_history: meta.revisions.map((r) => ({ number: String(r.number), date: r.date, summary: r.summary })),
        initial_release_date: meta.initialReleaseDate,
        current_release_date: meta.currentReleaseDate,
        generator: { engine: { name: 'cvdesk', version: meta.generator.version }, date: meta.generator.date },
      },
    },
    product_tree: tree,
    vulnerabilities,
  };
}

/** The served bytes: two-space JSON with a final newline (hashes and signatures are over exactly this). */
export function serialiseCsaf(document: CsafDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

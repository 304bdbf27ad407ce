import { advisorySeverity, cveIds, scoredVectors, type AdvisoryContent, type VersionRange } from '../advisories/advisory.js';

/**
 * An advisory in the OSV format (https://ossf.github.io/osv-schema/, schema 1.7): one record per
 * advisory, its CVE IDs as aliases, one `affected` entry per affected package (a product with an
 * OSV ecosystem, or with GIT ranges). Products that are not packages are left out; an advisory
 * without any package has no OSV record. normaliseContent has already refused what OSV cannot
 * express (a range ending both fixed and last-affected, non-SemVer SEMVER events, short commits).
 */
export const OSV_SCHEMA_VERSION = '1.7.0';

export interface OsvMeta {
  /** The OSV id: the configured prefix (x_… unless a listed home database) and the tracking id. */
  id: string;
  published: string;
  modified: string;
  pageUrl: string;
  csafUrl: string | null;
}

export type OsvRecord = Record<string, unknown> & { id: string };

function events(range: VersionRange): Record<string, string>[] {
  return [
    { introduced: range.introduced },
    ...(range.fixed ? [{ fixed: range.fixed }] : []),
    ...(range.lastAffected ? [{ last_affected: range.lastAffected }] : []),
  ];
}

export function osvAffected(content: AdvisoryContent): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const product of content.products) {
    if (product.status !== 'affected') continue;
    const hasGit = product.ranges.some((r) => r.type === 'GIT');
    if (!product.ecosystem && !hasGit) continue;
    const ranges = product.ranges
      // Without a package, only GIT ranges mean anything to OSV.
      .filter((r) => product.ecosystem || r.type === 'GIT')
      .map((r) => ({ type: r.type, ...(r.repo ? { repo: r.repo } : {}), events: events(r) }));
    out.push({
      ...(product.ecosystem && product.packageName
        ? { package: { ecosystem: product.ecosystem, name: product.packageName, ...(product.purl ? { purl: product.purl } : {}) } }
        : {}),
      ...(ranges.length ? { ranges } : {}),
      ...(product.versions.length ? { versions: product.versions } : {}),
      database_specific: { vendor: product.vendor, product: product.product },
    });
  }
  return out;
}

/** The record, or null when the advisory names no package. */
export function buildOsvRecord(content: AdvisoryContent, meta: OsvMeta): OsvRecord | null {
  const affected = osvAffected(content);
  if (affected.length === 0) return null;
  const severity: { type: string; score: string }[] = [];
  const scores = scoredVectors(content);
  for (const version of ['3.1', '4.0'] as const) {
    const best = scores
      .filter((s) => s.version === version)
      .sort((a, b) => b.score - a.score)[0];
    if (best) severity.push({ type: version === '4.0' ? 'CVSS_V4' : 'CVSS_V3', score: best.vector });
  }
  const details = [content.summary, ...content.vulnerabilities.map((v) => (content.vulnerabilities.length > 1 && v.title ? `## ${v.title}\n\n${v.description}` : v.description))]
    .filter(Boolean)
    .join('\n\n');
  const aliases = cveIds(content);
  const cwes = [...new Set(content.vulnerabilities.flatMap((v) => v.cwes))].map((id) => `CWE-${id}`);
  return {
    schema_version: OSV_SCHEMA_VERSION,
    id: meta.id,
    modified: meta.modified,
    published: meta.published,
    ...(aliases.length ? { aliases } : {}),
    summary: content.title,
    details,
    ...(severity.length ? { severity } : {}),
    affected,
    references: [
      { type: 'ADVISORY', url: meta.pageUrl },
      ...(meta.csafUrl ? [{ type: 'ADVISORY', url: meta.csafUrl }] : []),
      ...content.references.map((r) => ({ type: 'WEB', url: r.url })),
    ],
    ...(content.credits.some((c) => c.consent)
      ? { credits: content.credits.filter((c) => c.consent).map((c) => ({ name: c.name, type: c.kind === 'system' ? 'TOOL' : 'FINDER' })) }
      : {}),
    database_specific: { severity: advisorySeverity(content), ...(cwes.length ? { cwe_ids: cwes } : {}) },
  };
}

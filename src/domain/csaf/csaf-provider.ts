import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { findCurrentKey } from '../keys/keys.repository.js';
import { PGP_KEY_PATH } from '../keys/security-txt.js';
import { readSettings } from '../settings/settings.service.js';
import { CSAF_TLP, CSAF_TLP_FOLDER, CSAF_WELL_KNOWN, csafFileName } from './csaf-document.js';

/**
 * cvdesk as a CSAF trusted provider (CSAF 2.0 section 7): provider-metadata.json, the TLP:WHITE
 * folder by year with each document's .sha256, .sha512 and detached OpenPGP .asc, index.txt,
 * changes.csv and a ROLIE feed. Every file is derived from the published revisions, so nothing
 * here can drift from what was published.
 */
export const PROVIDER_METADATA_PATH = `${CSAF_WELL_KNOWN}/provider-metadata.json`;
export const ROLIE_FEED_NAME = `csaf-feed-tlp-${CSAF_TLP_FOLDER}.json`;
const FOLDER = `${CSAF_WELL_KNOWN}/${CSAF_TLP_FOLDER}`;

export interface PublishedCsaf {
  advisoryId: string;
  trackingId: string;
  title: string;
  revision: number;
  /** Relative to the TLP folder: 2026/adv-2026-0001.json. */
  path: string;
  initialReleaseAt: string;
  currentReleaseAt: string;
}

export async function publishedCsafDocuments(db: Executor): Promise<PublishedCsaf[]> {
  const rows = await db
    .selectFrom('advisories')
    .select(['id', 'tracking_id', 'published_title', 'revision', 'initial_release_at', 'current_release_at'])
    .where('revision', '>', 0)
    .orderBy('current_release_at', 'desc')
    .orderBy('tracking_id')
    .execute();
  return rows.map((r) => ({
    advisoryId: r.id,
    trackingId: r.tracking_id,
    title: r.published_title ?? r.tracking_id,
    revision: r.revision,
    path: `${r.initial_release_at!.slice(0, 4)}/${csafFileName(r.tracking_id)}`,
    initialReleaseAt: r.initial_release_at!,
    currentReleaseAt: r.current_release_at!,
  }));
}

/** The published document at `<year>/<file>` in the TLP folder, if any. */
export async function findCsafByPath(db: Executor, year: string, fileName: string): Promise<{ advisoryId: string; revision: number; csaf: string } | undefined> {
  const all = await publishedCsafDocuments(db);
  const hit = all.find((d) => d.path === `${year}/${fileName}`);
  if (!hit) return undefined;
  const revision = await db.selectFrom('advisory_revisions').select('csaf').where('advisory_id', '=', hit.advisoryId).where('number', '=', hit.revision).executeTakeFirstOrThrow();
  return { advisoryId: hit.advisoryId, revision: hit.revision, csaf: revision.csaf };
}

export async function providerMetadata(context: AppContext, db: Executor): Promise<Record<string, unknown>> {
  const base = context.config.publicUrl;
  const settings = await readSettings(context, db);
  const key = await findCurrentKey(db);
  const documents = await publishedCsafDocuments(db);
  const lastUpdated = documents[0]?.currentReleaseAt ?? key?.created_at ?? '2026-01-01T00:00:00.000Z';
  return {
    canonical_url: `${base}${PROVIDER_METADATA_PATH}`,
    distributions: [
      {
        directory_url: `${base}${FOLDER}/`,
        rolie: { feeds: [{ summary: `TLP:${CSAF_TLP} advisories of ${settings.organisationName}`, tlp_label: CSAF_TLP, url: `${base}${FOLDER}/${ROLIE_FEED_NAME}` }] },
      },
    ],
    last_updated: lastUpdated,
    list_on_CSAF_aggregators: true,
    metadata_version: '2.0',
    mirror_on_CSAF_aggregators: true,
    ...(key ? { public_openpgp_keys: [{ fingerprint: key.fingerprint.toUpperCase(), url: `${base}${PGP_KEY_PATH}` }] } : {}),
    publisher: { category: 'vendor', name: settings.organisationName, namespace: new URL(base).origin },
    role: 'csaf_trusted_provider',
  };
}

/** index.txt: every document's path relative to the folder, one a line. */
export function indexTxt(documents: PublishedCsaf[]): string {
  return documents.map((d) => `${d.path}\n`).join('');
}

/** changes.csv: path and last change, newest first (CSAF 7.1.13). */
export function changesCsv(documents: PublishedCsaf[]): string {
  return [...documents]
    .sort((a, b) => b.currentReleaseAt.localeCompare(a.currentReleaseAt))
    .map((d) => `"${d.path}","${d.currentReleaseAt.replace(/\.\d{3}Z$/, 'Z')}"\n`)
    .join('');
}

/** The ROLIE feed (RFC 8322, JSON as CSAF 7.1.21 shows it) of the TLP:WHITE documents. */
export function rolieFeed(context: AppContext, documents: PublishedCsaf[], organisationName: string): Record<string, unknown> {
  const base = `${context.config.publicUrl}${FOLDER}`;
  return {
    feed: {
      id: `${new URL(context.config.publicUrl).hostname}-csaf-feed-tlp-${CSAF_TLP_FOLDER}`,
      title: `${organisationName} CSAF feed (TLP:${CSAF_TLP})`,
      link: [{ rel: 'self', href: `${base}/${ROLIE_FEED_NAME}` }],
      category: [{ scheme: 'urn:ietf:params:rolie:category:information-type', term: 'csaf' }],
      updated: documents[0]?.currentReleaseAt ?? new Date(0).toISOString(),
      entry: documents.map((d) => ({
        id: d.trackingId,
        title: d.title,
        link: [
          { rel: 'self', href: `${base}/${d.path}` },
          { rel: 'hash', href: `${base}/${d.path}.sha256` },
          { rel: 'hash', href: `${base}/${d.path}.sha512` },
          { rel: 'signature', href: `${base}/${d.path}.asc` },
        ],
        published: d.initialReleaseAt,
        updated: d.currentReleaseAt,
        summary: { content: d.title },
        content: { type: 'application/json', src: `${base}/${d.path}` },
        format: { schema: 'https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json', version: '2.0' },
      })),
    },
  };
}

import fs from 'node:fs';
import type { AppContext } from '../../context.js';
import { AppError, invalid } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import { actorLabel, type Actor } from '../auth/actor.js';
import { markComponentsInUse } from './component-use.js';
import { clip, isObject } from './finding-input.js';
import { nameKey, parsePurl, purlIdentity } from './finding-keys.js';
import { FINDINGS_LIMITS } from './finding-import.js';
import { assertCanImportFindings, assertCanReadFindings } from './finding.policy.js';
import { JsonScanError, scanJson, type Frame } from './json-stream.js';

/**
 * SBOMs of the organisation's own systems, CycloneDX JSON (`components`, nested components too)
 * or SPDX JSON (`packages`, purls from `externalRefs`), streamed like findings files (one pass:
 * components are written as they come, and the whole SBOM is one transaction). After the import,
 * candidates whose affected component is listed are marked (component-use.ts).
 */

export interface SbomSummary {
  id: string;
  name: string;
  format: 'cyclonedx' | 'spdx';
  specVersion: string;
  components: number;
  candidatesMarked: number;
}

const MAX_COMPONENTS = 500_000;
const BATCH = 500;

interface Component {
  name: string;
  version: string | null;
  purl: string | null;
}

function cycloneDxComponents(raw: unknown, out: Component[], depth = 0): void {
  if (!isObject(raw) || depth > 16) return;
  const purl = typeof raw.purl === 'string' && parsePurl(raw.purl) ? raw.purl : null;
  if (typeof raw.name === 'string' && raw.name.trim()) out.push({ name: clip(raw.name.trim(), 300), version: typeof raw.version === 'string' ? clip(raw.version, 200) : null, purl });
  if (Array.isArray(raw.components)) for (const child of raw.components) cycloneDxComponents(child, out, depth + 1);
}

function spdxPackage(raw: unknown, out: Component[]): void {
  if (!isObject(raw) || typeof raw.name !== 'string' || !raw.name.trim()) return;
  let purl: string | null = null;
  if (Array.isArray(raw.externalRefs)) {
    for (const ref of raw.externalRefs) {
      if (isObject(ref) && ref.referenceType === 'purl' && typeof ref.referenceLocator === 'string' && parsePurl(ref.referenceLocator)) purl = ref.referenceLocator;
    }
  }
  out.push({ name: clip(raw.name.trim(), 300), version: typeof raw.versionInfo === 'string' ? clip(raw.versionInfo, 200) : null, purl });
}

export async function importSbomFile(context: AppContext, actor: Actor, file: string, options: { name?: string | null | undefined }): Promise<SbomSummary> {
  assertCanImportFindings(actor);
  if (!fs.statSync(file).isFile()) throw invalid('/file', 'must be a regular file');
  const top: Record<string, unknown> = {};
  const predicate = (frames: readonly Frame[]) => {
    if (frames.length === 1) return frames[0]!.kind === 'object' && ['bomFormat', 'specVersion', 'spdxVersion', 'name', 'metadata'].includes(frames[0]!.key ?? '');
    return frames.length === 2 && (frames[0]!.key === 'components' || frames[0]!.key === 'packages') && frames[1]!.kind === 'array';
  };
  const limits = { maxDepth: FINDINGS_LIMITS.maxDepth, maxStringBytes: FINDINGS_LIMITS.maxStringBytes, maxCaptureBytes: FINDINGS_LIMITS.maxResultBytes };
  try {
    return await context.db.transaction().execute(async (trx) => {
      const now = iso(context.clock.now());
      const id = newId();
      await trx.insertInto('sboms').values({ id, name: '(importing)', format: 'cyclonedx', spec_version: '', component_count: 0, imported_by: actorLabel(actor), created_at: now }).execute();
      let count = 0;
      let pending: Component[] = [];
      const seenLists = new Set<string>();
      const flush = async () => {
        const rows = pending.map((c) => {
          const purl = c.purl ? parsePurl(c.purl) : null;
          return { id: newId(), sbom_id: id, component_key: purl ? purlIdentity(purl) : nameKey(c.name), name_key: nameKey(c.name), name: c.name, version: c.version ?? purl?.version ?? null, purl: c.purl };
        });
        for (let i = 0; i < rows.length; i += 250) await trx.insertInto('sbom_components').values(rows.slice(i, i + 250)).execute();
        pending = [];
      };
      const stream = fs.createReadStream(file, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>;
      for await (const items of scanJson(stream, limits, predicate, 2)) {
        for (const item of items) {
          if (item.path.length === 1) {
            top[item.path[0]!.key!] = item.value;
            continue;
          }
          if (item.problem) continue;
          const list = item.path[0]!.key!;
          seenLists.add(list);
          const before = pending.length;
          if (list === 'components') cycloneDxComponents(item.value, pending);
          else spdxPackage(item.value, pending);
          count += pending.length - before;
          if (count > MAX_COMPONENTS) throw new AppError('payload_too_large', `The SBOM lists more than ${MAX_COMPONENTS} components`);
          if (pending.length >= BATCH) await flush();
        }
      }
      await flush();
      const format = top.bomFormat === 'CycloneDX' ? 'cyclonedx' : typeof top.spdxVersion === 'string' ? 'spdx' : null;
      if (!format) throw invalid('/', 'not an SBOM: CycloneDX JSON needs "bomFormat": "CycloneDX", SPDX JSON needs "spdxVersion"');
      if ((format === 'cyclonedx' && seenLists.has('packages')) || (format === 'spdx' && seenLists.has('components'))) {
        throw invalid('/', `a ${format === 'spdx' ? 'SPDX' : 'CycloneDX'} document lists its components under "${format === 'spdx' ? 'packages' : 'components'}"`);
      }
      const specVersion = String(format === 'cyclonedx' ? (top.specVersion ?? '') : top.spdxVersion).slice(0, 40);
      const metadata = isObject(top.metadata) && isObject(top.metadata.component) ? top.metadata.component : null;
      const documentName = options.name?.replace(/[\0-\x1f\x7f]/g, ' ').trim() || (typeof top.name === 'string' ? top.name : null) || (metadata && typeof metadata.name === 'string' ? metadata.name : null) || 'SBOM';
      const name = clip(documentName, 200);
      await trx.updateTable('sboms').set({ name, format, spec_version: specVersion, component_count: count }).where('id', '=', id).execute();
      await recordAudit(context, trx, actor, { action: 'sbom.imported', objectType: 'sbom', objectId: id, data: { name, format, components: count } });
      const candidatesMarked = await markComponentsInUse(context, trx, { sbomId: id });
      return { id, name, format, specVersion, components: count, candidatesMarked };
    });
  } catch (error) {
    if (error instanceof JsonScanError) throw new AppError('invalid_json', `The SBOM is not valid JSON: ${error.message}`, [{ field: '/', message: error.message }]);
    throw error;
  }
}

export async function listSboms(context: AppContext, actor: Actor) {
  assertCanReadFindings(actor);
  const rows = await context.db.selectFrom('sboms').selectAll().orderBy('created_at', 'desc').limit(500).execute();
  return rows.map((r) => ({ id: r.id, name: r.name, format: r.format, specVersion: r.spec_version, components: r.component_count, importedBy: r.imported_by, createdAt: r.created_at }));
}

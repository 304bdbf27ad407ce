import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { newId } from '../../shared/ids.js';
import { iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import { systemActor } from '../auth/actor.js';
import { findTriageStaff } from '../notifications/notification.service.js';
import { purlVersion } from './finding-keys.js';

/**
 * Whether the organisation itself uses a candidate's affected component, from its own SBOMs. A
 * component matches when its purl identity (or name) equals the candidate's component key and,
 * when both name a version (the candidate's purl version and the component's), the versions are
 * equal. Version ranges (`versions`) are not evaluated: without a pinned version, any version of
 * the component counts. Newly marked candidates are announced to triagers and leads in-app.
 */

export interface ComponentUse {
  sbom: string;
  name: string;
  version: string | null;
}

/** In-app notification kind for staff (notifyStaff speaks of reports only; this is about candidates). */
export const COMPONENT_IN_USE_KIND = 'component_in_use';

type Scope = { seenAt: string } | { sbomId: string };

/** Marks candidates (those seen at `seenAt`, or all matching one SBOM) and notifies staff; returns how many were newly marked. */
export async function markComponentsInUse(context: AppContext, trx: Executor, scope: Scope): Promise<number> {
  let query = trx
    .selectFrom('finding_candidates as c')
    .innerJoin('sbom_components as sc', (join) => join.on((eb) => eb.or([eb('sc.component_key', '=', eb.ref('c.component_key')), eb('sc.name_key', '=', eb.ref('c.component_key'))])))
    .innerJoin('sboms as s', 's.id', 'sc.sbom_id')
    .select(['c.id', 'c.purl', 'c.target', 'c.title', 'c.component_in_use', 's.name as sbom', 'sc.name', 'sc.version']);
  query = 'seenAt' in scope ? query.where('c.last_seen_at', '=', scope.seenAt).where('c.component_in_use', 'is', null) : query.where('sc.sbom_id', '=', scope.sbomId);
  const rows = await query.limit(100_000).execute();
  const matches = new Map<string, { row: (typeof rows)[number]; uses: ComponentUse[] }>();
  for (const row of rows) {
    const pinned = purlVersion(row.purl);
    if (pinned && row.version && pinned !== row.version) continue;
    const entry = matches.get(row.id) ?? { row, uses: row.component_in_use ? (JSON.parse(row.component_in_use) as ComponentUse[]) : [] };
    if (!entry.uses.some((u) => u.sbom === row.sbom && u.name === row.name && u.version === row.version)) entry.uses.push({ sbom: row.sbom, name: row.name, version: row.version });
    matches.set(row.id, entry);
  }
  const newlyMarked = [...matches.values()].filter((m) => m.row.component_in_use === null);
  const now = iso(context.clock.now());
  for (const { row, uses } of matches.values()) {
    await trx.updateTable('finding_candidates').set({ component_in_use: JSON.stringify(uses.slice(0, 50)), updated_at: now }).where('id', '=', row.id).execute();
  }
  if (newlyMarked.length > 0) {
    await notifyComponentInUse(context, trx, newlyMarked.map((m) => ({ id: m.row.id, target: m.row.target, title: m.row.title, uses: m.uses })));
  }
  return newlyMarked.length;
}

async function notifyComponentInUse(context: AppContext, trx: Executor, items: { id: string; target: string; title: string; uses: ComponentUse[] }[]): Promise<void> {
  const staff = (await findTriageStaff(trx)).filter((u) => u.disabled_at === null);
  const title =
    items.length === 1 ? `We use an affected component: ${items[0]!.target} — ${items[0]!.title}` : `We use the affected component of ${items.length} candidate vulnerabilities`;
  const body = items
    .slice(0, 10)
    .map((item) => `${item.target}: ${item.title} (in ${item.uses.map((u) => `${u.sbom}: ${u.name}${u.version ? `@${u.version}` : ''}`).join(', ')})`)
    .join('\n');
  const now = iso(context.clock.now());
  const rows = staff.map((user) => ({ id: newId(), recipient_id: user.id, kind: COMPONENT_IN_USE_KIND, report_id: null, title: title.slice(0, 300), body: body.slice(0, 2000), read_at: null, created_at: now }));
  for (let i = 0; i < rows.length; i += 200) await trx.insertInto('notifications').values(rows.slice(i, i + 200)).execute();
  await recordAudit(context, trx, systemActor('cvdesk'), {
    action: 'finding_candidates.component_in_use',
    objectType: 'finding_candidate',
    objectId: items.length === 1 ? items[0]!.id : null,
    data: { candidates: items.slice(0, 100).map((i) => i.id), count: items.length },
  });
}

import type { AppContext } from '../../context.js';
import { packageVersion } from '../../config/paths.js';
import { advisoryPagePath, buildCsafDocument, csafDocumentPath, type CsafDocument } from '../csaf/csaf-document.js';
import { buildOsvRecord, type OsvRecord } from '../osv/osv-document.js';
import type { AdvisoryContent, AdvisoryRevisionRow, AdvisoryRow } from './advisory.js';

/**
 * The machine-readable forms of an advisory, with everything that is not in its content (ids,
 * dates, revision history, publisher) filled in from the advisory row and the configuration.
 */
let version: string | undefined;
const generatorVersion = () => (version ??= packageVersion());

export interface CsafInputs {
  advisory: Pick<AdvisoryRow, 'tracking_id' | 'initial_release_at'>;
  content: AdvisoryContent;
  publisherName: string;
  /** Published revisions so far, oldest first. */
  revisions: Pick<AdvisoryRevisionRow, 'number' | 'published_at' | 'summary'>[];
  /** A revision about to be published (or previewed): its summary and date. */
  next?: { summary: string; date: string; status: 'final' | 'draft' } | undefined;
}

export function csafFor(context: AppContext, inputs: CsafInputs): CsafDocument {
  const history = inputs.revisions.map((r) => ({ number: r.number, date: r.published_at, summary: r.summary }));
  if (inputs.next) history.push({ number: history.length + 1, date: inputs.next.date, summary: inputs.next.summary });
  const initial = inputs.advisory.initial_release_at ?? history[0]?.date ?? context.clock.now().toISOString();
  const current = history[history.length - 1]?.date ?? initial;
  return buildCsafDocument(inputs.content, {
    trackingId: inputs.advisory.tracking_id,
    publisherName: inputs.publisherName,
    publicUrl: context.config.publicUrl,
    status: inputs.next?.status ?? 'final',
    revisions: history,
    initialReleaseDate: initial,
    currentReleaseDate: current,
    generator: { version: generatorVersion(), date: current },
  });
}

export const osvId = (context: AppContext, trackingId: string) => `${context.config.osvIdPrefix}${trackingId}`;

export function osvFor(context: AppContext, advisory: Pick<AdvisoryRow, 'tracking_id' | 'initial_release_at' | 'current_release_at'>, content: AdvisoryContent): OsvRecord | null {
  const published = advisory.initial_release_at ?? context.clock.now().toISOString();
  return buildOsvRecord(content, {
    id: osvId(context, advisory.tracking_id),
    published,
    modified: advisory.current_release_at ?? published,
    pageUrl: `${context.config.publicUrl}${advisoryPagePath(advisory.tracking_id)}`,
    csafUrl: advisory.initial_release_at ? `${context.config.publicUrl}${csafDocumentPath(advisory.tracking_id, advisory.initial_release_at)}` : null,
  });
}

import { AppError } from '../../shared/errors.js';

export const REPORT_STATES = ['new', 'triaged', 'needs_more_info', 'duplicate', 'informative', 'not_applicable', 'spam', 'resolved', 'disclosed'] as const;
export type ReportState = (typeof REPORT_STATES)[number];

/** States that end the work on a report; entering one needs a reason. */
export const CLOSING_STATES: readonly ReportState[] = ['duplicate', 'informative', 'not_applicable', 'spam', 'resolved'];

/** States a report counts as open in (the inbox's default view and SLA clocks). */
export const OPEN_STATES: readonly ReportState[] = ['new', 'triaged', 'needs_more_info'];

/**
 * The triage workflow: the moves `POST /api/v1/reports/:id/transitions` makes. Closed reports
 * reopen to `new` (a duplicate that turns out not to be, a spam verdict reversed); a resolved
 * report reopens to `triaged` when the fix is incomplete. `disclosed` is in no list: a resolved
 * report enters it only through its disclosure (report-disclosure.ts), under the programme's
 * disclosure policy.
 */
const TRANSITIONS: Record<ReportState, readonly ReportState[]> = {
  new: ['triaged', 'needs_more_info', 'duplicate', 'informative', 'not_applicable', 'spam'],
  needs_more_info: ['new', 'triaged', 'duplicate', 'informative', 'not_applicable', 'spam'],
  triaged: ['resolved', 'needs_more_info', 'duplicate', 'informative', 'not_applicable'],
  resolved: ['triaged'],
  duplicate: ['new'],
  informative: ['new'],
  not_applicable: ['new'],
  spam: ['new'],
  disclosed: [],
};

/** The states a report in `from` may be moved to by a transition: the report view's list and the 409's. */
export function allowedTransitions(from: ReportState): readonly ReportState[] {
  return TRANSITIONS[from];
}

/** Throws `invalid_transition` (409) naming the states that are allowed from `from`. */
export function assertTransition(from: ReportState, to: ReportState): void {
  const allowed = allowedTransitions(from);
  if (allowed.includes(to)) return;
  throw new AppError(
    'invalid_transition',
    allowed.length ? `A report in state "${from}" cannot move to "${to}"; allowed: ${allowed.join(', ')}` : `A report in state "${from}" cannot change state`,
    allowed.map((state) => ({ field: '/to', message: state })),
  );
}

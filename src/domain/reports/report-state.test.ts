import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.js';
import { REPORT_STATES, allowedTransitions, assertTransition } from './report-state.js';

describe('report workflow', () => {
  it('allows the documented paths', () => {
    for (const to of ['triaged', 'needs_more_info', 'duplicate', 'informative', 'not_applicable', 'spam'] as const) expect(() => assertTransition('new', to)).not.toThrow();
    expect(() => assertTransition('triaged', 'resolved')).not.toThrow();
    expect(() => assertTransition('resolved', 'triaged')).not.toThrow();
    expect(() => assertTransition('spam', 'new')).not.toThrow();
  });

  it('refuses illegal moves with 409 naming the allowed states', () => {
    try {
      assertTransition('new', 'resolved');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).status).toBe(409);
      expect((error as AppError).details.map((d) => d.message)).toEqual([...allowedTransitions('new')]);
    }
    expect(() => assertTransition('disclosed', 'new')).toThrow('cannot change state');
  });

  it('never offers disclosure: a report is disclosed through its disclosure flow only', () => {
    for (const state of REPORT_STATES) expect(allowedTransitions(state)).not.toContain('disclosed');
    expect(() => assertTransition('resolved', 'disclosed')).toThrow(AppError);
  });

  it('never allows staying in place', () => {
    for (const state of REPORT_STATES) expect(allowedTransitions(state)).not.toContain(state);
  });
});

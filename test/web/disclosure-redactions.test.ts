import { describe, expect, it } from 'vitest';
import { choiceOf, initialRedactions, publicEvents, redactionChanges, type TimelineEvent } from '../../web/src/features/reports/redactions.js';

/** The disclosure editor's per-reply redactions (web/src/features/reports/redactions.ts). */
const event = (id: string, kind: string, markdown: string | null, internal = false): TimelineEvent => ({ id, kind, internal, body: markdown === null ? null : { markdown } });

const events = [
  event('a', 'submitted', null),
  event('b', 'comment', 'Fixed on db-7.corp'),
  event('c', 'internal_note', 'never public', true),
  event('d', 'comment', 'Thanks!'),
  event('e', 'reward', null),
  event('f', 'state_change', null),
];

describe('timeline redactions before disclosure', () => {
  it('publishes public kinds only, never internal notes or rewards', () => {
    expect(publicEvents(events).map((e) => e.id)).toEqual(['a', 'b', 'd', 'f']);
  });

  it('sends only what changed, null to withhold', () => {
    expect(redactionChanges(events, {}, {})).toBeUndefined();
    expect(redactionChanges(events, {}, { b: null })).toEqual({ b: null });
    expect(redactionChanges(events, { b: null }, { b: null, d: 'Thanks' })).toEqual({ d: 'Thanks' });
    // Not an entry the public sees: never sent.
    expect(redactionChanges(events, {}, { c: null })).toBeUndefined();
  });

  it('restores an entry by sending its original text, since saved redactions cannot be removed', () => {
    expect(redactionChanges(events, { b: null }, {})).toEqual({ b: 'Fixed on db-7.corp' });
    // Once restored, reopening reads it as written and sends nothing more.
    const reopened = initialRedactions(events, { b: 'Fixed on db-7.corp', d: null });
    expect(reopened).toEqual({ d: null });
    expect(choiceOf(reopened, events[1]!)).toBe('as-written');
    expect(choiceOf(reopened, events[3]!)).toBe('withhold');
    expect(redactionChanges(events, { b: 'Fixed on db-7.corp', d: null }, reopened)).toBeUndefined();
  });

  it('keeps a rewrite a rewrite while its text still equals the original', () => {
    expect(choiceOf({ b: 'Fixed on db-7.corp' }, events[1]!)).toBe('replace');
    expect(redactionChanges(events, {}, { b: 'Fixed on db-7.corp' })).toBeUndefined();
  });
});

/**
 * Terms of a report, for search and duplicate suggestions. Kept in app code (not an engine's
 * full-text index) so both engines behave the same.
 */
const STOPWORDS = new Set(
  (
    'the and for that this with from have has was were are not but all any can our out its into than then them they there these those ' +
    'what when where which while who will would could should about after before being been between both each more most other some such ' +
    'only own same very just also how your you his her him she one two via per using use used does did doing get got able may might ' +
    'step steps click page user users request response value field send sent see shown report vulnerability issue'
  ).split(' '),
);

const MAX_TERM = 40;
const WORD = /[\p{L}\p{N}][\p{L}\p{N}_.-]*[\p{L}\p{N}]|[\p{L}\p{N}]/gu;

/** Every lower-cased word-like token (letters, digits, and the `_-.` inside identifiers like CVE-2024-1234 or foo_bar.php). */
export function words(text: string): string[] {
  return Array.from(text.toLowerCase().matchAll(WORD), (match) => match[0]);
}

/** Whether a word is kept in the term index: short words, stopwords, small numbers and very long tokens are not. */
export function isIndexedTerm(word: string): boolean {
  return word.length >= 3 && word.length <= MAX_TERM && !STOPWORDS.has(word) && !/^\d{1,3}$/.test(word);
}

/** The words of `text` that the term index keeps. */
export function tokenize(text: string): string[] {
  return words(text).filter(isIndexedTerm);
}

export interface ReportText {
  title: string;
  description: string;
  steps: string;
  impact?: string;
}

/**
 * Term → weight: title words count three times, the rest once per occurrence (capped). Every
 * indexable term is kept, so search finds any word of a report; the size is bounded by the
 * report's own limits (REPORT_LIMITS), not by dropping its rarer terms.
 */
export function reportTerms(text: ReportText): Map<string, number> {
  const weights = new Map<string, number>();
  const add = (source: string, weight: number) => {
    for (const token of tokenize(source)) weights.set(token, Math.min(50, (weights.get(token) ?? 0) + weight));
  };
  add(text.title, 3);
  add(text.description, 1);
  add(text.steps, 1);
  add(text.impact ?? '', 1);
  return weights;
}

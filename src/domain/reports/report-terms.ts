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
/** Most distinct terms kept per report: enough to tell reports apart, bounded for the index. */
export const MAX_TERMS_PER_REPORT = 200;

/** Lower-cased word-like tokens (letters, digits, and the `_-.` inside identifiers like CVE-2024-1234 or foo_bar.php). */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const match of text.toLowerCase().matchAll(/[\p{L}\p{N}][\p{L}\p{N}_.-]*[\p{L}\p{N}]|[\p{L}\p{N}]/gu)) {
    const token = match[0];
    if (token.length < 3 || token.length > MAX_TERM || STOPWORDS.has(token) || /^\d{1,3}$/.test(token)) continue;
    tokens.push(token);
  }
  return tokens;
}

export interface ReportText {
  title: string;
  description: string;
  steps: string;
  impact?: string;
}

/** Term → weight: title words count three times, the rest once per occurrence (capped). */
export function reportTerms(text: ReportText): Map<string, number> {
  const weights = new Map<string, number>();
  const add = (source: string, weight: number) => {
    for (const token of tokenize(source)) weights.set(token, Math.min(50, (weights.get(token) ?? 0) + weight));
  };
  add(text.title, 3);
  add(text.description, 1);
  add(text.steps, 1);
  add(text.impact ?? '', 1);
  if (weights.size <= MAX_TERMS_PER_REPORT) return weights;
  return new Map([...weights].sort((a, b) => b[1] - a[1]).slice(0, MAX_TERMS_PER_REPORT));
}

import type { Executor } from '../../db/dialect.js';
import type { ReportRow } from './report.js';
import { INDEXED_REPORTS } from './report.repository.js';

export interface DuplicateSuggestion {
  id: string;
  title: string;
  state: string;
  createdAt: string;
  /** 0–1: cosine similarity of TF-IDF term vectors, plus small bonuses for same asset and CWE. */
  score: number;
  reasons: string[];
}

/**
 * How many of the report's most distinctive terms are used to find candidates: the work grows with
 * their postings, and a true duplicate shares most of its rarest terms with the original.
 */
const PROBE_TERMS = 12;
const CANDIDATES = 80;
/** Pages of candidates read at most when later reports crowd the earlier ones out. */
const CANDIDATE_PAGES = 5;
const SAME_ASSET_BONUS = 0.15;
const SAME_CWE_BONUS = 0.1;

/**
 * The likeliest earlier reports of the same programme that this one duplicates. Candidates share
 * its rarest terms (an index lookup per term); each is scored by TF-IDF cosine similarity over the
 * full term vectors (sublinear term frequency), plus bonuses for the same asset and weakness.
 * Reasons say why.
 */
export async function suggestDuplicates(db: Executor, report: Pick<ReportRow, 'id' | 'program_id' | 'created_at' | 'asset_id' | 'cwe'>, limit = 5): Promise<DuplicateSuggestion[]> {
  // The report's terms with their document frequencies, and the programme's report count, in one round trip.
  const own = await db
    .selectFrom('report_terms as t')
    .leftJoin('report_term_stats as s', (join) => join.onRef('s.program_id', '=', 't.program_id').onRef('s.term', '=', 't.term'))
    .select(['t.term', 't.weight', 's.df'])
    .select((eb) =>
      eb
        .selectFrom('report_term_stats')
        .select('df')
        .where('program_id', '=', report.program_id)
        .where('term', '=', INDEXED_REPORTS)
        .as('total'),
    )
    .where('t.report_id', '=', report.id)
    .execute();
  if (own.length === 0) return [];
  const frequencies = new Map(own.map((t) => [t.term, Number(t.df ?? 1)]));
  const total = Number(own[0]!.total ?? 0);
  // A term every report has weighs (almost) nothing; one in a handful weighs most.
  const idf = (term: string) => Math.max(0, Math.log((total + 1) / ((frequencies.get(term) ?? 1) + 0.5)));
  // Repetition counts, but less and less: the tenth "xss" says little more than the second.
  const tf = (weight: number) => 1 + Math.log(weight);
  // Probe with the rarest terms that some other report also has: a term only this report uses
  // (a typo, a random token) finds nothing and would crowd out the ones that do.
  const probe = own
    .filter((t) => (frequencies.get(t.term) ?? 1) > 1)
    .sort((a, b) => (frequencies.get(a.term) ?? 1) - (frequencies.get(b.term) ?? 1))
    .slice(0, PROBE_TERMS)
    .map((t) => t.term);
  if (probe.length === 0) return [];
  // Covering-index scan of the probe terms' postings only; later reports are dropped afterwards
  // rather than joined here, which would look up every posting's report. When later reports fill
  // a page of candidates (a burst of copies of a known bug), the next page is read, so the earlier
  // original is not crowded out.
  const candidateRows: Pick<ReportRow, 'id' | 'title' | 'state' | 'created_at' | 'asset_id' | 'cwe'>[] = [];
  for (let page = 0; page < CANDIDATE_PAGES; page++) {
    const candidates = await db
      .selectFrom('report_terms')
      .select(['report_id as id', (eb) => eb.fn.countAll<number>().as('shared')])
      .where('program_id', '=', report.program_id)
      .where('term', 'in', probe)
      .where('report_id', '!=', report.id)
      .groupBy('report_id')
      .orderBy('shared', 'desc')
      .orderBy('report_id')
      .limit(CANDIDATES)
      .offset(page * CANDIDATES)
      .execute();
    if (candidates.length === 0) break;
    const earlier = await db
      .selectFrom('reports')
      .select(['id', 'title', 'state', 'created_at', 'asset_id', 'cwe'])
      .where('id', 'in', candidates.map((c) => c.id))
      .where('created_at', '<=', report.created_at)
      .execute();
    candidateRows.push(...earlier);
    if (candidates.length < CANDIDATES || candidateRows.length >= CANDIDATES / 2) break;
  }
  if (candidateRows.length === 0) return [];
  const candidateTerms = await db
    .selectFrom('report_terms')
    .select(['report_id', 'term', 'weight'])
    .where('report_id', 'in', candidateRows.map((row) => row.id))
    .execute();
  const ownVector = new Map(own.map((t) => [t.term, tf(t.weight) * idf(t.term)]));
  const ownNorm = Math.hypot(...ownVector.values());
  const byReport = new Map<string, { term: string; weight: number }[]>();
  for (const row of candidateTerms) {
    const terms = byReport.get(row.report_id);
    if (terms) terms.push(row);
    else byReport.set(row.report_id, [row]);
  }

  const suggestions = candidateRows.map((row): DuplicateSuggestion => {
    let dot = 0;
    let norm = 0;
    const shared: { term: string; contribution: number }[] = [];
    for (const { term, weight } of byReport.get(row.id) ?? []) {
      const value = tf(weight) * idf(term);
      norm += value * value;
      const mine = ownVector.get(term);
      if (mine !== undefined) {
        dot += mine * value;
        shared.push({ term, contribution: mine * value });
      }
    }
    let score = ownNorm && norm ? dot / (ownNorm * Math.sqrt(norm)) : 0;
    const reasons: string[] = [];
    const topTerms = shared.sort((a, b) => b.contribution - a.contribution).slice(0, 5).map((s) => s.term);
    if (topTerms.length) reasons.push(`shared terms: ${topTerms.join(', ')}`);
    if (report.asset_id && row.asset_id === report.asset_id) {
      score += SAME_ASSET_BONUS;
      reasons.push('same asset');
    }
    if (report.cwe && row.cwe === report.cwe) {
      score += SAME_CWE_BONUS;
      reasons.push(`same weakness (CWE-${report.cwe})`);
    }
    return { id: row.id, title: row.title, state: row.state, createdAt: row.created_at, score: Math.min(1, Math.round(score * 1000) / 1000), reasons };
  });
  return suggestions.sort((a, b) => b.score - a.score || a.createdAt.localeCompare(b.createdAt)).slice(0, limit);
}

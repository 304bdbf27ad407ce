import { CvssCalculator } from './CvssCalculator';

/** The version family of a vector ("3" or "4"), or null while it names none. */
const family = (vector: string) => /^CVSS:([34])\./.exec(vector.trim())?.[1] ?? null;

/** What is sent: the vectors with content (a version prefix alone is no vector). */
export function filledVectors(vectors: readonly string[]): string[] {
  return vectors.map((v) => v.trim()).filter((v) => v && !/^CVSS:[\d.]+\/?$/.test(v));
}

/**
 * A report's severity as up to two CVSS vectors, one per version (3.1 and 4.0), each with its
 * calculator: a report may carry both, and the 4.0 score leads. The second is offered for the
 * version the first is not.
 */
export function CvssVectorsField({ vectors, onChange, error }: { vectors: string[]; onChange: (vectors: string[]) => void; error?: string | undefined }) {
  const [first = '', second] = vectors;
  const otherVersion = family(first) === '4' ? '3.1' : '4.0';
  const set = (index: number, vector: string) => onChange(index === 0 ? [vector, ...(second === undefined ? [] : [second])] : [first, vector]);
  return (
    <>
      <CvssCalculator value={first} onChange={(vector) => set(0, vector)} error={error} legend={second === undefined ? 'Severity (CVSS)' : 'Severity (CVSS), first vector'} />
      {second === undefined ? (
        <div className="button-row">
          <button type="button" className="button small" onClick={() => onChange([first, `CVSS:${otherVersion}/`])}>
            Add a CVSS {otherVersion} vector too
          </button>
        </div>
      ) : (
        <>
          <CvssCalculator value={second} onChange={(vector) => set(1, vector)} legend="Severity (CVSS), second vector (the other version)" />
          <div className="button-row">
            <button type="button" className="button small" onClick={() => onChange([first])}>
              Remove the second vector
            </button>
          </div>
        </>
      )}
    </>
  );
}

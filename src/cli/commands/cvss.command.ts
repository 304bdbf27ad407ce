import type { Command } from 'commander';
import { scoreVector } from '../../domain/cvss/cvss.js';
import { AppError } from '../../shared/errors.js';
import { CliFailure } from '../failure.js';
import type { CliIO } from '../io.js';

export type CvssLine = { vector: string; version: string; score: number; severity: string } | { vector: string; error: string };

/** Scores each vector: one line per vector, in order; an invalid vector gets an error line naming the bad metric. */
export function scoreLines(vectors: string[]): CvssLine[] {
  return vectors.map((vector) => {
    try {
      const result = scoreVector(vector);
      return { vector: result.vector, version: result.version, score: result.score, severity: result.severity };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return { vector, error: error.message };
    }
  });
}

export function registerCvssCommand(program: Command, io: CliIO): void {
  program
    .command('cvss')
    .argument('[vector...]', 'CVSS 3.1 or 4.0 vectors (3.0 is read too); without any, one per line from standard input')
    .description('score CVSS vectors: one JSON line each, {"vector","version","score","severity"} or {"vector","error"}; exit 1 if any is invalid')
    .action(async (args: string[]) => {
      const vectors = args.length ? args : (await io.readStdin()).split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
      if (!vectors.length) throw new CliFailure('no vectors: give them as arguments or one per line on standard input', 2);
      const lines = scoreLines(vectors);
      for (const line of lines) io.out(JSON.stringify(line));
      if (lines.some((line) => 'error' in line)) throw new CliFailure('', 1);
    });
}

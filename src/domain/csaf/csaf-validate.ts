import type { DocumentTest, default as validateStrictType } from '@secvisogram/csaf-validator-lib/validateStrict.js';
import { AppError, type ErrorDetail } from '../../shared/errors.js';

/**
 * CSAF 2.0 conformance as BSI's validator (@secvisogram/csaf-validator-lib) judges it: the strict
 * JSON schema and every mandatory test (CSAF 2.0 section 6.1). Optional and informative tests are
 * advice, not validity, and are left out. validateStrict runs only the library's own tests.
 *
 * The library compiles its schemas when it is loaded, which takes seconds of CPU: it is loaded on
 * first use, not at start, so the server and every CLI command start fast.
 */
let validator: Promise<(document: unknown) => ReturnType<typeof validateStrictType>> | undefined;

function loadValidator() {
  validator ??= (async () => {
    const [{ default: validateStrict }, mandatory, { csaf_2_0_strict }] = await Promise.all([
      import('@secvisogram/csaf-validator-lib/validateStrict.js'),
      import('@secvisogram/csaf-validator-lib/mandatoryTests.js'),
      import('@secvisogram/csaf-validator-lib/schemaTests.js'),
    ]);
    // The namespace object of the mandatory tests: every exported function is one test.
    const tests = [csaf_2_0_strict, ...Object.values(mandatory as Record<string, unknown>).filter((test): test is DocumentTest => typeof test === 'function')];
    return (document: unknown) => validateStrict(tests, document);
  })();
  return validator;
}

export interface CsafProblem {
  test: string;
  instancePath: string;
  message: string;
}

export async function csafProblems(document: unknown): Promise<CsafProblem[]> {
  const result = await (await loadValidator())(document);
  return result.tests.flatMap((test) => test.errors.map((e) => ({ test: test.name, instancePath: e.instancePath, message: e.message })));
}

/** Throws `csaf_invalid` (422) naming each failed test and where, so a published document is never invalid. */
export async function assertValidCsaf(document: unknown): Promise<void> {
  const problems = await csafProblems(document);
  if (problems.length === 0) return;
  const details: ErrorDetail[] = problems.slice(0, 20).map((p) => ({ field: `/csaf${p.instancePath}`, message: `${p.test}: ${p.message}` }));
  const shown = problems.slice(0, 3).map((p) => `${p.test} at ${p.instancePath || '/'}: ${p.message}`).join('; ');
  throw new AppError('csaf_invalid', `The advisory's CSAF document would not be valid CSAF 2.0: ${shown}${problems.length > 3 ? `; and ${problems.length - 3} more` : ''}`, details);
}
